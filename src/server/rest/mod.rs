//! The public API under `/v1`, authenticated by workspace API keys
//! (`Authorization: Bearer sk-...`). Errors are JSON `{"error": {"message", "type", "code"}}`.

mod auth;
mod chat;
pub mod endpoints;
mod files;
mod fine_tuning;
mod models;
pub mod openapi;
mod payments;
mod sse_usage;
mod trainer;
mod usage_reports;

use super::state::AppState;
use crate::domain::Error;
use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use auth::ApiKeyContext;
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

    /// The key's creator left the workspace or organization: their keys stop with them.
    pub fn key_owner_not_member() -> Self {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            kind: "authentication_error",
            code: "key_owner_not_member",
            message: "The person who created this API key is no longer a member of its workspace."
                .into(),
        }
    }

    /// Bad input in `param` (400).
    pub fn invalid(param: &str, message: impl Into<String>) -> Self {
        Error::invalid(param, message).into()
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

/// A failure logged with its context; the client gets the reference only.
pub fn internal_error(context: &str, e: impl std::fmt::Display) -> ApiError {
    crate::server::error::internal(context, e).into()
}

/// `NotFound` named after what was looked for ("File not found.").
pub fn not_found_as(what: &str, e: Error) -> ApiError {
    match e {
        Error::NotFound => ApiError::not_found(what),
        other => other.into(),
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let (status, kind, code) = match &e {
            Error::Invalid(_) => (
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                "invalid_request",
            ),
            Error::NotFound => (StatusCode::NOT_FOUND, "invalid_request_error", "not_found"),
            Error::Conflict(_) => (StatusCode::CONFLICT, "invalid_request_error", "conflict"),
            Error::Forbidden => (StatusCode::FORBIDDEN, "permission_error", "forbidden"),
            Error::Unauthenticated | Error::BadCredentials => {
                return ApiError::unauthorized();
            }
            Error::LimitReached(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_error",
                "limit_reached",
            ),
            Error::TooManyAttempts { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_error",
                "too_many_attempts",
            ),
            Error::SpendCapReached { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "insufficient_quota",
                "usage_limit_reached",
            ),
            Error::Internal { reference } => return ApiError::internal(reference.clone()),
            Error::Transport(_) => (StatusCode::BAD_GATEWAY, "server_error", "transport"),
        };
        let message = match &e {
            Error::Invalid(fields) => fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join(" "),
            Error::Conflict(f) => f.message.clone(),
            other => other.to_string(),
        };
        ApiError {
            status,
            kind,
            code,
            message,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "message": self.message, "type": self.kind, "code": self.code } });
        (self.status, Json(body)).into_response()
    }
}
