//! Workspace -> Datasets, Fine-tuning, Models in the console: every member of the
//! workspace sees what any key or member created; Admins delete; others get "not found".

use crate::common;

use axum::body::Body;
use axum::http::Request;
use common::v1::{GOOD, key, upload, v1, v1_json};
use common::{Account, TestApp, account};
use serde_json::{Value, json};
use studio_console::api::api_keys::RevokeApiKey;
use studio_console::api::workspace_resources::{
    CreateFineTuningJob, DeleteDataset, GetUploadOutcome, ListDatasets, ListFineTuningJobs,
    ListModels,
};
use studio_console::api::workspaces::{ArchiveWorkspace, CreateWorkspace, UnarchiveWorkspace};
use studio_console::domain::fine_tuning::{
    DatasetView, JobStatus, JobView, ModelsPage, WorkspaceResources,
};
use studio_console::domain::keyset::PAGE_ROWS;
use studio_console::domain::paths;

backend_tests!(
    every_member_sees_what_any_key_created,
    a_console_upload_belongs_to_the_workspace,
    outsiders_get_not_found,
    a_member_starts_a_job_in_the_console,
    pages_list_everything_newest_first,
    an_archived_workspace_is_read_only,
);

/// Ada (Admin) with a key that uploaded a dataset and trained a model, and Bob, a
/// Contributor of the same workspace.
async fn setup(app: &TestApp) -> (Account, Account, String) {
    let mut ada = account(app, "Ada", "ada@example.com").await;
    let bob = account(app, "Bob", "bob@example.com").await;
    app.add_org_member(&ada.org_id, &bob.user_id, "member")
        .await;
    app.add_workspace_member(&ada.workspace_id, &bob.user_id, "contributor")
        .await;
    let ws = ada.workspace_id.clone();
    let secret = key(app, &mut ada, &ws).await;
    let file: Value = upload(app, &secret, "fine-tune", GOOD).await.json();
    let job = json!({ "model": "open-mistral-7b", "training_file": file["id"], "suffix": "faq" });
    let job: Value = v1_json(app, "POST", "/v1/fine_tuning/jobs", &secret, job)
        .await
        .json();
    let done = common::v1::train_next(app).await;
    assert_eq!(done["id"], job["id"]);
    (ada, bob, secret)
}

/// A workspace's ids, and the typed server-function calls on it the tests make.
struct Ws {
    org_id: String,
    workspace_id: String,
}

impl Ws {
    fn of(a: &Account) -> Self {
        Ws {
            org_id: a.org_id.clone(),
            workspace_id: a.workspace_id.clone(),
        }
    }

    fn datasets(&self) -> ListDatasets {
        ListDatasets {
            org_id: self.org_id.clone(),
            workspace_id: self.workspace_id.clone(),
            after: None,
            before: None,
        }
    }

    fn jobs(&self) -> ListFineTuningJobs {
        ListFineTuningJobs {
            org_id: self.org_id.clone(),
            workspace_id: self.workspace_id.clone(),
            after: None,
            before: None,
        }
    }

    fn models(&self) -> ListModels {
        ListModels {
            org_id: self.org_id.clone(),
            workspace_id: self.workspace_id.clone(),
            after: None,
            before: None,
        }
    }

    fn delete_dataset(&self, file_id: &str) -> DeleteDataset {
        DeleteDataset {
            org_id: self.org_id.clone(),
            workspace_id: self.workspace_id.clone(),
            file_id: file_id.to_owned(),
        }
    }

    fn start_job(
        &self,
        model: &str,
        training_file: &str,
        epochs: &str,
        suffix: &str,
    ) -> CreateFineTuningJob {
        CreateFineTuningJob {
            org_id: self.org_id.clone(),
            workspace_id: self.workspace_id.clone(),
            model: model.to_owned(),
            training_file: training_file.to_owned(),
            validation_file: None,
            suffix: Some(suffix.to_owned()),
            n_epochs: Some(epochs.to_owned()),
        }
    }
}

