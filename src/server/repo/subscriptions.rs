//! Subscriptions, their changes, and billing details.

use sqlx::AnyExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubscriptionRow {
    pub plan_id: String,
    pub seats: i64,
}

/// The organization's stored subscription; none means the default plan.
pub async fn find<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
) -> sqlx::Result<Option<SubscriptionRow>> {
    sqlx::query_as("SELECT plan_id, seats FROM subscriptions WHERE org_id = $1")
        .bind(org_id)
        .fetch_optional(db)
        .await
}

/// The plans organizations are on.
pub async fn plans_in_use<'e>(db: impl AnyExecutor<'e>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT DISTINCT plan_id FROM subscriptions")
        .fetch_all(db)
        .await
}

pub async fn upsert<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    plan_id: &str,
    seats: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO subscriptions (org_id, plan_id, seats, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (org_id) DO UPDATE SET plan_id = excluded.plan_id, seats = excluded.seats, \
         updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(plan_id)
    .bind(seats)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChangeRow {
    pub id: String,
    pub org_id: String,
    pub changed_at: i64,
    pub changed_by: Option<String>,
    pub from_plan: String,
    pub from_seats: i64,
    pub plan_id: String,
    pub seats: i64,
    pub prorated: i64,
}

pub async fn insert_change<'e>(db: impl AnyExecutor<'e>, c: &ChangeRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO subscription_changes (id, org_id, changed_at, changed_by, from_plan, \
         from_seats, plan_id, seats, prorated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&c.id)
    .bind(&c.org_id)
    .bind(c.changed_at)
    .bind(&c.changed_by)
    .bind(&c.from_plan)
    .bind(c.from_seats)
    .bind(&c.plan_id)
    .bind(c.seats)
    .bind(c.prorated)
    .execute(db)
    .await?;
    Ok(())
}

const CHANGE_COLUMNS: &str =
    "id, org_id, changed_at, changed_by, from_plan, from_seats, plan_id, seats, prorated";

/// Changes made in `[from, to)`, oldest first.
pub async fn changes_between<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<ChangeRow>> {
    sqlx::query_as(&format!(
        "SELECT {CHANGE_COLUMNS} FROM subscription_changes \
         WHERE org_id = $1 AND changed_at >= $2 AND changed_at < $3 ORDER BY changed_at, id"
    ))
    .bind(org_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

/// The first change made at or after `at`: its `from` is what was in force at `at`.
pub async fn first_change_since<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    at: i64,
) -> sqlx::Result<Option<ChangeRow>> {
    sqlx::query_as(&format!(
        "SELECT {CHANGE_COLUMNS} FROM subscription_changes \
         WHERE org_id = $1 AND changed_at >= $2 ORDER BY changed_at, id LIMIT 1"
    ))
    .bind(org_id)
    .bind(at)
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct DetailsRow {
    pub email: String,
    pub company_name: String,
    pub address: String,
    pub tax_id: String,
}

pub async fn details<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
) -> sqlx::Result<Option<DetailsRow>> {
    sqlx::query_as(
        "SELECT email, company_name, address, tax_id FROM billing_details WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(db)
    .await
}

pub async fn save_details<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    d: &DetailsRow,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO billing_details (org_id, email, company_name, address, tax_id, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id) DO UPDATE SET \
         email = excluded.email, company_name = excluded.company_name, \
         address = excluded.address, tax_id = excluded.tax_id, updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(&d.email)
    .bind(&d.company_name)
    .bind(&d.address)
    .bind(&d.tax_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}
