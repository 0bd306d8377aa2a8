//! Joining through a verified company domain: the suggest, automatic and approval flows,
//! seats held by joins and approvals under concurrency, an unconfirmed address never
//! joining, "Not now", and a removed member not brought back, on SQLite and PostgreSQL.

use crate::common;

use common::{Account, Client, PASSWORD, TestApp, account, signed_up};
use studio_console::api::auth::SignIn;
use studio_console::api::invitations::{DismissJoinOffer, GetYourInvitations, JoinByDomain};
use studio_console::api::members::{
    ApproveJoinRequest, DeclineJoinRequest, GetJoinRequests, RemoveMember,
};
use studio_console::domain::invitations::YourInvitations;
use studio_console::domain::org_domains::{JoinMode, JoinRequestsPage};
use studio_console::domain::roles::OrgRole;

backend_tests!(
    suggest_shows_join_acme_and_joining_adds_the_domains_workspaces,
    automatic_mode_joins_at_sign_in_and_says_so,
    approval_mode_waits_in_requests_until_an_admin_answers,
    with_no_seat_left_the_request_waits_and_approval_checks_seats,
    parallel_joins_never_pass_the_seats,
    an_unconfirmed_address_never_joins,
    not_now_and_removal_stop_the_offer,
    a_request_that_no_longer_holds_is_closed_not_approved,
    parallel_automatic_joins_and_approvals_never_pass_the_seats,
);

