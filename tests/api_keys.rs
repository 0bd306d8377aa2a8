//! Workspace API keys: shown once, stored hashed, created and revoked by the right people.

mod common;

use common::{TestApp, account};
use studio_console::domain::api_keys::{ApiKeyView, CreatedKey, KeyStatus};

backend_tests!(
    a_key_is_shown_once_and_only_its_hash_is_stored,
    bad_input_names_the_field_and_stores_nothing,
    contributors_revoke_their_own_keys_admins_any,
    outsiders_and_non_members_get_not_found,
);

async fn create(
    client: &mut common::Client,
    org: &str,
    ws: &str,
    name: &str,
) -> common::client::Response {
    client
        .call(
            "/api/create_api_key",
            &[
                ("org_id", org),
                ("workspace_id", ws),
                ("name", name),
                ("expiry", "30"),
            ],
        )
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
        .call(
            "/api/list_api_keys",
            &[("org_id", &org), ("workspace_id", &ws)],
        )
        .await;
    assert!(
        !res.body.contains(&created.secret),
        "the list never shows the secret"
    );
    let keys: Vec<ApiKeyView> = res.json();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].created_by.as_deref(), Some("Ada"));
}

async fn bad_input_names_the_field_and_stores_nothing(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let (org, ws) = (ada.org_id.clone(), ada.workspace_id.clone());
    let res = ada
        .client
        .call(
            "/api/create_api_key",
            &[
                ("org_id", &org),
                ("workspace_id", &ws),
                ("name", ""),
                ("expiry", "date"),
                ("expires_on", "2020-01-01"),
            ],
        )
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
    let revoke = |key: &CreatedKey| {
        vec![
            ("org_id", org.clone()),
            ("workspace_id", ws.clone()),
            ("key_id", key.key.id.clone()),
        ]
    };
    let call = |fields: Vec<(&'static str, String)>| fields;
    let f = call(revoke(&carols));
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = bob.call("/api/revoke_api_key", &f).await;
    assert_eq!(
        res.status, 403,
        "a Contributor can't revoke someone else's key"
    );
    let f = call(revoke(&bobs));
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(bob.call("/api/revoke_api_key", &f).await.status, 200);
    let f = call(revoke(&carols));
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        ada.client.call("/api/revoke_api_key", &f).await.status,
        200,
        "an Admin revokes any key"
    );
    let keys: Vec<ApiKeyView> = ada
        .client
        .call(
            "/api/list_api_keys",
            &[("org_id", &org), ("workspace_id", &ws)],
        )
        .await
        .json();
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
            .call(
                "/api/list_api_keys",
                &[("org_id", &org), ("workspace_id", &ws)],
            )
            .await;
        assert_eq!(res.status, 404);
        assert_eq!(create(client, &org, &ws, "sneaky").await.status, 404);
    }
    assert_eq!(app.count("api_keys").await, 1);
}
