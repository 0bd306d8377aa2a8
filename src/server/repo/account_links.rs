//! The one-use links of an account (see the migration `0019_account_links`). Only the
//! hash of a link's secret is stored; a link is live while unused and unexpired.

use crate::domain::account_links::LinkPurpose;
use sqlx::AnyExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub user_id: String,
    pub email: String,
}

/// Which of the live links to end, by the address they were sent to.
#[derive(Clone, Copy)]
pub enum SentTo<'a> {
    Anywhere,
    This(&'a str),
    AnyBut(&'a str),
}

/// Ends the user's live links of `purpose` sent where `sent_to` says.
pub async fn end_live<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    purpose: LinkPurpose,
    sent_to: SentTo<'_>,
    now: i64,
) -> sqlx::Result<()> {
    let (condition, email) = match sent_to {
        SentTo::Anywhere => ("$4 = $4", ""),
        SentTo::This(email) => ("email = $4", email),
        SentTo::AnyBut(email) => ("email <> $4", email),
    };
    sqlx::query(&format!(
        "UPDATE account_links SET expires_at = $1 WHERE user_id = $2 AND purpose = $3 \
         AND used_at IS NULL AND expires_at > $1 AND {condition}"
    ))
    .bind(now)
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(email)
    .execute(db)
    .await?;
    Ok(())
}

/// Records a new link of `purpose` sent to `email`, ending the live ones it replaces:
/// every live reset link; for a verification link, those for the same kind of address (the
/// current one, or any new one: asking to change to another address again ends the earlier
/// request, but not the current address's confirmation).
pub async fn replace(
    conn: &mut sqlx::AnyConnection,
    token_hash: &str,
    user_id: &str,
    purpose: LinkPurpose,
    email: &str,
    current_email: &str,
    now: i64,
) -> sqlx::Result<()> {
    let replaced = match (purpose, email == current_email) {
        (LinkPurpose::ResetPassword, _) => SentTo::Anywhere,
        (LinkPurpose::VerifyEmail, true) => SentTo::This(current_email),
        (LinkPurpose::VerifyEmail, false) => SentTo::AnyBut(current_email),
    };
    end_live(&mut *conn, user_id, purpose, replaced, now).await?;
    sqlx::query(
        "INSERT INTO account_links (token_hash, user_id, purpose, email, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(email)
    .bind(now)
    .bind(now + purpose.valid_for_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// When the user's links of `purpose` sent since `since` were made (the send throttle).
pub async fn sent_since<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    purpose: LinkPurpose,
    since: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT created_at FROM account_links \
         WHERE user_id = $1 AND purpose = $2 AND created_at > $3",
    )
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(since)
    .fetch_all(db)
    .await
}

/// The live link with this hash and purpose.
pub async fn find_live<'e>(
    db: impl AnyExecutor<'e>,
    token_hash: &str,
    purpose: LinkPurpose,
    now: i64,
) -> sqlx::Result<Option<LinkRow>> {
    sqlx::query_as(
        "SELECT user_id, email FROM account_links \
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(token_hash)
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Uses the live link with this hash and purpose: `None` when there is none (unknown,
/// expired, replaced or already used). One statement, so of two requests racing with one
/// link exactly one wins, and a transaction that starts with it writes first (SQLite).
pub async fn use_live(
    conn: &mut sqlx::AnyConnection,
    token_hash: &str,
    purpose: LinkPurpose,
    now: i64,
) -> sqlx::Result<Option<LinkRow>> {
    sqlx::query_as(
        "UPDATE account_links SET used_at = $1 \
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
         RETURNING user_id, email",
    )
    .bind(now)
    .bind(token_hash)
    .bind(purpose.as_str())
    .fetch_optional(conn)
    .await
}

/// The address the user asked to change to, while its link is live.
pub async fn pending_new_email<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    current_email: &str,
    now: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT email FROM account_links \
         WHERE user_id = $1 AND purpose = 'verify_email' AND used_at IS NULL AND expires_at > $2 \
         AND email <> $3 ORDER BY created_at DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(now)
    .bind(current_email)
    .fetch_optional(db)
    .await
}

/// Forgets links that ended before `before` (kept a while for the send throttle).
pub async fn prune<'e>(db: impl AnyExecutor<'e>, before: i64) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("DELETE FROM account_links WHERE expires_at < $1")
            .bind(before)
            .execute(db)
            .await?
            .rows_affected(),
    )
}
