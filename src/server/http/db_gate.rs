//! Fails fast while PostgreSQL is unreachable. Without it a request would wait out the
//! pool's connect retries (`acquire_timeout`, 10 s) before failing, and a load balancer
//! would keep piling requests onto a console that cannot serve them.
//!
//! A watcher asks the database `SELECT 1` every second over a connection of its own (a
//! busy pool is no outage), 2 s at most. After two failed probes in a row every request
//! but `/healthz` (static files included) is answered 503 at once, with `Retry-After`;
//! the first probe that succeeds opens the gate again. A request already waiting for a
//! connection when the database went away fails within `acquire_timeout`. SQLite lives
//! in the process's own files: it has no gate.

use crate::server::db::Db;
use crate::server::rest::errors::ApiError;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sqlx::{AnyConnection, Connection};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often the database is asked, how long a probe may take, and how many failures
/// in a row close the gate.
const PROBE_EVERY: Duration = Duration::from_secs(1);
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);
const FAILURES_TO_CLOSE: u32 = 2;

/// Whether the database answered the last probes. Open until a watcher says otherwise
/// (SQLite, tests and tools run without one).
#[derive(Clone, Debug)]
pub struct DbGate {
    reachable: Arc<AtomicBool>,
    watched: Arc<AtomicBool>,
}

impl Default for DbGate {
    fn default() -> Self {
        DbGate {
            reachable: Arc::new(AtomicBool::new(true)),
            watched: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl DbGate {
    pub fn is_open(&self) -> bool {
        self.reachable.load(Ordering::Relaxed)
    }

    /// Whether a watcher keeps the gate (then `/healthz` reads it instead of asking).
    pub fn is_watched(&self) -> bool {
        self.watched.load(Ordering::Relaxed)
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

    /// Probes the PostgreSQL database at `url` for as long as the process runs.
    pub fn watch(&self, url: String) {
        let gate = self.clone();
        gate.watched.store(true, Ordering::Relaxed);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(PROBE_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut conn: Option<AnyConnection> = None;
            let mut failures = 0;
            loop {
                every.tick().await;
                let answered = tokio::time::timeout(PROBE_TIMEOUT, probe(&url, &mut conn))
                    .await
                    .unwrap_or(false);
                if answered {
                    failures = 0;
                    gate.set(true);
                } else {
                    conn = None;
                    failures += 1;
                    if failures >= FAILURES_TO_CLOSE {
                        gate.set(false);
                    }
                }
            }
        });
    }
}

/// `SELECT 1` on the probe's own connection, (re)connecting when it has none.
async fn probe(url: &str, conn: &mut Option<AnyConnection>) -> bool {
    if conn.is_none() {
        *conn = AnyConnection::connect(url).await.ok();
    }
    match conn {
        Some(c) => sqlx::query("SELECT 1").execute(c).await.is_ok(),
        None => false,
    }
}

/// Whether the database answers: the watcher's view when there is one, else a trivial
/// query on the pool within `PROBE_TIMEOUT`.
pub async fn answers(gate: &DbGate, db: &Db) -> bool {
    if gate.is_watched() {
        return gate.is_open();
    }
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
        let mut error = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "database_unavailable",
            "The console's database is not answering. Try again in a few seconds.",
        );
        error.retry_after = Some(RETRY_AFTER_SECS);
        error.into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            UNAVAILABLE_PAGE,
        )
            .into_response()
    };
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    res
}

const RETRY_AFTER_SECS: i64 = 5;

const UNAVAILABLE_PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"refresh\" content=\"5\"><title>Unavailable</title></head>\
<body><h1>The console is unavailable</h1><p>Its database is not answering. This page tries \
again every few seconds.</p></body></html>";
