//! Members and invitations: batches, seats, tokens, accepting, roles, the last Admin,
//! removal, and workspace members; races on both backends.

use crate::common;

use common::{Account, TestApp, account};
use studio_console::api::invitations::{AcceptInvitation, GetInvitationLanding, SignUpInvited};
use studio_console::api::members::{
    AddWorkspaceMembers, ChangeMemberRole, ChangeWorkspaceRole, GetInvitationLink, ListInvitations,
    ListMembers, ListWorkspaceMembers, PreviewInvitations, RemoveMember, RemoveWorkspaceMember,
    ResendInvitation, RevokeInvitation, SendInvitations,
};
use studio_console::api::shell::LoadShell;
use studio_console::domain::Error;
use studio_console::domain::admin::{MembersPage, WorkspaceMember};
use studio_console::domain::invitations::{
    FreshLink, InvitationStatus, InvitationView, InvitationsPage, InvitePreview,
};

backend_tests!(
    batch_validation_reports_each_address,
    seats_are_counted_and_a_batch_that_does_not_fit_is_refused,
    thirty_invites_racing_for_the_last_seat_take_it_once,
    tokens_are_stored_only_as_hashes,
    accepting_creates_memberships_once_even_when_raced,
    expired_revoked_and_used_links_create_nothing,
    an_invitation_for_another_email_is_refused,
    a_new_user_signs_up_through_the_link,
    resend_kills_the_old_link,
    the_last_admin_survives_racing_demotions,
    the_last_admin_can_neither_leave_nor_be_removed,
    a_removed_member_loses_access_at_the_next_request,
    members_list_searches_and_paginates,
    invitations_page_through_everything_newest_first,
    workspace_members_are_managed_by_admins,
    a_demotion_while_waiting_for_the_lock_is_seen,
    a_link_replaced_while_waiting_for_the_lock_is_refused,
    a_refused_sign_up_through_a_link_leaves_no_account,
    invitation_emails_are_capped_per_day_and_per_invitation,
    invitation_emails_go_over_tls_when_the_url_says_so,
);

/// Holds the organization's lock in another transaction while `then` runs its writes,
/// as a concurrent request would; `request` starts while it is held.
async fn while_locked<F, T>(
    app: &TestApp,
    org: &str,
    change: &[(&str, Vec<String>)],
    request: F,
) -> T
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut holder = app.db.pool.begin().await.unwrap();
    sqlx::query("UPDATE organizations SET lock_version = lock_version + 1 WHERE id = $1")
        .bind(org)
        .execute(&mut *holder)
        .await
        .unwrap();
    let pending = tokio::spawn(request);
    // Let the request reach the lock and wait there.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    for (sql, binds) in change {
        let mut q = sqlx::query(sql);
        for b in binds {
            q = q.bind(b.clone());
        }
        q.execute(&mut *holder).await.unwrap();
    }
    holder.commit().await.unwrap();
    pending.await.unwrap()
}

async fn preview(ada: &mut Account, emails: &str) -> common::client::Response {
    ada.client
        .run(PreviewInvitations {
            org_id: ada.org_id.clone(),
            emails: emails.to_owned(),
            role: "member".into(),
            workspaces: None,
        })
        .await
}

async fn invite(ada: &mut Account, emails: &str, workspaces: &str) -> common::client::Response {
    let org = ada.org_id.clone();
    ada.client
        .run(SendInvitations {
            org_id: org.to_owned(),
            emails: emails.to_owned(),
            role: "member".into(),
            workspaces: Some(workspaces.to_owned()),
        })
        .await
}

