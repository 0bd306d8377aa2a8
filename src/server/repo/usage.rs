//! Metered usage, summed per workspace, key, model and UTC day (`usage_daily`), and the
//! idempotency keys of events already counted (`usage_receipts`).

use sqlx::AnyExecutor;

/// Usage to add to a day's sums (and, by `services::usage_store`, its cost to the ledger).
#[derive(Debug, Clone, Default)]
pub struct DaySum {
    pub org_id: String,
    pub workspace_id: String,
    /// '' for usage without a key.
    pub api_key_id: String,
    pub model: String,
    /// The first millisecond of the UTC day.
    pub day: i64,
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub training_tokens: i64,
    /// What it cost, in millionths of a minor unit (not stored here: the ledger's).
    pub cost: i64,
}

/// Adds to the day's sums, creating the day's row when it is the first (one statement:
/// concurrent additions never lose one another).
pub async fn add<'e>(db: impl AnyExecutor<'e>, m: &DaySum) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO usage_daily (org_id, workspace_id, api_key_id, model, day, requests, \
         input_tokens, output_tokens, training_tokens) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (workspace_id, day, model, api_key_id) DO UPDATE SET \
         requests = usage_daily.requests + excluded.requests, \
         input_tokens = usage_daily.input_tokens + excluded.input_tokens, \
         output_tokens = usage_daily.output_tokens + excluded.output_tokens, \
         training_tokens = usage_daily.training_tokens + excluded.training_tokens",
    )
    .bind(&m.org_id)
    .bind(&m.workspace_id)
    .bind(&m.api_key_id)
    .bind(&m.model)
    .bind(m.day)
    .bind(m.requests)
    .bind(m.input_tokens)
    .bind(m.output_tokens)
    .bind(m.training_tokens)
    .execute(db)
    .await?;
    Ok(())
}

/// Records an event's idempotency key; false when it was counted before.
pub async fn first_receipt<'e>(
    db: impl AnyExecutor<'e>,
    idempotency_key: &str,
    org_id: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO usage_receipts (idempotency_key, org_id, received_at) VALUES ($1, $2, $3) \
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(idempotency_key)
    .bind(org_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A day's sums for one workspace, key and model.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DailyRow {
    pub workspace_id: String,
    pub api_key_id: String,
    pub model: String,
    pub day: i64,
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub training_tokens: i64,
}

const COLUMNS: &str = "workspace_id, api_key_id, model, day, requests, input_tokens, \
                       output_tokens, training_tokens";

/// An organization's days in `[from, to)`, keys summed together (served by the covering
/// index `usage_daily_by_org`, grouped in its order; PostgreSQL sums BIGINTs to NUMERIC,
/// hence the casts).
pub async fn for_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<DailyRow>> {
    sqlx::query_as(
        "SELECT workspace_id, '' AS api_key_id, model, day, CAST(SUM(requests) AS BIGINT) AS requests, \
         CAST(SUM(input_tokens) AS BIGINT) AS input_tokens, CAST(SUM(output_tokens) AS BIGINT) AS output_tokens, \
         CAST(SUM(training_tokens) AS BIGINT) AS training_tokens FROM usage_daily \
         WHERE org_id = $1 AND day >= $2 AND day < $3 GROUP BY day, workspace_id, model",
    )
    .bind(org_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

/// The requests an organization made in `[from, to)`: every metered event raises it, so it
/// tells whether a report built earlier is still right (summed in the covering index,
/// one row back).
pub async fn org_requests<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(requests), 0) AS BIGINT) FROM usage_daily \
         WHERE org_id = $1 AND day >= $2 AND day < $3",
    )
    .bind(org_id)
    .bind(from)
    .bind(to)
    .fetch_one(db)
    .await
}

/// The requests a workspace made in `[from, to)` (see `org_requests`).
pub async fn workspace_requests<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(requests), 0) AS BIGINT) FROM usage_daily \
         WHERE workspace_id = $1 AND day >= $2 AND day < $3",
    )
    .bind(workspace_id)
    .bind(from)
    .bind(to)
    .fetch_one(db)
    .await
}

/// A workspace's days in `[from, to)` (served by the primary key).
pub async fn for_workspace<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<DailyRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM usage_daily WHERE workspace_id = $1 AND day >= $2 AND day < $3"
    ))
    .bind(workspace_id)
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

/// Every organization's day sums in `[from, to)`, keys summed together (a one-off read:
/// filling the spend ledger when usage limits arrive).
pub async fn all_between<'e>(
    db: impl AnyExecutor<'e>,
    from: i64,
    to: i64,
) -> sqlx::Result<Vec<DaySum>> {
    type Row = (String, String, String, i64, i64, i64, i64, i64);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT org_id, workspace_id, model, day, CAST(SUM(requests) AS BIGINT), \
         CAST(SUM(input_tokens) AS BIGINT), CAST(SUM(output_tokens) AS BIGINT), \
         CAST(SUM(training_tokens) AS BIGINT) FROM usage_daily WHERE day >= $1 AND day < $2 \
         GROUP BY org_id, workspace_id, model, day",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(org_id, workspace_id, model, day, requests, input, output, training)| DaySum {
                org_id,
                workspace_id,
                api_key_id: String::new(),
                model,
                day,
                requests,
                input_tokens: input,
                output_tokens: output,
                training_tokens: training,
                cost: 0,
            },
        )
        .collect())
}
