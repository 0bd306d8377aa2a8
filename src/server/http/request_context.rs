//! Each request's id, client address and user agent: in the logs (the request's span), in
//! the `x-request-id` response header, and in the audit entries its changes write. Held in
//! a task-local for the life of the request, so services record "from where" without
//! taking HTTP types; work outside a request (timers, commands) has none.

use crate::server::http::client_address::client_ip;
use crate::server::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// Where a request came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    pub request_id: String,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
}

tokio::task_local! {
    static CURRENT: RequestContext;
}

/// The request being served, if any.
pub fn current() -> Option<RequestContext> {
    CURRENT.try_with(Clone::clone).ok()
}

/// The longest user agent kept.
const MAX_AGENT_CHARS: usize = 300;

/// Names the request, and serves it with its context set.
pub async fn scope(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip());
    let context = {
        // In a block: a borrow of the request must not live across the await below.
        let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
        RequestContext {
            request_id: crate::server::ids::random_hex(8),
            client_ip: client_ip(
                peer,
                header("x-forwarded-for"),
                &state.config.trusted_proxies,
            )
            .map(|ip| ip.to_string()),
            user_agent: header("user-agent").map(|a| a.chars().take(MAX_AGENT_CHARS).collect()),
        }
    };
    let id = HeaderValue::from_str(&context.request_id).ok();
    let span = tracing::info_span!("req", id = %context.request_id);
    let mut response = CURRENT.scope(context, next.run(req)).instrument(span).await;
    if let Some(id) = id {
        response.headers_mut().insert("x-request-id", id);
    }
    response
}
