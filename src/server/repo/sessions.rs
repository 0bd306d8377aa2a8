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
