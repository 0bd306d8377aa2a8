use sqlx::AnyExecutor;

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    org_id: &str,
    invitation_id: Option<&str>,
    to_email: &str,
    subject: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO outbox (id, org_id, invitation_id, to_email, subject, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(org_id)
    .bind(invitation_id)
    .bind(to_email)
    .bind(subject)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Records the outcome of an SMTP delivery.
pub async fn mark_sent<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    now: i64,
    error: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE outbox SET sent_at = $1, error = $2 WHERE id = $3")
        .bind(now)
        .bind(error)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: String,
    pub to_email: String,
    pub subject: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub error: Option<String>,
}

/// The organization's latest emails.
pub async fn latest<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    limit: i64,
) -> sqlx::Result<Vec<OutboxRow>> {
    sqlx::query_as(
        "SELECT id, to_email, subject, created_at, sent_at, error FROM outbox WHERE org_id = $1 \
         ORDER BY created_at DESC, id LIMIT $2",
    )
    .bind(org_id)
    .bind(limit)
    .fetch_all(db)
    .await
}