async fn invitations(ada: &mut Account, status: &str) -> Vec<InvitationView> {
    let org = ada.org_id.clone();
    let res = ada
        .client
        .run(ListInvitations {
            org_id: org.to_owned(),
            status: Some(status.to_owned()),
            after: None,
            before: None,
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json::<InvitationsPage>().invitations
}

/// A fresh link (token) for the invitation to `email`.
async fn link_for(ada: &mut Account, email: &str) -> String {
    let inv = invitations(ada, "")
        .await
        .into_iter()
        .find(|i| i.email == email)
        .expect("invitation");
    let org = ada.org_id.clone();
    let res = ada
        .client
        .run(GetInvitationLink {
            org_id: org.to_owned(),
            invitation_id: inv.id.to_owned(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let fresh: FreshLink = res.json();
    assert_eq!(
        fresh.invitation_id, inv.id,
        "the link says which invitation it is for"
    );
    fresh.url.rsplit('/').next().unwrap().to_owned()
}

/// Calls a server function that takes the organization and an invitation.
async fn resend(ada: &mut Account, id: &str) -> common::client::Response {
    let call = ResendInvitation {
        org_id: ada.org_id.clone(),
        invitation_id: id.to_owned(),
    };
    ada.client.run(call).await
}

async fn batch_validation_reports_each_address(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let res = preview(
        &mut ada,
        "bob@example.com, not-an-email\nADA@example.com;carol@example.com bob@example.com",
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let p: InvitePreview = res.json();
    assert_eq!(p.to_send, ["bob@example.com", "carol@example.com"]);
    let reasons: Vec<(&str, &str)> = p
        .rejected
        .iter()
        .map(|r| (r.email.as_str(), r.reason.as_str()))
        .collect();
    assert!(
        reasons.contains(&("not-an-email", "Not a valid email address.")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|(e, r)| *e == "ada@example.com" && r.contains("Already a member")),
        "{reasons:?}"
    );
    assert_eq!(p.seats_free, 9);
    assert_eq!(app.count("invitations").await, 0, "a preview sends nothing");

    assert_eq!(invite(&mut ada, "bob@example.com", "").await.status, 200);
    let p: InvitePreview = preview(&mut ada, "bob@example.com").await.json();
    assert!(p.to_send.is_empty() && p.rejected[0].reason.contains("Already invited"));

    let many: Vec<String> = (0..101).map(|i| format!("u{i}@example.com")).collect();
    let res = preview(&mut ada, &many.join(",")).await;
    assert_eq!(res.status, 422);
    assert!(res.error().field_message("emails").unwrap().contains("100"));
    let res = preview(&mut ada, " , ").await;
    assert_eq!(
        res.error().field_message("emails").as_deref(),
        Some("Enter at least one email address.")
    );
    let res = ada
        .client
        .run(PreviewInvitations {
            org_id: ada.org_id.clone(),
            emails: "x@y.io".into(),
            role: "owner".into(),
            workspaces: None,
        })
        .await;
    assert_eq!(
        res.error().field_message("role").as_deref(),
        Some("Choose a role.")
    );
}

async fn seats_are_counted_and_a_batch_that_does_not_fit_is_refused(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let nine: Vec<String> = (0..9).map(|i| format!("p{i}@example.com")).collect();
    let res = invite(&mut ada, &nine.join(" "), "").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let sent: usize = res.json();
    assert_eq!(sent, 9);
    assert_eq!(
        app.count("outbox").await,
        9,
        "every email is recorded in the outbox"
    );
    let res = invite(
        &mut ada,
        "one-more@example.com, and-another@example.com",
        "",
    )
    .await;
    assert_eq!(res.status, 409, "{}", res.body);
    let message = res.error().to_string();
    assert!(
        message.contains("need 2 seats") && message.contains("only 0 seats"),
        "{message}"
    );
    assert_eq!(
        app.count("invitations").await,
        9,
        "nothing of the refused batch was stored"
    );
    // An expired invitation frees its seat.
    sqlx::query("UPDATE invitations SET expires_at = 1 WHERE email = 'p0@example.com'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        invite(&mut ada, "one-more@example.com", "").await.status,
        200
    );
}

async fn thirty_invites_racing_for_the_last_seat_take_it_once(app: TestApp) {
    let ada = account(&app, "Ada", "ada@example.com").await;
    app.set_seats(&ada.org_id, 2).await;
    let cookie = ada.client.cookie.clone();
    let mut tasks = Vec::new();
    for i in 0..30 {
        let mut client = app.client();
        client.cookie = cookie.clone();
        let org = ada.org_id.clone();
        tasks.push(tokio::spawn(async move {
            let email = format!("racer{i}@example.com");
            client
                .run(SendInvitations {
                    org_id: org.to_owned(),
                    emails: email.to_owned(),
                    role: "member".into(),
                    workspaces: None,
                })
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(app.count("invitations").await, 1);
}

async fn tokens_are_stored_only_as_hashes(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    invite(&mut ada, "bob@example.com", "").await;
    let token = link_for(&mut ada, "bob@example.com").await;
    assert!(token.len() >= 32, "at least 128 bits: {token}");
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, token_hash FROM invitations")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    for (id, hash) in &rows {
        assert!(!hash.contains(&token) && !id.contains(&token));
        assert_eq!(
            hash,
            &studio_console::server::services::invitations::token_hash(&token)
        );
    }
    let subjects: Vec<String> = sqlx::query_scalar("SELECT subject FROM outbox")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert!(subjects.iter().all(|s| !s.contains(&token)));
}

async fn accepting_creates_memberships_once_even_when_raced(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    let grants = format!("{}:contributor", ada.workspace_id);
    assert_eq!(
        invite(&mut ada, "bob@example.com", &grants).await.status,
        200
    );
    let token = link_for(&mut ada, "bob@example.com").await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let mut client = app.client();
        client.cookie = bob.client.cookie.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            client
                .run(AcceptInvitation {
                    token: token.to_owned(),
                })
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    let org_members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_members WHERE org_id = $1")
        .bind(&ada.org_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(org_members, 2);
    let role: String = sqlx::query_scalar(
        "SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(&ada.workspace_id)
    .bind(&bob.user_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(role, "contributor");
    assert_eq!(
        invitations(&mut ada, "accepted").await[0].status,
        InvitationStatus::Accepted
    );
    // Bob now finds the organization and its workspace.
    let mut bob_again = app.sign_in("bob@example.com").await;
    let to = bob_again.get("/").await.header("location").unwrap();
    assert_eq!(to, format!("/o/{}/w/{}", ada.org_id, ada.workspace_id));
}

async fn expired_revoked_and_used_links_create_nothing(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let mut bob = account(&app, "Bob", "bob@example.com").await;
    invite(&mut ada, "bob@example.com", "").await;
    let token = link_for(&mut ada, "bob@example.com").await;
    sqlx::query("UPDATE invitations SET expires_at = 1")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let res = bob
        .client
        .run(AcceptInvitation {
            token: token.to_owned(),
        })
        .await;
    assert_eq!(res.status, 409);
    assert!(res.error().to_string().contains("expired"));
    let landing = bob
        .client
        .run(GetInvitationLanding {
            token: token.to_owned(),
        })
        .await;
    assert!(landing.body.contains("Expired"));

    // Resend makes it pending again with a new link; then revoke it.
    let inv = invitations(&mut ada, "expired").await.remove(0);
    let org = ada.org_id.clone();
    let res = ada
        .client
        .run(ResendInvitation {
            org_id: org.to_owned(),
            invitation_id: inv.id.to_owned(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let token = link_for(&mut ada, "bob@example.com").await;
    let res = ada
        .client
        .run(RevokeInvitation {
            org_id: org.to_owned(),
            invitation_id: inv.id.to_owned(),
        })
        .await;
    assert_eq!(res.status, 200);
    let res = bob
        .client
        .run(AcceptInvitation {
            token: token.to_owned(),
        })
        .await;
    assert_eq!(res.status, 409);
    assert!(res.error().to_string().contains("revoked"));

    // A used link: accepted once, then refused.
    invite(&mut ada, "bob@example.com", "").await;
    let token = link_for(&mut ada, "bob@example.com").await;
    assert_eq!(
        bob.client
            .run(AcceptInvitation {
                token: token.to_owned()
            })
            .await
            .status,
        200
    );
    let res = bob
        .client
        .run(AcceptInvitation {
            token: token.to_owned(),
        })
        .await;
    assert_eq!(res.status, 409);
    assert!(res.error().to_string().contains("already been used"));
    let res = bob
        .client
        .run(AcceptInvitation {
            token: "0000".into(),
        })
        .await;
    assert_eq!(res.status, 404);
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_members WHERE org_id = $1")
        .bind(&ada.org_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(members, 2);
}

async fn an_invitation_for_another_email_is_refused(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let mut eve = account(&app, "Eve", "eve@example.com").await;
    invite(&mut ada, "bob@example.com", "").await;
    let token = link_for(&mut ada, "bob@example.com").await;
    let res = eve
        .client
        .run(AcceptInvitation {
            token: token.to_owned(),
        })
        .await;
    assert_eq!(res.status, 409);
    assert!(res.error().to_string().contains("for bob@example.com"));
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_members WHERE org_id = $1")
        .bind(&ada.org_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(members, 1);
}

async fn a_new_user_signs_up_through_the_link(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let grants = format!("{}:contributor", ada.workspace_id);
    invite(&mut ada, "newbie@example.com", &grants).await;
    let token = link_for(&mut ada, "newbie@example.com").await;
    let mut newbie = app.client();
    let landing = newbie
        .run(GetInvitationLanding {
            token: token.to_owned(),
        })
        .await;
    assert!(
        landing.body.contains("newbie@example.com") && landing.body.contains("Ada"),
        "{}",
        landing.body
    );
    let res = newbie
        .run(SignUpInvited {
            token: token.to_owned(),
            name: "New Bie".into(),
            password: "long enough".into(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let to = newbie.get("/").await.header("location").unwrap();
    assert_eq!(to, format!("/o/{}/w/{}", ada.org_id, ada.workspace_id));
}

async fn resend_kills_the_old_link(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let mut bob = account(&app, "Bob", "bob@example.com").await;
    invite(&mut ada, "bob@example.com", "").await;
    let old = link_for(&mut ada, "bob@example.com").await;
    let inv = invitations(&mut ada, "pending").await.remove(0);
    let org = ada.org_id.clone();
    assert_eq!(
        ada.client
            .run(ResendInvitation {
                org_id: org.to_owned(),
                invitation_id: inv.id.to_owned()
            })
            .await
            .status,
        200
    );
    assert_eq!(
        bob.client
            .run(AcceptInvitation {
                token: old.to_owned()
            })
            .await
            .status,
        404
    );
    assert_eq!(
        app.count("outbox").await,
        2,
        "the resent email is in the outbox too"
    );
}

async fn the_last_admin_survives_racing_demotions(app: TestApp) {
    let ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    app.add_org_member(&ada.org_id, &bob.user_id, "admin").await;
    let mut tasks = Vec::new();
    for (cookie, target) in [
        (ada.client.cookie.clone(), bob.user_id.clone()),
        (bob.client.cookie.clone(), ada.user_id.clone()),
    ] {
        let mut client = app.client();
        client.cookie = cookie;
        let org = ada.org_id.clone();
        tasks.push(tokio::spawn(async move {
            client
                .run(ChangeMemberRole {
                    org_id: org.to_owned(),
                    user_id: target.to_owned(),
                    role: "member".into(),
                })
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort();
    // One demotion wins; the other is refused (the demoted one lost the right, or the last-admin rule).
    assert_eq!(statuses[0], 200, "{statuses:?}");
    assert!(statuses[1] == 403 || statuses[1] == 409, "{statuses:?}");
    let admins: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM org_members WHERE org_id = $1 AND role = 'admin'")
            .bind(&ada.org_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(admins, 1);
}

async fn the_last_admin_can_neither_leave_nor_be_removed(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let org = ada.org_id.clone();
    let me = ada.user_id.clone();
    let res = ada
        .client
        .run(RemoveMember {
            org_id: org.to_owned(),
            user_id: me.to_owned(),
        })
        .await;
    assert_eq!(res.status, 409);
    assert!(res.error().to_string().contains("at least one Admin"));
    let res = ada
        .client
        .run(ChangeMemberRole {
            org_id: org.to_owned(),
            user_id: me.to_owned(),
            role: "member".into(),
        })
        .await;
    assert_eq!(res.status, 409);
    // With a second Admin, leaving works.
    let bob = account(&app, "Bob", "bob@example.com").await;
    app.add_org_member(&org, &bob.user_id, "admin").await;
    let res = ada
        .client
        .run(RemoveMember {
            org_id: org.to_owned(),
            user_id: me.to_owned(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        ada.client
            .run(LoadShell {
                org_id: org.to_owned(),
                workspace_id: None
            })
            .await
            .status,
        404
    );
}

async fn a_removed_member_loses_access_at_the_next_request(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let mut bob = account(&app, "Bob", "bob@example.com").await;
    app.add_org_member(&ada.org_id, &bob.user_id, "member")
        .await;
    app.add_workspace_member(&ada.workspace_id, &bob.user_id, "contributor")
        .await;
    let org = ada.org_id.clone();
    assert_eq!(
        bob.client
            .run(LoadShell {
                org_id: org.to_owned(),
                workspace_id: None
            })
            .await
            .status,
        200
    );
    // Bob made a key in Ada's workspace: the removal dialog says it stops working.
    let mut bob_in_ada = common::Account {
        client: app.sign_in("bob@example.com").await,
        user_id: bob.user_id.clone(),
        org_id: org.clone(),
        workspace_id: ada.workspace_id.clone(),
    };
    let ws = ada.workspace_id.clone();
    let key = common::v1::key(&app, &mut bob_in_ada, &ws).await;
    let page: studio_console::domain::admin::MembersPage = ada
        .client
        .run(ListMembers {
            org_id: org.to_owned(),
            query: None,
            after: None,
            before: None,
        })
        .await
        .json();
    let row = page
        .members
        .iter()
        .find(|m| m.user_id == bob.user_id)
        .unwrap();
    assert_eq!(row.working_keys, 1);
    let dialog = ada
        .client
        .get(&format!(
            "/o/{org}/settings/members?dialog=remove-member&member={}",
            bob.user_id
        ))
        .await;
    assert!(
        dialog.body.contains("The API key they created is revoked."),
        "the removal dialog says what happens to the key"
    );
    let res = ada
        .client
        .run(RemoveMember {
            org_id: org.to_owned(),
            user_id: bob.user_id.to_owned(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res = common::v1::v1(&app, "GET", "/v1/models", &key).await;
    assert_eq!(res.status, 401);
    assert!(res.body.contains("key_owner_not_member"), "{}", res.body);
    assert_eq!(
        bob.client
            .run(LoadShell {
                org_id: org.to_owned(),
                workspace_id: None
            })
            .await
            .status,
        404
    );
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM workspace_members WHERE user_id = $1 AND workspace_id = $2",
    )
    .bind(&bob.user_id)
    .bind(&ada.workspace_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(left, 0, "workspace memberships go too");
    // Bob's session still works for his own organization.
    assert_eq!(
        bob.client
            .run(LoadShell {
                org_id: bob.org_id.clone(),
                workspace_id: None
            })
            .await
            .status,
        200
    );
    // Invited back, Bob does not get his old key back: it was revoked when he left.
    app.add_org_member(&org, &bob.user_id, "member").await;
    app.add_workspace_member(&ada.workspace_id, &bob.user_id, "contributor")
        .await;
    let res = common::v1::v1(&app, "GET", "/v1/models", &key).await;
    assert_eq!(res.status, 401, "a departed member's key stays dead");
    assert!(res.body.contains("key_owner_not_member"), "{}", res.body);
}

async fn members_list_searches_and_paginates(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let now = 0i64;
    for i in 0..120 {
        let id = format!("usr_bulk{i:03}");
        sqlx::query("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, 'x', $4)")
            .bind(&id)
            .bind(format!("person{i:03}@example.com"))
            .bind(format!("Person {i:03}"))
            .bind(now)
            .execute(&app.db.pool)
            .await
            .unwrap();
        app.add_org_member(&ada.org_id, &id, "member").await;
    }
    let org = ada.org_id.clone();
    let list = |after: Option<String>, before: Option<String>| ListMembers {
        org_id: org.to_owned(),
        query: None,
        after,
        before,
    };
    // Three pages by name (Ada, then Person 000..119), each read from the last.
    let first: MembersPage = ada.client.run(list(None, None)).await.json();
    assert_eq!(
        (first.total, first.first, first.members.len()),
        (121, 1, 50)
    );
    assert_eq!(first.members[0].name, "Ada");
    assert_eq!(first.neighbours.before, None);
    let second: MembersPage = ada
        .client
        .run(list(first.neighbours.after.clone(), None))
        .await
        .json();
    assert_eq!(
        (second.first, second.members[0].name.as_str()),
        (51, "Person 049")
    );
    let third: MembersPage = ada
        .client
        .run(list(second.neighbours.after.clone(), None))
        .await
        .json();
    assert_eq!((third.first, third.members.len()), (101, 21));
    assert_eq!(third.range_label(), "101–121 of 121");
    assert_eq!(
        third.neighbours.after, None,
        "the last page links no further"
    );
    // Back up from the third page: the second page again.
    let back: MembersPage = ada
        .client
        .run(list(None, third.neighbours.before.clone()))
        .await
        .json();
    assert_eq!(back.members, second.members);
    assert_eq!(back.first, 51);
    assert_eq!(back.neighbours.after, second.neighbours.after);
    // A page stays on its rows when members join before it.
    app.add_org_member(&org, &named_user(&app, "Aaron").await, "member")
        .await;
    let again: MembersPage = ada
        .client
        .run(list(first.neighbours.after.clone(), None))
        .await
        .json();
    assert_eq!(again.members, second.members);
    assert_eq!((again.first, again.total), (52, 122));
    // A cursor naming no member of the organization starts at the top.
    let stale: MembersPage = ada
        .client
        .run(list(Some("usr_gone".into()), None))
        .await
        .json();
    assert_eq!((stale.first, stale.members[0].name.as_str()), (1, "Aaron"));
    let page: MembersPage = ada
        .client
        .run(ListMembers {
            org_id: org.to_owned(),
            query: Some("PERSON 11".into()),
            after: None,
            before: None,
        })
        .await
        .json();
    assert_eq!(page.total, 10, "Person 110..119");
    let page: MembersPage = ada
        .client
        .run(ListMembers {
            org_id: org.to_owned(),
            query: Some("%".into()),
            after: None,
            before: None,
        })
        .await
        .json();
    assert_eq!(page.total, 0, "LIKE wildcards are taken literally");
    let ada_row: MembersPage = ada
        .client
        .run(ListMembers {
            org_id: org.to_owned(),
            query: Some("ada@".into()),
            after: None,
            before: None,
        })
        .await
        .json();
    assert_eq!(ada_row.members[0].workspaces, ["Default"]);
}

async fn invitations_page_through_everything_newest_first(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let org = ada.org_id.clone();
    // 120 invitations, two per millisecond (ties are ordered by id), one revoked.
    for i in 0..120i64 {
        sqlx::query(
            "INSERT INTO invitations (id, org_id, email, role, token_hash, status, expires_at, created_at) \
             VALUES ($1, $2, $3, 'member', $4, $5, $6, $7)",
        )
        .bind(format!("inv_{i:03}"))
        .bind(&org)
        .bind(format!("guest{i:03}@example.com"))
        .bind(format!("hash{i:03}"))
        .bind(if i == 7 { "revoked" } else { "pending" })
        .bind(i64::MAX / 2)
        .bind(1_000 + i / 2)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    let list = |status: &str, after: Option<String>, before: Option<String>| ListInvitations {
        org_id: org.to_owned(),
        status: Some(status.to_owned()),
        after,
        before,
    };
    let mut seen = Vec::new();
    let mut page: InvitationsPage = ada.client.run(list("", None, None)).await.json();
    assert_eq!(page.neighbours.before, None);
    let mut pages = vec![page.clone()];
    loop {
        seen.extend(page.invitations.iter().map(|i| i.id.clone()));
        let Some(after) = page.neighbours.after.clone() else {
            break;
        };
        page = ada.client.run(list("", Some(after), None)).await.json();
        pages.push(page.clone());
    }
    let expected: Vec<String> = (0..120)
        .rev()
        .filter(|i| *i != 7)
        .map(|i| format!("inv_{i:03}"))
        .collect();
    assert_eq!(seen, expected, "every open invitation once, newest first");
    assert_eq!(pages.len(), 3);
    // "Newer" from the last page is the middle page again.
    let newer: InvitationsPage = ada
        .client
        .run(list("", None, pages[2].neighbours.before.clone()))
        .await
        .json();
    assert_eq!(newer, pages[1]);
    // A filter pages too: the one revoked invitation.
    let revoked: InvitationsPage = ada.client.run(list("revoked", None, None)).await.json();
    assert_eq!(revoked.invitations.len(), 1);
    assert_eq!(revoked.neighbours, Default::default());
    // The page renders without JavaScript with links to the next page.
    let html = ada
        .client
        .get(&format!("/o/{org}/settings/members/invitations"))
        .await;
    assert_eq!(html.status, 200);
    assert!(html.body.contains("guest119@example.com"), "newest first");
    assert!(!html.body.contains("guest069@example.com"), "one page only");
    assert!(
        html.body.contains(&format!(
            "/o/{org}/settings/members/invitations?after=inv_070"
        )),
        "a link to the older invitations"
    );
    // The members page shows how many are pending and links to them.
    let members = ada.client.get(&format!("/o/{org}/settings/members")).await;
    assert!(
        members.body.contains("119 pending invitations"),
        "{}",
        members.body.len()
    );
}

/// A user named `name` with no organization of their own; their id.
async fn named_user(app: &TestApp, name: &str) -> String {
    let id = format!("usr_{}", name.to_lowercase());
    sqlx::query("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, 'x', 0)")
        .bind(&id)
        .bind(format!("{}@example.com", name.to_lowercase()))
        .bind(name)
        .execute(&app.db.pool)
        .await
        .unwrap();
    id
}

async fn workspace_members_are_managed_by_admins(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    let carol = account(&app, "Carol", "carol@example.com").await;
    let eve = account(&app, "Eve", "eve@example.com").await;
    app.add_org_member(&ada.org_id, &bob.user_id, "member")
        .await;
    app.add_org_member(&ada.org_id, &carol.user_id, "member")
        .await;
    let (org, ws) = (ada.org_id.clone(), ada.workspace_id.clone());
    let res = ada
        .client
        .run(AddWorkspaceMembers {
            org_id: org.clone(),
            workspace_id: ws.clone(),
            user_ids: Some(vec![bob.user_id.clone()]),
            role: "contributor".into(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let members: Vec<WorkspaceMember> = ada
        .client
        .run(ListWorkspaceMembers {
            org_id: org.to_owned(),
            workspace_id: ws.to_owned(),
        })
        .await
        .json();
    assert_eq!(members.len(), 2);
    // Outsiders can't be added; a Contributor can't add anyone.
    let res = ada
        .client
        .run(AddWorkspaceMembers {
            org_id: org.clone(),
            workspace_id: ws.clone(),
            user_ids: Some(vec![eve.user_id.clone()]),
            role: "contributor".into(),
        })
        .await;
    assert_eq!(res.status, 422);
    let mut bob_client = app.sign_in("bob@example.com").await;
    let res = bob_client
        .run(AddWorkspaceMembers {
            org_id: org.clone(),
            workspace_id: ws.clone(),
            user_ids: Some(vec![carol.user_id.clone()]),
            role: "admin".into(),
        })
        .await;
    assert_eq!((res.status, res.error()), (403, Error::Forbidden));
    // A workspace Admin (not org Admin) may manage the workspace's members.
    let res = ada
        .client
        .run(ChangeWorkspaceRole {
            org_id: org.to_owned(),
            workspace_id: ws.to_owned(),
            user_id: bob.user_id.to_owned(),
            role: "admin".into(),
        })
        .await;
    assert_eq!(res.status, 200);
    let res = bob_client
        .run(AddWorkspaceMembers {
            org_id: org.clone(),
            workspace_id: ws.clone(),
            user_ids: Some(vec![carol.user_id.clone()]),
            role: "contributor".into(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res = bob_client
        .run(RemoveWorkspaceMember {
            org_id: org.to_owned(),
            workspace_id: ws.to_owned(),
            user_id: carol.user_id.to_owned(),
        })
        .await;
    assert_eq!(res.status, 200);
}

/// Ada (Admin) asks to make Bob Admin while another request holds the lock and demotes
/// her: once she gets the lock her role is read again, and the change is refused.
async fn a_demotion_while_waiting_for_the_lock_is_seen(app: TestApp) {
    let ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    let carol = account(&app, "Carol", "carol@example.com").await;
    let org = ada.org_id.clone();
    app.add_org_member(&org, &bob.user_id, "member").await;
    app.add_org_member(&org, &carol.user_id, "admin").await;
    let (bob_id, ada_id) = (bob.user_id.clone(), ada.user_id.clone());
    let mut client = ada.client;
    let org_for_request = org.clone();
    let res = while_locked(
        &app,
        &org,
        &[(
            "UPDATE org_members SET role = 'member' WHERE org_id = $1 AND user_id = $2",
            vec![org.clone(), ada_id],
        )],
        async move {
            client
                .run(ChangeMemberRole {
                    org_id: org_for_request.to_owned(),
                    user_id: bob_id.to_owned(),
                    role: "admin".into(),
                })
                .await
        },
    )
    .await;
    assert_eq!(res.status, 403, "{}", res.body);
    let role: String =
        sqlx::query_scalar("SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2")
            .bind(&org)
            .bind(&bob.user_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(role, "member", "Bob was not promoted");
}

/// Bob accepts with a link that "Resend" replaces while his request waits for the lock:
/// the old link no longer works and nothing is created.
async fn a_link_replaced_while_waiting_for_the_lock_is_refused(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    invite(&mut ada, "bob@example.com", "").await;
    let old = link_for(&mut ada, "bob@example.com").await;
    let inv = invitations(&mut ada, "pending").await.remove(0);
    let mut client = bob.client;
    let res = while_locked(
        &app,
        &ada.org_id,
        &[(
            "UPDATE invitations SET token_hash = $1 WHERE id = $2",
            vec!["0".repeat(64), inv.id.clone()],
        )],
        async move {
            client
                .run(AcceptInvitation {
                    token: old.to_owned(),
                })
                .await
        },
    )
    .await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert!(res.body.contains("replaced"), "{}", res.body);
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_members WHERE org_id = $1")
        .bind(&ada.org_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(members, 1, "Bob did not join");
}

/// Signing up through a link that cannot be accepted (here: the seat limit was lowered
/// below what is in use) creates no account: it is one transaction.
async fn a_refused_sign_up_through_a_link_leaves_no_account(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    invite(&mut ada, "newbie@example.com", "").await;
    let token = link_for(&mut ada, "newbie@example.com").await;
    invite(&mut ada, "other@example.com", "").await;
    app.set_seats(&ada.org_id, 1).await;
    let users_before = app.count("users").await;
    let res = app
        .client()
        .run(SignUpInvited {
            token: token.to_owned(),
            name: "New Bie".into(),
            password: "long enough".into(),
        })
        .await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert_eq!(
        app.count("users").await,
        users_before,
        "no account was left behind"
    );
    assert_eq!(app.count("organizations").await, 1);
}

/// At most `INVITE_EMAILS_PER_DAY` invitation emails an organization, resends included,
/// and `INVITE_RESENDS` resends of one invitation; the refusal says the cap. "Copy link"
/// sends no email and keeps working.
async fn invitation_emails_are_capped_per_day_and_per_invitation(app: TestApp) {
    let app = app
        .reconfigured(|c| {
            c.invite_emails_per_day = 3;
            c.invite_resends = 1;
        })
        .await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    assert_eq!(
        invite(&mut ada, "a@example.com b@example.com", "")
            .await
            .status,
        200
    );
    let res = invite(&mut ada, "c@example.com d@example.com", "").await;
    assert_eq!(res.status, 409, "{}", res.body);
    let said = res.error().to_string();
    assert!(
        said.contains("3 invitation emails a day") && said.contains("1 more"),
        "{said}"
    );
    let pending = invitations(&mut ada, "pending").await;
    let id_of = |email: &str| {
        pending
            .iter()
            .find(|i| i.email == email)
            .unwrap()
            .id
            .clone()
    };
    let res = resend(&mut ada, &id_of("a@example.com")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res = resend(&mut ada, &id_of("a@example.com")).await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert!(
        res.error()
            .to_string()
            .contains("sent again once, the limit")
    );
    let res = resend(&mut ada, &id_of("b@example.com")).await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert!(
        res.error()
            .to_string()
            .contains("3 invitation emails a day")
    );
    let link = GetInvitationLink {
        org_id: ada.org_id.clone(),
        invitation_id: id_of("b@example.com"),
    };
    let res = ada.client.run(link).await;
    assert_eq!(
        res.status, 200,
        "copying a link sends nothing: {}",
        res.body
    );
    assert_eq!(app.count("outbox").await, 3);
}

/// Waits for the outbox entry of the email to `to` to be sent or to fail; its error.
async fn delivery(app: &TestApp, to: &str) -> Option<String> {
    for _ in 0..100 {
        let row: Option<(Option<i64>, Option<String>)> =
            sqlx::query_as("SELECT sent_at, error FROM outbox WHERE to_email = $1")
                .bind(to)
                .fetch_optional(&app.db.pool)
                .await
                .unwrap();
        if let Some((Some(_), error)) = row {
            return error;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the email to {to} was neither sent nor failed");
}

/// `smtps://` speaks TLS from the first byte, `?tls=required` insists on STARTTLS: the
/// invitation arrives encrypted, checked against `SMTP_CA_FILE`. A relay that offers no
/// STARTTLS, or a certificate nobody trusts, gets nothing, and the outbox says why.
async fn invitation_emails_go_over_tls_when_the_url_says_so(app: TestApp) {
    use common::smtp::{Mode, start};
    let cases = [
        (Mode::Implicit, "smtps://127.0.0.1:{port}", true, true),
        (
            Mode::StartTls,
            "smtp://127.0.0.1:{port}?tls=required",
            true,
            true,
        ),
        (
            Mode::Plain,
            "smtp://127.0.0.1:{port}?tls=required",
            true,
            false,
        ),
        (Mode::Implicit, "smtps://127.0.0.1:{port}", false, false),
    ];
    for (n, (mode, url, trust, delivered)) in cases.into_iter().enumerate() {
        let sink = start(mode, &app.config.data_dir.join(format!("smtp{n}"))).await;
        let url = url.replace("{port}", &sink.port.to_string());
        let ca = trust.then(|| sink.ca_file.clone());
        let app = app
            .reconfigured(|c| {
                c.smtp_url = Some(url.clone());
                c.smtp_ca_file = ca;
            })
            .await;
        let mut ada = account(&app, "Ada", &format!("ada{n}@example.com")).await;
        let to = format!("guest{n}@example.com");
        assert_eq!(invite(&mut ada, &to, "").await.status, 200);
        let error = delivery(&app, &to).await;
        // Ada's own confirmation email went there too: only invitations count here.
        let received: Vec<_> = sink
            .received
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.data.contains(&format!("To: {to}")))
            .cloned()
            .collect();
        if delivered {
            assert_eq!(error, None, "{url}");
            assert_eq!(received.len(), 1, "{url}");
            assert!(received[0].over_tls, "{url}: sent in the clear");
            assert!(
                received[0].data.contains("/invite/"),
                "{url}: the link is in it"
            );
        } else {
            assert!(error.is_some(), "{url}: the outbox says it failed");
            assert!(received.is_empty(), "{url}: nothing may reach this relay");
        }
    }
}