async fn every_member_sees_what_any_key_created(app: TestApp) {
    let app = common::v1::with_trainer(&app).await;
    let (ada, mut bob, _) = setup(&app).await;
    let ws = Ws::of(&ada);

    let datasets: WorkspaceResources<DatasetView> = bob.client.run(ws.datasets()).await.json();
    assert_eq!(datasets.items.len(), 1);
    let dataset = &datasets.items[0];
    assert_eq!(
        (dataset.examples, dataset.created_by.as_deref()),
        (2, Some("Key “k”"))
    );
    assert!(!datasets.can_delete, "a Contributor does not delete");

    let jobs: WorkspaceResources<JobView> = bob.client.run(ws.jobs()).await.json();
    assert_eq!(jobs.items[0].status, JobStatus::Succeeded);
    assert_eq!(jobs.items[0].progress, 100);
    let models: ModelsPage = bob.client.run(ws.models()).await.json();
    assert_eq!(models.fine_tuned.items.len(), 1);
    assert!(
        models.fine_tuned.items[0]
            .id
            .starts_with("ft:open-mistral-7b:default:faq:")
    );
    assert!(models.base_models.contains(&"open-mistral-7b".to_owned()));

    // Bob downloads the dataset in the console, and may not delete it.
    let download = format!(
        "/o/{}/w/{}/datasets/{}/content",
        ada.org_id, ada.workspace_id, dataset.id
    );
    let res = bob.client.get(&download).await;
    assert_eq!((res.status, res.body.as_str()), (200, GOOD));
    assert_eq!(
        bob.client.run(ws.delete_dataset(&dataset.id)).await.status,
        403
    );

    // The pages render for him, with what the key made.
    for page in ["datasets", "fine-tuning", "models"] {
        let res = bob
            .client
            .get(&format!("/o/{}/w/{}/{page}", ada.org_id, ada.workspace_id))
            .await;
        assert_eq!(res.status, 200, "{page}");
        let expect = if page == "datasets" {
            "train.jsonl"
        } else {
            ":faq:"
        };
        assert!(res.body.contains(expect), "{page} shows {expect}");
    }
}

fn multipart(content: &str) -> (String, String) {
    let body = format!(
        "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"mine.jsonl\"\r\n\r\n{content}\r\n--B--\r\n"
    );
    (body, "multipart/form-data; boundary=B".into())
}

async fn console_upload(
    client: &mut common::Client,
    a: &Account,
    content: &str,
    origin: &str,
) -> common::client::Response {
    let (body, kind) = multipart(content);
    let req = Request::post(format!(
        "/o/{}/w/{}/datasets/upload",
        a.org_id, a.workspace_id
    ))
    .header("content-type", kind)
    .header("origin", origin)
    .header("host", "localhost")
    .body(Body::from(body))
    .unwrap();
    client.send(req).await
}

