//! The public API under `/v1`, authenticated by workspace API keys
//! (`Authorization: Bearer sk-...`). Errors are JSON in both providers' shape (`errors`).

mod auth;
mod chat;
pub mod endpoints;
pub(crate) mod errors;
mod files;
mod fine_tuning;
mod lists;
mod machine_secret;
mod models;
pub mod openapi;
mod payments;
mod sse_usage;
mod trainer;
mod usage_reports;

use super::state::AppState;
use axum::Json;
use axum::Router;
use axum::routing::{any, get};

pub use auth::ApiKeyContext;
pub use errors::{ApiError, internal_error, json_request, not_found_as};
pub use files::{as_upload, download};

/// The largest request body an upload may have: the file plus its multipart framing.
pub fn upload_body_limit(config: &super::config::Config) -> usize {
    (config.max_upload_bytes as usize).saturating_add(1024 * 1024)
}

pub fn routes(state: AppState) -> Router<AppState> {
    let api = endpoints::ENDPOINTS
        .iter()
        .fold(Router::new(), |router, e| {
            router.route(e.path, (e.handler)(&state.config))
        });
    api.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        auth::require_key,
    ))
    .route("/v1/openapi.json", get(openapi_json))
    .route(crate::domain::paths::SHARED_FILE_ROUTE, get(files::shared))
    .route("/v1/{*path}", any(errors::unknown_path))
    .layer(axum::middleware::from_fn(errors::as_json_error))
    .merge(trainer::routes(state.clone()))
    .merge(usage_reports::routes(state.clone()))
    .merge(payments::routes(state))
}

/// The API's description; public, like the provider's.
async fn openapi_json(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Json<serde_json::Value> {
    Json(openapi::document(&state.config.public_url))
}
