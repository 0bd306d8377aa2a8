//! The authorization matrix: every server function called as every kind of caller.
//! A server function without a row here fails this test, so none ships unchecked.

mod common;

use common::{TestApp, account};

/// Who calls, in the order of the `expect` arrays below.
const CALLERS: [&str; 6] = [
    "anonymous",
    "non-member",
    "admin of another org",
    "Member",
    "Billing",
    "Admin",
];

/// The organization under test and the ids the calls need.
struct Ctx {
    org: String,
    default_ws: String,
    second_ws: String,
    bob: String,
}

type Fields = fn(&Ctx, usize) -> Vec<(&'static str, String)>;

struct Row {
    path: &'static str,
    fields: Fields,
    /// HTTP status per caller, in `CALLERS` order.
    expect: [u16; 6],
}

const PUBLIC: [u16; 6] = [200; 6];
const SIGNED_IN: [u16; 6] = [401, 200, 200, 200, 200, 200];
const ORG_MEMBERS: [u16; 6] = [401, 404, 404, 200, 200, 200];
const ORG_ADMINS: [u16; 6] = [401, 404, 404, 403, 403, 200];
/// Bob (Member) belongs to the second workspace; Bill (Billing) does not, so it is hidden from him.
const WORKSPACE_ADMIN_ACTIONS: [u16; 6] = [401, 404, 404, 403, 404, 200];

fn rows() -> Vec<Row> {
    vec![
        Row {
            path: "/api/sign_up",
            fields: |_, n| {
                vec![
                    ("name", "New".into()),
                    ("email", format!("new{n}@example.com")),
                    ("password", "12345678".into()),
                ]
            },
            expect: PUBLIC,
        },
        Row {
            path: "/api/sign_in",
            fields: |_, _| {
                vec![
                    ("email", "ada@example.com".into()),
                    ("password", common::PASSWORD.into()),
                ]
            },
            expect: PUBLIC,
        },
        Row {
            path: "/api/sign_out",
            fields: |_, _| vec![],
            expect: PUBLIC,
        },
        Row {
            path: "/api/current_user",
            fields: |_, _| vec![],
            expect: PUBLIC,
        },
        Row {
            path: "/api/landing",
            fields: |_, _| vec![],
            expect: PUBLIC,
        },
        Row {
            path: "/api/load_shell",
            fields: |c, _| vec![("org_id", c.org.clone())],
            expect: ORG_MEMBERS,
        },
        Row {
            path: "/api/create_organization",
            fields: |_, n| vec![("name", format!("Matrix {n}")), ("accept_tos", "on".into())],
            expect: SIGNED_IN,
        },
        Row {
            path: "/api/rename_organization",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("name", "Ada's Organization".into()),
                ]
            },
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/list_workspaces",
            fields: |c, _| vec![("org_id", c.org.clone())],
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/create_workspace",
            fields: |c, n| vec![("org_id", c.org.clone()), ("name", format!("Matrix {n}"))],
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/rename_workspace",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("workspace_id", c.second_ws.clone()),
                    ("name", "Second".into()),
                ]
            },
            expect: WORKSPACE_ADMIN_ACTIONS,
        },
        Row {
            path: "/api/archive_workspace",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("workspace_id", c.second_ws.clone()),
                ]
            },
            expect: WORKSPACE_ADMIN_ACTIONS,
        },
        Row {
            path: "/api/unarchive_workspace",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("workspace_id", c.second_ws.clone()),
                ]
            },
            expect: WORKSPACE_ADMIN_ACTIONS,
        },
        Row {
            path: "/api/list_permission_members",
            fields: |c, _| vec![("org_id", c.org.clone())],
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/effective_permissions",
            fields: |c, _| vec![("org_id", c.org.clone()), ("user_id", c.bob.clone())],
            expect: ORG_ADMINS,
        },
    ]
}

backend_tests!(every_server_function_checks_every_caller);

async fn every_server_function_checks_every_caller(app: TestApp) {
    // Ada: Admin. Bob: Member, Contributor of both workspaces. Bill: Billing.
    // Eve: Admin of her own organization. Nora: in no organization at all.
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    let bill = account(&app, "Bill", "bill@example.com").await;
    account(&app, "Eve", "eve@example.com").await;
    let nora = account(&app, "Nora", "nora@example.com").await;
    sqlx::query("DELETE FROM org_members WHERE user_id = $1")
        .bind(&nora.user_id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let second: String = ada
        .client
        .call(
            "/api/create_workspace",
            &[("org_id", &ada.org_id), ("name", "Second")],
        )
        .await
        .json();
    app.add_org_member(&ada.org_id, &bob.user_id, "member")
        .await;
    app.add_org_member(&ada.org_id, &bill.user_id, "billing")
        .await;
    app.add_workspace_member(&ada.workspace_id, &bob.user_id, "contributor")
        .await;
    app.add_workspace_member(&second, &bob.user_id, "contributor")
        .await;
    let ctx = Ctx {
        org: ada.org_id.clone(),
        default_ws: ada.workspace_id.clone(),
        second_ws: second,
        bob: bob.user_id,
    };
    let _ = &ctx.default_ws;

    let rows = rows();
    let registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .filter(|p| p.starts_with("/api/"))
        .collect();
    for path in &registered {
        assert!(
            rows.iter().any(|r| r.path == *path),
            "server function {path} has no row in the authorization matrix"
        );
    }
    for row in &rows {
        assert!(
            registered.contains(&row.path),
            "{} is in the matrix but is not a server function",
            row.path
        );
    }

    let emails = [
        None,
        Some("nora@example.com"),
        Some("eve@example.com"),
        Some("bob@example.com"),
        Some("bill@example.com"),
        Some("ada@example.com"),
    ];
    let mut n = 0;
    let mut failures = Vec::new();
    for row in &rows {
        for (i, email) in emails.iter().enumerate() {
            n += 1;
            let mut client = match email {
                Some(e) => app.sign_in(e).await,
                None => app.client(),
            };
            let fields = (row.fields)(&ctx, n);
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = client.call(row.path, &fields).await;
            if res.status != row.expect[i] {
                failures.push(format!(
                    "{} as {}: expected {}, got {} {}",
                    row.path, CALLERS[i], row.expect[i], res.status, res.body
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix violations:\n{}",
        failures.join("\n")
    );
}
