//! The public API under `/v1`, authenticated by workspace API keys
//! (`Authorization: Bearer sk-...`). Errors are JSON `{"error": {"message", "type", "code"}}`.

mod auth;
mod models;

use super::state::AppState;
use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use auth::ApiKeyContext;

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/v1/models", get(models::list))
        .route("/v1/models/{id}", get(models::get))
        .layer(axum::middleware::from_fn_with_state(
            state,
            auth::require_key,
        ))
}

/// A `/v1` error in the provider's shape.
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn unauthorized() -> Self {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            kind: "authentication_error",
            code: "invalid_api_key",
            message: "Missing, invalid, expired or revoked API key.".into(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            kind: "invalid_request_error",
            code: "not_found",
            message: format!("{what} not found."),
        }
    }

    pub fn internal(reference: String) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            kind: "server_error",
            code: "internal_error",
            message: format!("Something went wrong on our side (reference {reference})."),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "message": self.message, "type": self.kind, "code": self.code } });
        (self.status, Json(body)).into_response()
    }
}
