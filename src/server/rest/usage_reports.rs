//! `POST /internal/usage`: data-plane services that run elsewhere report the usage they
//! metered, authenticated by `USAGE_TOKEN` (`Authorization: Bearer <token>`). The body is
//! `{"events": [{"idempotency_key", "workspace_id", "api_key_id"?, "model", "unit",
//! "quantity", "timestamp"?}]}`; an event sent again with the same key is counted once.

use super::ApiError;
use super::trainer::bearer_is;
use crate::domain::permissions::Actor;
use crate::server::services::metering::{self, Ingested, ReportedEvent};
use crate::server::state::AppState;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/internal/usage", post(report))
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .layer(axum::middleware::from_fn_with_state(state, require_token))
}

async fn require_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match bearer_is(&req, state.config.usage_token.as_deref()) {
        true => next.run(req).await,
        false => ApiError {
            status: StatusCode::UNAUTHORIZED,
            kind: "authentication_error",
            code: "invalid_usage_token",
            message: "Missing or wrong usage token.".into(),
        }
        .into_response(),
    }
}

#[derive(serde::Deserialize)]
struct Report {
    events: Vec<ReportedEvent>,
}

async fn report(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<Json<Ingested>, ApiError> {
    let report: Report = serde_json::from_slice(&body)
        .map_err(|e| ApiError::invalid("events", format!("not a usage report: {e}")))?;
    Ok(Json(
        metering::ingest(
            &state.db,
            &state.config.catalogue,
            &Actor::UsageReporter,
            &report.events,
        )
        .await?,
    ))
}
