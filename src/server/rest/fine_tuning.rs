//! `/v1/fine_tuning/jobs`: create, list, get and cancel the key's workspace's jobs.

use super::{ApiError, ApiKeyContext, not_found_as};
use crate::domain::fine_tuning::JobStatus;
use crate::server::repo::fine_tuning::JobRow;
use crate::server::services::fine_tuning::JobRequest;
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
        "id": j.id, "object": "fine_tuning.job", "model": j.model,
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
    let req: JobRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::invalid("body", format!("Not a valid job request: {e}.")))?;
    let job = resources::start_job(&state.db, &state.config, &key.0, req).await?;
    Ok(Json(job_json(&job)))
}

#[derive(serde::Deserialize)]
pub struct Page {
    after: Option<String>,
    limit: Option<i64>,
}

/// `GET /v1/fine_tuning/jobs?after=&limit=` (newest first; limit 1..=100, default 20).
pub async fn list(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Query(page): Query<Page>,
) -> Result<Json<Value>, ApiError> {
    let limit = page.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("limit", "Use a number from 1 to 100."));
    }
    let mut rows =
        resources::page_jobs(&state.db, &key.0, page.after.as_deref(), limit + 1).await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok(Json(json!({
        "object": "list", "data": rows.iter().map(job_json).collect::<Vec<_>>(), "has_more": has_more,
    })))
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
