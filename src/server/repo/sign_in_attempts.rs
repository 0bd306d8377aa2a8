//! Sign-in attempts the throttle counts (see the migration for the rule).

use sqlx::AnyExecutor;

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    subject: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO sign_in_attempts (id, subject, created_at) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(subject)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// The times of `subject`'s attempts since `since`, newest first, at most `limit`.
pub async fn recent<'e>(
    db: impl AnyExecutor<'e>,
    subject: &str,
    since: i64,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT created_at FROM sign_in_attempts WHERE subject = $1 AND created_at > $2 \
         ORDER BY created_at DESC LIMIT $3",
    )
    .bind(subject)
    .bind(since)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Forgets one attempt (it succeeded, or it was refused before being tried).
pub async fn delete<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sign_in_attempts WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Forgets attempts too old to count.
pub async fn prune<'e>(db: impl AnyExecutor<'e>, before: i64) -> sqlx::Result<u64> {
    Ok(
        sqlx::query("DELETE FROM sign_in_attempts WHERE created_at <= $1")
            .bind(before)
            .execute(db)
            .await?
            .rows_affected(),
    )
}
