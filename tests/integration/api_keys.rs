//! Workspace API keys: shown once, stored hashed, created and revoked by the right people.

use crate::common;

use common::{TestApp, account};
use studio_console::api::api_keys::{CreateApiKey, ListApiKeys, RevokeApiKey};
use studio_console::api::workspaces::{ArchiveWorkspace, CreateWorkspace, UnarchiveWorkspace};
use studio_console::domain::api_keys::{ApiKeyView, ApiKeysPage, CreatedKey, KeyStatus};

backend_tests!(
    a_key_is_shown_once_and_only_its_hash_is_stored,
    bad_input_names_the_field_and_stores_nothing,
    contributors_revoke_their_own_keys_admins_any,
    outsiders_and_non_members_get_not_found,
    the_v1_api_accepts_working_keys_and_records_usage,
    revoked_expired_and_archived_workspace_keys_get_401,
    keys_page_through_everything_newest_first,
);

async fn keys_page_through_everything_newest_first(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let (org, ws) = (ada.org_id.clone(), ada.workspace_id.clone());
    for i in 0..60i64 {
        sqlx::query(
            "INSERT INTO api_keys (id, workspace_id, name, prefix, secret_hash, created_by, created_at) \
             VALUES ($1, $2, $3, 'sk-x', $4, $5, $6)",
        )
        .bind(format!("key_{i:03}"))
        .bind(&ws)
        .bind(format!("key {i}"))
        .bind(format!("hash{i:03}"))
        .bind(&ada.user_id)
        .bind(1_000 + i / 2)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    let list = |after: Option<String>| ListApiKeys {
        org_id: org.to_owned(),
        workspace_id: ws.to_owned(),
        after,
        before: None,
    };
    let first: ApiKeysPage = ada.client.run(list(None)).await.json();
    assert_eq!(first.keys.len(), 50);
    assert_eq!(first.keys[0].id, "key_059", "newest first");
    let second: ApiKeysPage = ada
        .client
        .run(list(first.neighbours.after.clone()))
        .await
        .json();
    let ids: Vec<&str> = second.keys.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(
        ids,
        (0..10)
            .rev()
            .map(|i| format!("key_{i:03}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(second.neighbours.after, None);
    // The page renders without JavaScript, with a link back to the newer keys.
    let after = first.neighbours.after.unwrap();
    let html = ada
        .client
        .get(&format!("/o/{org}/w/{ws}/api-keys?after={after}"))
        .await;
    assert!(html.body.contains("key 9"), "the last page renders");
    assert!(!html.body.contains("key 10"), "and only it");
    assert!(
        html.body.contains("before=key_009"),
        "with a link to newer keys"
    );
}

async fn v1(app: &TestApp, path: &str, key: Option<&str>) -> common::client::Response {
    use axum::body::Body;
    use axum::http::Request;
    let mut req = Request::get(path);
    if let Some(key) = key {
        req = req.header("authorization", format!("Bearer {key}"));
    }
    app.client().send(req.body(Body::empty()).unwrap()).await
}

async fn the_v1_api_accepts_working_keys_and_records_usage(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let (org, ws) = (ada.org_id.clone(), ada.workspace_id.clone());
    let key: CreatedKey = create(&mut ada.client, &org, &ws, "ci").await.json();
    let res = v1(&app, "/v1/models", Some(&key.secret)).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let body: serde_json::Value = res.json();
    assert_eq!(body["object"], "list");
    assert!(
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == "mistral-small-latest")
    );
    let res = v1(&app, "/v1/models/mistral-small-latest", Some(&key.secret)).await;
    assert_eq!(res.status, 200);
    let res = v1(&app, "/v1/models/nope", Some(&key.secret)).await;
    assert_eq!(res.status, 404);
    let body: serde_json::Value = res.json();
    assert_eq!(body["error"]["code"], "not_found");
    let (count, workspace, endpoint): (i64, String, String) =
        sqlx::query_as("SELECT COUNT(*), MIN(workspace_id), MIN(endpoint) FROM usage_events")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((count, workspace.as_str()), (3, ws.as_str()));
    assert!(endpoint.starts_with("/v1/models"));
    let keys: Vec<ApiKeyView> = ada
        .client
        .run(ListApiKeys {
            org_id: org.to_owned(),
            workspace_id: ws.to_owned(),
            after: None,
            before: None,
        })
        .await
        .json::<ApiKeysPage>()
        .keys;
    assert!(keys[0].last_used_at.is_some(), "last used moves");
}

async fn revoked_expired_and_archived_workspace_keys_get_401(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let (org, ws) = (ada.org_id.clone(), ada.workspace_id.clone());
    for (path, key) in [
        ("/v1/models", None),
        ("/v1/models", Some("sk-0000")),
        ("/v1/models", Some("not-a-key")),
    ] {
        let res = v1(&app, path, key).await;
        assert_eq!(res.status, 401, "{key:?}");
        let body: serde_json::Value = res.json();
        assert_eq!(body["error"]["type"], "authentication_error");
    }
    // Revoked.
    let key: CreatedKey = create(&mut ada.client, &org, &ws, "old").await.json();
    ada.client
        .run(RevokeApiKey {
            org_id: org.to_owned(),
            workspace_id: ws.to_owned(),
            key_id: key.key.id.to_owned(),
        })
        .await;
    assert_eq!(v1(&app, "/v1/models", Some(&key.secret)).await.status, 401);
    // Expired.
    let key: CreatedKey = create(&mut ada.client, &org, &ws, "short").await.json();
    assert_eq!(v1(&app, "/v1/models", Some(&key.secret)).await.status, 200);
    sqlx::query("UPDATE api_keys SET expires_at = 1 WHERE id = $1")
        .bind(&key.key.id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(v1(&app, "/v1/models", Some(&key.secret)).await.status, 401);
    // A key of an archived workspace.
    let second: String = ada
        .client
        .run(CreateWorkspace {
            org_id: org.to_owned(),
            name: "Second".into(),
        })
        .await
        .json();
    let key: CreatedKey = create(&mut ada.client, &org, &second, "second")
        .await
        .json();
    assert_eq!(v1(&app, "/v1/models", Some(&key.secret)).await.status, 200);
    ada.client
        .run(ArchiveWorkspace {
            org_id: org.to_owned(),
            workspace_id: second.to_owned(),
        })
        .await;
    assert_eq!(v1(&app, "/v1/models", Some(&key.secret)).await.status, 401);
    ada.client
        .run(UnarchiveWorkspace {
            org_id: org.to_owned(),
            workspace_id: second.to_owned(),
        })
        .await;
    assert_eq!(
        v1(&app, "/v1/models", Some(&key.secret)).await.status,
        200,
        "unarchiving brings the keys back"
    );
}

async fn create(
    client: &mut common::Client,
    org: &str,
    ws: &str,
    name: &str,
) -> common::client::Response {
    client
        .run(CreateApiKey {
            org_id: org.to_owned(),
            workspace_id: ws.to_owned(),
            name: name.to_owned(),
            expiry: "30".into(),
            expires_on: None,
        })
        .await
}

async fn a_key_is_shown_once_and_only_its_hash_is_stored(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let (org, ws) = (ada.org_id.clone(), ada.workspace_id.clone());
    let res = create(&mut ada.client, &org, &ws, "CI pipeline").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let created: CreatedKey = res.json();
    assert!(created.secret.starts_with("sk-") && created.secret.len() == 67);
    assert!(created.secret.starts_with(&created.key.prefix));
    assert_eq!(created.key.status, KeyStatus::Active);
    assert!(created.key.expires_at.is_some());
    let (prefix, hash): (String, String) =
        sqlx::query_as("SELECT prefix, secret_hash FROM api_keys")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(!hash.contains(&created.secret[3..]) && prefix.len() == 11);
    assert_eq!(
        hash,
        studio_console::server::services::api_keys::secret_hash(&created.secret)
    );
    let res = ada
        .client
        .run(ListApiKeys {
            org_id: org.to_owned(),
            workspace_id: ws.to_owned(),
            after: None,
            before: None,
        })
        .await;
    assert!(
        !res.body.contains(&created.secret),
        "the list never shows the secret"
    );
    let keys: Vec<ApiKeyView> = res.json::<ApiKeysPage>().keys;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].created_by.as_deref(), Some("Ada"));
}

async fn bad_input_names_the_field_and_stores_nothing(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let (org, ws) = (ada.org_id.clone(), ada.workspace_id.clone());
    let res = ada
        .client
        .run(CreateApiKey {
            org_id: org.to_owned(),
            workspace_id: ws.to_owned(),
            name: "".into(),
            expiry: "date".into(),
            expires_on: Some("2020-01-01".into()),
        })
        .await;
    assert_eq!(res.status, 422);
    let err = res.error();
    assert!(err.field_message("name").is_some());
    assert!(err.field_message("expiry").unwrap().contains("future"));
    assert_eq!(app.count("api_keys").await, 0);
}

async fn contributors_revoke_their_own_keys_admins_any(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    let carol = account(&app, "Carol", "carol@example.com").await;
    let (org, ws) = (ada.org_id.clone(), ada.workspace_id.clone());
    for user in [&bob.user_id, &carol.user_id] {
        app.add_org_member(&org, user, "member").await;
        app.add_workspace_member(&ws, user, "contributor").await;
    }
    let mut bob = app.sign_in("bob@example.com").await;
    let mut carol = app.sign_in("carol@example.com").await;
    let bobs: CreatedKey = create(&mut bob, &org, &ws, "bob's").await.json();
    let carols: CreatedKey = create(&mut carol, &org, &ws, "carol's").await.json();
    let revoke = |key: &CreatedKey| RevokeApiKey {
        org_id: org.clone(),
        workspace_id: ws.clone(),
        key_id: key.key.id.clone(),
    };
    let res = bob.run(revoke(&carols)).await;
    assert_eq!(
        res.status, 403,
        "a Contributor can't revoke someone else's key"
    );
    assert_eq!(bob.run(revoke(&bobs)).await.status, 200);
    assert_eq!(
        ada.client.run(revoke(&carols)).await.status,
        200,
        "an Admin revokes any key"
    );
    let keys: Vec<ApiKeyView> = ada
        .client
        .run(ListApiKeys {
            org_id: org.to_owned(),
            workspace_id: ws.to_owned(),
            after: None,
            before: None,
        })
        .await
        .json::<ApiKeysPage>()
        .keys;
    assert!(keys.iter().all(|k| k.status == KeyStatus::Revoked));
}

async fn outsiders_and_non_members_get_not_found(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let mut eve = account(&app, "Eve", "eve@example.com").await;
    let bill = account(&app, "Bill", "bill@example.com").await;
    let (org, ws) = (ada.org_id.clone(), ada.workspace_id.clone());
    create(&mut ada.client, &org, &ws, "main").await;
    app.add_org_member(&org, &bill.user_id, "billing").await;
    let mut bill = app.sign_in("bill@example.com").await;
    for client in [&mut eve.client, &mut bill] {
        let res = client
            .run(ListApiKeys {
                org_id: org.to_owned(),
                workspace_id: ws.to_owned(),
                after: None,
                before: None,
            })
            .await;
        assert_eq!(res.status, 404);
        assert_eq!(create(client, &org, &ws, "sneaky").await.status, 404);
    }
    assert_eq!(app.count("api_keys").await, 1);
}
