//! The `/v1` authorization matrix: every endpoint of the one table of the public API
//! (which also builds the routes and the OpenAPI document) called with every kind of key,
//! including keys whose creators hold other roles or have left. A key gets what its
//! creator may do now, by the same matrix as the console: the expectations come from
//! `allows(Actor::ApiKey(..), endpoint.action)`.

use crate::common;

use axum::body::Body;
use axum::http::Request;
use common::v1::{GOOD, key};
use common::{TestApp, account};
use serde_json::{Value, json};
use studio_console::api::members::{ChangeWorkspaceRole, RemoveMember};
use studio_console::api::workspaces::{ArchiveWorkspace, CreateWorkspace};
use studio_console::domain::permissions::{Action, Actor, Membership, allows};
use studio_console::domain::roles::{OrgRole, WorkspaceRole};
use studio_console::server::rest::endpoints::{ENDPOINTS, Endpoint};

backend_tests!(every_endpoint_checks_every_key);

const CALLERS: [&str; 10] = [
    "no key",
    "revoked key",
    "expired key",
    "key of an archived workspace",
    "key of another workspace",
    "key of another organization",
    "key of a member since removed from the organization",
    "key of a Contributor",
    "key of a workspace Admin since demoted to Contributor",
    "the workspace's key (an organization Admin's)",
];

/// The ids the calls need, all in Ada's default workspace.
#[derive(Clone)]
struct Ids {
    file: String,
    job: String,
    queued_job: String,
    model: String,
}

fn concrete(e: &Endpoint, ids: &Ids) -> String {
    let id = if e.path.starts_with("/v1/models/") {
        &ids.model
    } else if e.path.starts_with("/v1/files/") {
        &ids.file
    } else if e.path.ends_with("/cancel") {
        &ids.queued_job
    } else {
        &ids.job
    };
    e.path.replace("{id}", id)
}

/// What a key of another workspace or organization gets: its own collections, and
/// "not found" for anything of Ada's.
fn foreign_status(e: &Endpoint) -> u16 {
    match (e.method, e.path.contains('{')) {
        (_, true) => 404,
        ("post", false) if e.path == "/v1/fine_tuning/jobs" => 400, // Ada's file is not theirs
        _ => 200,
    }
}

fn request(e: &Endpoint, ids: &Ids, key: Option<&str>) -> Request<Body> {
    let mut req = Request::builder()
        .method(e.method.to_uppercase().as_str())
        .uri(concrete(e, ids));
    if let Some(key) = key {
        req = req.header("authorization", format!("Bearer {key}"));
    }
    let body = match e.body {
        Some(("multipart/form-data", _)) => {
            req = req.header("content-type", "multipart/form-data; boundary=B");
            format!(
                "--B\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n\
                 --B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.jsonl\"\r\n\r\n{GOOD}\r\n--B--\r\n"
            )
        }
        Some(_) if e.path == "/v1/chat/completions" => {
            req = req.header("content-type", "application/json");
            json!({ "model": "open-mistral-7b", "messages": [{ "role": "user", "content": "hi" }] })
                .to_string()
        }
        Some(_) => {
            req = req.header("content-type", "application/json");
            json!({ "model": "open-mistral-7b", "training_file": ids.file }).to_string()
        }
        None => String::new(),
    };
    req.body(Body::from(body)).unwrap()
}

