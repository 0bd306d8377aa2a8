//! `/v1/models`: the base models the platform offers (`BASE_MODELS`) and the fine-tuned
//! models of the key's workspace. Only fine-tuned models can be deleted.

use super::{ApiError, ApiKeyContext, not_found_as};
use crate::server::repo::fine_tuning::ModelRow;
use crate::server::services::workspace_resources as resources;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

/// What a model can do, as Mistral's SDK requires it: the console serves chat
/// completions and fine-tunes base models.
fn capabilities(fine_tuning: bool) -> Value {
    json!({ "completion_chat": true, "fine_tuning": fine_tuning })
}

/// A base model, with the fields OpenAI's and Mistral's SDKs read.
fn base(id: &str) -> Value {
    json!({
        "id": id, "object": "model", "created": 0, "owned_by": "platform", "type": "base",
        "capabilities": capabilities(true), "aliases": [], "archived": false,
    })
}

/// A fine-tuned model of the workspace (Mistral's `root` and `job` name its base and job).
fn fine_tuned(m: &ModelRow) -> Value {
    json!({
        "id": m.id, "object": "model", "created": m.created_at / 1000,
        "owned_by": m.workspace_id, "type": "fine-tuned", "capabilities": capabilities(false),
        "root": m.base_model, "job": m.job_id, "parent": m.base_model, "job_id": m.job_id,
        "aliases": [], "archived": false,
    })
}

pub async fn list(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
) -> Result<Json<Value>, ApiError> {
    // The provider's list is not paged; a workspace's models are few enough to list whole.
    let own = resources::all_models(&state.db, &key.0).await?;
    let data: Vec<Value> = state
        .config
        .base_models
        .iter()
        .map(|m| base(m))
        .chain(own.iter().map(fine_tuned))
        .collect();
    Ok(Json(json!({ "object": "list", "data": data })))
}

pub async fn get(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if state.config.base_models.contains(&id) {
        return Ok(Json(base(&id)));
    }
    resources::find_model(&state.db, &key.0, &id)
        .await
        .map(|m| Json(fine_tuned(&m)))
        .map_err(|e| not_found_as("Model", e))
}

pub async fn delete(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if state.config.base_models.contains(&id) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "invalid_request_error",
            "model_not_deletable",
            "model: base models cannot be deleted; only fine-tuned ones.",
        ));
    }
    resources::delete_model(&state.db, &key.0, &id)
        .await
        .map_err(|e| not_found_as("Model", e))?;
    Ok(Json(
        json!({ "id": id, "object": "model", "deleted": true }),
    ))
}
