//! The `/internal` routes' guard: a machine caller (the trainer, a data-plane service, a
//! payment provider) presents the shared secret its setting holds, or gets 401 in the
//! API's error shape naming which secret was missing.

use super::ApiError;
use crate::server::config::Config;
use crate::server::http::bearer::bearer_is;
use crate::server::state::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// One machine caller's secret: where the setting is, and what a caller without it is told.
#[derive(Clone, Copy)]
pub(super) struct MachineSecret {
    pub setting: fn(&Config) -> Option<&str>,
    pub code: &'static str,
    pub message: &'static str,
}

/// Middleware, with `from_fn_with_state((state, SECRET), require)`.
pub(super) async fn require(
    State((state, secret)): State<(AppState, MachineSecret)>,
    req: Request,
    next: Next,
) -> Response {
    if bearer_is(req.headers(), (secret.setting)(&state.config)) {
        next.run(req).await
    } else {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            secret.code,
            secret.message,
        )
        .into_response()
    }
}
