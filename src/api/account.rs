//! One's own account: confirming the email address, changing it, and the password
//! (changed, forgotten, reset). Every form works without JavaScript: each success ends in
//! a redirect to a page that says what happened.

use crate::domain::Error;
use crate::domain::account_links::{AccountView, ResetLanding, VerifyLanding};
use leptos::prelude::*;

/// The signed-in person's account page.
#[server(prefix = "/api", endpoint = "account")]
pub async fn get_account() -> Result<AccountView, Error> {
    use crate::server::{auth, services::accounts};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        accounts::view(&state.db, &user).await
    };
    ctx::respond(run.await)
}

/// Sends the link that confirms the account's address again.
#[server(prefix = "/api", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::{auth, services::email_verification};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        email_verification::resend(&state.ports(), &user).await?;
        leptos_axum::redirect(&paths::with_param(paths::ACCOUNT, "sent=verification"));
        Ok(())
    };
    ctx::respond(run.await)
}

/// What a verification link's page shows; "not found" for a dead link. Reads only.
#[server(prefix = "/api", endpoint = "verify_email_landing")]
pub async fn get_verify_email_landing(token: String) -> Result<VerifyLanding, Error> {
    use crate::server::services::email_verification;
    let run = async { email_verification::landing(&ctx::state()?.ports(), &token).await };
    ctx::respond(run.await)
}

/// Opens a verification link (a button on its page: a link alone is never used up by
/// merely being fetched, as mail scanners do).
#[server(prefix = "/api", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::auth;
    use crate::server::services::{email_verification, joining};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let (user_id, _) = email_verification::verify(&state.ports(), &token).await?;
        let signed_in = match auth::require_user(&state, &session).await {
            Ok(user) if user.id == user_id => Some(user),
            _ => None,
        };
        // A domain that takes people automatically joins them now (else at their next
        // sign-in); invitations and offers for the address just confirmed are shown at once.
        let to = match signed_in {
            None => paths::SIGN_IN.to_owned(),
            // Read after the confirmation: the address is confirmed in `user`.
            Some(user) => {
                joining::next_page(&state.ports(), &user, paths::ACCOUNT.to_owned()).await?
            }
        };
        let to = paths::with_param(&to, "verified=1");
        leptos_axum::redirect(&to);
        Ok(())
    };
    ctx::respond(run.await)
}

/// Asks to change the account's address; the new one gets a link to confirm it.
#[server(prefix = "/api", endpoint = "change_email")]
pub async fn change_email(email: String, password: String) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::{auth, services::email_verification};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        let client = ctx::client_address().await;
        email_verification::request_change(&state.ports(), &user, password, &email, &client)
            .await?;
        leptos_axum::redirect(&paths::with_param(paths::ACCOUNT, "sent=change"));
        Ok(())
    };
    ctx::respond(run.await)
}

/// Changes the password and ends the account's other sessions.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::services::passwords::{self, PasswordChange};
    use crate::server::{auth, session::id_hash};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        let keep = session.id().map(|id| id_hash(&id));
        let input = PasswordChange {
            current_password,
            new_password,
        };
        let client = ctx::client_address().await;
        passwords::change(&state.ports(), &user, input, keep.as_deref(), &client).await?;
        leptos_axum::redirect(&paths::with_param(paths::ACCOUNT, "changed=password"));
        Ok(())
    };
    ctx::respond(run.await)
}

/// Sends a reset link if `email` is an account's address. The answer is the same, and as
/// quick, whether or not it is: the lookup and the email happen after it.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), Error> {
    use crate::domain::{paths, validation};
    use crate::server::services::passwords;
    let run = async {
        let state = ctx::state()?;
        let email = validation::email("email", &email)?;
        tokio::spawn(async move { passwords::send_reset_link(&state.ports(), &email).await });
        leptos_axum::redirect(&paths::with_param(paths::FORGOT_PASSWORD, "sent=1"));
        Ok(())
    };
    ctx::respond(run.await)
}

/// What a reset link's page shows; "not found" for a dead link. Reads only.
#[server(prefix = "/api", endpoint = "password_reset_landing")]
pub async fn get_password_reset_landing(token: String) -> Result<ResetLanding, Error> {
    use crate::server::services::passwords;
    let run = async { passwords::landing(&ctx::state()?.ports(), &token).await };
    ctx::respond(run.await)
}

/// Sets a new password through a reset link, ends every session of the account, and
/// signs this browser in afresh.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::{auth, services::passwords};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user_id = passwords::reset(&state.ports(), &token, password).await?;
        auth::start_session(&session, &user_id, state.db.now()).await?;
        leptos_axum::redirect(&paths::with_param(paths::ACCOUNT, "changed=reset"));
        Ok(())
    };
    ctx::respond(run.await)
}

#[cfg(feature = "ssr")]
use super::ctx;
