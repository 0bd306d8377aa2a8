//! The authorization matrix: every server function called as every kind of caller.
//! A server function without a row here fails this test, so none ships unchecked.

use crate::common;

use common::{TestApp, account};
use studio_console::api::api_keys::CreateApiKey;
use studio_console::api::members::{GetInvitationLink, ListInvitations, SendInvitations};
use studio_console::api::workspaces::CreateWorkspace;

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
    /// A member with no role anywhere else, removed by the Admin's call.
    zed: String,
    /// A member added to, changed in and removed from the second workspace.
    wes: String,
    /// Pending invitations: one resent/linked, one revoked.
    invitation: String,
    revocable: String,
    /// Links for ivy@ (accepted by nobody here) and ivan@ (signed up through).
    ivy_token: String,
    ivan_token: String,
    /// An API key of the default workspace created by Ada.
    ada_key: String,
    /// In the default workspace: a dataset, a fine-tuned model, and one queued job per caller.
    dataset: String,
    model: String,
    queued_jobs: Vec<String>,
    /// A verified company domain (checking it again asks no DNS), and one to remove.
    domain: String,
    removable_domain: String,
    /// Open requests to join the organization: one approved, one declined by the Admin.
    join_request: String,
    declinable_request: String,
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
/// The organization's Admin and Billing roles see its costs; a Member is refused.
const BILLING_VIEWERS: [u16; 6] = [401, 404, 404, 403, 200, 200];
/// The same roles change the plan and the billing details.
const BILLING_MANAGERS: [u16; 6] = BILLING_VIEWERS;
/// Bob (Contributor) may look at the workspace; Bill is not in it.
const WORKSPACE_MEMBERS: [u16; 6] = [401, 404, 404, 200, 404, 200];
/// Only the invited address may accept; everyone else signed in is told it is not theirs.
const INVITEE_ONLY: [u16; 6] = [401, 409, 409, 409, 409, 409];
/// The first sign-up through the link creates the invited account; later ones clash with it.
const FIRST_SIGN_UP: [u16; 6] = [200, 409, 409, 409, 409, 409];

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
        Row {
            path: "/api/list_members",
            fields: |c, _| vec![("org_id", c.org.clone())],
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/change_member_role",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("user_id", c.bob.clone()),
                    ("role", "member".into()),
                ]
            },
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/remove_member",
            fields: |c, _| vec![("org_id", c.org.clone()), ("user_id", c.zed.clone())],
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/preview_invitations",
            fields: |c, n| {
                vec![
                    ("org_id", c.org.clone()),
                    ("emails", format!("p{n}@example.com")),
                    ("role", "member".into()),
                ]
            },
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/send_invitations",
            fields: |c, n| {
                vec![
                    ("org_id", c.org.clone()),
                    ("emails", format!("s{n}@example.com")),
                    ("role", "member".into()),
                ]
            },
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/list_invitations",
            fields: |c, _| vec![("org_id", c.org.clone())],
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/resend_invitation",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("invitation_id", c.invitation.clone()),
                ]
            },
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/invitation_link",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("invitation_id", c.invitation.clone()),
                ]
            },
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/revoke_invitation",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("invitation_id", c.revocable.clone()),
                ]
            },
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/list_outbox",
            fields: |c, _| vec![("org_id", c.org.clone())],
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/list_workspace_members",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("workspace_id", c.default_ws.clone()),
                ]
            },
            expect: WORKSPACE_MEMBERS,
        },
        Row {
            path: "/api/workspace_member_candidates",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("workspace_id", c.second_ws.clone()),
                ]
            },
            expect: WORKSPACE_ADMIN_ACTIONS,
        },
        Row {
            path: "/api/add_workspace_members",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("workspace_id", c.second_ws.clone()),
                    ("user_ids[0]", c.wes.clone()),
                    ("role", "contributor".into()),
                ]
            },
            expect: WORKSPACE_ADMIN_ACTIONS,
        },
        Row {
            path: "/api/change_workspace_role",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("workspace_id", c.second_ws.clone()),
                    ("user_id", c.wes.clone()),
                    ("role", "admin".into()),
                ]
            },
            expect: WORKSPACE_ADMIN_ACTIONS,
        },
        Row {
            path: "/api/remove_workspace_member",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("workspace_id", c.second_ws.clone()),
                    ("user_id", c.wes.clone()),
                ]
            },
            expect: WORKSPACE_ADMIN_ACTIONS,
        },
        Row {
            path: "/api/list_api_keys",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("workspace_id", c.default_ws.clone()),
                ]
            },
            expect: WORKSPACE_MEMBERS,
        },
        Row {
            path: "/api/create_api_key",
            fields: |c, n| {
                vec![
                    ("org_id", c.org.clone()),
                    ("workspace_id", c.default_ws.clone()),
                    ("name", format!("key {n}")),
                    ("expiry", "never".into()),
                ]
            },
            expect: WORKSPACE_MEMBERS,
        },
        Row {
            path: "/api/revoke_api_key",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("workspace_id", c.default_ws.clone()),
                    ("key_id", c.ada_key.clone()),
                ]
            },
            // Bob (Contributor) may revoke only his own keys; this one is Ada's.
            expect: [401, 404, 404, 403, 404, 200],
        },
        Row {
            path: "/api/invitation_landing",
            fields: |c, _| vec![("token", c.ivy_token.clone())],
            expect: PUBLIC,
        },
        Row {
            path: "/api/accept_invitation",
            fields: |c, _| vec![("token", c.ivy_token.clone())],
            expect: INVITEE_ONLY,
        },
        Row {
            path: "/api/sign_up_invited",
            fields: |c, _| {
                vec![
                    ("token", c.ivan_token.clone()),
                    ("name", "Ivan".into()),
                    ("password", "12345678".into()),
                ]
            },
            expect: FIRST_SIGN_UP,
        },
        Row {
            path: "/api/upload_outcome",
            // Only ever the caller's own session's notice.
            fields: |_, _| vec![("upload_id", "upl_0".into())],
            expect: PUBLIC,
        },
        Row {
            path: "/api/list_datasets",
            fields: |c, _| in_default(c, vec![]),
            expect: WORKSPACE_MEMBERS,
        },
        Row {
            path: "/api/list_fine_tuning_jobs",
            fields: |c, _| in_default(c, vec![]),
            expect: WORKSPACE_MEMBERS,
        },
        Row {
            path: "/api/list_models",
            fields: |c, _| in_default(c, vec![]),
            expect: WORKSPACE_MEMBERS,
        },
        Row {
            path: "/api/create_fine_tuning_job",
            fields: |c, _| {
                in_default(
                    c,
                    vec![
                        ("model", "open-mistral-7b".into()),
                        ("training_file", c.dataset.clone()),
                    ],
                )
            },
            expect: WORKSPACE_MEMBERS,
        },
        Row {
            path: "/api/cancel_fine_tuning_job",
            // Each caller gets a queued job of its own to cancel.
            fields: |c, n| in_default(c, vec![("job_id", c.queued_jobs[(n - 1) % 6].clone())]),
            expect: WORKSPACE_MEMBERS,
        },
        Row {
            path: "/api/delete_dataset",
            fields: |c, _| in_default(c, vec![("file_id", c.dataset.clone())]),
            expect: WORKSPACE_ADMIN_ACTIONS,
        },
        Row {
            path: "/api/delete_model",
            fields: |c, _| in_default(c, vec![("model_id", c.model.clone())]),
            expect: WORKSPACE_ADMIN_ACTIONS,
        },
        Row {
            path: "/api/workspace_usage",
            fields: |c, _| in_default(c, vec![]),
            expect: WORKSPACE_MEMBERS,
        },
        Row {
            path: "/api/org_usage",
            fields: |c, _| vec![("org_id", c.org.clone())],
            expect: BILLING_VIEWERS,
        },
        Row {
            path: "/api/subscription",
            fields: |c, _| vec![("org_id", c.org.clone())],
            expect: BILLING_VIEWERS,
        },
        Row {
            path: "/api/subscription_quote",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("plan", "team".into()),
                    ("seats", "1001".into()),
                ]
            },
            expect: BILLING_MANAGERS,
        },
        Row {
            // A stale quote: those allowed to change the plan are told the amount moved.
            path: "/api/change_subscription",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("plan", "team".into()),
                    ("seats", "1001".into()),
                    ("quoted", "-1".into()),
                ]
            },
            expect: [401, 404, 404, 403, 409, 409],
        },
        Row {
            path: "/api/domains",
            fields: |c, _| vec![("org_id", c.org.clone())],
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/add_domain",
            fields: |c, i| {
                vec![
                    ("org_id", c.org.clone()),
                    ("domain", format!("caller{i}.test")),
                ]
            },
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/check_domain",
            fields: |c, _| vec![("org_id", c.org.clone()), ("domain_id", c.domain.clone())],
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/save_domain_join",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("domain_id", c.domain.clone()),
                    ("join_mode", "suggest".into()),
                    ("join_role", "member".into()),
                ]
            },
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/remove_domain",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("domain_id", c.removable_domain.clone()),
                ]
            },
            expect: ORG_ADMINS,
        },
        Row {
            // Only for a confirmed address at the domain: the callers' are unconfirmed
            // (and at example.com; `joining` tests confirmed ones).
            path: "/api/join_by_domain",
            fields: |c, _| vec![("domain_id", c.domain.clone())],
            expect: [401, 409, 409, 409, 409, 409],
        },
        Row {
            path: "/api/dismiss_join_offer",
            fields: |c, _| vec![("domain_id", c.domain.clone())],
            expect: [401, 404, 404, 404, 404, 404],
        },
        Row {
            path: "/api/join_requests",
            fields: |c, _| vec![("org_id", c.org.clone())],
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/approve_join_request",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("request_id", c.join_request.clone()),
                ]
            },
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/decline_join_request",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("request_id", c.declinable_request.clone()),
                ]
            },
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/limits",
            fields: |c, _| vec![("org_id", c.org.clone())],
            expect: BILLING_MANAGERS,
        },
        Row {
            path: "/api/save_org_limits",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("monthly_cap", "".into()),
                    ("thresholds", "50, 80, 100".into()),
                ]
            },
            expect: BILLING_MANAGERS,
        },
        Row {
            path: "/api/save_workspace_limits",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("workspace_id", c.default_ws.clone()),
                    ("monthly_cap", "".into()),
                    ("raise_cap", "".into()),
                    ("raise_until", "".into()),
                    ("requests_per_minute", "".into()),
                    ("tokens_per_minute", "".into()),
                ]
            },
            expect: BILLING_MANAGERS,
        },
        Row {
            path: "/api/save_billing_details",
            fields: |c, _| {
                vec![
                    ("org_id", c.org.clone()),
                    ("email", "billing@example.com".into()),
                    ("company_name", "Ada Labs".into()),
                    ("address", "1 Main Street".into()),
                    ("tax_id", "".into()),
                ]
            },
            expect: BILLING_MANAGERS,
        },
        Row {
            path: "/api/invoices",
            fields: |c, _| vec![("org_id", c.org.clone())],
            expect: BILLING_VIEWERS,
        },
        Row {
            path: "/api/your_invitations",
            fields: |_, _| vec![],
            expect: SIGNED_IN,
        },
        Row {
            // Ivy's invitation: every other signed-in caller is told it is not theirs (the
            // callers' addresses are not confirmed, which is checked first).
            path: "/api/accept_your_invitation",
            fields: |c, _| vec![("invitation_id", c.invitation.clone())],
            expect: INVITEE_ONLY,
        },
        Row {
            path: "/api/decline_invitation",
            fields: |c, _| vec![("invitation_id", c.invitation.clone())],
            expect: INVITEE_ONLY,
        },
        Row {
            path: "/api/account",
            fields: |_, _| vec![],
            expect: SIGNED_IN,
        },
        Row {
            path: "/api/sessions",
            fields: |_, _| vec![],
            expect: SIGNED_IN,
        },
        Row {
            // Nobody's session: each caller may end only their own.
            path: "/api/end_session",
            fields: |_, _| vec![("id", "ses_000000000000000000000000".into())],
            expect: [401, 404, 404, 404, 404, 404],
        },
        Row {
            path: "/api/end_other_sessions",
            fields: |_, _| vec![],
            expect: SIGNED_IN,
        },
        Row {
            path: "/api/audit_log",
            fields: |c, _| vec![("org_id", c.org.clone())],
            expect: ORG_ADMINS,
        },
        Row {
            path: "/api/resend_verification",
            fields: |_, _| vec![],
            expect: SIGNED_IN,
        },
        Row {
            path: "/api/verify_email_landing",
            fields: |_, _| vec![("token", "0".repeat(64))],
            expect: [404; 6],
        },
        Row {
            // A dead link: nobody's address is confirmed by it.
            path: "/api/verify_email",
            fields: |_, _| vec![("token", "0".repeat(64))],
            expect: [409; 6],
        },
        Row {
            // A malformed address, refused before the password is checked (a wrong one
            // would count against the sign-in throttle of the test's one client address).
            path: "/api/change_email",
            fields: |_, _| {
                vec![
                    ("email", "not an address".into()),
                    ("password", "not the password".into()),
                ]
            },
            expect: [401, 422, 422, 422, 422, 422],
        },
        Row {
            path: "/api/change_password",
            fields: |_, _| {
                vec![
                    ("current_password", "not the password".into()),
                    ("new_password", "short".into()),
                ]
            },
            expect: [401, 422, 422, 422, 422, 422],
        },
        Row {
            path: "/api/request_password_reset",
            fields: |_, n| vec![("email", format!("someone{n}@example.com"))],
            expect: PUBLIC,
        },
        Row {
            path: "/api/password_reset_landing",
            fields: |_, _| vec![("token", "0".repeat(64))],
            expect: [404; 6],
        },
        Row {
            path: "/api/reset_password",
            fields: |_, _| {
                vec![
                    ("token", "0".repeat(64)),
                    ("password", "a new passphrase".into()),
                ]
            },
            expect: [409; 6],
        },
    ]
}

