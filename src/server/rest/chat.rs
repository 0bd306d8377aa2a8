//! `POST /v1/chat/completions`: the request goes as it is to the inference server at
//! `INFERENCE_URL`, and the answer comes back as it is, plain or streamed. A successful
//! answer is metered once, from the upstream's own `usage`.

use super::sse_usage::UsageTap;
use super::{ApiError, ApiKeyContext, not_found_as};
use crate::domain::billing::limits::{
    RateKind, RateWindow, completion_estimate, completion_tokens,
};
use crate::server::adapters::inference::Unavailable;
use crate::server::authz::WorkspaceActor;
use crate::server::services::limits::{self, Admission};
use crate::server::services::metering::{self, CompletionUsage};
use crate::server::services::usage_store::{DaySum, Hold};
use crate::server::services::usage_writer::UsageWriter;
use crate::server::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde_json::{Value, json};

/// The largest request body: a long conversation, not a dataset.
pub const MAX_REQUEST_BYTES: usize = 4 * 1024 * 1024;
/// The largest answer read whole (a non-streamed completion).
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

fn upstream_error(status: StatusCode, code: &'static str, message: String) -> ApiError {
    ApiError::new(status, "server_error", code, message)
}

pub async fn complete(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut request: Value = serde_json::from_slice(&body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| ApiError::invalid("body", "a JSON object is required"))?;
    let model = request["model"]
        .as_str()
        .filter(|m| !m.trim().is_empty() && m.len() <= 256)
        .ok_or_else(|| ApiError::invalid("model", "the name of a model is required"))?
        .to_owned();
    if request["messages"].as_array().is_none_or(Vec::is_empty) {
        return Err(ApiError::invalid(
            "messages",
            "a non-empty array is required",
        ));
    }
    metering::allow_model(&state.db, &key.0, &state.config.base_models, &model)
        .await
        .map_err(|e| not_found_as("Model", e))?;
    let max_output = ["max_tokens", "max_completion_tokens"]
        .iter()
        .find_map(|k| request[*k].as_i64());
    let config = &state.config;
    let now = state.db.now();
    let tokens = completion_tokens(body.len(), max_output);
    let ask = limits::Ask {
        cost: completion_estimate(&config.catalogue, &model, now, tokens),
        tokens: tokens.0 + tokens.1,
    };
    let admitted = match limits::admit(&state.db, &state.usage, &key.0, ask).await? {
        Admission::Admitted(admitted) => admitted,
        Admission::RateLimited(window, kind) => {
            return Ok(rate_limited(&window, kind, state.db.now()));
        }
    };
    let window = admitted.window;
    let held = HeldCost {
        usage: state.usage.clone(),
        hold: admitted.hold,
    };
    let stream = request["stream"].as_bool() == Some(true);
    let client_wants_usage = request["stream_options"]["include_usage"].as_bool() == Some(true);
    if stream {
        request["stream_options"] = json!({ "include_usage": true });
    }
    let answer = state.inference.chat(&request).await.map_err(|e| match e {
        Unavailable::NotConfigured => upstream_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "inference_not_configured",
            "Chat completions are not set up on this console: its operator sets INFERENCE_URL \
             to an OpenAI-compatible inference server."
                .into(),
        ),
        Unavailable::Unreachable(why) => {
            tracing::warn!(error = %why, "the inference server did not answer");
            upstream_error(
                StatusCode::BAD_GATEWAY,
                "upstream_unavailable",
                "The inference server did not answer; try again.".into(),
            )
        }
    })?;
    let status = answer.status();
    if !status.is_success() {
        return Ok(relay_failure(answer).await);
    }
    let meter = Meter {
        config: state.config.clone(),
        ws: key.0,
        model,
        held,
    };
    let mut res = if stream {
        relay_stream(answer, meter, client_wants_usage)
    } else {
        relay_whole(answer, meter).await?
    };
    if let Some(window) = &window {
        rate_headers(res.headers_mut(), window, state.db.now());
    }
    Ok(res)
}

/// The workspace's rate window, in the headers the OpenAI SDKs read
/// (`x-ratelimit-limit-requests`, ...) and in short (`x-ratelimit-limit`, ...: requests).
fn rate_headers(headers: &mut HeaderMap, window: &RateWindow, now: i64) {
    let reset = format!("{}s", window.retry_after_secs(now));
    let mut put = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    if let (Some(limit), Some(left)) = (window.requests_per_minute, window.requests_left()) {
        put("x-ratelimit-limit-requests", limit.to_string());
        put("x-ratelimit-remaining-requests", left.to_string());
        put("x-ratelimit-reset-requests", reset.clone());
        put("x-ratelimit-limit", limit.to_string());
        put("x-ratelimit-remaining", left.to_string());
        put(
            "x-ratelimit-reset",
            window.retry_after_secs(now).to_string(),
        );
    }
    if let (Some(limit), Some(left)) = (window.tokens_per_minute, window.tokens_left()) {
        put("x-ratelimit-limit-tokens", limit.to_string());
        put("x-ratelimit-remaining-tokens", left.to_string());
        put("x-ratelimit-reset-tokens", reset);
    }
}

/// 429 for a rate limit: which one, and when to try again (`Retry-After`, seconds).
fn rate_limited(window: &RateWindow, kind: RateKind, now: i64) -> Response {
    let mut error = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "requests",
        "rate_limit_exceeded",
        window.message(kind, now),
    );
    error.retry_after = Some(window.retry_after_secs(now));
    let mut res = error.into_response();
    rate_headers(res.headers_mut(), window, now);
    res
}

/// The cost held for a request while it runs (usage limits): released if the request
/// ends without usage to store, else handed to what stores its usage.
struct HeldCost {
    usage: UsageWriter,
    hold: Option<Hold>,
}

