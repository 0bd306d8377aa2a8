//! The public API under `/v1`, authenticated by workspace API keys
//! (`Authorization: Bearer sk-...`). Errors are JSON `{"error": {"message", "type", "code"}}`.

mod auth;
mod files;
mod models;

use super::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use auth::ApiKeyContext;

pub fn routes(state: AppState) -> Router<AppState> {
    // Multipart framing adds a little to the file itself.
    let upload_limit = (state.config.max_upload_bytes as usize).saturating_add(1024 * 1024);
    Router::new()
        .route("/v1/models", get(models::list))
        .route("/v1/models/{id}", get(models::get))
        .route(
            "/v1/files",
            get(files::list)
                .post(files::upload)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/v1/files/{id}", get(files::get).delete(files::delete))
        .route("/v1/files/{id}/content", get(files::content))
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

    /// Bad input in `param` (400).
    pub fn invalid(param: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind: "invalid_request_error",
            code: "invalid_request",
            message: format!("{param}: {message}"),
        }
    }

    pub fn too_large(limit: u64) -> Self {
        ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            kind: "invalid_request_error",
            code: "file_too_large",
            message: format!("file: larger than the limit of {limit} bytes."),
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