/// The organization and its default workspace, then `more`.
fn in_default(c: &Ctx, more: Vec<(&'static str, String)>) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("org_id", c.org.clone()),
        ("workspace_id", c.default_ws.clone()),
    ];
    fields.extend(more);
    fields
}

/// A dataset, a fine-tuned model (run through the trainer) and six queued jobs in `ws`.
async fn workspace_resources(
    app: &TestApp,
    ada: &mut common::Account,
    ws: &str,
) -> (String, String, Vec<String>) {
    use common::v1::{GOOD, key, upload, v1_json};
    use serde_json::{Value, json};
    let secret = key(app, ada, ws).await;
    let file: Value = upload(app, &secret, "fine-tune", GOOD).await.json();
    let file = file["id"].as_str().unwrap().to_owned();
    let mut jobs = Vec::new();
    for _ in 0..7 {
        let job: Value = v1_json(
            app,
            "POST",
            "/v1/fine_tuning/jobs",
            &secret,
            json!({ "model": "open-mistral-7b", "training_file": file }),
        )
        .await
        .json();
        jobs.push(job["id"].as_str().unwrap().to_owned());
    }
    let done = common::v1::train_next(app).await;
    let claimed = done["id"].as_str().unwrap().to_owned();
    jobs.retain(|j| *j != claimed);
    (
        file,
        done["fine_tuned_model"].as_str().unwrap().to_owned(),
        jobs,
    )
}

