//! The audit log: one entry per change, in the change's transaction, with its actor and
//! the fields before and after; none for a refused change; filters, pages and exports;
//! the hash chain verified, a tampered or missing entry found, retention's prefix pruned;
//! a workspace Admin's view; links taken in order under concurrent changes.

use crate::common;

use common::{Account, TestApp, account};
use studio_console::api::api_keys::{CreateApiKey, RevokeApiKey};
use studio_console::api::audit::GetAuditLog;
use studio_console::api::members::{ChangeMemberRole, RevokeInvitation, SendInvitations};
use studio_console::api::orgs::RenameOrganization;
use studio_console::api::workspaces::{CreateWorkspace, RenameWorkspace};
use studio_console::domain::audit::{AuditEntryView, AuditPage};
use studio_console::domain::calendar::DAY_MS;
use studio_console::server::services::audit::{self, AuditKeys, Verified};

backend_tests!(
    each_change_writes_one_entry_with_its_actor_and_fields,
    a_refused_change_writes_nothing,
    filters_and_pages_read_the_log_newest_first,
    exports_carry_the_filtered_view_and_defuse_text,
    the_chain_verifies_and_finds_tampering_and_survives_retention,
    a_workspace_admin_reads_only_their_workspaces,
    concurrent_changes_chain_one_after_another,
    what_keys_and_the_trainer_do_is_recorded_as_theirs,
);

#[derive(Default)]
struct Filter<'a> {
    actor: Option<&'a str>,
    target: Option<&'a str>,
    action: Option<&'a str>,
    workspace: Option<&'a str>,
    from: Option<&'a str>,
    until: Option<&'a str>,
    after: Option<String>,
}

async fn log(who: &mut Account, org: &str, f: Filter<'_>) -> common::client::Response {
    let own = |v: Option<&str>| v.map(str::to_owned);
    who.client
        .run(GetAuditLog {
            org_id: org.to_owned(),
            actor: own(f.actor),
            target: own(f.target),
            action: own(f.action),
            workspace: own(f.workspace),
            from: own(f.from),
            until: own(f.until),
            after: f.after,
            before: None,
        })
        .await
}

async fn entries(ada: &mut Account, f: Filter<'_>) -> Vec<AuditEntryView> {
    let org = ada.org_id.clone();
    let res = log(ada, &org, f).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json::<AuditPage>().entries
}

fn json(text: &Option<String>) -> serde_json::Value {
    serde_json::from_str(text.as_deref().expect("fields recorded")).unwrap()
}

