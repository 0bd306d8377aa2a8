//! Sign up, sign in, sign out, and where to go.

use crate::domain::Error;
use crate::domain::shell::CurrentUser;
use leptos::prelude::*;

/// Creates an account with its default organization and workspace, signs in, and
/// goes to the new workspace.
#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(name: String, email: String, password: String) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::auth;
    use crate::server::services::{accounts, email_verification};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let input = accounts::SignUp {
            name,
            email,
            password,
        };
        let account = accounts::sign_up(&state.db, input).await?;
        email_verification::send_after_sign_up(&state.ports(), &account.user_id).await;
        auth::start_session(&session, &account.user_id, state.db.now()).await?;
        leptos_axum::redirect(&paths::workspace_home(
            &account.org_id,
            &account.workspace_id,
        ));
        Ok(())
    };
    ctx::respond(run.await)
}

/// Signs in and goes to `next` (a path of this site, e.g. an invitation), else where
/// the user was last.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::auth;
    use crate::server::services::{accounts, joining, shell};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user =
            accounts::sign_in(&state.db, &email, password, &ctx::client_address().await).await?;
        auth::start_session(&session, &user.id, state.db.now()).await?;
        // A domain that takes people automatically joins them now; invitations and offers
        // waiting for the person's confirmed address are shown first.
        let to = match next.as_deref().and_then(paths::local) {
            Some(next) => {
                joining::join_automatically(&state.ports(), &user).await;
                next.to_owned()
            }
            None => {
                let usual = shell::landing_path(&state.db, &user)
                    .await?
                    .unwrap_or_else(|| paths::WELCOME.to_owned());
                joining::next_page(&state.ports(), &user, usual).await?
            }
        };
        leptos_axum::redirect(&to);
        Ok(())
    };
    ctx::respond(run.await)
}

/// Ends the session and goes to the sign-in page, or to `next` (a path of this site).
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out(next: Option<String>) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::auth;
    let run = async {
        auth::end_session(&ctx::session().await?).await?;
        leptos_axum::redirect(
            next.as_deref()
                .and_then(paths::local)
                .unwrap_or(paths::SIGN_IN),
        );
        Ok(())
    };
    ctx::respond(run.await)
}

/// The signed-in user, or `None`.
#[server(prefix = "/api", endpoint = "current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, Error> {
    use crate::server::auth;
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        match auth::require_user(&state, &session).await {
            Ok(u) => Ok(Some(CurrentUser {
                id: u.id,
                name: u.name,
                email: u.email,
                email_verified: u.email_verified_at.is_some(),
            })),
            Err(Error::Unauthenticated) => Ok(None),
            Err(e) => Err(e),
        }
    };
    ctx::respond(run.await)
}

/// Where `/` leads: the sign-in page, the last used workspace, or the welcome page.
#[server(prefix = "/api", endpoint = "landing")]
pub async fn landing() -> Result<String, Error> {
    use crate::domain::paths;
    use crate::server::{auth, services::shell};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = match auth::require_user(&state, &session).await {
            Ok(user) => user,
            Err(Error::Unauthenticated) => return Ok(paths::SIGN_IN.to_owned()),
            Err(e) => return Err(e),
        };
        Ok(shell::landing_path(&state.db, &user)
            .await?
            .unwrap_or_else(|| paths::WELCOME.to_owned()))
    };
    ctx::respond(run.await)
}

#[cfg(feature = "ssr")]
use super::ctx;
