//! What happened to a fine-tuning job (its events) and the checkpoints its trainer
//! reported, as `/v1/fine_tuning/jobs/{id}/events` and `.../checkpoints` list them.

use crate::domain::api_lists::ListRequest;
use sqlx::AnyExecutor;

/// Past this many, a trainer's further progress messages are not kept as events, and only
/// its newest checkpoints are: a trainer that reports in a loop cannot fill the database.
/// (What the console itself records, created, started and the outcome, is always kept.)
pub const MAX_PER_JOB: i64 = 1_000;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: String,
    pub job_id: String,
    pub created_at: i64,
    /// `info`, `warn` or `error`.
    pub level: String,
    pub message: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CheckpointRow {
    pub id: String,
    pub job_id: String,
    pub created_at: i64,
    pub step_number: i64,
    /// The id the checkpoint's model would have.
    pub model: String,
    /// A JSON object of numbers.
    pub metrics: String,
}

/// Records an event; a `capped` one only while the job has fewer than `MAX_PER_JOB`.
pub async fn add_event<'e>(
    db: impl AnyExecutor<'e>,
    e: &EventRow,
    capped: bool,
) -> sqlx::Result<()> {
    let limit = if capped { MAX_PER_JOB } else { i64::MAX };
    sqlx::query(
        "INSERT INTO fine_tuning_job_events (id, job_id, created_at, level, message) \
         SELECT $1, $2, $3, $4, $5 \
         WHERE (SELECT COUNT(*) FROM fine_tuning_job_events WHERE job_id = $2) < $6",
    )
    .bind(&e.id)
    .bind(&e.job_id)
    .bind(e.created_at)
    .bind(&e.level)
    .bind(&e.message)
    .bind(limit)
    .execute(db)
    .await?;
    Ok(())
}

/// Records a checkpoint (once per step), keeping the job's newest `MAX_PER_JOB`.
pub async fn add_checkpoint(conn: &mut sqlx::AnyConnection, c: &CheckpointRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO fine_tuning_checkpoints (id, job_id, created_at, step_number, model, metrics) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (job_id, step_number) DO NOTHING",
    )
    .bind(&c.id)
    .bind(&c.job_id)
    .bind(c.created_at)
    .bind(c.step_number)
    .bind(&c.model)
    .bind(&c.metrics)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM fine_tuning_checkpoints WHERE job_id = $1 AND step_number < \
         (SELECT MIN(step_number) FROM (SELECT step_number FROM fine_tuning_checkpoints \
          WHERE job_id = $1 ORDER BY step_number DESC LIMIT $2) newest)",
    )
    .bind(&c.job_id)
    .bind(MAX_PER_JOB)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The creation time of the job's event or checkpoint `id` (a list cursor), if any.
pub async fn created_at<'e>(
    db: impl AnyExecutor<'e>,
    table: History,
    job_id: &str,
    id: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(&format!(
        "SELECT created_at FROM {} WHERE job_id = $1 AND id = $2",
        table.name()
    ))
    .bind(job_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Which of a job's histories.
#[derive(Debug, Clone, Copy)]
pub enum History {
    Events,
    Checkpoints,
}

impl History {
    fn name(self) -> &'static str {
        match self {
            History::Events => "fine_tuning_job_events",
            History::Checkpoints => "fine_tuning_checkpoints",
        }
    }
}

/// A page of the job's events (`limit` + 1 rows), after the cursor if given.
pub async fn events<'e>(
    db: impl AnyExecutor<'e>,
    job_id: &str,
    list: &ListRequest,
    cursor: Option<(i64, &str)>,
) -> sqlx::Result<Vec<EventRow>> {
    let sql = format!(
        "SELECT id, job_id, created_at, level, message FROM fine_tuning_job_events \
         WHERE job_id = $1{}",
        super::page_clause(list, cursor.is_some(), 2)
    );
    let mut query = sqlx::query_as(&sql).bind(job_id);
    if let Some((at, id)) = cursor {
        query = query.bind(at).bind(id);
    }
    query
        .bind(list.limit + 1)
        .bind(list.offset)
        .fetch_all(db)
        .await
}

/// A page of the job's checkpoints (`limit` + 1 rows), after the cursor if given.
pub async fn checkpoints<'e>(
    db: impl AnyExecutor<'e>,
    job_id: &str,
    list: &ListRequest,
    cursor: Option<(i64, &str)>,
) -> sqlx::Result<Vec<CheckpointRow>> {
    let sql = format!(
        "SELECT id, job_id, created_at, step_number, model, metrics FROM fine_tuning_checkpoints \
         WHERE job_id = $1{}",
        super::page_clause(list, cursor.is_some(), 2)
    );
    let mut query = sqlx::query_as(&sql).bind(job_id);
    if let Some((at, id)) = cursor {
        query = query.bind(at).bind(id);
    }
    query
        .bind(list.limit + 1)
        .bind(list.offset)
        .fetch_all(db)
        .await
}