async fn invite(ada: &mut Account, email: &str) {
    let res = ada
        .client
        .run(SendInvitations {
            org_id: ada.org_id.clone(),
            emails: email.into(),
            role: "member".into(),
            workspaces: None,
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
}

async fn each_change_writes_one_entry_with_its_actor_and_fields(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    app.add_org_member(&ada.org_id, &bob.user_id, "member")
        .await;
    let org = ada.org_id.clone();
    // Sign-up founded the organization: its first entry.
    let first = entries(&mut ada, Filter::default()).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].action, "organization.created");
    assert_eq!(first[0].actor_label, "ada@example.com");

    let res = ada
        .client
        .run(ChangeMemberRole {
            org_id: org.clone(),
            user_id: bob.user_id.clone(),
            role: "billing".into(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let key: studio_console::domain::api_keys::CreatedKey = ada
        .client
        .run(CreateApiKey {
            org_id: org.clone(),
            workspace_id: ada.workspace_id.clone(),
            name: "ci".into(),
            expiry: "never".into(),
            expires_on: None,
        })
        .await
        .json();
    let res = ada
        .client
        .run(RevokeApiKey {
            org_id: org.clone(),
            workspace_id: ada.workspace_id.clone(),
            key_id: key.key.id.clone(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res = ada
        .client
        .run(RenameOrganization {
            org_id: org.clone(),
            name: "Acme".into(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    invite(&mut ada, "ivy@example.com").await;

    let all = entries(&mut ada, Filter::default()).await;
    let actions: Vec<&str> = all.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "invitation.sent",
            "organization.renamed",
            "api_key.revoked",
            "api_key.created",
            "member.role_changed",
            "organization.created",
        ],
        "one entry per change, newest first"
    );
    let about_bob = entries(
        &mut ada,
        Filter {
            target: Some("bob@example.com"),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(about_bob.len(), 1);
    let role = &all[4];
    assert_eq!(role.actor_id.as_deref(), Some(ada.user_id.as_str()));
    assert_eq!(role.target_label, "bob@example.com");
    assert_eq!(json(&role.before)["role"], "member");
    assert_eq!(json(&role.after)["role"], "billing");
    assert!(role.request_id.as_deref().is_some_and(|r| r.len() == 16));
    let created = &all[3];
    assert_eq!(
        created.workspace_id.as_deref(),
        Some(ada.workspace_id.as_str())
    );
    assert_eq!(created.target_label, "ci");
    let recorded = created.after.clone().unwrap();
    assert!(
        recorded.contains(&key.key.prefix) && !recorded.contains(&key.secret),
        "a key is named by its prefix, never its secret: {recorded}"
    );
    let old_name = json(&all[1].before)["name"].as_str().unwrap().to_owned();
    assert!(!old_name.is_empty() && old_name != "Acme");
    assert_eq!(json(&all[1].after)["name"], "Acme");
    assert_eq!(json(&all[0].after)["email"], "ivy@example.com");
    // No table holds an invitation token or a key secret in the log.
    let texts: Vec<String> = sqlx::query_scalar(
        "SELECT COALESCE(before_json, '') || COALESCE(after_json, '') FROM audit_log",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert!(texts.iter().all(|t| !t.contains(&key.secret)));
}

async fn a_refused_change_writes_nothing(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let org = ada.org_id.clone();
    let before = app.count("audit_log").await;
    // The last Admin may not be demoted; a revoked invitation can't be revoked again.
    let res = ada
        .client
        .run(ChangeMemberRole {
            org_id: org.clone(),
            user_id: ada.user_id.clone(),
            role: "member".into(),
        })
        .await;
    assert_eq!(res.status, 409, "{}", res.body);
    let res = ada
        .client
        .run(RenameOrganization {
            org_id: org.clone(),
            name: " ".into(),
        })
        .await;
    assert_eq!(res.status, 422, "{}", res.body);
    let res = ada
        .client
        .run(RevokeInvitation {
            org_id: org.clone(),
            invitation_id: "inv_nope".into(),
        })
        .await;
    assert_eq!(res.status, 404, "{}", res.body);
    // A workspace named like another: refused, and its entry rolled back with it.
    for _ in 0..2 {
        ada.client
            .run(CreateWorkspace {
                org_id: org.clone(),
                name: "Twin".into(),
            })
            .await;
    }
    assert_eq!(app.count("audit_log").await, before + 1);
    let (seq, _) = head(&app, &org).await;
    assert_eq!(seq, before + 1, "the head moved once, with the one change");
}

async fn head(app: &TestApp, org: &str) -> (i64, String) {
    sqlx::query_as("SELECT seq, hash FROM audit_heads WHERE org_id = $1")
        .bind(org)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn filters_and_pages_read_the_log_newest_first(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    app.add_org_member(&ada.org_id, &bob.user_id, "admin").await;
    let org = ada.org_id.clone();
    let mut bob_client = app.sign_in("bob@example.com").await;
    let second: String = ada
        .client
        .run(CreateWorkspace {
            org_id: org.clone(),
            name: "Second".into(),
        })
        .await
        .json();
    // A day later, Bob renames the second workspace 60 times.
    app.db.clock.advance(DAY_MS);
    for i in 0..60 {
        let res = bob_client
            .run(RenameWorkspace {
                org_id: org.clone(),
                workspace_id: second.clone(),
                name: format!("Second {i}"),
            })
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
    }
    // By actor, as an email or an id.
    let by_bob = entries(
        &mut ada,
        Filter {
            actor: Some("BOB@example.com"),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(by_bob.len(), 50, "a page holds 50");
    assert!(by_bob.iter().all(|e| e.actor_label == "bob@example.com"));
    assert_eq!(json(&by_bob[0].after)["name"], "Second 59");
    let ada_id = ada.user_id.clone();
    let by_id = entries(
        &mut ada,
        Filter {
            actor: Some(&ada_id),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(by_id.len(), 2, "founding and the new workspace");
    let nobody = entries(
        &mut ada,
        Filter {
            actor: Some("nobody@example.com"),
            ..Default::default()
        },
    )
    .await;
    assert!(nobody.is_empty());
    // The next page goes on from the last entry of the first, in order.
    let res = log(
        &mut ada,
        &org,
        Filter {
            actor: Some("bob@example.com"),
            ..Default::default()
        },
    )
    .await;
    let page: AuditPage = res.json();
    let next = entries(
        &mut ada,
        Filter {
            actor: Some("bob@example.com"),
            after: page.neighbours.after.clone(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(next.len(), 10);
    assert_eq!(next[0].seq, page.entries[49].seq - 1);
    // By whom it was about.
    let about_second = entries(
        &mut ada,
        Filter {
            target: Some(&second),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(about_second.len(), 50);
    assert!(about_second.iter().all(|e| e.target_id == second));
    // By action and workspace.
    let created = entries(
        &mut ada,
        Filter {
            action: Some("workspace.created"),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(created.len(), 1);
    let in_second = entries(
        &mut ada,
        Filter {
            workspace: Some(&second),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(in_second.len(), 50);
    assert!(
        in_second
            .iter()
            .all(|e| e.workspace_id.as_deref() == Some(second.as_str()))
    );
    // By date: the first day holds the founding and the new workspace.
    let day = |ms: i64| studio_console::domain::calendar::iso_date(ms);
    let first_day = day(app.db.now() - DAY_MS);
    let early = entries(
        &mut ada,
        Filter {
            from: Some(&first_day),
            until: Some(&first_day),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(early.len(), 2, "{early:?}");
    // A bad filter names its field.
    let res = log(
        &mut ada,
        &org,
        Filter {
            from: Some("2026-02-30"),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(res.status, 422);
    assert!(res.body.contains("from"), "{}", res.body);
    let res = log(
        &mut ada,
        &org,
        Filter {
            action: Some("everything"),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(res.status, 422);
}

async fn exports_carry_the_filtered_view_and_defuse_text(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let org = ada.org_id.clone();
    let res = ada
        .client
        .run(RenameOrganization {
            org_id: org.clone(),
            name: "=HYPERLINK(\"x\")".into(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    invite(&mut ada, "ivy@example.com").await;
    let page = entries(&mut ada, Filter::default()).await;

    // Compressed, as a browser asks for it: the body is read to its end and past it.
    let compressed =
        axum::http::Request::get(format!("/o/{org}/settings/audit/export?format=jsonl"))
            .header("accept-encoding", "gzip")
            .body(axum::body::Body::empty())
            .unwrap();
    let res = ada.client.send(compressed).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.header("content-encoding").as_deref(), Some("gzip"));
    let res = ada
        .client
        .get(&format!("/o/{org}/settings/audit/export?format=jsonl"))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(
        res.header("content-type")
            .unwrap()
            .starts_with("application/x-ndjson")
    );
    let lines: Vec<serde_json::Value> = res
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), page.len(), "every entry, once");
    for (line, entry) in lines.iter().zip(&page) {
        assert_eq!(line["seq"], entry.seq);
        assert_eq!(line["action"], entry.action.as_str());
        assert_eq!(line["actor"], entry.actor_label.as_str());
    }
    assert_eq!(lines[1]["after"]["name"], "=HYPERLINK(\"x\")");

    let res = ada
        .client
        .get(&format!(
            "/o/{org}/settings/audit/export?format=csv&action=organization.renamed"
        ))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let rows: Vec<&str> = res.body.lines().collect();
    assert_eq!(
        rows.len(),
        2,
        "the header and the one renaming: {}",
        res.body
    );
    assert!(rows[0].starts_with("seq,time,actor_kind"));
    assert!(
        rows[1].contains("\"'=HYPERLINK"),
        "a formula is defused: {}",
        rows[1]
    );
    // Another organization's people, and a bad format, get nothing.
    let mut eve = account(&app, "Eve", "eve@example.com").await;
    let res = eve
        .client
        .get(&format!("/o/{org}/settings/audit/export?format=csv"))
        .await;
    assert_eq!(res.status, 404);
    let res = ada
        .client
        .get(&format!("/o/{org}/settings/audit/export?format=xml"))
        .await;
    assert_eq!(res.status, 422);
    let _ = &mut eve;
}

async fn the_chain_verifies_and_finds_tampering_and_survives_retention(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let org = ada.org_id.clone();
    for i in 0..5 {
        ada.client
            .run(CreateWorkspace {
                org_id: org.clone(),
                name: format!("W{i}"),
            })
            .await;
    }
    let verified = audit::verify(&app.db, &org).await.unwrap();
    assert!(
        matches!(
            verified,
            Verified::Intact {
                entries: 6,
                sealed: 6,
                first_seq: 1,
                ..
            }
        ),
        "{verified:?}"
    );
    // Sealed links are checked with the key that sealed them, and only with it.
    match audit::verify_with(&app.db, &org, &AuditKeys::default())
        .await
        .unwrap()
    {
        Verified::Broken { seq: 1, reason } => {
            assert!(reason.contains(r#"key "test""#), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    let wrong_secret = AuditKeys::parse("test:not-the-secret-that-sealed-this-log").unwrap();
    assert!(matches!(
        audit::verify_with(&app.db, &org, &wrong_secret)
            .await
            .unwrap(),
        Verified::Broken { seq: 1, .. }
    ));
    let rotated = AuditKeys::parse(&format!(
        "new:a-newer-secret-of-at-least-32-chars,{}",
        common::TEST_AUDIT_KEYS
    ))
    .unwrap();
    assert!(matches!(
        audit::verify_with(&app.db, &org, &rotated).await.unwrap(),
        Verified::Intact { sealed: 6, .. }
    ));
    // A changed field breaks its own link.
    let tamper = |sql: &'static str| {
        let (pool, org) = (app.db.pool.clone(), org.clone());
        async move {
            sqlx::query(sql).bind(org).execute(&pool).await.unwrap();
        }
    };
    tamper("UPDATE audit_log SET target_label = 'Evil' WHERE org_id = $1 AND seq = 3").await;
    assert!(matches!(
        audit::verify(&app.db, &org).await.unwrap(),
        Verified::Broken { seq: 3, .. }
    ));
    // Retention: entries older than a day go as a prefix and the chain restarts after them.
    app.db.clock.advance(2 * DAY_MS);
    ada.client
        .run(CreateWorkspace {
            org_id: org.clone(),
            name: "Later".into(),
        })
        .await;
    let pruned = audit::prune_expired(&app.db, Some(1)).await.unwrap();
    assert_eq!(pruned, 6);
    let verified = audit::verify(&app.db, &org).await.unwrap();
    assert!(
        matches!(
            verified,
            Verified::Intact {
                entries: 1,
                first_seq: 7,
                ..
            }
        ),
        "{verified:?}"
    );
    // A deleted entry, or a deleted newest entry, is found.
    for i in 0..2 {
        ada.client
            .run(CreateWorkspace {
                org_id: org.clone(),
                name: format!("After {i}"),
            })
            .await;
    }
    tamper("DELETE FROM audit_log WHERE org_id = $1 AND seq = 8").await;
    assert!(matches!(
        audit::verify(&app.db, &org).await.unwrap(),
        Verified::Broken { seq: 8, .. }
    ));
    tamper("DELETE FROM audit_log WHERE org_id = $1 AND seq >= 8").await;
    assert!(matches!(
        audit::verify(&app.db, &org).await.unwrap(),
        Verified::Broken { seq: 8, .. }
    ));
    // Entries without the chain's head are no empty log.
    tamper("DELETE FROM audit_heads WHERE org_id = $1").await;
    assert!(matches!(
        audit::verify(&app.db, &org).await.unwrap(),
        Verified::Broken { seq: 1, .. }
    ));
}

async fn a_workspace_admin_reads_only_their_workspaces(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let mut bob = account(&app, "Bob", "bob@example.com").await;
    let carl = account(&app, "Carl", "carl@example.com").await;
    let org = ada.org_id.clone();
    app.add_org_member(&org, &bob.user_id, "member").await;
    app.add_org_member(&org, &carl.user_id, "member").await;
    let second: String = ada
        .client
        .run(CreateWorkspace {
            org_id: org.clone(),
            name: "Second".into(),
        })
        .await
        .json();
    app.add_workspace_member(&second, &bob.user_id, "admin")
        .await;
    ada.client
        .run(RenameWorkspace {
            org_id: org.clone(),
            workspace_id: second.clone(),
            name: "Research".into(),
        })
        .await;
    let mut bob_client = app.sign_in("bob@example.com").await;
    std::mem::swap(&mut bob.client, &mut bob_client);
    // Asked for the whole organization, Bob gets the workspace he administers.
    let res = log(&mut bob, &org, Filter::default()).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let page: AuditPage = res.json();
    assert!(!page.whole_organization);
    assert_eq!(page.filter.workspace.as_deref(), Some(second.as_str()));
    assert_eq!(page.entries.len(), 2, "created and renamed");
    assert!(
        page.entries
            .iter()
            .all(|e| e.workspace_id.as_deref() == Some(second.as_str()))
    );
    // Another workspace of the organization is not his to read: he still gets his own.
    let default_ws = ada.workspace_id.clone();
    let res = log(
        &mut bob,
        &org,
        Filter {
            workspace: Some(&default_ws),
            ..Default::default()
        },
    )
    .await;
    let page: AuditPage = res.json();
    assert_eq!(page.filter.workspace.as_deref(), Some(second.as_str()));
    // A member who administers no workspace may not read the log.
    let mut carl = carl;
    carl.client = app.sign_in("carl@example.com").await;
    let res = log(&mut carl, &org, Filter::default()).await;
    assert_eq!(res.status, 403);
    let res = carl
        .client
        .get(&format!("/o/{org}/settings/audit/export?format=csv"))
        .await;
    assert_eq!(res.status, 403);
}

async fn concurrent_changes_chain_one_after_another(app: TestApp) {
    let ada = account(&app, "Ada", "ada@example.com").await;
    let org = ada.org_id.clone();
    app.set_seats(&org, 100).await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let mut client = app.sign_in("ada@example.com").await;
        let org = org.clone();
        tasks.push(tokio::spawn(async move {
            client
                .run(CreateWorkspace {
                    org_id: org,
                    name: format!("Parallel {i}"),
                })
                .await
                .status
        }));
    }
    // Batches among them: ten invitations at once take ten links in one go.
    for i in 0..4 {
        let mut client = app.sign_in("ada@example.com").await;
        let org = org.clone();
        let emails = (0..10)
            .map(|n| format!("batch{i}-{n}@example.com"))
            .collect::<Vec<_>>()
            .join(",");
        tasks.push(tokio::spawn(async move {
            client
                .run(SendInvitations {
                    org_id: org,
                    emails,
                    role: "member".into(),
                    workspaces: None,
                })
                .await
                .status
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let verified = audit::verify(&app.db, &org).await.unwrap();
    assert!(
        matches!(
            verified,
            Verified::Intact {
                entries: 57,
                first_seq: 1,
                ..
            }
        ),
        "{verified:?}"
    );
    // A batch's entries follow one another in the order it was given.
    let batch: Vec<(i64, String)> = sqlx::query_as(
        "SELECT seq, target_label FROM audit_log WHERE org_id = $1 AND target_label LIKE 'batch0-%' ORDER BY seq",
    )
    .bind(&org)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let labels: Vec<String> = batch.iter().map(|(_, l)| l.clone()).collect();
    let expected: Vec<String> = (0..10).map(|n| format!("batch0-{n}@example.com")).collect();
    assert_eq!(labels, expected);
    assert!(batch.windows(2).all(|w| w[1].0 == w[0].0 + 1), "{batch:?}");
    // Every entry's time is at or after the one's before it.
    let times: Vec<i64> =
        sqlx::query_scalar("SELECT at FROM audit_log WHERE org_id = $1 ORDER BY seq")
            .bind(&org)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
}

async fn what_keys_and_the_trainer_do_is_recorded_as_theirs(app: TestApp) {
    use common::v1;
    let app = v1::with_trainer(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let key = v1::key(&app, &mut ada, &ws).await;
    let file: serde_json::Value = v1::upload(&app, &key, "fine-tune", v1::GOOD).await.json();
    let file_id = file["id"].as_str().unwrap().to_owned();
    let body = serde_json::json!({ "model": "open-mistral-7b", "training_file": file_id });
    let job: serde_json::Value =
        v1::v1_json(&app, "POST", "/v1/fine_tuning/jobs", &key, body.clone())
            .await
            .json();
    let job_id = job["id"].as_str().unwrap().to_owned();
    let res = v1::v1(
        &app,
        "POST",
        &format!("/v1/fine_tuning/jobs/{job_id}/cancel"),
        &key,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.body);
    v1::v1_json(&app, "POST", "/v1/fine_tuning/jobs", &key, body).await;
    let finished = v1::train_next(&app).await;
    let model = finished["fine_tuned_model"].as_str().unwrap().to_owned();
    let res = v1::v1(&app, "DELETE", &format!("/v1/models/{model}"), &key).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res = v1::v1(&app, "DELETE", &format!("/v1/files/{file_id}"), &key).await;
    assert_eq!(res.status, 200, "{}", res.body);

    let all = entries(&mut ada, Filter::default()).await;
    let done: Vec<(&str, &str)> = all
        .iter()
        .take(7)
        .map(|e| (e.action.as_str(), e.actor_kind.as_str()))
        .collect();
    assert_eq!(
        done,
        [
            ("dataset.deleted", "api_key"),
            ("model.deleted", "api_key"),
            ("job.finished", "trainer"),
            ("job.created", "api_key"),
            ("job.cancelled", "api_key"),
            ("job.created", "api_key"),
            ("dataset.uploaded", "api_key"),
        ]
    );
    assert!(
        all[..7]
            .iter()
            .all(|e| e.workspace_id.as_deref() == Some(ws.as_str()))
    );
    assert_eq!(all[0].actor_label, "k", "a key is named as it was named");
    assert_eq!(json(&all[2].after)["fine_tuned_model"], model.as_str());
}
