//! Passwords: forgotten (a reset link by email), reset through the link, and changed by
//! the signed-in person. A new password ends the account's other sessions (a reset ends
//! all of them) and any pending change of its address.

use super::account_links::{dead_link, live, send};
use crate::domain::account_links::{LinkPurpose, ResetLanding};
use crate::domain::{Error, validation};
use crate::server::error::OrInternal;
use crate::server::ids::secret_hash;
use crate::server::password;
use crate::server::repo::account_links::{self, SentTo};
use crate::server::repo::users::UserRow;
use crate::server::repo::{sessions, users};
use crate::server::services::{Ports, accounts};

/// Sends a reset link to `email` if it is an account's address. The caller answers the
/// same whatever this finds (and runs it after answering, so the time taken tells nothing
/// either); a refusal (too many links this hour) is only logged.
pub async fn send_reset_link(ports: &Ports<'_>, email: &str) {
    let sent = async {
        let Some(user) = users::find_by_email(&ports.db.pool, email)
            .await
            .or_internal("looking up a reset address")?
        else {
            return Ok(());
        };
        send(ports, &user, LinkPurpose::ResetPassword, &user.email).await
    };
    if let Err(e) = sent.await {
        tracing::warn!(error = %e, "no password reset link was sent");
    }
}

/// What a reset link's page shows, without using the link: "not found" when it is dead.
pub async fn landing(ports: &Ports<'_>, token: &str) -> Result<ResetLanding, Error> {
    let link = live(ports, token, LinkPurpose::ResetPassword).await?;
    Ok(ResetLanding { email: link.email })
}

/// Sets a new password through a reset link and ends every session of the account, and
/// any request to change its address. The link also proves the address it was sent to,
/// which must still be the account's. Returns the account's id.
pub async fn reset(ports: &Ports<'_>, token: &str, new_password: String) -> Result<String, Error> {
    validation::new_password("password", &new_password)?;
    // A dead link costs no password hash (hashing is what a flood would aim at).
    live(ports, token, LinkPurpose::ResetPassword)
        .await
        .map_err(|_| dead_link())?;
    let hash = password::hash(new_password).await?;
    let now = ports.db.now();
    let mut tx = ports
        .db
        .pool
        .begin()
        .await
        .or_internal("starting a password reset")?;
    let link = account_links::use_live(
        &mut tx,
        &secret_hash(token),
        LinkPurpose::ResetPassword,
        now,
    )
    .await
    .or_internal("using a reset link")?
    .ok_or_else(dead_link)?;
    let user = users::find_by_id(&mut *tx, &link.user_id)
        .await
        .or_internal("loading the account of a reset link")?
        .filter(|user| user.email == link.email)
        .ok_or_else(dead_link)?;
    if user.email_verified_at.is_none() {
        users::set_verified_email(&mut *tx, &user.id, &user.email, now)
            .await
            .or_internal("recording a verified email")?;
    }
    store_new_password(&mut tx, &user, &hash, None, now).await?;
    tx.commit()
        .await
        .or_internal("committing a password reset")?;
    Ok(user.id)
}

/// What the change-password form sends.
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the signed-in person's password (the current one checked, throttled as a
/// sign-in), ends their other sessions (all but the one whose id hashes to `keep`) and
/// any reset link still live.
pub async fn change(
    ports: &Ports<'_>,
    user: &UserRow,
    input: PasswordChange,
    keep: Option<&str>,
    client: &str,
) -> Result<(), Error> {
    let new_ok = validation::new_password("new_password", &input.new_password);
    let current_given = if input.current_password.is_empty() {
        Err(Error::invalid(
            "current_password",
            "Enter your current password.",
        ))
    } else {
        Ok(())
    };
    Error::all_valid([current_given.as_ref().err(), new_ok.as_ref().err()])?;
    accounts::check_current_password(
        ports.db,
        user,
        input.current_password,
        "current_password",
        client,
    )
    .await?;
    let hash = password::hash(input.new_password).await?;
    let now = ports.db.now();
    let mut tx = ports
        .db
        .pool
        .begin()
        .await
        .or_internal("starting a password change")?;
    store_new_password(&mut tx, user, &hash, keep, now).await?;
    tx.commit()
        .await
        .or_internal("committing a password change")?;
    Ok(())
}

/// Stores a new password hash and ends what the old password may have opened: every
/// session but the one whose id hashes to `keep`, live reset links, and requests to change
/// the address (whoever asked for them may have had only the old password).
async fn store_new_password(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user: &UserRow,
    hash: &str,
    keep: Option<&str>,
    now: i64,
) -> Result<(), Error> {
    users::set_password_hash(&mut **tx, &user.id, hash)
        .await
        .or_internal("storing a new password")?;
    account_links::end_live(
        &mut **tx,
        &user.id,
        LinkPurpose::ResetPassword,
        SentTo::Anywhere,
        now,
    )
    .await
    .or_internal("ending reset links")?;
    let changes = SentTo::AnyBut(&user.email);
    account_links::end_live(&mut **tx, &user.id, LinkPurpose::VerifyEmail, changes, now)
        .await
        .or_internal("ending address changes")?;
    sessions::end_for_user(&mut **tx, &user.id, keep)
        .await
        .or_internal("ending sessions")?;
    Ok(())
}
