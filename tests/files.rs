//! `/v1/files`: datasets uploaded with a workspace key belong to the workspace.

mod common;

use axum::body::Body;
use axum::http::Request;
use common::{TestApp, account};
use studio_console::domain::api_keys::CreatedKey;

backend_tests!(
    upload_list_download_and_delete,
    a_bad_line_is_named_and_nothing_is_kept,
    another_workspace_cannot_see_the_file,
);

const GOOD: &str = concat!(
    r#"{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}"#,
    "\n",
    r#"{"messages":[{"role":"user","content":"2+2?"},{"role":"assistant","content":"4"}]}"#,
    "\n"
);

async fn key(app: &TestApp, ada: &mut common::Account, ws: &str) -> String {
    let org = ada.org_id.clone();
    let _ = app;
    let created: CreatedKey = ada
        .client
        .call(
            "/api/create_api_key",
            &[
                ("org_id", &org),
                ("workspace_id", ws),
                ("name", "k"),
                ("expiry", "never"),
            ],
        )
        .await
        .json();
    created.secret
}

async fn upload(
    app: &TestApp,
    key: &str,
    purpose: &str,
    content: &str,
) -> common::client::Response {
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

async fn v1(app: &TestApp, method: &str, path: &str, key: &str) -> common::client::Response {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {key}"));
    app.client().send(req.body(Body::empty()).unwrap()).await
}

fn stored_files(app: &TestApp) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| {
                        if e.path().is_dir() {
                            count(&e.path())
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    count(&app.config.data_dir)
}

async fn upload_list_download_and_delete(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let key = key(&app, &mut ada, &ws).await;
    let res = upload(&app, &key, "fine-tune", GOOD).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let file: serde_json::Value = res.json();
    let id = file["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("file-"));
    assert_eq!(file["bytes"], GOOD.len());
    assert_eq!(file["filename"], "train.jsonl");
    let list: serde_json::Value = v1(&app, "GET", "/v1/files", &key).await.json();
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    let content = v1(&app, "GET", &format!("/v1/files/{id}/content"), &key).await;
    assert_eq!((content.status, content.body.as_str()), (200, GOOD));
    let deleted: serde_json::Value = v1(&app, "DELETE", &format!("/v1/files/{id}"), &key)
        .await
        .json();
    assert_eq!(deleted["deleted"], true);
    assert_eq!(
        v1(&app, "GET", &format!("/v1/files/{id}"), &key)
            .await
            .status,
        404
    );
    assert_eq!(stored_files(&app), 0, "the content is gone too");
}

async fn a_bad_line_is_named_and_nothing_is_kept(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let key = key(&app, &mut ada, &ws).await;
    let bad = format!("{GOOD}{{\"prompt\":\"old format\"}}\n");
    let res = upload(&app, &key, "fine-tune", &bad).await;
    assert_eq!(res.status, 400, "{}", res.body);
    let body: serde_json::Value = res.json();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Line 3"),
        "{}",
        res.body
    );
    let res = upload(&app, &key, "assistants", GOOD).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("purpose"));
    assert_eq!(app.count("files").await, 0);
    assert_eq!(stored_files(&app), 0, "no partial file is left behind");
}

async fn another_workspace_cannot_see_the_file(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let (org, ws) = (ada.org_id.clone(), ada.workspace_id.clone());
    let key_a = key(&app, &mut ada, &ws).await;
    let second: String = ada
        .client
        .call("/api/create_workspace", &[("org_id", &org), ("name", "B")])
        .await
        .json();
    let key_b = key(&app, &mut ada, &second).await;
    let file: serde_json::Value = upload(&app, &key_a, "fine-tune", GOOD).await.json();
    let id = file["id"].as_str().unwrap();
    for path in [format!("/v1/files/{id}"), format!("/v1/files/{id}/content")] {
        assert_eq!(v1(&app, "GET", &path, &key_b).await.status, 404, "{path}");
    }
    assert_eq!(
        v1(&app, "DELETE", &format!("/v1/files/{id}"), &key_b)
            .await
            .status,
        404
    );
    let list: serde_json::Value = v1(&app, "GET", "/v1/files", &key_b).await.json();
    assert!(list["data"].as_array().unwrap().is_empty());
}
