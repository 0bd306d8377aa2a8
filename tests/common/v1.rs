//! Calling `/v1` with a workspace key, as an API client does.

use super::TestApp;
use axum::body::Body;
use axum::http::Request;
use studio_console::api::api_keys::CreateApiKey;
use studio_console::domain::api_keys::CreatedKey;

pub const GOOD: &str = concat!(
    r#"{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}"#,
    "\n",
    r#"{"messages":[{"role":"user","content":"2+2?"},{"role":"assistant","content":"4"}]}"#,
    "\n"
);

pub async fn key(app: &TestApp, ada: &mut super::Account, ws: &str) -> String {
    let org = ada.org_id.clone();
    let _ = app;
    let created: CreatedKey = ada
        .client
        .run(CreateApiKey {
            org_id: org.to_owned(),
            workspace_id: ws.to_owned(),
            name: "k".into(),
            expiry: "never".into(),
            expires_on: None,
        })
        .await
        .json();
    created.secret
}

pub async fn upload(
    app: &TestApp,
    key: &str,
    purpose: &str,
    content: &str,
) -> super::client::Response {
    let boundary = "XBOUNDARYX";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n{purpose}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"train.jsonl\"\r\n\
         Content-Type: application/jsonl\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    let req = Request::post("/v1/files")
        .header("authorization", format!("Bearer {key}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    app.client().send(req).await
}

pub async fn v1(app: &TestApp, method: &str, path: &str, key: &str) -> super::client::Response {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {key}"));
    app.client().send(req.body(Body::empty()).unwrap()).await
}

/// A `/v1` call with a JSON body.
pub async fn v1_json(
    app: &TestApp,
    method: &str,
    path: &str,
    key: &str,
    body: serde_json::Value,
) -> super::client::Response {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json");
    app.client()
        .send(req.body(Body::from(body.to_string())).unwrap())
        .await
}

/// The token data-plane services present to `POST /internal/usage` in tests.
pub const USAGE_TOKEN: &str = "usage-token-0123456789";

/// Posts a usage report (`{"events": [...]}`) as a data-plane service with `token`.
pub async fn report_usage(
    app: &TestApp,
    body: serde_json::Value,
    token: &str,
) -> super::client::Response {
    v1_json(app, "POST", "/internal/usage", token, body).await
}

/// The trainer's token in tests; `with_trainer` serves the same database with it set.
pub const TRAINER_TOKEN: &str = "trainer-token-0123456789";

pub async fn with_trainer(app: &TestApp) -> TestApp {
    app.reconfigured(|c| c.trainer_token = Some(TRAINER_TOKEN.into()))
        .await
}

/// A trainer call: POST with a JSON body, or GET without one.
pub async fn trainer(
    app: &TestApp,
    path: &str,
    body: Option<serde_json::Value>,
) -> super::client::Response {
    let req = Request::builder()
        .method(if body.is_some() { "POST" } else { "GET" })
        .uri(path)
        .header("authorization", format!("Bearer {TRAINER_TOKEN}"))
        .header("content-type", "application/json");
    let body = body.map(|b| Body::from(b.to_string())).unwrap_or_default();
    app.client().send(req.body(body).unwrap()).await
}

/// The trainer claims the oldest queued job and reports it succeeded; returns the
/// finished job (with its `fine_tuned_model`).
pub async fn train_next(app: &TestApp) -> serde_json::Value {
    let claimed: serde_json::Value = trainer(
        app,
        "/internal/trainer/jobs/claim",
        Some(serde_json::json!({})),
    )
    .await
    .json();
    let id = claimed["id"].as_str().expect("a queued job to claim");
    let done = trainer(
        app,
        &format!("/internal/trainer/jobs/{id}/complete"),
        Some(serde_json::json!({ "status": "succeeded" })),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    done.json()
}

/// `studio-console demo-inference` on a loopback port of its own; its `/v1` base URL.
pub async fn demo_inference() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("its address");
    tokio::spawn(async move {
        let router = studio_console::server::programs::demo_inference::router();
        axum::serve(listener, router)
            .await
            .expect("demo-inference serves");
    });
    format!("http://{addr}/v1")
}
