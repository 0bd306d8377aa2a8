//! Fine-tuning jobs and the fine-tuned models they register.

use crate::domain::api_lists::ListRequest;
use crate::domain::keyset::PageAt;
use sqlx::AnyExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRow {
    pub id: String,
    pub org_id: String,
    pub workspace_id: String,
    pub model: String,
    pub training_file: String,
    pub validation_file: Option<String>,
    /// JSON, as `domain::fine_tuning::normalize_hyperparameters` returns it.
    pub hyperparameters: String,
    pub suffix: Option<String>,
    pub status: crate::domain::fine_tuning::JobStatus,
    pub progress: i64,
    pub message: Option<String>,
    pub trained_tokens: Option<i64>,
    pub fine_tuned_model: Option<String>,
    pub created_by_key: Option<String>,
    pub created_by_user: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

const JOB_COLUMNS: &str = "id, org_id, workspace_id, model, training_file, validation_file, hyperparameters, suffix, status, progress, message, trained_tokens, fine_tuned_model, created_by_key, created_by_user, created_at, started_at, finished_at";

/// Queues the job unless its workspace is archived (false then).
pub async fn insert_job<'e>(db: impl AnyExecutor<'e>, j: &JobRow) -> sqlx::Result<bool> {
    let done = sqlx::query(&format!(
        "INSERT INTO fine_tuning_jobs ({JOB_COLUMNS}) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18 \
         WHERE EXISTS (SELECT 1 FROM workspaces WHERE id = $3 AND archived_at IS NULL)"
    ))
    .bind(&j.id)
    .bind(&j.org_id)
    .bind(&j.workspace_id)
    .bind(&j.model)
    .bind(&j.training_file)
    .bind(&j.validation_file)
    .bind(&j.hyperparameters)
    .bind(&j.suffix)
    .bind(j.status.as_str())
    .bind(j.progress)
    .bind(&j.message)
    .bind(j.trained_tokens)
    .bind(&j.fine_tuned_model)
    .bind(&j.created_by_key)
    .bind(&j.created_by_user)
    .bind(j.created_at)
    .bind(j.started_at)
    .bind(j.finished_at)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A page of the workspace's jobs (`limit` + 1 rows, to know whether more follow), after
/// the cursor (created_at, id) if given.
pub async fn list_jobs<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    list: &ListRequest,
    cursor: Option<(i64, &str)>,
) -> sqlx::Result<Vec<JobRow>> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM fine_tuning_jobs WHERE workspace_id = $1{}",
        super::page_clause(list, cursor.is_some(), 2)
    );
    let mut query = sqlx::query_as(&sql).bind(workspace_id);
    if let Some((at, id)) = cursor {
        query = query.bind(at).bind(id);
    }
    query
        .bind(list.limit + 1)
        .bind(list.offset)
        .fetch_all(db)
        .await
}

/// The creation time of the workspace's job `id` (a list cursor), if there is one.
pub async fn job_created_at<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    id: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT created_at FROM fine_tuning_jobs WHERE workspace_id = $1 AND id = $2",
    )
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The job, if it belongs to that workspace.
pub async fn find_job<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    id: &str,
) -> sqlx::Result<Option<JobRow>> {
    sqlx::query_as(&format!(
        "SELECT {JOB_COLUMNS} FROM fine_tuning_jobs WHERE workspace_id = $1 AND id = $2"
    ))
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The job whatever its workspace: for the trainer only.
pub async fn find_job_any<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<Option<JobRow>> {
    sqlx::query_as(&format!(
        "SELECT {JOB_COLUMNS} FROM fine_tuning_jobs WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The oldest queued job of a workspace that is not archived, a candidate for claiming.
pub async fn oldest_queued<'e>(db: impl AnyExecutor<'e>) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT j.id FROM fine_tuning_jobs j JOIN workspaces w ON w.id = j.workspace_id \
         WHERE j.status = 'queued' AND w.archived_at IS NULL ORDER BY j.created_at, j.id LIMIT 1",
    )
    .fetch_optional(db)
    .await
}

/// Moves a job from one status to another, only if it is still in `from`: the check
/// and the change are one statement, so two racing changes cannot both win.
pub async fn transition<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    from: &[&str],
    to: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let list = super::placeholders(4, from.len());
    let sql = format!(
        "UPDATE fine_tuning_jobs SET status = $1, \
         started_at = CASE WHEN $1 = 'running' THEN $2 ELSE started_at END, \
         finished_at = CASE WHEN $1 IN ('succeeded', 'failed', 'cancelled') THEN $2 ELSE finished_at END \
         WHERE id = $3 AND status IN ({list})"
    );
    let mut q = sqlx::query(&sql).bind(to).bind(now).bind(id);
    for s in from {
        q = q.bind(*s);
    }
    Ok(q.execute(db).await?.rows_affected() == 1)
}