impl Drop for HeldCost {
    fn drop(&mut self) {
        if let Some(hold) = self.hold.take() {
            let usage = self.usage.clone();
            tokio::spawn(async move {
                if let Err(e) = usage.release(hold).await {
                    tracing::warn!(error = %e, "could not release a request's hold");
                }
            });
        }
    }
}

/// What metering a completion needs: prices, who asked, the model and the hold.
struct Meter {
    config: std::sync::Arc<crate::server::Config>,
    ws: WorkspaceActor,
    model: String,
    held: HeldCost,
}

impl Meter {
    fn sum(&self, used: &CompletionUsage) -> DaySum {
        let now = self.held.usage.now();
        metering::completion_sum(&self.config.catalogue, now, &self.ws, &self.model, used)
    }

    /// Stores a stream's usage now, with the release of its hold.
    async fn store(&mut self, used: &CompletionUsage) -> Result<(), String> {
        let sum = self.sum(used);
        self.held.usage.add(sum, self.held.hold.take()).await
    }
}

/// The upstream's refusal of the request (4xx) goes back as it is; its own failure (5xx)
/// is a 502. Nothing is metered.
async fn relay_failure(answer: reqwest::Response) -> Response {
    let status = answer.status();
    if status.is_client_error() {
        let body = answer.bytes().await.unwrap_or_default();
        if serde_json::from_slice::<Value>(&body).is_ok() {
            let status = StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_REQUEST);
            return (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
        }
    }
    tracing::warn!(
        status = status.as_u16(),
        "the inference server failed a request"
    );
    upstream_error(
        StatusCode::BAD_GATEWAY,
        "upstream_error",
        format!("The inference server failed (status {}).", status.as_u16()),
    )
    .into_response()
}

async fn relay_whole(answer: reqwest::Response, mut meter: Meter) -> Result<Response, ApiError> {
    let too_big = || {
        upstream_error(
            StatusCode::BAD_GATEWAY,
            "upstream_error",
            "The inference server's answer was too large.".into(),
        )
    };
    if answer.content_length().unwrap_or(0) > MAX_ANSWER_BYTES as u64 {
        return Err(too_big());
    }
    let body = answer.bytes().await.map_err(|e| {
        tracing::warn!(error = %e.without_url(), "reading the inference server's answer");
        upstream_error(
            StatusCode::BAD_GATEWAY,
            "upstream_unavailable",
            "The inference server's answer was cut off; try again.".into(),
        )
    })?;
    if body.len() > MAX_ANSWER_BYTES {
        return Err(too_big());
    }
    let parsed: Value = serde_json::from_slice(&body).map_err(|_| {
        upstream_error(
            StatusCode::BAD_GATEWAY,
            "upstream_error",
            "The inference server's answer was not JSON.".into(),
        )
    })?;
    let reported = &parsed["usage"];
    let used = CompletionUsage {
        prompt_tokens: reported["prompt_tokens"].as_i64().unwrap_or(0),
        completion_tokens: reported["completion_tokens"].as_i64().unwrap_or(0),
    };
    // Stored with the request's log line, before the answer leaves (`auth::require_key`).
    let mut res = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    res.extensions_mut().insert(CompletionToMeter {
        sum: meter.sum(&used),
        hold: meter.held.hold.take(),
    });
    Ok(res)
}

/// A plain completion's usage and hold, for the key layer to store with the request's
/// log line.
#[derive(Clone)]
pub struct CompletionToMeter {
    pub sum: DaySum,
    pub hold: Option<Hold>,
}

/// Meters a stream once: when it ends, or, if the client goes away first, with the usage
/// read by then.
struct StreamMeter {
    meter: Meter,
    tap: UsageTap,
    metered: bool,
}

impl StreamMeter {
    async fn meter(&mut self) {
        if let Some(used) = self.tap.usage.take() {
            self.metered = true;
            if let Err(e) = self.meter.store(&used).await {
                tracing::error!(error = %e, "could not meter a streamed completion");
            }
        }
    }
}

impl Drop for StreamMeter {
    fn drop(&mut self) {
        if self.metered {
            return;
        }
        if let Some(used) = self.tap.usage.take() {
            let sum = self.meter.sum(&used);
            let (usage, hold) = (self.meter.held.usage.clone(), self.meter.held.hold.take());
            tokio::spawn(async move {
                let _ = usage.add(sum, hold).await;
            });
        }
    }
}

fn relay_stream(answer: reqwest::Response, meter: Meter, client_wants_usage: bool) -> Response {
    let meter = StreamMeter {
        meter,
        tap: UsageTap::new(client_wants_usage),
        metered: false,
    };
    let upstream = answer.bytes_stream();
    let body = futures_util::stream::unfold(
        (upstream, Some(meter)),
        |(mut upstream, mut meter)| async move {
            let m = meter.as_mut()?;
            loop {
                match upstream.next().await {
                    Some(Ok(bytes)) => {
                        let out = m.tap.feed(&bytes);
                        if !out.is_empty() {
                            return Some((
                                Ok::<_, std::io::Error>(Bytes::from(out)),
                                (upstream, meter),
                            ));
                        }
                    }
                    Some(Err(e)) => {
                        tracing::warn!(error = %e.without_url(), "a completion stream broke off");
                        m.meter().await;
                        return None;
                    }
                    None => {
                        let rest = m.tap.finish();
                        m.meter().await;
                        meter = None;
                        return (!rest.is_empty())
                            .then(|| (Ok(Bytes::from(rest)), (upstream, meter)));
                    }
                }
            }
        },
    );
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from_stream(body))
        .expect("a valid response")
}