async fn a_console_upload_belongs_to_the_workspace(app: TestApp) {
    let app = common::v1::with_trainer(&app).await;
    let (ada, mut bob, secret) = setup(&app).await;
    let res = console_upload(&mut bob.client, &ada, GOOD, "http://localhost").await;
    assert_eq!(res.status, 303, "{}", res.body);
    let to = res.header("location").unwrap();
    assert!(to.contains("/datasets?upload=upl_"), "{to}");
    let page = bob.client.get(&to).await;
    assert!(
        page.body.contains("Uploaded mine.jsonl."),
        "the page says so"
    );
    let other_id = format!("{}0", to);
    let other = bob.client.get(&other_id).await;
    assert!(
        !other.body.contains("Uploaded mine.jsonl."),
        "only under its own id"
    );
    let datasets: WorkspaceResources<DatasetView> =
        bob.client.run(Ws::of(&ada).datasets()).await.json();
    let mine = datasets
        .items
        .iter()
        .find(|d| d.filename == "mine.jsonl")
        .unwrap();
    assert_eq!(mine.created_by.as_deref(), Some("Bob"));
    // The workspace's keys see it too.
    let listed: Value = v1(&app, "GET", "/v1/files", &secret).await.json();
    assert!(listed.to_string().contains(&mine.id));

    // A bad line is named on the page, and nothing is kept.
    let before = app.count("files").await;
    let res = console_upload(
        &mut bob.client,
        &ada,
        "{\"messages\": []}\n",
        "http://localhost",
    )
    .await;
    let to = res.header("location").unwrap();
    let page = bob.client.get(&to).await;
    assert!(
        page.body.contains("Upload failed: Line 1"),
        "the page says what failed"
    );
    assert_eq!(app.count("files").await, before);
    // The outcome lives in the session: a link cannot make the page say something else.
    let crafted = bob
        .client
        .get(&format!(
            "{to}&upload_error=Your+account+is+locked&upload=x"
        ))
        .await;
    assert!(!crafted.body.contains("locked") && !crafted.body.contains("Upload failed"));

    // Another site cannot make a signed-in browser upload.
    let res = console_upload(&mut bob.client, &ada, GOOD, "https://evil.example").await;
    assert_eq!(res.status, 403);
    assert_eq!(app.count("files").await, before);
}

async fn outsiders_get_not_found(app: TestApp) {
    let app = common::v1::with_trainer(&app).await;
    let (ada, _bob, _) = setup(&app).await;
    let mut bill = account(&app, "Bill", "bill@example.com").await; // in the org, not the workspace
    app.add_org_member(&ada.org_id, &bill.user_id, "member")
        .await;
    let mut eve = account(&app, "Eve", "eve@example.com").await; // another organization
    let ws = Ws::of(&ada);
    let mut ada_client = app.sign_in("ada@example.com").await;
    let datasets: WorkspaceResources<DatasetView> = ada_client.run(ws.datasets()).await.json();
    let download = format!(
        "/o/{}/w/{}/datasets/{}/content",
        ada.org_id, ada.workspace_id, datasets.items[0].id
    );
    for (who, client) in [("Bill", &mut bill.client), ("Eve", &mut eve.client)] {
        let lists = [
            client.run(ws.datasets()).await.status,
            client.run(ws.jobs()).await.status,
            client.run(ws.models()).await.status,
        ];
        assert_eq!(lists, [404; 3], "{who}: datasets, jobs, models");
        assert_eq!(client.get(&download).await.status, 404, "{who} download");
        let res = console_upload(client, &ada, GOOD, "http://localhost").await;
        assert_eq!(res.status, 404, "{who} upload");
    }
    let res = app.client().get(&download).await;
    assert_eq!(
        (res.status, res.header("location").as_deref()),
        (303, Some("/signin"))
    );
    // An Admin deletes; the dataset is gone for the keys too.
    assert_eq!(
        ada_client
            .run(ws.delete_dataset(&datasets.items[0].id))
            .await
            .status,
        200
    );
    assert_eq!(ada_client.get(&download).await.status, 404);
}