/// Cancels every queued or running job of a workspace, saying why; their ids.
pub async fn cancel_unfinished_in_workspace<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    message: &str,
    now: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "UPDATE fine_tuning_jobs SET status = 'cancelled', message = $1, finished_at = $2 \
         WHERE workspace_id = $3 AND status IN ('queued', 'running') RETURNING id",
    )
    .bind(message)
    .bind(now)
    .bind(workspace_id)
    .fetch_all(db)
    .await
}

/// Records progress of a running job; false when it is no longer running.
pub async fn set_progress<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    progress: i64,
    message: Option<&str>,
    trained_tokens: Option<i64>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE fine_tuning_jobs SET progress = $1, message = COALESCE($2, message), \
         trained_tokens = COALESCE($3, trained_tokens) WHERE id = $4 AND status = 'running'",
    )
    .bind(progress)
    .bind(message)
    .bind(trained_tokens)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The outcome of a job that was running: its final status, message and model.
pub async fn finish<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    status: &str,
    message: Option<&str>,
    fine_tuned_model: Option<&str>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE fine_tuning_jobs SET status = $1, message = COALESCE($2, message), \
         fine_tuned_model = $3, finished_at = $4, \
         progress = CASE WHEN $1 = 'succeeded' THEN 100 ELSE progress END \
         WHERE id = $5 AND status = 'running'",
    )
    .bind(status)
    .bind(message)
    .bind(fine_tuned_model)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ModelRow {
    pub id: String,
    pub org_id: String,
    pub workspace_id: String,
    pub base_model: String,
    pub job_id: String,
    pub created_at: i64,
}

const MODEL_COLUMNS: &str = "id, org_id, workspace_id, base_model, job_id, created_at";

pub async fn insert_model<'e>(db: impl AnyExecutor<'e>, m: &ModelRow) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO fine_tuned_models ({MODEL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
    ))
    .bind(&m.id)
    .bind(&m.org_id)
    .bind(&m.workspace_id)
    .bind(&m.base_model)
    .bind(&m.job_id)
    .bind(m.created_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The workspace's fine-tuned models, newest first: `limit` from where `at` says (see
/// `repo::newest_first`).
pub async fn list_models<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    at: &PageAt,
    limit: i64,
) -> sqlx::Result<Vec<ModelRow>> {
    let (from, dir) = super::newest_first(at, "m", "fine_tuned_models", "workspace_id", 3);
    sqlx::query_as(&format!(
        "SELECT {MODEL_COLUMNS} FROM fine_tuned_models m WHERE m.workspace_id = $1 {from} \
         ORDER BY m.created_at {dir}, m.id {dir} LIMIT $2"
    ))
    .bind(workspace_id)
    .bind(limit)
    .bind(at.cursor().unwrap_or(""))
    .fetch_all(db)
    .await
}

pub async fn find_model<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    id: &str,
) -> sqlx::Result<Option<ModelRow>> {
    sqlx::query_as(&format!(
        "SELECT {MODEL_COLUMNS} FROM fine_tuned_models WHERE workspace_id = $1 AND id = $2"
    ))
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Deletes the workspace's model; false when there was none.
pub async fn delete_model<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    id: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM fine_tuned_models WHERE workspace_id = $1 AND id = $2")
        .bind(workspace_id)
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A job with the name of the key or person that started it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobWithCreator {
    #[sqlx(flatten)]
    pub job: JobRow,
    pub key_name: Option<String>,
    pub user_name: Option<String>,
}

/// The workspace's newest jobs, with who started them, in one query.
pub async fn list_with_creators<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    at: &PageAt,
    limit: i64,
) -> sqlx::Result<Vec<JobWithCreator>> {
    let (from, dir) = super::newest_first(at, "j", "fine_tuning_jobs", "workspace_id", 3);
    let columns: String = JOB_COLUMNS
        .split(", ")
        .map(|c| format!("j.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query_as(&format!(
        "SELECT {columns}, k.name AS key_name, u.name AS user_name FROM fine_tuning_jobs j \
         LEFT JOIN api_keys k ON k.id = j.created_by_key LEFT JOIN users u ON u.id = j.created_by_user \
         WHERE j.workspace_id = $1 {from} ORDER BY j.created_at {dir}, j.id {dir} LIMIT $2"
    ))
    .bind(workspace_id)
    .bind(limit)
    .bind(at.cursor().unwrap_or(""))
    .fetch_all(db)
    .await
}
