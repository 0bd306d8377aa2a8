//! The axum router: pages, server functions, static files, health, and the layers around them.

use crate::app::{App, shell};
use crate::server::http::{
    body_limits, csrf, db_gate, form_errors, metrics, request_context, security_headers, session,
    stall_guard, static_files,
};
use crate::server::{console, rest, state::AppState};
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::get;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

/// The app's routes, generated once per process: generating them renders the route tree,
/// and doing that while another render polls a resource can hang it (leptos-rs/leptos#4773).
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole application: `/healthz`, `/metrics`, the header-authenticated API, and the
/// console; around all of them metrics, tracing, compression and the security headers.
pub fn build(state: AppState) -> Router {
    let https = state.config.cookie_secure;
    let served = rest::routes(state.clone()).merge(console(&state)).layer(
        axum::middleware::from_fn_with_state(state.db_gate.clone(), db_gate::refuse_while_down),
    );
    Router::new()
        .route("/healthz", get(health))
        .route("/metrics", get(metrics::serve))
        .merge(served)
        // Innermost of these, where each request's route is known.
        .layer(axum::middleware::from_fn(metrics::measure))
        .layer(axum::middleware::map_response(move |mut res| async move {
            security_headers::add(&mut res, https);
            res
        }))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            request_context::scope,
        ))
        .layer(CompressionLayer::new())
        // Spans name the path without a link's secret.
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                tracing::debug_span!(
                    "request",
                    method = %req.method(),
                    path = %crate::domain::paths::without_secrets(req.uri().path()),
                )
            }),
        )
        .with_state(state)
}

/// What a browser uses, authenticated by the session cookie: pages, server functions
/// (`/api/`), static files, and the console's own routes. Guarded against cross-site
/// requests; bodies bounded (uploads by their own limit).
fn console(state: &AppState) -> Router<AppState> {
    let options = state.leptos_options.clone();
    let upload_limit = rest::upload_body_limit(&state.config);
    let app = Router::new()
        .leptos_routes_with_context(state, route_list(), || {}, move || shell(options.clone()))
        .merge(console::forms::routes())
        .merge(console::billing::routes())
        .merge(console::audit::routes())
        .fallback_service(static_files::router(state, shell))
        .layer(axum::middleware::from_fn(
            body_limits::limit_server_function_bodies,
        ));
    app.merge(console::files::routes().layer(DefaultBodyLimit::max(upload_limit)))
        .layer(axum::middleware::from_fn(|req, next| {
            stall_guard::answer_stalled_pages(req, next, stall_guard::STALL_AFTER)
        }))
        .layer(axum::middleware::from_fn(form_errors::only_our_form_errors))
        .layer(session::layer(
            state.db.clone(),
            state.config.cookie_secure,
            state.config.sessions,
        ))
        .layer(axum::middleware::from_fn(csrf::refuse_cross_site))
}

/// 200 when the database answers (within 2 s), else 503: what a load balancer asks.
async fn health(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if db_gate::answers(&state.db_gate, &state.db).await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
