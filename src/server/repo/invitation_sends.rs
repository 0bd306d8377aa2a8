//! Invitation emails sent, for the caps (see the migration).

use sqlx::AnyExecutor;

pub async fn record<'e>(
    db: impl AnyExecutor<'e>,
    invitation_id: &str,
    org_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO invitation_sends (invitation_id, org_id, sent_at) VALUES ($1, $2, $3)",
    )
    .bind(invitation_id)
    .bind(org_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Emails the organization sent after `since`.
pub async fn count_for_org_since<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    since: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM invitation_sends WHERE org_id = $1 AND sent_at > $2")
        .bind(org_id)
        .bind(since)
        .fetch_one(db)
        .await
}

/// Emails sent for one invitation, the first included.
pub async fn count_for_invitation<'e>(
    db: impl AnyExecutor<'e>,
    invitation_id: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM invitation_sends WHERE invitation_id = $1")
        .bind(invitation_id)
        .fetch_one(db)
        .await
}
