//! The trainer's endpoints under `/internal/trainer`, authenticated by `TRAINER_TOKEN`
//! (`Authorization: Bearer <token>`). Training runs elsewhere; a trainer:
//!
//! 1. `POST /internal/trainer/jobs/claim`: takes the oldest queued job (204: none), now running;
//! 2. `GET  /internal/trainer/jobs/{id}/files/{file_id}`: downloads its training or validation file;
//! 3. `POST /internal/trainer/jobs/{id}/progress` `{"progress": 0-100, "message", "trained_tokens",
//!    "checkpoint": {"step_number", "metrics": {"train_loss": 0.4, ...}}}` (all but `progress`
//!    optional; a new message becomes one of the job's events); a 409 whose `status` is
//!    `cancelled` means: stop;
//! 4. `POST /internal/trainer/jobs/{id}/complete` `{"status": "succeeded"|"failed", "message"}`;
//!    success registers the fine-tuned model in the job's workspace.

use super::fine_tuning::job_json;
use super::machine_secret::{self, MachineSecret};
use super::{ApiError, files::download};
use crate::domain::Error;
use crate::domain::permissions::Actor;
use crate::server::repo::fine_tuning::JobRow;
use crate::server::services::fine_tuning;
use crate::server::services::job_history::Checkpoint;
use crate::server::state::AppState;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

const TRAINER: MachineSecret = MachineSecret {
    setting: |config| config.trainer_token.as_deref(),
    code: "invalid_trainer_token",
    message: "Missing or wrong trainer token.",
};

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/internal/trainer/jobs/claim", post(claim))
        .route("/internal/trainer/jobs/{id}/files/{file_id}", get(file))
        .route("/internal/trainer/jobs/{id}/progress", post(progress))
        .route("/internal/trainer/jobs/{id}/complete", post(complete))
        .layer(axum::middleware::from_fn_with_state(
            (state, TRAINER),
            machine_secret::require,
        ))
}

async fn claim(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(
        match fine_tuning::claim(&state.db, &Actor::Trainer).await? {
            Some(job) => Json(job_json(&job)).into_response(),
            None => StatusCode::NO_CONTENT.into_response(),
        },
    )
}

/// Only the files of a running job, and only while it runs.
async fn file(
    State(state): State<AppState>,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (row, content) =
        fine_tuning::training_file(&state.db, &state.config, &Actor::Trainer, &id, &file_id)
            .await
            .map_err(|e| super::not_found_as("File", e))?;
    Ok(download(&row, content))
}

fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::invalid("body", format!("Not JSON: {e}.")))
}

/// A 409 carries the job's status, so the trainer knows it was cancelled.
async fn outcome(
    state: &AppState,
    id: &str,
    result: Result<JobRow, Error>,
) -> Result<Json<Value>, Response> {
    match result {
        Ok(job) => Ok(Json(job_json(&job))),
        Err(Error::Conflict(f)) => {
            let status = fine_tuning::find_for_trainer(&state.db, &Actor::Trainer, id)
                .await
                .map(|j| j.status.as_str())
                .unwrap_or_default();
            let error = json!({ "message": f.message, "type": "invalid_request_error", "code": "job_not_running" });
            Err((
                StatusCode::CONFLICT,
                Json(json!({ "error": error, "status": status })),
            )
                .into_response())
        }
        Err(e) => Err(ApiError::from(e).into_response()),
    }
}

async fn progress(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, Response> {
    let body = json_body(&body).map_err(IntoResponse::into_response)?;
    let Some(progress) = body.get("progress").and_then(Value::as_i64) else {
        return Err(
            ApiError::invalid("progress", "Use a whole number from 0 to 100.").into_response(),
        );
    };
    let checkpoint = match body.get("checkpoint") {
        None | Some(Value::Null) => None,
        Some(c) => Some(Checkpoint::parse(c).map_err(|e| ApiError::from(e).into_response())?),
    };
    let report = fine_tuning::Progress {
        progress,
        message: body.get("message").and_then(Value::as_str),
        trained_tokens: body.get("trained_tokens").and_then(Value::as_i64),
        checkpoint: checkpoint.as_ref(),
    };
    let result = fine_tuning::report_progress(&state.db, &Actor::Trainer, &id, report).await;
    outcome(&state, &id, result).await
}

async fn complete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, Response> {
    let body = json_body(&body).map_err(IntoResponse::into_response)?;
    let succeeded = match body.get("status").and_then(Value::as_str) {
        Some("succeeded") => true,
        Some("failed") => false,
        _ => {
            return Err(
                ApiError::invalid("status", "Use \"succeeded\" or \"failed\".").into_response(),
            );
        }
    };
    let message = body.get("message").and_then(Value::as_str);
    let result = fine_tuning::complete(
        &state.db,
        &state.config.catalogue,
        &Actor::Trainer,
        &id,
        succeeded,
        message,
    )
    .await;
    outcome(&state, &id, result).await
}
