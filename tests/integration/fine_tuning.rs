//! Fine-tuning jobs through `/v1`, run by a trainer through `/internal/trainer`, and the
//! models they register in the workspace.

use crate::common;

use axum::body::Body;
use axum::http::Request;
use common::v1::{
    GOOD, TRAINER_TOKEN, key, train_next, trainer, upload, v1, v1_json, with_trainer,
};
use common::{TestApp, account};
use serde_json::{Value, json};
use studio_console::api::workspaces::CreateWorkspace;

backend_tests!(
    a_job_runs_through_the_trainer_and_registers_its_model,
    bad_job_requests_name_the_field_and_store_nothing,
    cancelling_stops_the_trainer,
    another_workspace_gets_not_found,
    racing_trainers_never_share_a_job,
    the_trainer_needs_its_token,
    api_clients_may_call_from_any_origin,
);

/// A workspace key and an uploaded dataset's id.
async fn key_and_dataset(app: &TestApp) -> (common::Account, String, String) {
    let mut ada = account(app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let key = key(app, &mut ada, &ws).await;
    let file: Value = upload(app, &key, "fine-tune", GOOD).await.json();
    (ada, key, file["id"].as_str().unwrap().to_owned())
}

async fn start_job(app: &TestApp, key: &str, file: &str) -> Value {
    let res = v1_json(
        app,
        "POST",
        "/v1/fine_tuning/jobs",
        key,
        json!({ "model": "open-mistral-7b", "training_file": file, "suffix": "faq",
                "hyperparameters": { "n_epochs": 2 } }),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

async fn a_job_runs_through_the_trainer_and_registers_its_model(app: TestApp) {
    let app = with_trainer(&app).await;
    let (_ada, key, file) = key_and_dataset(&app).await;
    let job = start_job(&app, &key, &file).await;
    let id = job["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("ftjob-"), "{id}");
    assert_eq!(job["status"], "queued");
    assert_eq!(job["hyperparameters"]["n_epochs"], 2);
    assert_eq!(job["hyperparameters"]["batch_size"], "auto");

    let listed: Value = v1(&app, "GET", "/v1/fine_tuning/jobs", &key).await.json();
    assert_eq!(listed["data"][0]["id"], id.as_str());
    assert_eq!(listed["has_more"], false);

    // The trainer claims it, downloads its file, reports progress, and succeeds.
    let claimed: Value = trainer(&app, "/internal/trainer/jobs/claim", Some(json!({})))
        .await
        .json();
    assert_eq!(
        (claimed["id"].as_str(), claimed["status"].as_str()),
        (Some(id.as_str()), Some("running"))
    );
    let none = trainer(&app, "/internal/trainer/jobs/claim", Some(json!({}))).await;
    assert_eq!(none.status, 204, "nothing else is queued");
    let content = trainer(
        &app,
        &format!("/internal/trainer/jobs/{id}/files/{file}"),
        None,
    )
    .await;
    assert_eq!((content.status, content.body.as_str()), (200, GOOD));
    let res = trainer(
        &app,
        &format!("/internal/trainer/jobs/{id}/progress"),
        Some(json!({ "progress": 50, "message": "Epoch 1 of 2", "trained_tokens": 1200 })),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let seen: Value = v1(&app, "GET", &format!("/v1/fine_tuning/jobs/{id}"), &key)
        .await
        .json();
    assert_eq!(
        (seen["progress"].as_i64(), seen["trained_tokens"].as_i64()),
        (Some(50), Some(1200))
    );
    let done: Value = trainer(
        &app,
        &format!("/internal/trainer/jobs/{id}/complete"),
        Some(json!({ "status": "succeeded", "message": "Done" })),
    )
    .await
    .json();
    assert_eq!(done["status"], "succeeded");
    let model = done["fine_tuned_model"].as_str().unwrap().to_owned();
    assert_eq!(
        model,
        format!("ft:open-mistral-7b:default:faq:{}", &id[6..18])
    );

    // The model is the workspace's: listed, found, deletable; base models are not.
    let models: Value = v1(&app, "GET", "/v1/models", &key).await.json();
    let ids: Vec<&str> = models["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(
        ids.contains(&"open-mistral-7b") && ids.contains(&model.as_str()),
        "{ids:?}"
    );
    let path = format!("/v1/models/{model}");
    assert_eq!(v1(&app, "GET", &path, &key).await.status, 200);
    assert_eq!(
        v1(&app, "DELETE", "/v1/models/open-mistral-7b", &key)
            .await
            .status,
        403
    );
    assert_eq!(v1(&app, "DELETE", &path, &key).await.status, 200);
    assert_eq!(v1(&app, "GET", &path, &key).await.status, 404);
    // The job remembers what it made.
    let seen: Value = v1(&app, "GET", &format!("/v1/fine_tuning/jobs/{id}"), &key)
        .await
        .json();
    assert_eq!(seen["fine_tuned_model"], model.as_str());

    // Every call was recorded against the key.
    let recorded: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM usage_events WHERE endpoint LIKE '/v1/fine_tuning/jobs%'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(recorded, 4);
}

async fn bad_job_requests_name_the_field_and_store_nothing(app: TestApp) {
    let (_ada, key, file) = key_and_dataset(&app).await;
    let cases = [
        (json!({ "training_file": file }), "model:"),
        (json!({ "model": "gpt-9", "training_file": file }), "model:"),
        (json!({ "model": "open-mistral-7b" }), "training_file:"),
        (
            json!({ "model": "open-mistral-7b", "training_file": "file-nope" }),
            "training_file:",
        ),
        (
            json!({ "model": "open-mistral-7b", "training_file": file, "validation_file": "file-nope" }),
            "validation_file:",
        ),
        (
            json!({ "model": "open-mistral-7b", "training_file": file, "suffix": "a:b" }),
            "suffix:",
        ),
        (
            json!({ "model": "open-mistral-7b", "training_file": file, "hyperparameters": { "n_epochs": 99 } }),
            "hyperparameters.n_epochs:",
        ),
        (
            json!({ "model": "open-mistral-7b", "training_file": file, "hyperparameters": { "lr": 1 } }),
            "hyperparameters.lr:",
        ),
    ];
    for (body, field) in cases {
        let res = v1_json(&app, "POST", "/v1/fine_tuning/jobs", &key, body.clone()).await;
        assert_eq!(res.status, 400, "{body}: {}", res.body);
        let error: Value = res.json();
        assert_eq!(error["error"]["type"], "invalid_request_error");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(field), "{body}: {message}");
    }
    let res = v1(&app, "POST", "/v1/fine_tuning/jobs", &key).await;
    assert_eq!(res.status, 400, "an empty body: {}", res.body);
    assert_eq!(app.count("fine_tuning_jobs").await, 0);
    let res = v1(&app, "GET", "/v1/fine_tuning/jobs?limit=0", &key).await;
    assert_eq!(res.status, 400);
}

async fn cancelling_stops_the_trainer(app: TestApp) {
    let app = with_trainer(&app).await;
    let (_ada, key, file) = key_and_dataset(&app).await;
    // A queued job is cancelled at once; a second cancel is a conflict.
    let queued = start_job(&app, &key, &file).await;
    let path = format!(
        "/v1/fine_tuning/jobs/{}/cancel",
        queued["id"].as_str().unwrap()
    );
    let res: Value = v1(&app, "POST", &path, &key).await.json();
    assert_eq!(res["status"], "cancelled");
    assert_eq!(v1(&app, "POST", &path, &key).await.status, 409);
    assert_eq!(
        trainer(&app, "/internal/trainer/jobs/claim", Some(json!({})))
            .await
            .status,
        204,
        "a cancelled job is not claimed"
    );

    // A running job cancelled: the trainer's next report tells it to stop, and its
    // verdict registers nothing.
    let running = start_job(&app, &key, &file).await;
    let id = running["id"].as_str().unwrap();
    trainer(&app, "/internal/trainer/jobs/claim", Some(json!({}))).await;
    let res: Value = v1(
        &app,
        "POST",
        &format!("/v1/fine_tuning/jobs/{id}/cancel"),
        &key,
    )
    .await
    .json();
    assert_eq!(res["status"], "cancelled");
    let res = trainer(
        &app,
        &format!("/internal/trainer/jobs/{id}/progress"),
        Some(json!({ "progress": 10 })),
    )
    .await;
    assert_eq!(res.status, 409);
    assert_eq!(res.json::<Value>()["status"], "cancelled");
    let res = trainer(
        &app,
        &format!("/internal/trainer/jobs/{id}/complete"),
        Some(json!({ "status": "succeeded" })),
    )
    .await;
    assert_eq!(res.status, 409);
    assert_eq!(app.count("fine_tuned_models").await, 0);
    // Nor can it download the job's files any more.
    let res = trainer(
        &app,
        &format!("/internal/trainer/jobs/{id}/files/{file}"),
        None,
    )
    .await;
    assert_eq!(res.status, 404);
}

async fn another_workspace_gets_not_found(app: TestApp) {
    let app = with_trainer(&app).await;
    let (mut ada, key_a, file) = key_and_dataset(&app).await;
    let org = ada.org_id.clone();
    let second: String = ada
        .client
        .run(CreateWorkspace {
            org_id: org.to_owned(),
            name: "B".into(),
        })
        .await
        .json();
    let key_b = key(&app, &mut ada, &second).await;
    let job = start_job(&app, &key_a, &file).await;
    let id = job["id"].as_str().unwrap();
    let done = train_next(&app).await;
    assert_eq!(done["id"], id);
    let model = done["fine_tuned_model"].as_str().unwrap();

    for (method, path) in [
        ("GET", format!("/v1/fine_tuning/jobs/{id}")),
        ("POST", format!("/v1/fine_tuning/jobs/{id}/cancel")),
        ("GET", format!("/v1/models/{model}")),
        ("DELETE", format!("/v1/models/{model}")),
    ] {
        let res = v1(&app, method, &path, &key_b).await;
        assert_eq!(res.status, 404, "{method} {path}: {}", res.body);
    }
    // B cannot train on A's dataset either.
    let res = v1_json(
        &app,
        "POST",
        "/v1/fine_tuning/jobs",
        &key_b,
        json!({ "model": "open-mistral-7b", "training_file": file }),
    )
    .await;
    assert_eq!(res.status, 400);
    let jobs: Value = v1(&app, "GET", "/v1/fine_tuning/jobs", &key_b).await.json();
    assert!(jobs["data"].as_array().unwrap().is_empty());
    let models: Value = v1(&app, "GET", "/v1/models", &key_b).await.json();
    assert!(!models.to_string().contains(model));
}

async fn racing_trainers_never_share_a_job(app: TestApp) {
    let app = with_trainer(&app).await;
    let (_ada, key, file) = key_and_dataset(&app).await;
    for _ in 0..3 {
        start_job(&app, &key, &file).await;
    }
    let claims: Vec<_> = (0..10)
        .map(|_| {
            let mut client = app.client();
            tokio::spawn(async move {
                let req = Request::post("/internal/trainer/jobs/claim")
                    .header("authorization", format!("Bearer {TRAINER_TOKEN}"))
                    .body(Body::empty())
                    .unwrap();
                client.send(req).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for claim in claims {
        results.push(claim.await.unwrap());
    }
    let mut ids: Vec<String> = results
        .iter()
        .filter(|r| r.status == 200)
        .map(|r| r.json::<Value>()["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(results.iter().all(|r| r.status == 200 || r.status == 204));
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "each job claimed once");
    assert_eq!(results.iter().filter(|r| r.status == 200).count(), 3);
}

async fn the_trainer_needs_its_token(app: TestApp) {
    // Without TRAINER_TOKEN configured nobody gets in, whatever they send.
    let res = trainer(&app, "/internal/trainer/jobs/claim", Some(json!({}))).await;
    assert_eq!(res.status, 401);
    let app = with_trainer(&app).await;
    let (_ada, key, _file) = key_and_dataset(&app).await;
    // Every trainer route refuses everything but the trainer's token: nothing, a wrong
    // token, a workspace key, a signed-in person's cookie.
    let routes = [
        ("POST", "/internal/trainer/jobs/claim".to_owned()),
        (
            "GET",
            "/internal/trainer/jobs/ftjob-x/files/file-x".to_owned(),
        ),
        ("POST", "/internal/trainer/jobs/ftjob-x/progress".to_owned()),
        ("POST", "/internal/trainer/jobs/ftjob-x/complete".to_owned()),
    ];
    for (method, path) in &routes {
        for auth in [
            String::new(),
            "Bearer wrong-token-0123456789".into(),
            format!("Bearer {key}"),
            "cookie".into(),
        ] {
            let mut req = Request::builder()
                .method(*method)
                .uri(path.as_str())
                .header("content-type", "application/json");
            let mut client = if auth == "cookie" {
                app.sign_in("ada@example.com").await
            } else {
                if !auth.is_empty() {
                    req = req.header("authorization", auth.as_str());
                }
                app.client()
            };
            let res = client.send(req.body(Body::from("{}")).unwrap()).await;
            assert_eq!(res.status, 401, "{method} {path} with {auth:?}");
            assert_eq!(
                res.json::<Value>()["error"]["code"],
                "invalid_trainer_token"
            );
        }
    }
    // Nor does the trainer token open any /v1 endpoint.
    for e in studio_console::server::rest::endpoints::ENDPOINTS {
        let path = e.path.replace("{id}", "x");
        let res = v1(&app, &e.method.to_uppercase(), &path, TRAINER_TOKEN).await;
        assert_eq!(res.status, 401, "{} {path}", e.method);
    }
}

async fn api_clients_may_call_from_any_origin(app: TestApp) {
    // The key travels in a header no other site can make a browser send: no CSRF risk.
    let (_ada, key, file) = key_and_dataset(&app).await;
    let req = Request::post("/v1/fine_tuning/jobs")
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json")
        .header("origin", "https://notebook.example")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(
            json!({ "model": "open-mistral-7b", "training_file": file }).to_string(),
        ))
        .unwrap();
    let res = app.client().send(req).await;
    assert_eq!(res.status, 200, "{}", res.body);
}
