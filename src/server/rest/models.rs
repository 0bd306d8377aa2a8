//! `GET /v1/models` and `GET /v1/models/{id}`: the base models the platform offers
//! (from `BASE_MODELS`). Fine-tuned models of the workspace join them with fine-tuning.

use super::{ApiError, ApiKeyContext};
use crate::server::state::AppState;
use axum::Json;
use axum::extract::{Extension, Path, State};
use serde_json::{Value, json};

fn model(id: &str) -> Value {
    json!({ "id": id, "object": "model", "created": 0, "owned_by": "platform" })
}

pub async fn list(
    State(state): State<AppState>,
    Extension(_key): Extension<ApiKeyContext>,
) -> Json<Value> {
    let data: Vec<Value> = state.config.base_models.iter().map(|m| model(m)).collect();
    Json(json!({ "object": "list", "data": data }))
}

pub async fn get(
    State(state): State<AppState>,
    Extension(_key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state
        .config
        .base_models
        .iter()
        .find(|m| **m == id)
        .map(|m| Json(model(m)))
        .ok_or_else(|| ApiError::not_found("Model"))
}
