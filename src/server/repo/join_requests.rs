//! Requests to join an organization through a verified domain (`join_requests`), and the
//! offers people turned down (`join_offers_dismissed`).

use sqlx::AnyExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JoinRequestRow {
    pub id: String,
    pub org_id: String,
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub created_at: i64,
}

/// The open request of `user_id` to join `org_id`, if any.
pub async fn open_for_user<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT id FROM join_requests WHERE org_id = $1 AND user_id = $2 AND decided_at IS NULL",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    org_id: &str,
    user_id: &str,
    email: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO join_requests (id, org_id, user_id, email, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(org_id)
    .bind(user_id)
    .bind(email)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// With the person's name and the address their account has now.
const SELECT: &str = "SELECT r.id, r.org_id, r.user_id, u.email, u.name, r.created_at \
                      FROM join_requests r JOIN users u ON u.id = r.user_id";

/// The organization's open requests, oldest first.
pub async fn open_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    limit: i64,
) -> sqlx::Result<Vec<JoinRequestRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE r.org_id = $1 AND r.decided_at IS NULL \
         ORDER BY r.created_at, r.id LIMIT $2"
    ))
    .bind(org_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn count_open<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM join_requests WHERE org_id = $1 AND decided_at IS NULL",
    )
    .bind(org_id)
    .fetch_one(db)
    .await
}

/// One open request of the organization.
pub async fn find_open<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    id: &str,
) -> sqlx::Result<Option<JoinRequestRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE r.org_id = $1 AND r.id = $2 AND r.decided_at IS NULL"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Closes the person's open request, if any, with `outcome` ('approved', 'declined',
/// 'joined' when they joined another way, 'withdrawn' when it no longer holds).
pub async fn close<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
    outcome: &str,
    decided_by: Option<&str>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE join_requests SET decided_at = $4, outcome = $3, decided_by = $5 \
         WHERE org_id = $1 AND user_id = $2 AND decided_at IS NULL",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(outcome)
    .bind(now)
    .bind(decided_by)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stops offering `org_id` to `user_id` through their domain ("Not now", or they left or
/// were removed: an automatic join must not bring them back).
pub async fn dismiss<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    org_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO join_offers_dismissed (user_id, org_id, dismissed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, org_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(org_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Whether the organization has a request `id`, answered or not.
pub async fn exists<'e>(db: impl AnyExecutor<'e>, org_id: &str, id: &str) -> sqlx::Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM join_requests WHERE org_id = $1 AND id = $2")
            .bind(org_id)
            .bind(id)
            .fetch_one(db)
            .await?;
    Ok(n > 0)
}

/// Whether `user_id` turned down (or was removed from, or declined by) `org_id`.
pub async fn dismissed<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    org_id: &str,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM join_offers_dismissed WHERE user_id = $1 AND org_id = $2",
    )
    .bind(user_id)
    .bind(org_id)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}