/// Invites `email` as Ada and returns (invitation id, fresh token).
async fn invite(ada: &mut common::Client, org: &str, email: &str) -> (String, String) {
    let res = ada
        .run(SendInvitations {
            org_id: org.to_owned(),
            emails: email.to_owned(),
            role: "member".into(),
            workspaces: None,
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let list = ada
        .run(ListInvitations {
            org_id: org.to_owned(),
            status: None,
            after: None,
            before: None,
        })
        .await
        .json::<studio_console::domain::invitations::InvitationsPage>()
        .invitations;
    let id = list
        .into_iter()
        .find(|i| i.email == email)
        .expect("invitation")
        .id;
    let link = ada
        .run(GetInvitationLink {
            org_id: org.to_owned(),
            invitation_id: id.to_owned(),
        })
        .await
        .json::<studio_console::domain::invitations::FreshLink>()
        .url;
    (id, link.rsplit('/').next().unwrap().to_owned())
}

backend_tests!(every_server_function_checks_every_caller);

async fn every_server_function_checks_every_caller(app: TestApp) {
    let app = common::v1::with_trainer(&app).await;
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
        .run(CreateWorkspace {
            org_id: ada.org_id.to_owned(),
            name: "Second".into(),
        })
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
    let zed = account(&app, "Zed", "zed@example.com").await;
    let wes = account(&app, "Wes", "wes@example.com").await;
    app.add_org_member(&ada.org_id, &zed.user_id, "member")
        .await;
    app.add_org_member(&ada.org_id, &wes.user_id, "member")
        .await;
    app.set_seats(&ada.org_id, 1000).await;
    let org = ada.org_id.clone();
    let (invitation, _) = invite(&mut ada.client, &org, "pending@example.com").await;
    let (revocable, _) = invite(&mut ada.client, &org, "revocable@example.com").await;
    let (_, ivy_token) = invite(&mut ada.client, &org, "ivy@example.com").await;
    let (_, ivan_token) = invite(&mut ada.client, &org, "ivan@example.com").await;
    let ada_key: studio_console::domain::api_keys::CreatedKey = ada
        .client
        .run(CreateApiKey {
            org_id: org.to_owned(),
            workspace_id: ada.workspace_id.to_owned(),
            name: "ada".into(),
            expiry: "never".into(),
            expires_on: None,
        })
        .await
        .json();
    let default_ws = ada.workspace_id.clone();
    let (dataset, model, queued_jobs) = workspace_resources(&app, &mut ada, &default_ws).await;
    let domain = company_domain(&app, &org, "acme.test", true).await;
    let removable_domain = company_domain(&app, &org, "old-acme.test", false).await;
    let join_request = request_to_join(&app, &org, "Jo", "jo@acme.test").await;
    let declinable_request = request_to_join(&app, &org, "Jay", "jay@acme.test").await;
    let ctx = Ctx {
        join_request,
        declinable_request,
        domain,
        removable_domain,
        dataset,
        model,
        queued_jobs,
        ada_key: ada_key.key.id,
        org,
        default_ws: ada.workspace_id.clone(),
        second_ws: second,
        bob: bob.user_id,
        zed: zed.user_id,
        wes: wes.user_id,
        invitation,
        revocable,
        ivy_token,
        ivan_token,
    };

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

    // The no-JavaScript pages of the two forms whose answer is shown once are checked
    // like their server functions: 200 with the value for those allowed, and for everyone
    // else a way back (sign-in, or the form with an error) that shows nothing.
    // (the page's path, its form fields, which callers may have it)
    type PlainForm<'a> = (String, Vec<(&'a str, &'a str)>, [bool; 6]);
    let plain: [PlainForm; 2] = [
        (
            studio_console::domain::paths::api_key_form(&ctx.org, &ctx.default_ws),
            vec![("name", "plain"), ("expiry", "never")],
            [false, false, false, true, false, true],
        ),
        (
            studio_console::domain::paths::invitation_link_form(&ctx.org, &ctx.invitation),
            vec![],
            [false, false, false, false, false, true],
        ),
    ];
    for (path, fields, allowed) in &plain {
        for (i, email) in emails.iter().enumerate() {
            let mut client = match email {
                Some(e) => app.sign_in(e).await,
                None => app.client(),
            };
            let res = client.submit_form(path, fields, "http://localhost/").await;
            let shown =
                res.status == 200 && (res.body.contains("sk-") || res.body.contains("/invite/"));
            let to = res.header("location").unwrap_or_default();
            let refused = res.status == 303
                && (to == "/signin" || to.contains("__err="))
                && !res.body.contains("sk-");
            if (allowed[i] && !shown) || (!allowed[i] && !refused) {
                failures.push(format!(
                    "{path} as {}: allowed={} but got {} {to}",
                    CALLERS[i], allowed[i], res.status
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

/// A company domain of the organization, added as the Domains page does and, when
/// `verified`, as a matching TXT record would leave it.
async fn company_domain(app: &TestApp, org: &str, domain: &str, verified: bool) -> String {
    let id = format!("dom_{}", domain.replace(['.', '-'], "_"));
    sqlx::query(
        "INSERT INTO org_domains (id, org_id, domain, challenge, created_at, verified_at, join_mode) \
         VALUES ($1, $2, $3, 'challenge', 0, $4, 'approval')",
    )
    .bind(&id)
    .bind(org)
    .bind(domain)
    .bind(verified.then_some(1_i64))
    .execute(&app.db.pool)
    .await
    .expect("add a company domain");
    id
}

/// Someone's open request to join the organization, as an approval-mode domain leaves it
/// (their address confirmed, at the organization's verified acme.test).
async fn request_to_join(app: &TestApp, org: &str, name: &str, email: &str) -> String {
    let person = account(app, name, email).await;
    sqlx::query("UPDATE users SET email_verified_at = 1 WHERE id = $1")
        .bind(&person.user_id)
        .execute(&app.db.pool)
        .await
        .expect("confirm the address");
    let id = format!("jrq_{}", name.to_lowercase());
    sqlx::query(
        "INSERT INTO join_requests (id, org_id, user_id, email, created_at) VALUES ($1, $2, $3, $4, 0)",
    )
    .bind(&id)
    .bind(org)
    .bind(&person.user_id)
    .bind(email)
    .execute(&app.db.pool)
    .await
    .expect("a request to join");
    id
}
