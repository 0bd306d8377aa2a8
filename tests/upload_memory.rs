//! A 200 MB upload must be streamed, not buffered. Resident memory is per process, so
//! this file holds a single test that runs the two backends one after the other.

mod common;

use axum::body::Body;
use axum::http::Request;
use common::{TestApp, account};
use studio_console::api::api_keys::CreateApiKey;
use studio_console::domain::api_keys::CreatedKey;

/// Resident memory of this process, in bytes (Linux).
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

async fn key(ada: &mut common::Account, ws: &str) -> String {
    let org = ada.org_id.clone();
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mb_upload_is_streamed_not_buffered_on_both_backends() {
    big_upload(TestApp::sqlite().await).await;
    if let Some(app) = TestApp::postgres().await {
        big_upload(app).await;
    }
}

async fn big_upload(app: TestApp) {
    const TOTAL: usize = 200 * 1024 * 1024;
    let big = app
        .reconfigured(|c| c.max_upload_bytes = 300 * 1024 * 1024)
        .await;
    let mut ada = account(&big, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let key = key(&mut ada, &ws).await;

    // 200 MB of valid lines, produced chunk by chunk so the test itself holds little.
    let line = r#"{"messages":[{"role":"user","content":"hello"},{"role":"assistant","content":"hi there"}]}"#;
    let line = format!("{line}\n");
    let chunk: String = line.repeat(64 * 1024 / line.len());
    let chunks = TOTAL / chunk.len();
    let boundary = "XBOUNDARYX";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jsonl\"\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let parts = std::iter::once(head)
        .chain(std::iter::repeat_n(chunk.clone(), chunks))
        .chain(std::iter::once(tail))
        .map(|s| Ok::<_, std::io::Error>(axum::body::Bytes::from(s)));
    let body = Body::from_stream(futures_stream(parts));
    let req = Request::post("/v1/files")
        .header("authorization", format!("Bearer {key}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .unwrap();
    let before = rss();
    let res = big.client().send(req).await;
    let grown = rss().saturating_sub(before);
    assert_eq!(res.status, 200, "{}", res.body);
    let file: serde_json::Value = res.json();
    assert_eq!(
        file["bytes"].as_u64().unwrap() as usize,
        chunks * chunk.len()
    );
    assert!(
        grown < 32 * 1024 * 1024,
        "memory grew by {} MB for a 200 MB upload",
        grown / (1024 * 1024)
    );
}

/// An iterator as a stream.
fn futures_stream<I: Iterator + Send + Unpin + 'static>(
    iter: I,
) -> impl futures_core::Stream<Item = I::Item> + Send
where
    I::Item: Send,
{
    struct Iter<I>(I);
    impl<I: Iterator + Unpin> futures_core::Stream for Iter<I> {
        type Item = I::Item;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<I::Item>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    Iter(iter)
}
