//! `/metrics`, in the OpenMetrics text format Prometheus scrapes: requests by route, method
//! and status with their latency, requests in flight, the database pool, whether the
//! database answers, emails sent and failed, and page renders that stalled. Each console process
//! counts its own (scrape every process). Off unless METRICS_TOKEN is set, and then only for
//! a caller presenting it: routes and counts are nobody else's business.

use crate::server::http::bearer::bearer_is;
use crate::server::state::AppState;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::OnceLock;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route's pattern (`/o/{org_id}/settings/members`), never the path itself: ids
    /// would make a series per object.
    route: String,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ConnectionLabels {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EmailLabels {
    outcome: &'static str,
}

struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    connections: Family<ConnectionLabels, Gauge>,
    database_up: Gauge,
    emails: Family<EmailLabels, Counter>,
    renders_stalled: Counter,
}

/// Seconds: from a cached page (a millisecond) to the database's wait bound (10 s) and past.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// The process's metrics: one set, however many routers (tests build many).
fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let requests = Family::new_with_constructor(latency_histogram as fn() -> Histogram);
        let (in_flight, database_up) = (Gauge::default(), Gauge::default());
        let (connections, emails) = (Family::default(), Family::default());
        let renders_stalled = Counter::default();
        let mut registry = Registry::with_prefix("console");
        registry.register(
            "http_request_duration_seconds",
            "Requests by route, method and status: time to the last byte of the response",
            requests.clone(),
        );
        registry.register(
            "http_requests_in_flight",
            "Requests being served",
            in_flight.clone(),
        );
        registry.register(
            "db_connections",
            "The database pool's connections: in_use, idle, and max (the pool's bound; when \
             in_use reaches it, requests wait for a connection)",
            connections.clone(),
        );
        registry.register(
            "db_up",
            "1 while the database answers, 0 while it is refused as down",
            database_up.clone(),
        );
        registry.register(
            "emails",
            "Emails handed to the SMTP relay, by outcome (sent or failed)",
            emails.clone(),
        );
        registry.register(
            "page_renders_stalled",
            "Page renders that had not answered after 20 s: each answered 503, never run again \
             (server/http/stall_guard.rs)",
            renders_stalled.clone(),
        );
        Metrics {
            registry,
            requests,
            in_flight,
            connections,
            database_up,
            emails,
            renders_stalled,
        }
    })
}

/// Counts an email the relay took, or refused.
pub fn email_sent(ok: bool) {
    let outcome = if ok { "sent" } else { "failed" };
    metrics()
        .emails
        .get_or_create(&EmailLabels { outcome })
        .inc();
}

/// Counts a page render that stalled.
pub fn render_stalled() {
    metrics().renders_stalled.inc();
}

/// Observes a request when its response has been sent whole (or the client went away:
/// status 499), so a streamed page counts its full time.
struct Observation {
    started: Instant,
    labels: RequestLabels,
}

impl Drop for Observation {
    fn drop(&mut self) {
        let m = metrics();
        m.in_flight.dec();
        m.requests
            .get_or_create(&self.labels)
            .observe(self.started.elapsed().as_secs_f64());
    }
}

/// The middleware measuring every request, added where routes are matched.
pub async fn measure(req: Request, next: Next) -> Response {
    let route = match req.extensions().get::<MatchedPath>() {
        Some(path) => path.as_str().to_owned(),
        // Static files and unknown paths: one series, not one per path.
        None => "(other)".to_owned(),
    };
    metrics().in_flight.inc();
    let mut observation = Observation {
        started: Instant::now(),
        labels: RequestLabels {
            route,
            method: method_label(req.method()),
            status: 499,
        },
    };
    let response = next.run(req).await;
    observation.labels.status = response.status().as_u16();
    let (parts, body) = response.into_parts();
    let body = body.map_frame(move |frame| {
        let _until_sent = &observation;
        frame
    });
    Response::from_parts(parts, Body::new(body))
}

/// A client may send any method token: only the standard ones get a series of their own.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// `GET /metrics`: 404 unless METRICS_TOKEN is set and presented.
pub async fn serve(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !bearer_is(&headers, state.config.metrics_token.as_deref()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let m = metrics();
    let pool = &state.db.pool;
    let (size, idle) = (pool.size() as i64, pool.num_idle() as i64);
    for (state, value) in [
        ("in_use", size - idle),
        ("idle", idle),
        ("max", pool.options().get_max_connections() as i64),
    ] {
        m.connections
            .get_or_create(&ConnectionLabels { state })
            .set(value);
    }
    m.database_up.set(i64::from(state.db_gate.is_open()));
    let mut text = String::new();
    if prometheus_client::encoding::text::encode(&mut text, &m.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
