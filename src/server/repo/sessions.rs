//! Ending an account's sessions (the session store itself is `server::http::session`).

use sqlx::AnyExecutor;

/// Deletes every session of the user but the one whose id hashes to `keep`.
pub async fn end_for_user<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    keep: Option<&str>,
) -> sqlx::Result<u64> {
    let query = match keep {
        Some(keep) => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(keep),
        None => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id),
    };
    Ok(query.execute(db).await?.rows_affected())
}

/// A live session of a user, as Account -> Sessions lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub public_id: Option<String>,
    pub id_hash: String,
    pub started_at: Option<i64>,
    pub seen_at: Option<i64>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub expires_at: i64,
}

/// The most sessions listed; a person has few (each sign-in is one).
pub const MAX_LISTED: i64 = 200;

/// The user's sessions that have not expired, last seen first.
pub async fn live_for_user<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    now: i64,
) -> sqlx::Result<Vec<SessionRow>> {
    sqlx::query_as(
        "SELECT public_id, id_hash, started_at, seen_at, client_ip, user_agent, expires_at \
         FROM sessions WHERE user_id = $1 AND expires_at > $2 \
         ORDER BY seen_at DESC, started_at DESC LIMIT $3",
    )
    .bind(user_id)
    .bind(now)
    .bind(MAX_LISTED)
    .fetch_all(db)
    .await
}

/// Ends one of the user's sessions, named by its public id. `false`: no such session of
/// theirs.
pub async fn end_one<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    public_id: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND public_id = $2")
        .bind(user_id)
        .bind(public_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}
