//! Proving an email address: the link sent at sign-up (and again on request), and changing
//! the address, which takes effect when the link sent to the new one is opened.

use super::account_links::{dead_link, live, send};
use crate::domain::account_links::{LinkPurpose, Verified, VerifyLanding, is_token};
use crate::domain::{Error, validation};
use crate::server::db::is_unique_violation;
use crate::server::error::{OrInternal, internal};
use crate::server::ids::secret_hash;
use crate::server::repo::account_links::{self, SentTo};
use crate::server::repo::users;
use crate::server::repo::users::UserRow;
use crate::server::services::{Ports, accounts};

/// Sends the new account its verification link. Sign-up has succeeded whatever happens
/// here: a failure is logged, and the banner's "Resend" is there.
pub async fn send_after_sign_up(ports: &Ports<'_>, user_id: &str) {
    let sent = async {
        let user = users::find_by_id(&ports.db.pool, user_id)
            .await
            .or_internal("loading a new account")?
            .ok_or(Error::NotFound)?;
        send(ports, &user, LinkPurpose::VerifyEmail, &user.email).await
    };
    if let Err(e) = sent.await {
        tracing::warn!(error = %e, "could not send a new account its verification link");
    }
}

/// Sends the link for the account's own address again (the banner's "Resend").
pub async fn resend(ports: &Ports<'_>, user: &UserRow) -> Result<(), Error> {
    if user.email_verified_at.is_some() {
        return Err(Error::conflict(
            "email",
            "Your email address is already confirmed.",
        ));
    }
    send(ports, user, LinkPurpose::VerifyEmail, &user.email).await
}

/// Asks to change the account's address to `new_email`: checks the password (throttled as
/// a sign-in) and sends the new address its link. Nothing changes until it is opened.
pub async fn request_change(
    ports: &Ports<'_>,
    user: &UserRow,
    password: String,
    new_email: &str,
    client: &str,
) -> Result<(), Error> {
    let email = validation::email("email", new_email)?;
    if email == user.email {
        return Err(Error::invalid(
            "email",
            "This is already your email address.",
        ));
    }
    accounts::check_current_password(ports.db, user, password, "password", client).await?;
    send(ports, user, LinkPurpose::VerifyEmail, &email).await
}

/// What a verification link's page shows, read only: "not found" for a dead link.
pub async fn landing(ports: &Ports<'_>, token: &str) -> Result<VerifyLanding, Error> {
    let link = live(ports, token, LinkPurpose::VerifyEmail).await?;
    let user = users::find_by_id(&ports.db.pool, &link.user_id)
        .await
        .or_internal("loading the account of a verification link")?
        .ok_or(Error::NotFound)?;
    Ok(VerifyLanding {
        new_address: link.email != user.email,
        email: link.email,
    })
}

/// Opens a verification link: the address it was sent to becomes the account's proven
/// address (changing it, when it was sent to a new one). Whoever opens it, signed in or
/// not: having the link is the proof. Returns whose account it was and what changed.
pub async fn verify(ports: &Ports<'_>, token: &str) -> Result<(String, Verified), Error> {
    if !is_token(token) {
        return Err(dead_link());
    }
    let now = ports.db.now();
    let mut tx = ports
        .db
        .pool
        .begin()
        .await
        .or_internal("starting to verify an email")?;
    let link = account_links::use_live(&mut tx, &secret_hash(token), LinkPurpose::VerifyEmail, now)
        .await
        .or_internal("using a verification link")?
        .ok_or_else(dead_link)?;
    let user = users::find_by_id(&mut *tx, &link.user_id)
        .await
        .or_internal("loading the account of a verification link")?
        .ok_or_else(dead_link)?;
    let verified = if link.email == user.email {
        Verified::Address
    } else {
        Verified::NewAddress
    };
    let taken = || {
        Error::conflict(
            "email",
            format!(
                "Another account now uses {}. Choose another address.",
                link.email
            ),
        )
    };
    match users::set_verified_email(&mut *tx, &user.id, &link.email, now).await {
        Err(e) if is_unique_violation(&e) => return Err(taken()),
        other => other.or_internal("recording a verified email")?,
    }
    // A new address ends every other link: the old address's confirmation, other
    // requested changes, and reset links sent to the old address. Confirming the current
    // address leaves a requested change pending.
    if verified == Verified::NewAddress {
        for purpose in [LinkPurpose::VerifyEmail, LinkPurpose::ResetPassword] {
            account_links::end_live(&mut *tx, &user.id, purpose, SentTo::Anywhere, now)
                .await
                .or_internal("ending the old address's links")?;
        }
    }
    match tx.commit().await {
        Err(e) if is_unique_violation(&e) => Err(taken()),
        Err(e) => Err(internal("committing a verified email", e)),
        Ok(()) => Ok((user.id, verified)),
    }
}