async fn every_endpoint_checks_every_key(app: TestApp) {
    let inference = common::v1::demo_inference().await;
    let app = app
        .reconfigured(|c| {
            c.trainer_token = Some(common::v1::TRAINER_TOKEN.into());
            c.inference_url = Some(inference);
        })
        .await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let mut eve = account(&app, "Eve", "eve@example.com").await;
    let (org, ws) = (ada.org_id.clone(), ada.workspace_id.clone());
    let own = key(&app, &mut ada, &ws).await;
    let revoked = key(&app, &mut ada, &ws).await;
    let expired = key(&app, &mut ada, &ws).await;
    let mut workspaces = Vec::new();
    for name in ["Other", "Archived"] {
        let id: String = ada
            .client
            .run(CreateWorkspace {
                org_id: org.to_owned(),
                name: name.to_owned(),
            })
            .await
            .json();
        workspaces.push(id);
    }
    let (other_ws, archived_ws) = (workspaces[0].clone(), workspaces[1].clone());
    // Keys made by people of other standing in Ada's workspace.
    let member_key = |name: &'static str, email: &'static str, role: &'static str| {
        let (app, org, ws) = (&app, org.clone(), ws.clone());
        async move {
            let person = account(app, name, email).await;
            app.add_org_member(&org, &person.user_id, "member").await;
            app.add_workspace_member(&ws, &person.user_id, role).await;
            let mut inside = common::Account {
                org_id: org,
                workspace_id: ws.clone(),
                ..person
            };
            let secret = key(app, &mut inside, &ws).await;
            (inside.user_id, secret)
        }
    };
    let (dan, removed) = member_key("Dan", "dan@example.com", "contributor").await;
    let (_, contributor) = member_key("Bob", "bob@example.com", "contributor").await;
    let (carol, demoted) = member_key("Carol", "carol@example.com", "admin").await;
    let res = ada
        .client
        .run(RemoveMember {
            org_id: org.to_owned(),
            user_id: dan.to_owned(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res = ada
        .client
        .run(ChangeWorkspaceRole {
            org_id: org.to_owned(),
            workspace_id: ws.to_owned(),
            user_id: carol.to_owned(),
            role: "contributor".into(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let other = key(&app, &mut ada, &other_ws).await;
    let archived = key(&app, &mut ada, &archived_ws).await;
    let eve_ws = eve.workspace_id.clone();
    let foreign = key(&app, &mut eve, &eve_ws).await;
    let res = ada
        .client
        .run(ArchiveWorkspace {
            org_id: org.to_owned(),
            workspace_id: archived_ws.to_owned(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let prefix = |secret: &str| secret[..11].to_owned();
    sqlx::query("UPDATE api_keys SET revoked_at = 1 WHERE prefix = $1")
        .bind(prefix(&revoked))
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE api_keys SET expires_at = 1 WHERE prefix = $1")
        .bind(prefix(&expired))
        .execute(&app.db.pool)
        .await
        .unwrap();

    // Ada's workspace holds a dataset, a finished job with its model, and a queued job.
    let upload = ENDPOINTS
        .iter()
        .find(|e| e.operation_id == "uploadFile")
        .unwrap();
    let blank = Ids {
        file: String::new(),
        job: String::new(),
        queued_job: String::new(),
        model: String::new(),
    };
    let file: Value = app
        .client()
        .send(request(upload, &blank, Some(&own)))
        .await
        .json();
    let file = file["id"].as_str().unwrap().to_owned();
    let start = ENDPOINTS
        .iter()
        .find(|e| e.operation_id == "createFineTuningJob")
        .unwrap();
    let with_file = Ids {
        file: file.clone(),
        ..blank
    };
    let job: Value = app
        .client()
        .send(request(start, &with_file, Some(&own)))
        .await
        .json();
    let job = job["id"].as_str().unwrap().to_owned();
    let done = common::v1::train_next(&app).await;
    let queued: Value = app
        .client()
        .send(request(start, &with_file, Some(&own)))
        .await
        .json();
    let ids = Ids {
        file,
        job,
        queued_job: queued["id"].as_str().unwrap().to_owned(),
        model: done["fine_tuned_model"].as_str().unwrap().to_owned(),
    };

    // Deletions last, so the other calls find what they need.
    let mut endpoints: Vec<&Endpoint> = ENDPOINTS.iter().collect();
    endpoints.sort_by_key(|e| e.method == "delete");
    let keys = [
        None,
        Some(&revoked),
        Some(&expired),
        Some(&archived),
        Some(&other),
        Some(&foreign),
        Some(&removed),
        Some(&contributor),
        Some(&demoted),
        Some(&own),
    ];
    let as_contributor = Actor::ApiKey(Membership::in_workspace(
        OrgRole::Member,
        Some(WorkspaceRole::Contributor),
    ));
    let mut failures = Vec::new();
    for e in endpoints {
        let foreign_expect = foreign_status(e);
        let contributor_expect = if allows(&as_contributor, e.action) {
            200
        } else {
            403
        };
        let expect = [
            401,
            401,
            401,
            401,
            foreign_expect,
            foreign_expect,
            401,
            contributor_expect,
            contributor_expect,
            200,
        ];
        for (i, key) in keys.iter().enumerate() {
            // Each allowed cancel needs a job still queued.
            let mut ids_here = Ids { ..ids.clone() };
            if e.action == Action::AddWorkspaceResources
                && e.path.ends_with("/cancel")
                && expect[i] == 200
            {
                let queued: Value = app
                    .client()
                    .send(request(start, &ids, Some(&own)))
                    .await
                    .json();
                ids_here.queued_job = queued["id"].as_str().unwrap().to_owned();
            }
            let res = app
                .client()
                .send(request(e, &ids_here, key.map(String::as_str)))
                .await;
            if res.status != expect[i] {
                failures.push(format!(
                    "{} {} with {}: expected {}, got {} {}",
                    e.method, e.path, CALLERS[i], expect[i], res.status, res.body
                ));
            }
            if res.status == 401 {
                let body: Value = serde_json::from_str(&res.body).unwrap_or_default();
                if body["error"]["type"] != "authentication_error" {
                    failures.push(format!(
                        "{} {}: a 401 without a JSON error",
                        e.method, e.path
                    ));
                }
                let removed_owner = i == 6;
                if removed_owner && body["error"]["code"] != "key_owner_not_member" {
                    failures.push(format!(
                        "{} {}: a removed member's key got {} instead of key_owner_not_member",
                        e.method, e.path, body["error"]["code"]
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "/v1 matrix violations:\n{}",
        failures.join("\n")
    );

    // The document itself is public and lists the same endpoints.
    let doc: Value = app.client().get("/v1/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for e in ENDPOINTS {
        assert!(
            doc["paths"][e.path][e.method].is_object(),
            "{} {}",
            e.method,
            e.path
        );
    }
}
