//! Retries a page render that stalls.
//!
//! Under heavy parallel load, Leptos 0.8's streaming renderer occasionally never finishes
//! a page: a `Suspense` misses the wake-up of its last resource (leptos-rs/leptos#4851,
//! #4673; 0.8.23 fixed two such races, and we still see about one render in 5,000 stall
//! when 64 run at once on two cores). The data calls behind the page finish; only the
//! render waits forever. Rendering a page is a read, so it is safe to run again: a stalled
//! render is dropped and retried, and a page that stalls every time answers 503 instead
//! of leaving the browser spinning.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// Far above any real render (tens of milliseconds; under a 16-connection load, p99 under
/// 200 ms), so only a stall hits it.
pub const STALL_AFTER: Duration = Duration::from_secs(8);
const ATTEMPTS: u32 = 3;

/// Where the server functions are (`#[server(prefix = "/api")]`).
const SERVER_FUNCTIONS: &str = "/api/";

/// The middleware: `from_fn(|req, next| retry_stalled_pages(req, next, STALL_AFTER))`.
pub async fn retry_stalled_pages(req: Request, next: Next, stall_after: Duration) -> Response {
    // Attached to the console's routes only; its GETs are pages, but for server functions
    // (which may be GET-encoded and must never run twice). A static file or a download
    // answers at once: its body streams after the timeout's reach.
    if req.method() != Method::GET || req.uri().path().starts_with(SERVER_FUNCTIONS) {
        return next.run(req).await;
    }
    // A GET carries no body, so the request can be rebuilt for each attempt.
    let (parts, _) = req.into_parts();
    for attempt in 1..=ATTEMPTS {
        let req = Request::from_parts(parts.clone(), Body::empty());
        match tokio::time::timeout(stall_after, next.clone().run(req)).await {
            Ok(res) => return res,
            Err(_) => {
                super::metrics::render_stalled();
                tracing::warn!(
                    path = crate::domain::paths::without_secrets(parts.uri.path()),
                    attempt,
                    "page render stalled"
                )
            }
        }
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The page could not be rendered. Please reload it.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{Router, routing::get};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    use tower::ServiceExt;

    /// A page that stalls on its first `stalls` renders, and how often it was rendered.
    fn app(stalls: u32) -> (Router, Arc<AtomicU32>) {
        let renders = Arc::new(AtomicU32::new(0));
        let counter = renders.clone();
        let page = move || {
            let counter = counter.clone();
            async move {
                if counter.fetch_add(1, Ordering::SeqCst) < stalls {
                    std::future::pending::<()>().await;
                }
                "page"
            }
        };
        let router = Router::new()
            .route("/page", get(page.clone()))
            .route("/api/call", get(page))
            .layer(axum::middleware::from_fn(|req, next| {
                retry_stalled_pages(req, next, Duration::from_millis(50))
            }));
        (router, renders)
    }

    async fn status(router: Router, path: &str) -> u16 {
        let req = Request::get(path).body(Body::empty()).unwrap();
        let res = tokio::time::timeout(Duration::from_secs(5), router.oneshot(req)).await;
        res.map(|r| r.unwrap().status().as_u16()).unwrap_or(0)
    }

    #[tokio::test]
    async fn a_stalled_render_is_retried() {
        let (router, renders) = app(1);
        assert_eq!(status(router, "/page").await, 200);
        assert_eq!(renders.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_page_that_always_stalls_answers_503() {
        let (router, renders) = app(u32::MAX);
        assert_eq!(status(router, "/page").await, 503);
        assert_eq!(renders.load(Ordering::SeqCst), ATTEMPTS);
    }

    #[tokio::test]
    async fn server_functions_are_never_run_twice() {
        let (router, renders) = app(1);
        assert_eq!(status(router, "/api/call").await, 0, "left to stall");
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }
}