async fn a_member_starts_a_job_in_the_console(app: TestApp) {
    let app = common::v1::with_trainer(&app).await;
    let (ada, mut bob, _) = setup(&app).await;
    let datasets: WorkspaceResources<DatasetView> =
        bob.client.run(Ws::of(&ada).datasets()).await.json();
    let file = datasets.items[0].id.clone();
    let ws = Ws::of(&ada);
    let job = |model: &str, epochs: &str, suffix: &str| ws.start_job(model, &file, epochs, suffix);
    let res = bob.client.run(job("open-mistral-7b", "99", "")).await;
    assert_eq!(res.status, 422);
    assert!(
        res.error().field_message("n_epochs").is_some(),
        "{}",
        res.body
    );
    let res = bob.client.run(job("gpt-9", "", "")).await;
    assert!(res.error().field_message("model").is_some(), "{}", res.body);
    let res = bob.client.run(job("open-mistral-7b", "3", "bob")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let id: String = res.json();
    let jobs: WorkspaceResources<JobView> = bob.client.run(ws.jobs()).await.json();
    let started = jobs.items.iter().find(|j| j.id == id).unwrap();
    assert_eq!(
        (started.status, started.created_by.as_deref()),
        (JobStatus::Queued, Some("Bob"))
    );
    assert_eq!(started.suffix.as_deref(), Some("bob"));
}

async fn pages_list_everything_newest_first(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let rows = PAGE_ROWS as i64 * 2 + 20;
    for i in 0..rows {
        sqlx::query("INSERT INTO fine_tuned_models (id, org_id, workspace_id, base_model, job_id, created_at) VALUES ($1, $2, $3, 'm', $4, $5)")
            .bind(format!("ft:m:default::{i:04}"))
            .bind(&ada.org_id)
            .bind(&ada.workspace_id)
            .bind(format!("ftjob-{i:04}"))
            // Two per millisecond: ties are ordered by id.
            .bind(i / 2)
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
    let ws = Ws::of(&ada);
    let models = |after: Option<String>, before: Option<String>| ListModels {
        after,
        before,
        ..ws.models()
    };
    let mut pages: Vec<ModelsPage> = vec![ada.client.run(models(None, None)).await.json()];
    while let Some(after) = pages.last().unwrap().fine_tuned.neighbours.after.clone() {
        pages.push(ada.client.run(models(Some(after), None)).await.json());
    }
    let seen: Vec<String> = pages
        .iter()
        .flat_map(|p| p.fine_tuned.items.iter().map(|m| m.id.clone()))
        .collect();
    let expected: Vec<String> = (0..rows)
        .rev()
        .map(|i| format!("ft:m:default::{i:04}"))
        .collect();
    assert_eq!(seen, expected, "every model once, newest first");
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].fine_tuned.neighbours.before, None);
    // "Newer" from the last page is the middle page.
    let newer: ModelsPage = ada
        .client
        .run(models(None, pages[2].fine_tuned.neighbours.before.clone()))
        .await
        .json();
    assert_eq!(newer, pages[1]);
    // Newer than a page whose newer rows were deleted: the first page, full.
    let second_first = pages[1].fine_tuned.items[0].id.clone();
    sqlx::query("DELETE FROM fine_tuned_models WHERE id > $1")
        .bind(format!("ft:m:default::{:04}", rows - 10))
        .execute(&app.db.pool)
        .await
        .unwrap();
    let top: ModelsPage = ada
        .client
        .run(models(None, Some(second_first)))
        .await
        .json();
    assert_eq!(top.fine_tuned.items.len(), PAGE_ROWS);
    assert_eq!(top.fine_tuned.neighbours.before, None);
    // The page renders without JavaScript, with a link to the older models.
    let html = ada
        .client
        .get(&format!("/o/{}/w/{}/models", ada.org_id, ada.workspace_id))
        .await;
    let older = top.fine_tuned.neighbours.after.unwrap();
    assert!(
        html.body
            .contains(&format!("/models?after={}", paths::query_value(&older))),
        "a link to the older models"
    );
}

