//! The last resort against a page render that never finishes.
//!
//! Leptos 0.8's streaming renderer once left about one render in 5,000 waiting for ever
//! under 64 parallel requests (a `Suspense` missing its last resource's wake-up:
//! leptos-rs/leptos#4851, #4673, #4698, fixed upstream in 0.8.23 by PR #4853; and #4773,
//! which the server avoids by building its route list once, before it listens). The
//! render hammer (`bench/stall_hammer.sh`) now finds none in 1,000,000 renders, so this is
//! no longer a retry: a page that has not answered in `STALL_AFTER` (longer than any
//! database wait, so overload is never mistaken for a stall) is logged, counted on
//! `/metrics`, and answered 503 once; it is never rendered a second time.

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// Above the database pool's 10 s acquire timeout plus a render's own time: only a
/// render that is stuck reaches it.
pub const STALL_AFTER: Duration = Duration::from_secs(20);

/// Where the server functions are (`#[server(prefix = "/api")]`).
const SERVER_FUNCTIONS: &str = "/api/";

/// The middleware: `from_fn(|req, next| answer_stalled_pages(req, next, STALL_AFTER))`.
pub async fn answer_stalled_pages(req: Request, next: Next, stall_after: Duration) -> Response {
    // Attached to the console's routes only; its GETs are pages, but for server functions
    // (which answer for themselves). A static file or a download answers at once: its
    // body streams after the timeout's reach.
    if req.method() != Method::GET || req.uri().path().starts_with(SERVER_FUNCTIONS) {
        return next.run(req).await;
    }
    // Kept for the log line only (a shared buffer: no copy of the path on every page).
    let uri = req.uri().clone();
    match tokio::time::timeout(stall_after, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            super::metrics::render_stalled();
            tracing::error!(
                path = crate::domain::paths::without_secrets(uri.path()),
                after_secs = stall_after.as_secs(),
                "page render stalled: answered 503"
            );
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The page could not be rendered. Please reload it.",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
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
                answer_stalled_pages(req, next, Duration::from_millis(50))
            }));
        (router, renders)
    }

    async fn status(router: Router, path: &str) -> u16 {
        let req = Request::get(path).body(Body::empty()).unwrap();
        let res = tokio::time::timeout(Duration::from_secs(5), router.oneshot(req)).await;
        res.map(|r| r.unwrap().status().as_u16()).unwrap_or(0)
    }

    #[tokio::test]
    async fn a_stalled_render_answers_503_and_is_not_run_again() {
        let (router, renders) = app(1);
        assert_eq!(status(router, "/page").await, 503);
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_render_that_answers_in_time_is_untouched() {
        let (router, renders) = app(0);
        assert_eq!(status(router, "/page").await, 200);
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn server_functions_are_left_alone() {
        let (router, renders) = app(1);
        assert_eq!(status(router, "/api/call").await, 0, "left to stall");
        assert_eq!(renders.load(Ordering::SeqCst), 1);
    }
}
