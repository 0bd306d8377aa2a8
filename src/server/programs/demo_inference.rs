//! `studio-console demo-inference`: a stand-in for an inference server, to try chat
//! completions (and their metering) without a GPU. It is NOT a model: it answers every
//! conversation with a deterministic echo of the last user message. It speaks the
//! OpenAI-compatible `POST /v1/chat/completions` (plain and `stream: true` with server-sent
//! events, usage included when `stream_options.include_usage` asks) and `GET /v1/models`.

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Json};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};

/// The one model it serves; any other model name is answered the same way.
pub const MODEL: &str = "demo-echo";

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The server's routes, for the command and for tests that start it on loopback.
pub fn router() -> Router {
    Router::new()
        .route("/v1/chat/completions", post(complete))
        .route("/v1/models", get(models))
        .layer(DefaultBodyLimit::max(4 * 1024 * 1024))
}

/// Serves on `addr` until stopped, answering each completion after `delay_ms` (0: at
/// once; a model takes tens of milliseconds or more, which benchmarks can stand in for).
pub async fn run(addr: &str, delay_ms: u64) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    println!("demo-inference (a deterministic stand-in, not a model) on http://{addr}/v1");
    let delay = std::time::Duration::from_millis(delay_ms);
    let app = router().layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            next.run(req).await
        },
    ));
    axum::serve(listener, app).await.map_err(|e| e.to_string())
}

async fn models() -> Json<Value> {
    Json(json!({
        "object": "list",
        "data": [{ "id": MODEL, "object": "model", "created": 0, "owned_by": "demo" }],
    }))
}

/// Words, as this stand-in counts tokens.
fn tokens(text: &str) -> i64 {
    text.split_whitespace().count() as i64
}

fn content_of(message: &Value) -> String {
    match &message["content"] {
        Value::String(s) => s.clone(),
        // Content parts: the text parts, in order.
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

fn bad_request(message: &str) -> Response {
    let body = json!({ "error": { "message": message, "type": "invalid_request_error" } });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

async fn complete(Json(request): Json<Value>) -> Response {
    let Some(messages) = request["messages"].as_array().filter(|m| !m.is_empty()) else {
        return bad_request("messages: a non-empty array is required");
    };
    let model = request["model"].as_str().unwrap_or(MODEL).to_owned();
    let prompt_tokens: i64 = messages.iter().map(|m| 1 + tokens(&content_of(m))).sum();
    let last_user = messages
        .iter()
        .rev()
        .find(|m| m["role"] == "user")
        .map(content_of)
        .unwrap_or_default();
    let max_tokens = request["max_tokens"]
        .as_i64()
        .or_else(|| request["max_completion_tokens"].as_i64())
        .unwrap_or(256)
        .max(1) as usize;
    let mut words: Vec<&str> = std::iter::once("Echo:")
        .chain(last_user.split_whitespace())
        .collect();
    let finish = if words.len() > max_tokens {
        words.truncate(max_tokens);
        "length"
    } else {
        "stop"
    };
    let usage = json!({
        "prompt_tokens": prompt_tokens,
        "completion_tokens": words.len(),
        "total_tokens": prompt_tokens + words.len() as i64,
    });
    let id = format!("chatcmpl-demo-{}", NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if request["stream"].as_bool() == Some(true) {
        let include_usage = request["stream_options"]["include_usage"].as_bool() == Some(true);
        return stream(
            &id,
            created,
            &model,
            &words,
            finish,
            include_usage.then_some(usage),
        );
    }
    Json(json!({
        "id": id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": words.join(" ") },
            "finish_reason": finish,
        }],
        "usage": usage,
    }))
    .into_response()
}

/// The answer as server-sent events: one chunk per word, the finish, the usage if asked,
/// and `[DONE]`.
fn stream(
    id: &str,
    created: u64,
    model: &str,
    words: &[&str],
    finish: &str,
    usage: Option<Value>,
) -> Response {
    let chunk = |delta: Value, finish: Option<&str>| {
        json!({
            "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }],
        })
    };
    let mut events = vec![chunk(json!({ "role": "assistant", "content": "" }), None)];
    for (i, word) in words.iter().enumerate() {
        let text = if i == 0 {
            (*word).to_owned()
        } else {
            format!(" {word}")
        };
        events.push(chunk(json!({ "content": text }), None));
    }
    events.push(chunk(json!({}), Some(finish)));
    if let Some(usage) = usage {
        events.push(json!({
            "id": id, "object": "chat.completion.chunk", "created": created, "model": model,
            "choices": [], "usage": usage,
        }));
    }
    let mut body = String::new();
    for event in events {
        body.push_str(&format!("data: {event}\n\n"));
    }
    body.push_str("data: [DONE]\n\n");
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from(body))
        .expect("a valid response")
}