/// Archiving cancels the workspace's unfinished jobs (the trainer is told to stop), the
/// trainer no longer claims its jobs, and nothing can be added, started or deleted in it,
/// by anyone, until it is unarchived. Reads keep working.
async fn an_archived_workspace_is_read_only(app: TestApp) {
    let app = common::v1::with_trainer(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let research: String = ada
        .client
        .run(CreateWorkspace {
            org_id: ada.org_id.to_owned(),
            name: "Research".into(),
        })
        .await
        .json();
    let secret = key(&app, &mut ada, &research).await;
    let file: Value = upload(&app, &secret, "fine-tune", GOOD).await.json();
    let job = json!({ "model": "open-mistral-7b", "training_file": file["id"] });
    let first: Value = v1_json(&app, "POST", "/v1/fine_tuning/jobs", &secret, job.clone())
        .await
        .json();
    let second: Value = v1_json(&app, "POST", "/v1/fine_tuning/jobs", &secret, job)
        .await
        .json();
    let claimed: Value = common::v1::trainer(&app, "/internal/trainer/jobs/claim", Some(json!({})))
        .await
        .json();
    assert_eq!(claimed["id"], first["id"]);

    let ws = Ws {
        org_id: ada.org_id.clone(),
        workspace_id: research.clone(),
    };
    let archive = ArchiveWorkspace {
        org_id: ws.org_id.clone(),
        workspace_id: ws.workspace_id.clone(),
    };
    let res = ada.client.run(archive).await;
    assert_eq!(res.status, 200, "{}", res.body);

    // Both unfinished jobs are cancelled, saying why; the running one's trainer stops.
    for id in [&first["id"], &second["id"]] {
        let (status, message): (String, Option<String>) =
            sqlx::query_as("SELECT status, message FROM fine_tuning_jobs WHERE id = $1")
                .bind(id.as_str().unwrap())
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
        assert_eq!(status, "cancelled");
        assert!(message.unwrap_or_default().contains("archived"));
    }
    let path = format!(
        "/internal/trainer/jobs/{}/progress",
        first["id"].as_str().unwrap()
    );
    let res = common::v1::trainer(&app, &path, Some(json!({ "progress": 50 }))).await;
    assert_eq!(res.status, 409);
    // A job still queued there (as before this change) is never claimed.
    sqlx::query("UPDATE fine_tuning_jobs SET status = 'queued' WHERE id = $1")
        .bind(second["id"].as_str().unwrap())
        .execute(&app.db.pool)
        .await
        .unwrap();
    let res = common::v1::trainer(&app, "/internal/trainer/jobs/claim", Some(json!({}))).await;
    assert_eq!(
        res.status, 204,
        "claimed a job of an archived workspace: {}",
        res.body
    );

    // Nothing changes in it, even for an organization Admin.
    let before = app.count("files").await;
    let in_research = Account {
        client: app.client(),
        user_id: ada.user_id.clone(),
        org_id: ada.org_id.clone(),
        workspace_id: research.clone(),
    };
    let res = console_upload(&mut ada.client, &in_research, GOOD, "http://localhost").await;
    // (An archived workspace's pages are not shown; the outcome is kept all the same.)
    let to = res.header("location").unwrap();
    let upload_id = to.split("upload=").nth(1).unwrap().to_owned();
    let outcome = ada.client.run(GetUploadOutcome { upload_id }).await;
    assert!(
        outcome.body.contains("archived"),
        "the upload says why: {}",
        outcome.body
    );
    assert_eq!(app.count("files").await, before);
    let file_id = file["id"].as_str().unwrap();
    let start = || ws.start_job("open-mistral-7b", file_id, "", "");
    let res = ada.client.run(start()).await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert!(res.body.contains("archived"), "{}", res.body);
    let res = ada.client.run(ws.delete_dataset(file_id)).await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert_eq!(app.count("files").await, before);
    // A leaked key of an archived workspace can still be revoked.
    let key_id: String = sqlx::query_scalar("SELECT id FROM api_keys WHERE workspace_id = $1")
        .bind(&research)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let revoke = RevokeApiKey {
        org_id: ws.org_id.clone(),
        workspace_id: ws.workspace_id.clone(),
        key_id,
    };
    let res = ada.client.run(revoke).await;
    assert_eq!(res.status, 200, "{}", res.body);
    // Reads still work.
    let datasets: WorkspaceResources<DatasetView> = ada.client.run(ws.datasets()).await.json();
    assert_eq!(datasets.items.len(), 1);
    assert!(
        !datasets.can_delete,
        "the page offers no delete in an archived workspace"
    );

    // Unarchived, it takes changes again.
    let unarchive = UnarchiveWorkspace {
        org_id: ws.org_id.clone(),
        workspace_id: ws.workspace_id.clone(),
    };
    let res = ada.client.run(unarchive).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res = ada.client.run(start()).await;
    assert_eq!(res.status, 200, "{}", res.body);
}
