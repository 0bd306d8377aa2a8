//! Fails fast while the database is unreachable. Without it a request would wait out the
//! pool's connect retries (`acquire_timeout`, 10 s) before failing, and a load balancer
//! would keep piling requests onto a console that cannot serve them.
//!
//! A watcher asks the database `SELECT 1` every second (2 s at most). After a failed
//! probe every request but `/healthz` and static files is answered 503 at once, with
//! `Retry-After`; the first probe that succeeds opens the gate again. A request already
//! waiting for a connection when the database went away fails within `acquire_timeout`.

use crate::server::db::Db;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often the database is asked, and how long a probe may take.
const PROBE_EVERY: Duration = Duration::from_secs(1);
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Whether the database answered the last probe. Open until a watcher says otherwise
/// (tests and tools run without one).
#[derive(Clone, Debug)]
pub struct DbGate {
    reachable: Arc<AtomicBool>,
}

impl Default for DbGate {
    fn default() -> Self {
        DbGate {
            reachable: Arc::new(AtomicBool::new(true)),
        }
    }
}

impl DbGate {
    pub fn is_open(&self) -> bool {
        self.reachable.load(Ordering::Relaxed)
    }

    /// Opens or closes the gate; logs each change.
    pub fn set(&self, reachable: bool) {
        if self.reachable.swap(reachable, Ordering::Relaxed) != reachable {
            match reachable {
                true => tracing::warn!("the database answers again: serving requests"),
                false => {
                    tracing::error!("the database does not answer: refusing requests with 503")
                }
            }
        }
    }

    /// Probes `db` for as long as the process runs.
    pub fn watch(&self, db: Db) {
        let gate = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(PROBE_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                gate.set(answers(&db).await);
            }
        });
    }
}

/// Whether the database answers a trivial query within `PROBE_TIMEOUT`.
pub async fn answers(db: &Db) -> bool {
    tokio::time::timeout(PROBE_TIMEOUT, db.is_healthy())
        .await
        .unwrap_or(false)
}

/// Middleware: 503 at once while the gate is closed, as JSON under `/v1` and `/internal`
/// (what API clients parse) and as a short page elsewhere.
pub async fn refuse_while_down(State(gate): State<DbGate>, req: Request, next: Next) -> Response {
    if gate.is_open() {
        return next.run(req).await;
    }
    let path = req.uri().path();
    let mut res = if path.starts_with("/v1/") || path.starts_with("/internal/") {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"error":{"message":"The console's database is not answering. Try again in a few seconds.","type":"service_unavailable","code":"database_unavailable"}}"#,
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            UNAVAILABLE_PAGE,
        )
            .into_response()
    };
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    res
}

const UNAVAILABLE_PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"refresh\" content=\"5\"><title>Unavailable</title></head>\
<body><h1>The console is unavailable</h1><p>Its database is not answering. This page tries \
again every few seconds.</p></body></html>";
