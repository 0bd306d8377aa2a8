//! API-key authentication for `/v1`, and the usage record of every request.

use super::ApiError;
use crate::server::authz::{KeyRefused, WorkspaceActor};
use crate::server::services::api_keys::secret_hash;
use crate::server::services::usage_writer::RequestLog;
use crate::server::state::AppState;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Instant;

/// Who a `/v1` request acts as: the key, with its creator's current rights in its workspace.
#[derive(Debug, Clone)]
pub struct ApiKeyContext(pub WorkspaceActor);

impl ApiKeyContext {
    pub fn workspace_id(&self) -> &str {
        &self.0.workspace.id
    }
}

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
    let now = state.db.now();
    let actor = match WorkspaceActor::for_key(&state.db, &secret_hash(secret), now).await {
        Ok(actor) => actor,
        Err(KeyRefused::Invalid) => return ApiError::unauthorized().into_response(),
        Err(KeyRefused::OwnerNotMember) => return ApiError::key_owner_not_member().into_response(),
        Err(KeyRefused::Failed(e)) => return ApiError::from(e).into_response(),
    };
    let method = req.method().to_string();
    let endpoint = req.uri().path().to_owned();
    let bytes_in = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<i64>().ok())
        .unwrap_or(0);
    let (key_id, workspace_id, org_id) = (
        actor.key_id.clone().unwrap_or_default(),
        actor.workspace.id.clone(),
        actor.org.org_id.clone(),
    );
    req.extensions_mut().insert(ApiKeyContext(actor));
    let mut res = next.run(req).await;
    let (completion, hold) = res
        .extensions_mut()
        .remove::<super::chat::CompletionToMeter>()
        .map_or((None, None), |c| (Some(c.sum), c.hold));
    let metered = completion.is_some();
    let bytes_out = res
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<i64>().ok())
        .unwrap_or(0);
    let request = RequestLog {
        key_id,
        workspace_id,
        org_id,
        method,
        endpoint,
        status: res.status().as_u16() as i64,
        bytes_in,
        bytes_out,
        duration_ms: started.elapsed().as_millis() as i64,
        at: now,
    };
    if let Err(e) = state.usage.log_request(request, completion, hold).await {
        if metered {
            // A completion is answered only once its usage is stored.
            return ApiError::from(crate::server::error::internal("metering a completion", e))
                .into_response();
        }
        tracing::warn!(error = %e, "could not record API usage");
    }
    res
}
