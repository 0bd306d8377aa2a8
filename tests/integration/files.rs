//! `/v1/files`: datasets uploaded with a workspace key belong to the workspace.

use crate::common;

use common::v1::{GOOD, key, upload, v1};
use common::{TestApp, account};
use std::time::Duration;
use studio_console::api::workspaces::CreateWorkspace;
use studio_console::server::services::dataset_sweep::{self, Swept};

backend_tests!(
    upload_list_download_and_delete,
    a_bad_line_is_named_and_nothing_is_kept,
    another_workspace_cannot_see_the_file,
    a_line_longer_than_the_limit_is_named,
    the_purpose_may_come_after_the_file,
    a_sweep_removes_what_a_crash_left_and_nothing_else,
);

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
        .run(CreateWorkspace {
            org_id: org.to_owned(),
            name: "B".into(),
        })
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

/// A line over `MAX_LINE_BYTES` is refused naming it, whether it ends the file, is
/// followed by others, or never ends; nothing is kept. Shapes that used to cost minutes
/// of CPU (a file without a newline, a million-element array) fail at once.
async fn a_line_longer_than_the_limit_is_named(app: TestApp) {
    let app = app.reconfigured(|c| c.max_line_bytes = 4096).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let key = key(&app, &mut ada, &ws).await;
    let long = format!(
        r#"{{"messages":[{{"role":"user","content":"{}"}}]}}"#,
        "x".repeat(5000)
    );
    for (content, line) in [
        (format!("{GOOD}{long}\n{GOOD}"), 3),
        (format!("{GOOD}{long}"), 3),
        ("y".repeat(200_000), 1),
    ] {
        let res = upload(&app, &key, "fine-tune", &content).await;
        assert_eq!(res.status, 400, "{}", res.body);
        assert!(
            res.body
                .contains(&format!("Line {line}: longer than the limit of 4096 bytes")),
            "{}",
            res.body
        );
    }
    let zeros = format!("{{\"messages\":[{}0]}}\n", "0,".repeat(2000));
    let res = upload(&app, &key, "fine-tune", &zeros).await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert!(
        res.body.contains("Line 1: expected an object"),
        "{}",
        res.body
    );
    assert_eq!(app.count("files").await, 0);
    assert_eq!(stored_files(&app), 0, "no partial upload is left");
}

/// SDKs send the form fields in either order (the OpenAI Node SDK sends the file first);
/// a wrong purpose after the file keeps nothing.
async fn the_purpose_may_come_after_the_file(app: TestApp) {
    use axum::body::Body;
    use axum::http::Request;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let key = key(&app, &mut ada, &ws).await;
    let send = |purpose: &'static str| {
        let body = format!(
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.jsonl\"\r\n\r\n{GOOD}\r\n\
             --B\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n{purpose}\r\n--B--\r\n"
        );
        Request::post("/v1/files")
            .header("authorization", format!("Bearer {key}"))
            .header("content-type", "multipart/form-data; boundary=B")
            .body(Body::from(body))
            .unwrap()
    };
    let res = app.client().send(send("batch")).await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert!(res.body.contains("purpose"), "{}", res.body);
    assert_eq!(app.count("files").await, 0);
    assert_eq!(stored_files(&app), 0, "the refused file is not kept");
    let res = app.client().send(send("fine-tune")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(app.count("files").await, 1);
}

/// A crash between writing and recording leaves a partial upload, or a complete file no
/// dataset names; a sweep removes both once they have settled, and keeps every dataset's
/// file and anything still being written.
async fn a_sweep_removes_what_a_crash_left_and_nothing_else(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let key = key(&app, &mut ada, &ws).await;
    let res = upload(&app, &key, "fine-tune", GOOD).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let kept: serde_json::Value = res.json();
    let dir = app.config.data_dir.join("files").join(&ws);
    std::fs::write(dir.join(".upload-tmp_cut_off"), "{\"messages\"").unwrap();
    std::fs::write(dir.join("file-never_recorded.jsonl"), GOOD).unwrap();
    std::fs::write(dir.join("notes.txt"), "not ours to judge").unwrap();
    std::fs::write(dir.join("operator-copy.jsonl"), GOOD).unwrap();
    // A folder of a workspace this database does not have (a data folder paired with
    // another database) is not touched.
    let stranger = app.config.data_dir.join("files").join("ws_elsewhere");
    std::fs::create_dir_all(&stranger).unwrap();
    std::fs::write(stranger.join("file-not_here.jsonl"), GOOD).unwrap();
    assert_eq!(stored_files(&app), 6);

    // Fresh files may be an upload in progress: nothing goes.
    let swept = dataset_sweep::sweep(&app.db, &app.config, dataset_sweep::SETTLED)
        .await
        .unwrap();
    assert_eq!(swept, Swept::default());
    assert_eq!(stored_files(&app), 6);

    let swept = dataset_sweep::sweep(&app.db, &app.config, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(
        swept,
        Swept {
            partials: 1,
            orphans: 1
        }
    );
    assert_eq!(
        stored_files(&app),
        4,
        "the dataset's file and the strangers stay"
    );
    let id = kept["id"].as_str().unwrap();
    let content = v1(&app, "GET", &format!("/v1/files/{id}/content"), &key).await;
    assert_eq!((content.status, content.body.as_str()), (200, GOOD));
}
