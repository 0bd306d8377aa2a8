//! Data-plane services that run elsewhere, authenticated by `USAGE_TOKEN`
//! (`Authorization: Bearer <token>`):
//! - `POST /internal/usage` reports the usage they metered. The body is
//!   `{"events": [{"idempotency_key", "workspace_id", "api_key_id"?, "model", "unit",
//!   "quantity", "timestamp"?}]}`; an event sent again with the same key is counted once.
//! - `POST /internal/keys/introspect` with `{"key": "sk-..."}` tells whether a key may be
//!   served now under the console's limits (`limits::Introspection`), so that a gateway
//!   enforces the same rules.

use super::ApiError;
use super::machine_secret::{self, MachineSecret};
use crate::domain::permissions::Actor;
use crate::server::services::limits::{self, Introspection};
use crate::server::services::metering::{self, Ingested, ReportedEvent};
use crate::server::state::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::routing::post;
use axum::{Json, Router};

const DATA_PLANE: MachineSecret = MachineSecret {
    setting: |config| config.usage_token.as_deref(),
    code: "invalid_usage_token",
    message: "Missing or wrong usage token.",
};

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/internal/usage", post(report))
        .route("/internal/keys/introspect", post(introspect))
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .layer(axum::middleware::from_fn_with_state(
            (state, DATA_PLANE),
            machine_secret::require,
        ))
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

#[derive(serde::Deserialize)]
struct KeyToCheck {
    key: String,
}

async fn introspect(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<Json<Introspection>, ApiError> {
    let asked: KeyToCheck = serde_json::from_slice(&body)
        .ok()
        .filter(|k: &KeyToCheck| !k.key.is_empty() && k.key.len() <= 200)
        .ok_or_else(|| ApiError::invalid("key", "an API key (sk-...) is required"))?;
    let currency = &state.config.catalogue.currency;
    Ok(Json(
        limits::introspect(&state.db, currency, &Actor::UsageReporter, &asked.key).await?,
    ))
}
