//! `/v1` errors in the providers' shape, so the SDKs raise the class that fits: OpenAI's
//! `{"error": {"message", "type", "param", "code"}}` and, in the same body, Mistral's
//! top-level `object: "error"`, `message`, `type`, `param` and `code` (with FastAPI's
//! `detail` on a 422). Every error under `/v1` is JSON, axum's own rejections included.

use crate::domain::Error;
use axum::Json;
use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub code: &'static str,
    pub message: String,
    /// The request parameter at fault, if one is.
    pub param: Option<String>,
    /// Seconds to wait before trying again (`Retry-After`).
    pub retry_after: Option<i64>,
    /// Trying again cannot help (a spend cap): `x-should-retry: false`, which the SDKs obey.
    pub final_answer: bool,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            kind,
            code,
            message: message.into(),
            param: None,
            retry_after: None,
            final_answer: false,
        }
    }

    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "invalid_api_key",
            "Missing, invalid, expired or revoked API key.",
        )
    }

    /// The key's creator left the workspace or organization: their keys stop with them.
    pub fn key_owner_not_member() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "key_owner_not_member",
            "The person who created this API key is no longer a member of its workspace.",
        )
    }

    /// Bad input in `param` (400).
    pub fn invalid(param: &str, message: impl Into<String>) -> Self {
        Error::invalid(param, message).into()
    }

    /// A JSON body of the wrong shape (422), naming the field at fault.
    pub fn unprocessable(param: String, message: String) -> Self {
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request_error",
            "invalid_value",
            format!("{param}: {message}"),
        );
        e.param = Some(param);
        e
    }

    pub fn too_large(limit: u64) -> Self {
        let mut e = ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_error",
            "file_too_large",
            format!("file: larger than the limit of {limit} bytes."),
        );
        e.param = Some("file".into());
        e
    }

    pub fn not_found(what: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "not_found",
            format!("{what} not found."),
        )
    }

    pub fn internal(reference: String) -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "internal_error",
            format!("Something went wrong on our side (reference {reference})."),
        )
    }

    /// An error answered by axum or a layer (a bad query, a wrong method, a body too
    /// large) in the shape of ours, its text kept as the message.
    fn for_status(status: StatusCode, text: &str) -> Self {
        let (kind, code) = match status.as_u16() {
            401 => ("authentication_error", "invalid_api_key"),
            403 => ("permission_error", "forbidden"),
            404 => ("invalid_request_error", "not_found"),
            405 => ("invalid_request_error", "method_not_allowed"),
            413 => ("invalid_request_error", "request_too_large"),
            415 => ("invalid_request_error", "unsupported_media_type"),
            422 => ("invalid_request_error", "invalid_value"),
            429 => ("rate_limit_error", "rate_limit_exceeded"),
            500.. => ("server_error", "server_error"),
            _ => ("invalid_request_error", "invalid_request"),
        };
        let text = text.trim();
        let message = match text.is_empty() {
            true => status.canonical_reason().unwrap_or("Error").to_owned(),
            false => text.chars().take(500).collect(),
        };
        ApiError::new(status, kind, code, message)
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

/// A JSON request body as `T`: 400 when it is not JSON, 422 naming the field when it is
/// JSON of the wrong shape (a missing field, a number for a string).
pub fn json_request<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut reader = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut reader).map_err(|e| {
        let path = e.path().to_string();
        let e = e.into_inner();
        let message = e.to_string();
        if !e.is_data() {
            return ApiError::invalid("body", format!("Not JSON: {message}."));
        }
        // serde names a missing field in its message, not in the path.
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next());
        let param = match (path.as_str(), missing) {
            (".", Some(field)) => field.to_owned(),
            (".", None) => "body".to_owned(),
            (path, Some(field)) => format!("{path}.{field}"),
            (path, None) => path.to_owned(),
        };
        let message = message.split(" at line ").next().unwrap_or_default();
        ApiError::unprocessable(param, format!("{message}."))
    })
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
            Error::OutOfSpace { .. } => (
                StatusCode::INSUFFICIENT_STORAGE,
                "server_error",
                "out_of_space",
            ),
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
        let mut error = ApiError::new(status, kind, code, message);
        match e {
            Error::Invalid(fields) => error.param = fields.into_iter().next().map(|f| f.field),
            Error::Conflict(f) => error.param = Some(f.field),
            Error::TooManyAttempts { retry_after_secs } => {
                error.retry_after = Some(retry_after_secs.max(1))
            }
            Error::SpendCapReached { .. } => error.final_answer = true,
            _ => {}
        }
        error
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "error": {
                "message": self.message, "type": self.kind, "param": self.param, "code": self.code,
            },
            "object": "error", "message": self.message, "type": self.kind,
            "param": self.param, "code": self.code,
        });
        if self.status == StatusCode::UNPROCESSABLE_ENTITY {
            let loc = ["body"].into_iter().chain(self.param.as_deref());
            body["detail"] = json!([{
                "loc": loc.collect::<Vec<_>>(), "msg": self.message, "type": "value_error",
            }]);
        }
        let mut res = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.final_answer {
            res.headers_mut().insert(
                HeaderName::from_static("x-should-retry"),
                HeaderValue::from_static("false"),
            );
        }
        res
    }
}

/// The answer to a path under `/v1` that is not one of the API's.
pub async fn unknown_path(req: Request) -> ApiError {
    let path: String = req.uri().path().chars().take(200).collect();
    ApiError::new(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        "unknown_url",
        format!("Unknown path: {} {path}.", req.method()),
    )
}

/// Turns an error answered by axum or a layer in plain text (a bad query, a wrong method,
/// a body over the limit) into our JSON shape; `Allow` and `Retry-After` are kept.
pub async fn as_json_error(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let (parts, body) = res.into_parts();
    let allow = parts
        .headers
        .get(header::ALLOW)
        .and_then(|v| v.to_str().ok());
    let text = match (status, allow) {
        (StatusCode::METHOD_NOT_ALLOWED, Some(allow)) => {
            format!("{method} is not a method of this path; use {allow}.")
        }
        // Rejections are a line of text; a longer body is not read.
        _ => String::from_utf8_lossy(&to_bytes(body, 4096).await.unwrap_or_default()).into_owned(),
    };
    let mut json = ApiError::for_status(status, &text).into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = parts.headers.get(&name) {
            json.headers_mut().insert(name, value.clone());
        }
    }
    json
}
