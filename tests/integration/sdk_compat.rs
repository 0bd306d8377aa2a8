//! What the OpenAI and Mistral SDKs rely on: lists that page by either dialect and end,
//! objects with the fields both require, a job's events and checkpoints, and errors that
//! are JSON in both shapes whatever went wrong. (The SDKs themselves drive the release
//! server in `end2end/tests/sdk.spec.js`.)

use crate::common;

use common::v1::{GOOD, key as new_key, trainer, upload, v1, v1_json, with_trainer};
use common::{TestApp, account};
use serde_json::{Value, json};
use studio_console::api::api_keys::{CreateApiKey, RevokeApiKey};
use studio_console::api::workspaces::{ArchiveWorkspace, CreateWorkspace, UnarchiveWorkspace};
use studio_console::domain::api_keys::CreatedKey;

backend_tests!(
    files_page_by_cursor_and_by_page,
    a_cursor_outlives_its_file,
    a_jobs_history_is_listed,
    checkpoints_are_checked_and_kept_once,
    errors_are_json_in_both_shapes,
    a_signed_url_downloads_without_a_key_until_it_expires,
    a_signed_url_ends_with_its_keys_rights,
);

/// Uploads `n` datasets named `0.jsonl`, `1.jsonl`, ...; returns the key and their ids,
/// oldest first.
async fn datasets(app: &TestApp, n: usize) -> (String, Vec<String>) {
    let mut ada = account(app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let key = new_key(app, &mut ada, &ws).await;
    let mut ids = Vec::new();
    for _ in 0..n {
        let res = upload(app, &key, "fine-tune", GOOD).await;
        assert_eq!(res.status, 200, "{}", res.body);
        ids.push(res.json::<Value>()["id"].as_str().unwrap().to_owned());
    }
    (key, ids)
}

fn ids_of(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Follows `has_more` and `last_id` from `first`, as OpenAI's SDKs do; every id seen.
async fn walk(app: &TestApp, key: &str, first: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut path = first.to_owned();
    for _ in 0..20 {
        let res = v1(app, "GET", &path, key).await;
        assert_eq!(res.status, 200, "{path}: {}", res.body);
        let page: Value = res.json();
        let ids = ids_of(&page);
        assert_eq!(page["first_id"], json!(ids.first()));
        assert_eq!(page["last_id"], json!(ids.last()));
        seen.extend(ids);
        if page["has_more"] == false {
            return seen;
        }
        let sep = if first.contains('?') { '&' } else { '?' };
        path = format!("{first}{sep}after={}", page["last_id"].as_str().unwrap());
    }
    panic!("{first} never ended");
}

async fn files_page_by_cursor_and_by_page(app: TestApp) {
    let (key, ids) = datasets(&app, 5).await;
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    let newest = walk(&app, &key, "/v1/files?limit=2").await;
    assert_eq!(newest, newest_first, "every file once, newest first");
    assert_eq!(walk(&app, &key, "/v1/files?limit=2&order=asc").await, ids);
    assert_eq!(walk(&app, &key, "/v1/files").await, newest_first);

    // Mistral's pages count from 0 and carry the total.
    let page: Value = v1(&app, "GET", "/v1/files?page=1&page_size=2", &key)
        .await
        .json();
    assert_eq!(ids_of(&page), newest_first[2..4]);
    assert_eq!(
        (page["total"].clone(), page["has_more"].clone()),
        (json!(5), json!(true))
    );
    let last: Value = v1(
        &app,
        "GET",
        "/v1/files?page=2&page_size=2&include_total=false",
        &key,
    )
    .await
    .json();
    assert_eq!(ids_of(&last), newest_first[4..]);
    assert!(last.get("total").is_none() && last["has_more"] == false);

    // Filters: a name, and kinds of file the console does not keep.
    let found: Value = v1(&app, "GET", "/v1/files?page=0&search=TRAIN.json", &key)
        .await
        .json();
    assert_eq!(found["total"], 5);
    let none: Value = v1(&app, "GET", "/v1/files?page=0&search=100%25_", &key)
        .await
        .json();
    assert_eq!(none["total"], 0, "% and _ are matched as themselves");
    for other in ["purpose=batch", "sample_type=pretrain", "source=repository"] {
        let page: Value = v1(&app, "GET", &format!("/v1/files?{other}"), &key)
            .await
            .json();
        assert_eq!(ids_of(&page).len(), 0, "{other}");
    }
    let both: Value = v1(
        &app,
        "GET",
        "/v1/files?sample_type=pretrain&sample_type=instruct",
        &key,
    )
    .await
    .json();
    assert_eq!(ids_of(&both).len(), 5);

    // The files carry what both SDKs require.
    let file = &last["data"][0];
    for field in [
        "status",
        "sample_type",
        "source",
        "num_lines",
        "deleted",
        "bytes",
    ] {
        assert!(!file[field].is_null(), "{field} in {file}");
    }
}

/// Deleting while paging, as `for f in client.files.list(): client.files.delete(f.id)`
/// does: the next page starts after the deleted file. A cursor that was never an id of
/// the list is refused by name rather than starting over.
async fn a_cursor_outlives_its_file(app: TestApp) {
    let (key, ids) = datasets(&app, 4).await;
    let first: Value = v1(&app, "GET", "/v1/files?limit=2", &key).await.json();
    for id in ids_of(&first) {
        let res = v1(&app, "DELETE", &format!("/v1/files/{id}"), &key).await;
        assert_eq!(res.status, 200);
    }
    let after = first["last_id"].as_str().unwrap();
    let next: Value = v1(
        &app,
        "GET",
        &format!("/v1/files?limit=2&after={after}"),
        &key,
    )
    .await
    .json();
    assert_eq!(ids_of(&next), [ids[1].clone(), ids[0].clone()]);
    assert_eq!(next["has_more"], false);

    let res = v1(&app, "GET", "/v1/files?after=file-nothing", &key).await;
    assert_eq!(res.status, 400);
    assert_eq!(res.json::<Value>()["error"]["param"], "after");
}

async fn start_job(app: &TestApp, key: &str) -> String {
    let file: Value = upload(app, key, "fine-tune", GOOD).await.json();
    let res = v1_json(
        app,
        "POST",
        "/v1/fine_tuning/jobs",
        key,
        json!({ "model": "open-mistral-7b", "training_file": file["id"] }),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json::<Value>()["id"].as_str().unwrap().to_owned()
}

async fn progress(app: &TestApp, id: &str, body: Value) -> common::client::Response {
    trainer(
        app,
        &format!("/internal/trainer/jobs/{id}/progress"),
        Some(body),
    )
    .await
}

fn messages(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_jobs_history_is_listed(app: TestApp) {
    let app = with_trainer(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let key = new_key(&app, &mut ada, &ws).await;
    let id = start_job(&app, &key).await;
    trainer(&app, "/internal/trainer/jobs/claim", Some(json!({}))).await;
    for (p, message) in [(10, "Epoch 1"), (20, "Epoch 1"), (60, "Epoch 2")] {
        let res = progress(&app, &id, json!({ "progress": p, "message": message })).await;
        assert_eq!(res.status, 200, "{}", res.body);
    }
    let done = trainer(
        &app,
        &format!("/internal/trainer/jobs/{id}/complete"),
        Some(json!({ "status": "failed", "message": "Out of memory." })),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);

    let events = format!("/v1/fine_tuning/jobs/{id}/events");
    let all: Value = v1(&app, "GET", &format!("{events}?order=asc&limit=100"), &key)
        .await
        .json();
    assert_eq!(
        messages(&all),
        [
            format!("Created fine-tuning job: {id}").as_str(),
            "Fine-tuning job started.",
            "Epoch 1",
            "Epoch 2",
            "The job failed: Out of memory.",
        ],
        "a repeated message is one event"
    );
    assert_eq!(all["data"][4]["level"], "error");
    assert_eq!(all["data"][0]["object"], "fine_tuning.job.event");
    let newest_first: Vec<String> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        walk(&app, &key, &format!("{events}?limit=2")).await,
        newest_first
    );

    // Another workspace's key does not see them.
    let second: String = ada
        .client
        .run(CreateWorkspace {
            org_id: ada.org_id.clone(),
            name: "B".into(),
        })
        .await
        .json();
    let other = new_key(&app, &mut ada, &second).await;
    assert_eq!(v1(&app, "GET", &events, &other).await.status, 404);

    // Archiving the workspace cancels its queued job and says why (read once it is
    // unarchived: an archived workspace's keys are refused).
    let queued = start_job(&app, &other).await;
    for archived in [true, false] {
        let (org_id, workspace_id) = (ada.org_id.clone(), second.clone());
        let res = match archived {
            true => {
                ada.client
                    .run(ArchiveWorkspace {
                        org_id,
                        workspace_id,
                    })
                    .await
            }
            false => {
                ada.client
                    .run(UnarchiveWorkspace {
                        org_id,
                        workspace_id,
                    })
                    .await
            }
        };
        assert!(res.status < 400, "{}", res.body);
    }
    let history: Value = v1(
        &app,
        "GET",
        &format!("/v1/fine_tuning/jobs/{queued}/events"),
        &other,
    )
    .await
    .json();
    assert_eq!(history["data"][0]["level"], "warn");
    assert_eq!(
        history["data"][0]["message"],
        "Cancelled: the workspace was archived."
    );
}

async fn checkpoints_are_checked_and_kept_once(app: TestApp) {
    let app = with_trainer(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let key = new_key(&app, &mut ada, &ws).await;
    let id = start_job(&app, &key).await;
    let checkpoints = format!("/v1/fine_tuning/jobs/{id}/checkpoints");
    let empty: Value = v1(&app, "GET", &checkpoints, &key).await.json();
    assert_eq!(empty["data"], json!([]));
    trainer(&app, "/internal/trainer/jobs/claim", Some(json!({}))).await;

    let bad = progress(
        &app,
        &id,
        json!({ "progress": 5, "checkpoint": { "step_number": 1, "metrics": { "loss": "low" } } }),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json::<Value>()["error"]["param"], "checkpoint.metrics");
    for (step, loss) in [(10, 0.9), (10, 0.8), (20, 0.5)] {
        let res = progress(
            &app,
            &id,
            json!({ "progress": step, "checkpoint": { "step_number": step, "metrics": { "train_loss": loss } } }),
        )
        .await;
        assert_eq!(res.status, 200, "{}", res.body);
    }
    let listed: Value = v1(&app, "GET", &checkpoints, &key).await.json();
    let steps: Vec<i64> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["step_number"].as_i64().unwrap())
        .collect();
    assert_eq!(steps, [20, 10], "newest first, one per step");
    let newest = &listed["data"][0];
    assert_eq!(newest["metrics"], json!({ "train_loss": 0.5, "step": 20 }));
    assert_eq!(newest["fine_tuning_job_id"], id.as_str());
    let model = newest["fine_tuned_model_checkpoint"].as_str().unwrap();
    assert!(
        model.starts_with("ft:open-mistral-7b:default::") && model.ends_with(":ckpt-step-20"),
        "{model}"
    );
}

async fn errors_are_json_in_both_shapes(app: TestApp) {
    let (key, _) = datasets(&app, 0).await;
    let check = |res: &common::client::Response, status: u16, code: &str| {
        assert_eq!(res.status, status, "{}", res.body);
        let body: Value = res.json();
        assert_eq!(body["error"]["code"], code, "{}", res.body);
        assert_eq!(
            body["code"], code,
            "Mistral's top-level fields: {}",
            res.body
        );
        assert_eq!(body["object"], "error");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    };
    // Unknown paths and wrong methods, with a key or without one.
    for k in [key.as_str(), ""] {
        check(
            &v1(&app, "GET", "/v1/nothing/here", k).await,
            404,
            "unknown_url",
        );
    }
    let wrong = v1(&app, "PUT", "/v1/files", &key).await;
    check(&wrong, 405, "method_not_allowed");
    assert!(wrong.header("allow").is_some_and(|a| a.contains("POST")));
    // A bad query names its parameter, as a bad body field does.
    let res = v1(&app, "GET", "/v1/files?limit=many", &key).await;
    check(&res, 400, "invalid_request");
    assert_eq!(res.json::<Value>()["error"]["param"], "limit");
    let res = v1(&app, "GET", "/v1/fine_tuning/jobs?order=sideways", &key).await;
    assert_eq!(res.json::<Value>()["param"], "order");
    // JSON of the wrong shape is 422 with FastAPI's `detail`; text that is not JSON, 400.
    let res = v1_json(
        &app,
        "POST",
        "/v1/fine_tuning/jobs",
        &key,
        json!({ "model": 7 }),
    )
    .await;
    check(&res, 422, "invalid_value");
    let body: Value = res.json();
    assert_eq!(body["error"]["param"], "model");
    assert_eq!(body["detail"][0]["loc"], json!(["body", "model"]));
    let req = axum::http::Request::post("/v1/fine_tuning/jobs")
        .header("authorization", format!("Bearer {key}"))
        .body(axum::body::Body::from("{not json"))
        .unwrap();
    check(&app.client().send(req).await, 400, "invalid_request");
    // Mistral's SDK may leave the purpose out; another purpose is refused by name.
    let boundary = "B0UNDARY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.jsonl\"\r\n\r\n{GOOD}\r\n--{boundary}--\r\n"
    );
    let req = axum::http::Request::post("/v1/files")
        .header("authorization", format!("Bearer {key}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = app.client().send(req).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json::<Value>()["purpose"], "fine-tune");
}

/// Mistral's `files.get_signed_url`: a link that needs no key, for `expiry` hours, that
/// ends when it expires or when its file is deleted, and leads nowhere else.
async fn a_signed_url_downloads_without_a_key_until_it_expires(app: TestApp) {
    let (key, ids) = datasets(&app, 2).await;
    let signed = |id: &str, query: &str| format!("/v1/files/{id}/url{query}");
    let url_of = |res: common::client::Response| {
        assert_eq!(res.status, 200, "{}", res.body);
        let url = res.json::<Value>()["url"].as_str().unwrap().to_owned();
        let path = url
            .split_once("/shared/")
            .expect("a shared link")
            .1
            .to_owned();
        format!("/shared/{path}")
    };
    let day = url_of(v1(&app, "GET", &signed(&ids[0], ""), &key).await);
    let hour = url_of(v1(&app, "GET", &signed(&ids[1], "?expiry=1"), &key).await);
    let res = v1(&app, "GET", &day, "").await;
    assert_eq!(
        (res.status, res.body.as_str()),
        (200, GOOD),
        "no key needed"
    );

    for bad in ["?expiry=0", "?expiry=169", "?expiry=soon"] {
        let res = v1(&app, "GET", &signed(&ids[0], bad), &key).await;
        assert_eq!(res.status, 400, "{bad}");
        assert_eq!(res.json::<Value>()["param"], "expiry");
    }
    assert_eq!(
        v1(&app, "GET", &signed("file-nothing", ""), &key)
            .await
            .status,
        404
    );
    let guessed = format!("/shared/files/{}", "0".repeat(64));
    assert_eq!(v1(&app, "GET", &guessed, "").await.status, 404);

    // An hour later the one-hour link has ended; deleting the file ends the other.
    app.db.clock.advance(3_600_001);
    assert_eq!(v1(&app, "GET", &hour, "").await.status, 404);
    assert_eq!(v1(&app, "GET", &day, "").await.status, 200);
    v1(&app, "DELETE", &format!("/v1/files/{}", ids[0]), &key).await;
    assert_eq!(v1(&app, "GET", &day, "").await.status, 404);
    assert_eq!(
        app.count("file_links").await,
        1,
        "the expired link is forgotten later"
    );
}

/// A link holds the rights of the key that made it, as they are when it is followed.
async fn a_signed_url_ends_with_its_keys_rights(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let org_id = ada.org_id.clone();
    let second: String = ada
        .client
        .run(CreateWorkspace {
            org_id: org_id.clone(),
            name: "B".into(),
        })
        .await
        .json();
    let created: CreatedKey = ada
        .client
        .run(CreateApiKey {
            org_id: org_id.clone(),
            workspace_id: second.clone(),
            name: "linker".into(),
            expiry: "never".into(),
            expires_on: None,
        })
        .await
        .json();
    let key = created.secret;
    let file: Value = upload(&app, &key, "fine-tune", GOOD).await.json();
    let res = v1(
        &app,
        "GET",
        &format!("/v1/files/{}/url", file["id"].as_str().unwrap()),
        &key,
    )
    .await;
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
    let url = res.json::<Value>()["url"].as_str().unwrap().to_owned();
    let link = format!("/shared/{}", url.split_once("/shared/").unwrap().1);
    assert_eq!(v1(&app, "GET", &link, "").await.status, 200);

    let workspace_id = second.clone();
    let res = ada
        .client
        .run(ArchiveWorkspace {
            org_id: org_id.clone(),
            workspace_id,
        })
        .await;
    assert!(res.status < 400, "{}", res.body);
    assert_eq!(v1(&app, "GET", &link, "").await.status, 404, "archived");
    let workspace_id = second.clone();
    let res = ada
        .client
        .run(UnarchiveWorkspace {
            org_id: org_id.clone(),
            workspace_id,
        })
        .await;
    assert!(res.status < 400, "{}", res.body);
    assert_eq!(v1(&app, "GET", &link, "").await.status, 200, "unarchived");

    let res = ada
        .client
        .run(RevokeApiKey {
            org_id,
            workspace_id: second,
            key_id: created.key.id,
        })
        .await;
    assert!(res.status < 400, "{}", res.body);
    assert_eq!(
        v1(&app, "GET", &link, "").await.status,
        404,
        "its key revoked"
    );
}
