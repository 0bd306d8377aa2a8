//! API-key authentication for `/v1`, and the usage record of every request.

use super::ApiError;
use crate::server::db::now_ms;
use crate::server::ids::new_id;
use crate::server::repo::api_keys::{self, KeyGrant, UsageEvent};
use crate::server::services::api_keys::secret_hash;
use crate::server::state::AppState;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Instant;

/// The key, workspace and organization of a `/v1` request.
#[derive(Debug, Clone)]
pub struct ApiKeyContext(pub KeyGrant);

fn bearer(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| t.starts_with("sk-"))
}

/// Refuses requests without a working key (401, JSON); records usage for the others.
/// The key itself is never logged.
pub async fn require_key(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let Some(secret) = bearer(&req) else {
        return ApiError::unauthorized().into_response();
    };
    let now = now_ms();
    let grant = match api_keys::find_working(&state.db.pool, &secret_hash(secret), now).await {
        Ok(Some(grant)) => grant,
        Ok(None) => return ApiError::unauthorized().into_response(),
        Err(e) => return super::internal_error("checking an API key", e).into_response(),
    };
    let method = req.method().to_string();
    let endpoint = req.uri().path().to_owned();
    let bytes_in = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<i64>().ok())
        .unwrap_or(0);
    req.extensions_mut().insert(ApiKeyContext(grant.clone()));
    let res = next.run(req).await;
    let bytes_out = res
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<i64>().ok())
        .unwrap_or(0);
    let event = UsageEvent {
        grant: &grant,
        method: &method,
        endpoint: &endpoint,
        status: res.status().as_u16() as i64,
        bytes_in,
        bytes_out,
        duration_ms: started.elapsed().as_millis() as i64,
    };
    let recorded = async {
        api_keys::record_usage(&state.db.pool, &new_id("use"), &event, now).await?;
        api_keys::touch(&state.db.pool, &grant.key_id, now).await
    };
    if let Err(e) = recorded.await {
        tracing::warn!(error = %e, "could not record API usage");
    }
    res
}