/// Ada's organization with acme.test verified and `mode`, Members added to her default
/// workspace as Contributors (Admins when the mode is approval).
async fn acme(app: &TestApp, mode: JoinMode) -> Account {
    let ada = account(app, "Ada", "ada@example.com").await;
    let ws_role = match mode {
        JoinMode::Approval => "admin",
        _ => "contributor",
    };
    let role = match mode {
        JoinMode::Approval => "billing",
        _ => "member",
    };
    sqlx::query(
        "INSERT INTO org_domains (id, org_id, domain, challenge, created_at, verified_at, join_mode, join_role) \
         VALUES ('dom_acme', $1, 'acme.test', 'c', 0, 1, $2, $3)",
    )
    .bind(&ada.org_id)
    .bind(mode.as_str())
    .bind(role)
    .execute(&app.db.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO org_domain_workspaces (domain_id, workspace_id, role) VALUES ('dom_acme', $1, $2)")
        .bind(&ada.workspace_id)
        .bind(ws_role)
        .execute(&app.db.pool)
        .await
        .unwrap();
    app.set_seats(&ada.org_id, 10).await;
    ada
}

/// A person at acme.test with a confirmed address, signed in.
async fn confirmed(app: &TestApp, name: &str, email: &str) -> Client {
    let client = signed_up(app, name, email).await;
    app.confirm_email(email).await;
    client
}

async fn yours(client: &mut Client) -> YourInvitations {
    let res = client.run(GetYourInvitations { joined: None }).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

async fn role_in(app: &TestApp, org_id: &str, email: &str) -> Option<String> {
    sqlx::query_scalar(
        "SELECT m.role FROM org_members m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND u.email = $2",
    )
    .bind(org_id)
    .bind(email)
    .fetch_optional(&app.db.pool)
    .await
    .unwrap()
}

async fn join(client: &mut Client) -> common::client::Response {
    client
        .run(JoinByDomain {
            domain_id: "dom_acme".into(),
        })
        .await
}

async fn requests(ada: &mut Account) -> JoinRequestsPage {
    let res = ada
        .client
        .run(GetJoinRequests {
            org_id: ada.org_id.clone(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

async fn suggest_shows_join_acme_and_joining_adds_the_domains_workspaces(app: TestApp) {
    let ada = acme(&app, JoinMode::Suggest).await;
    let mut ana = confirmed(&app, "Ana", "ana@ACME.test").await;
    let offer = yours(&mut ana)
        .await
        .domain_offer
        .expect("Join Acme is offered");
    assert_eq!(offer.org_name, "Ada's Organization");
    assert_eq!(
        (offer.mode, offer.role),
        (JoinMode::Suggest, OrgRole::Member)
    );
    assert_eq!(offer.workspaces, vec!["Default (Contributor)".to_owned()]);
    assert!(!offer.requested);
    // Sign-in leads to the offer.
    let mut again = app.client();
    let res = again
        .run(SignIn {
            email: "ana@acme.test".into(),
            password: PASSWORD.into(),
            next: None,
        })
        .await;
    assert_eq!(res.header("location").as_deref(), Some("/welcome"));

    let res = join(&mut ana).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let to = res.header("location").unwrap();
    assert_eq!(to, format!("/o/{}/w/{}", ada.org_id, ada.workspace_id));
    assert_eq!(
        role_in(&app, &ada.org_id, "ana@acme.test").await.as_deref(),
        Some("member")
    );
    let ws_role: String = sqlx::query_scalar(
        "SELECT m.role FROM workspace_members m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 AND u.email = 'ana@acme.test'",
    )
    .bind(&ada.workspace_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(ws_role, "contributor");
    assert!(
        yours(&mut ana).await.domain_offer.is_none(),
        "a member is offered nothing"
    );
    // Joining twice adds nothing.
    assert_eq!(join(&mut ana).await.status, 404);
}

async fn automatic_mode_joins_at_sign_in_and_says_so(app: TestApp) {
    let ada = acme(&app, JoinMode::Automatic).await;
    confirmed(&app, "Ana", "ana@acme.test").await;
    let mut ana = app.client();
    let res = ana
        .run(SignIn {
            email: "ana@acme.test".into(),
            password: PASSWORD.into(),
            next: None,
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let to = res.header("location").unwrap();
    assert_eq!(to, format!("/welcome?joined={}", ada.org_id));
    assert_eq!(
        role_in(&app, &ada.org_id, "ana@acme.test").await.as_deref(),
        Some("member")
    );
    let told = ana
        .run(GetYourInvitations {
            joined: Some(ada.org_id.clone()),
        })
        .await
        .json::<YourInvitations>()
        .joined
        .expect("You joined Ada's Organization");
    assert_eq!(told.org_name, "Ada's Organization");
    // Naming an organization one is not a member of says nothing.
    let mut bob = account(&app, "Bob", "bob@example.com").await;
    let nothing = bob
        .client
        .run(GetYourInvitations {
            joined: Some(ada.org_id.clone()),
        })
        .await
        .json::<YourInvitations>();
    assert!(nothing.joined.is_none());
}

async fn approval_mode_waits_in_requests_until_an_admin_answers(app: TestApp) {
    let mut ada = acme(&app, JoinMode::Approval).await;
    let mut ana = confirmed(&app, "Ana", "ana@acme.test").await;
    let mut abe = confirmed(&app, "Abe", "abe@acme.test").await;
    for person in [&mut ana, &mut abe] {
        let res = join(person).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(
            res.header("location").as_deref(),
            Some("/welcome?requested=1")
        );
    }
    // Asking twice makes one request.
    join(&mut ana).await;
    assert!(yours(&mut ana).await.domain_offer.unwrap().requested);
    assert_eq!(role_in(&app, &ada.org_id, "ana@acme.test").await, None);
    let page = requests(&mut ada).await;
    assert_eq!(page.total, 2);
    let emails: Vec<&str> = page.requests.iter().map(|r| r.email.as_str()).collect();
    assert_eq!(emails, vec!["ana@acme.test", "abe@acme.test"]);
    let (ana_req, abe_req) = (page.requests[0].id.clone(), page.requests[1].id.clone());

    let ok = ada
        .client
        .run(ApproveJoinRequest {
            org_id: ada.org_id.clone(),
            request_id: ana_req.clone(),
        })
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(
        role_in(&app, &ada.org_id, "ana@acme.test").await.as_deref(),
        Some("billing")
    );
    let no = ada
        .client
        .run(DeclineJoinRequest {
            org_id: ada.org_id.clone(),
            request_id: abe_req,
        })
        .await;
    assert_eq!(no.status, 200, "{}", no.body);
    assert_eq!(role_in(&app, &ada.org_id, "abe@acme.test").await, None);
    assert_eq!(requests(&mut ada).await.total, 0);
    // A declined person is not offered the organization again.
    assert!(yours(&mut abe).await.domain_offer.is_none());
    assert_eq!(join(&mut abe).await.status, 404);
    // Answering again: already answered.
    let twice = ada
        .client
        .run(ApproveJoinRequest {
            org_id: ada.org_id.clone(),
            request_id: ana_req,
        })
        .await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    // Each person is emailed the answer (the outbox keeps both).
    let subjects: Vec<(String, String)> =
        sqlx::query_as("SELECT to_email, subject FROM outbox ORDER BY to_email")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert!(subjects.contains(&(
        "abe@acme.test".into(),
        "Your request to join Ada's Organization was declined".into()
    )));
    assert!(subjects.contains(&(
        "ana@acme.test".into(),
        "You joined Ada's Organization".into()
    )));
}

async fn with_no_seat_left_the_request_waits_and_approval_checks_seats(app: TestApp) {
    let mut ada = acme(&app, JoinMode::Suggest).await;
    app.set_seats(&ada.org_id, 1).await;
    let mut ana = confirmed(&app, "Ana", "ana@acme.test").await;
    let res = join(&mut ana).await;
    assert_eq!(
        res.header("location").as_deref(),
        Some("/welcome?requested=1")
    );
    assert_eq!(role_in(&app, &ada.org_id, "ana@acme.test").await, None);
    let request = requests(&mut ada).await.requests.remove(0);
    let approve = ApproveJoinRequest {
        org_id: ada.org_id.clone(),
        request_id: request.id.clone(),
    };
    let full = ada.client.run(approve.clone()).await;
    assert_eq!(full.status, 409, "{}", full.body);
    assert!(full.body.contains("No seat is free"), "{}", full.body);
    app.set_seats(&ada.org_id, 2).await;
    let ok = ada.client.run(approve).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(
        role_in(&app, &ada.org_id, "ana@acme.test").await.as_deref(),
        Some("member")
    );
}

async fn parallel_joins_never_pass_the_seats(app: TestApp) {
    let ada = acme(&app, JoinMode::Suggest).await;
    app.set_seats(&ada.org_id, 3).await;
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(confirmed(&app, &format!("P{i}"), &format!("p{i}@acme.test")).await);
    }
    let joins = people.iter_mut().map(join);
    let answers = futures_util::future::join_all(joins).await;
    assert!(answers.iter().all(|a| a.status == 200));
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_members WHERE org_id = $1")
        .bind(&ada.org_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(members, 3, "Ada and two who joined: the seats");
    let waiting: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM join_requests WHERE org_id = $1 AND decided_at IS NULL",
    )
    .bind(&ada.org_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(waiting, 4, "the others wait for an Admin");
}

async fn an_unconfirmed_address_never_joins(app: TestApp) {
    let ada = acme(&app, JoinMode::Automatic).await;
    let mut ana = signed_up(&app, "Ana", "ana@acme.test").await;
    assert!(yours(&mut ana).await.domain_offer.is_none());
    let res = join(&mut ana).await;
    assert_eq!(res.status, 409, "{}", res.body);
    let mut again = app.sign_in("ana@acme.test").await;
    assert_eq!(role_in(&app, &ada.org_id, "ana@acme.test").await, None);
    assert!(yours(&mut again).await.domain_offer.is_none());
}

async fn not_now_and_removal_stop_the_offer(app: TestApp) {
    let mut ada = acme(&app, JoinMode::Suggest).await;
    let mut ana = confirmed(&app, "Ana", "ana@acme.test").await;
    let res = ana
        .run(DismissJoinOffer {
            domain_id: "dom_acme".into(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(yours(&mut ana).await.domain_offer.is_none());
    assert_eq!(join(&mut ana).await.status, 404);

    // Automatic mode does not bring back someone who was removed.
    sqlx::query("UPDATE org_domains SET join_mode = 'automatic'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    confirmed(&app, "Abe", "abe@acme.test").await;
    app.sign_in("abe@acme.test").await;
    assert!(role_in(&app, &ada.org_id, "abe@acme.test").await.is_some());
    let abe_id: String = sqlx::query_scalar("SELECT id FROM users WHERE email = 'abe@acme.test'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let removed = ada
        .client
        .run(RemoveMember {
            org_id: ada.org_id.clone(),
            user_id: abe_id,
        })
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    app.sign_in("abe@acme.test").await;
    assert_eq!(role_in(&app, &ada.org_id, "abe@acme.test").await, None);
}

async fn a_request_that_no_longer_holds_is_closed_not_approved(app: TestApp) {
    let mut ada = acme(&app, JoinMode::Approval).await;
    let mut ana = confirmed(&app, "Ana", "ana@acme.test").await;
    let mut abe = confirmed(&app, "Abe", "abe@acme.test").await;
    join(&mut ana).await;
    join(&mut abe).await;
    let page = requests(&mut ada).await;
    let (ana_req, abe_req) = (page.requests[0].id.clone(), page.requests[1].id.clone());
    // Another organization's Admin cannot answer it through her own organization.
    let mut eve = account(&app, "Eve", "eve@example.com").await;
    let foreign = eve
        .client
        .run(ApproveJoinRequest {
            org_id: eve.org_id.clone(),
            request_id: ana_req.clone(),
        })
        .await;
    assert_eq!(foreign.status, 404, "{}", foreign.body);
    // Ana's address is no longer at the domain (a change confirmed since).
    sqlx::query("UPDATE users SET email = 'ana@elsewhere.test' WHERE email = 'ana@acme.test'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let stale = ada
        .client
        .run(ApproveJoinRequest {
            org_id: ada.org_id.clone(),
            request_id: ana_req,
        })
        .await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(stale.body.contains("no longer holds"), "{}", stale.body);
    assert_eq!(role_in(&app, &ada.org_id, "ana@elsewhere.test").await, None);
    // The domain stops letting people join: Abe's request no longer holds either.
    sqlx::query("UPDATE org_domains SET join_mode = 'off'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let off = ada
        .client
        .run(ApproveJoinRequest {
            org_id: ada.org_id.clone(),
            request_id: abe_req,
        })
        .await;
    assert_eq!(off.status, 409, "{}", off.body);
    assert_eq!(role_in(&app, &ada.org_id, "abe@acme.test").await, None);
    assert_eq!(requests(&mut ada).await.total, 0, "both are closed");
}

async fn parallel_automatic_joins_and_approvals_never_pass_the_seats(app: TestApp) {
    // Automatic: four people sign in at once for two free seats.
    let ada = acme(&app, JoinMode::Automatic).await;
    app.set_seats(&ada.org_id, 3).await;
    for i in 0..4 {
        confirmed(&app, &format!("P{i}"), &format!("p{i}@acme.test")).await;
    }
    let sign_ins = (0..4).map(|i| app.sign_in_later(format!("p{i}@acme.test")));
    futures_util::future::join_all(sign_ins).await;
    let pool = app.db.pool.clone();
    let count = |org: String| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM org_members WHERE org_id = $1")
                .bind(org)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count(ada.org_id.clone()).await, 3, "Ada and two: the seats");

    // Approval: three Admins' approvals at once for one free seat.
    let mut bea = account(&app, "Bea", "bea@example.com").await;
    sqlx::query("DELETE FROM org_domain_workspaces")
        .execute(&app.db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE org_domains SET org_id = $1, join_mode = 'approval'")
        .bind(&bea.org_id)
        .execute(&app.db.pool)
        .await
        .unwrap();
    app.set_seats(&bea.org_id, 2).await;
    for i in 0..3 {
        let mut person = confirmed(&app, &format!("Q{i}"), &format!("q{i}@acme.test")).await;
        assert_eq!(join(&mut person).await.status, 200);
    }
    let page = requests(&mut bea).await;
    assert_eq!(page.total, 3);
    let mut admins = Vec::new();
    for i in 0..3 {
        let email = format!("admin{i}@example.com");
        let admin = account(&app, &format!("Admin {i}"), &email).await;
        app.add_org_member(&bea.org_id, &admin.user_id, "admin")
            .await;
        admins.push(admin);
    }
    app.set_seats(&bea.org_id, 5).await; // Bea and three Admins: one seat free.
    let approvals = admins.iter_mut().zip(&page.requests).map(|(admin, r)| {
        admin.client.run(ApproveJoinRequest {
            org_id: bea.org_id.clone(),
            request_id: r.id.clone(),
        })
    });
    let answers = futures_util::future::join_all(approvals).await;
    let approved = answers.iter().filter(|a| a.status == 200).count();
    let refused = answers.iter().filter(|a| a.status == 409).count();
    assert_eq!(
        (approved, refused),
        (1, 2),
        "{:?}",
        answers.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    assert_eq!(count(bea.org_id.clone()).await, 5);
}
