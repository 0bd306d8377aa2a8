//! `/v1/fine_tuning/jobs`: create, list, get and cancel the key's workspace's jobs.

use super::lists::list_json;
use super::{ApiError, ApiKeyContext, not_found_as};
use crate::domain::api_lists::ListRequest;
use crate::domain::fine_tuning::JobStatus;
use crate::server::repo::fine_tuning::JobRow;
use crate::server::repo::job_history::{CheckpointRow, EventRow};
use crate::server::services::fine_tuning::JobRequest;
use crate::server::services::workspace_lists as lists;
use crate::server::services::workspace_resources as resources;
use crate::server::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, Query, State};
use serde_json::{Value, json};

/// A job in the provider's shape (times in seconds), plus its progress in percent.
pub fn job_json(j: &JobRow) -> Value {
    let hyperparameters: Value = serde_json::from_str(&j.hyperparameters).unwrap_or(Value::Null);
    let error = (j.status == JobStatus::Failed)
        .then(|| json!({ "message": j.message, "code": "training_failed" }));
    json!({
        "id": j.id, "object": "fine_tuning.job", "model": j.model, "organization_id": j.org_id,
        "created_at": j.created_at / 1000,
        "finished_at": j.finished_at.map(|t| t / 1000),
        "fine_tuned_model": j.fine_tuned_model, "status": j.status.as_str(),
        "training_file": j.training_file, "validation_file": j.validation_file,
        "hyperparameters": hyperparameters, "trained_tokens": j.trained_tokens,
        "user_provided_suffix": j.suffix, "progress": j.progress,
        "error": error, "result_files": [],
    })
}

/// `POST /v1/fine_tuning/jobs` (JSON).
pub async fn create(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let req: JobRequest = super::json_request(&body)?;
    let job = resources::start_job(&state.db, &state.config, &key.0, req).await?;
    Ok(Json(job_json(&job)))
}

/// `GET /v1/fine_tuning/jobs?after=&limit=&order=` (newest first; limit 1..=100, default 20).
pub async fn list(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let list = ListRequest::parse(&query, 20, false)?;
    let page = lists::jobs(&state.db, &key.0, &list).await?;
    Ok(Json(list_json(page, job_json)))
}

fn event_json(e: &EventRow) -> Value {
    json!({
        "id": e.id, "object": "fine_tuning.job.event", "created_at": e.created_at / 1000,
        "level": e.level, "message": e.message, "type": "message", "data": {},
    })
}

/// `GET /v1/fine_tuning/jobs/{id}/events?after=&limit=&order=` (newest first, default 20).
pub async fn events(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let list = ListRequest::parse(&query, 20, false)?;
    let page = lists::job_events(&state.db, &key.0, &id, &list)
        .await
        .map_err(|e| not_found_as("Job", e))?;
    Ok(Json(list_json(page, event_json)))
}

fn checkpoint_json(c: &CheckpointRow) -> Value {
    let mut metrics: Value = serde_json::from_str(&c.metrics).unwrap_or_else(|_| json!({}));
    metrics["step"] = json!(c.step_number);
    json!({
        "id": c.id, "object": "fine_tuning.job.checkpoint", "created_at": c.created_at / 1000,
        "fine_tuned_model_checkpoint": c.model, "fine_tuning_job_id": c.job_id,
        "step_number": c.step_number, "metrics": metrics,
    })
}

/// `GET /v1/fine_tuning/jobs/{id}/checkpoints?after=&limit=&order=` (newest first, default 10).
pub async fn checkpoints(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let list = ListRequest::parse(&query, 10, false)?;
    let page = lists::job_checkpoints(&state.db, &key.0, &id, &list)
        .await
        .map_err(|e| not_found_as("Job", e))?;
    Ok(Json(list_json(page, checkpoint_json)))
}

pub async fn get(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let job = resources::find_job(&state.db, &key.0, &id).await;
    Ok(Json(job_json(&job.map_err(|e| not_found_as("Job", e))?)))
}

pub async fn cancel(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let job = resources::cancel_job(&state.db, &key.0, &id).await;
    Ok(Json(job_json(&job.map_err(|e| not_found_as("Job", e))?)))
}
