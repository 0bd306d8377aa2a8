//! Sending an account its one-use links (see `domain::account_links`): the shared part of
//! email verification and password reset.

use crate::domain::Error;
use crate::domain::account_links::{HOUR_MS, LinkPurpose, is_token, retry_after_secs};
use crate::domain::format::format_timestamp;
use crate::server::email::AccountLinkMail;
use crate::server::error::{OrInternal, internal};
use crate::server::ids::{new_secret, secret_hash};
use crate::server::repo::users::UserRow;
use crate::server::repo::{account_links, users};
use crate::server::services::Ports;

/// Where a link of `purpose` with this secret leads.
fn url(ports: &Ports<'_>, purpose: LinkPurpose, token: &str) -> String {
    let path = match purpose {
        LinkPurpose::VerifyEmail => crate::domain::paths::verify_email(token),
        LinkPurpose::ResetPassword => crate::domain::paths::reset_password(token),
    };
    format!("{}{path}", ports.config.public_url)
}

/// Makes a new link of `purpose` for `user`, sent to `to` (their address, or the one they
/// change to), ending the live ones of the same purpose. At most
/// `SENDS_PER_HOUR` an hour: past that, `TooManyAttempts` and nothing is sent.
pub async fn send(
    ports: &Ports<'_>,
    user: &UserRow,
    purpose: LinkPurpose,
    to: &str,
) -> Result<(), Error> {
    let now = ports.db.now();
    let (token, hash) = new_secret();
    let mut tx = ports
        .db
        .pool
        .begin()
        .await
        .or_internal("starting to send an account link")?;
    users::lock(&mut *tx, &user.id)
        .await
        .or_internal("locking the account")?;
    let sent = account_links::sent_since(&mut *tx, &user.id, purpose, now - HOUR_MS)
        .await
        .or_internal("counting account links sent")?;
    if let Some(retry_after_secs) = retry_after_secs(&sent, now) {
        return Err(Error::TooManyAttempts { retry_after_secs });
    }
    account_links::replace(&mut tx, &hash, &user.id, purpose, to, &user.email, now)
        .await
        .or_internal("recording an account link")?;
    tx.commit()
        .await
        .or_internal("committing an account link")?;
    let link = url(ports, purpose, &token);
    let expires = format_timestamp(now + purpose.valid_for_ms());
    ports
        .mailer
        .send_account_link(AccountLinkMail {
            purpose,
            to,
            name: &user.name,
            link: &link,
            expires: &expires,
            new_address: to != user.email,
        })
        .map_err(|e| internal("sending an account link", e))
}

/// The live link of `purpose` with this secret, read only (a link's page): "not found"
/// when it is malformed, unknown, expired, replaced or used.
pub async fn live(
    ports: &Ports<'_>,
    token: &str,
    purpose: LinkPurpose,
) -> Result<account_links::LinkRow, Error> {
    if !is_token(token) {
        return Err(Error::NotFound);
    }
    account_links::find_live(&ports.db.pool, &secret_hash(token), purpose, ports.db.now())
        .await
        .or_internal("reading an account link")?
        .ok_or(Error::NotFound)
}

/// The answer to a link that is unknown, expired, replaced or used.
pub fn dead_link() -> Error {
    Error::conflict(
        "token",
        "This link has expired or was already used. Ask for a new one.",
    )
}
