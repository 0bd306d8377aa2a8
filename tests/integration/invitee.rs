//! Invitations seen and answered by the invited person from the console (no link): only by
//! a confirmed address, on SQLite and PostgreSQL.

use crate::common;

use common::{PASSWORD, TestApp, account, signed_up};
use studio_console::api::auth::SignIn;
use studio_console::api::invitations::{
    AcceptYourInvitation, DeclineInvitation, GetYourInvitations,
};
use studio_console::api::members::{ListInvitations, SendInvitations};
use studio_console::domain::invitations::{InvitationStatus, InvitationsPage, YourInvitations};

backend_tests!(
    a_confirmed_address_sees_its_invitations_and_joins_without_the_link,
    declining_closes_the_invitation_and_frees_its_seat,
    another_addresses_invitation_is_not_found,
);

async fn invite(ada: &mut common::Account, emails: &str, workspaces: Option<String>) -> u16 {
    let res = ada
        .client
        .run(SendInvitations {
            org_id: ada.org_id.clone(),
            emails: emails.into(),
            role: "member".into(),
            workspaces,
        })
        .await;
    res.status
}

async fn yours(client: &mut common::Client) -> YourInvitations {
    let res = client.run(GetYourInvitations { joined: None }).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

async fn a_confirmed_address_sees_its_invitations_and_joins_without_the_link(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let grant = format!("{}:admin", ada.workspace_id);
    assert_eq!(invite(&mut ada, "ivy@example.com", Some(grant)).await, 200);
    let mut ivy = signed_up(&app, "Ivy", "ivy@example.com").await;
    // Anyone can type an address at sign-up: nothing is shown or accepted before it is
    // confirmed.
    let before = yours(&mut ivy).await;
    assert!(!before.email_verified);
    assert!(before.invitations.is_empty());
    let inv_id: String = sqlx::query_scalar("SELECT id FROM invitations WHERE email = $1")
        .bind("ivy@example.com")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let early = ivy
        .run(AcceptYourInvitation {
            invitation_id: inv_id.clone(),
        })
        .await;
    assert_eq!(early.status, 409, "{}", early.body);
    assert_eq!(
        app.count("org_members").await,
        2,
        "Ada's and Ivy's own orgs"
    );

    app.confirm_email("ivy@example.com").await;
    let shown = yours(&mut ivy).await;
    assert_eq!(shown.invitations.len(), 1);
    let inv = &shown.invitations[0];
    assert_eq!(inv.id, inv_id);
    assert_eq!(inv.org_name, "Ada's Organization");
    assert_eq!(inv.invited_by.as_deref(), Some("Ada"));
    assert_eq!(inv.workspaces, vec!["Default (Admin)".to_owned()]);
    // Signing in leads to the invitations first.
    let mut again = app.client();
    let res = again
        .run(SignIn {
            email: "ivy@example.com".into(),
            password: PASSWORD.into(),
            next: None,
        })
        .await;
    assert_eq!(res.status, 200);
    assert!(
        format!("{:?}", res.headers).contains("/welcome"),
        "{:?}",
        res.headers
    );

    let res = ivy
        .run(AcceptYourInvitation {
            invitation_id: inv_id.clone(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let (role, ws_role): (String, String) = sqlx::query_as(
        "SELECT m.role, w.role FROM org_members m JOIN users u ON u.id = m.user_id \
         JOIN workspace_members w ON w.user_id = u.id AND w.workspace_id = $2 \
         WHERE m.org_id = $1 AND u.email = 'ivy@example.com'",
    )
    .bind(&ada.org_id)
    .bind(&ada.workspace_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!((role.as_str(), ws_role.as_str()), ("member", "admin"));
    assert!(yours(&mut ivy).await.invitations.is_empty());
    let twice = ivy
        .run(AcceptYourInvitation {
            invitation_id: inv_id,
        })
        .await;
    assert_eq!(twice.status, 409, "{}", twice.body);
}

async fn declining_closes_the_invitation_and_frees_its_seat(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    app.set_seats(&ada.org_id, 2).await;
    assert_eq!(invite(&mut ada, "ivy@example.com", None).await, 200);
    assert_eq!(invite(&mut ada, "zoe@example.com", None).await, 409, "full");
    let mut ivy = signed_up(&app, "Ivy", "ivy@example.com").await;
    app.confirm_email("ivy@example.com").await;
    let inv_id = yours(&mut ivy).await.invitations[0].id.clone();
    let decline = DeclineInvitation {
        invitation_id: inv_id.clone(),
    };
    assert_eq!(ivy.run(decline.clone()).await.status, 200);
    assert!(yours(&mut ivy).await.invitations.is_empty());
    let again = ivy.run(decline).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("declined"), "{}", again.body);
    // The admin sees it declined, and its seat is free again.
    let page: InvitationsPage = ada
        .client
        .run(ListInvitations {
            org_id: ada.org_id.clone(),
            status: Some("declined".into()),
            after: None,
            before: None,
        })
        .await
        .json();
    assert_eq!(page.invitations.len(), 1);
    assert_eq!(page.invitations[0].status, InvitationStatus::Declined);
    let revoked: InvitationsPage = ada
        .client
        .run(ListInvitations {
            org_id: ada.org_id.clone(),
            status: Some("revoked".into()),
            after: None,
            before: None,
        })
        .await
        .json();
    assert!(revoked.invitations.is_empty());
    assert_eq!(invite(&mut ada, "zoe@example.com", None).await, 200);
    // Accepting what was declined is refused.
    let late = ivy
        .run(AcceptYourInvitation {
            invitation_id: inv_id,
        })
        .await;
    assert_eq!(late.status, 409, "{}", late.body);
}

async fn another_addresses_invitation_is_not_found(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    assert_eq!(invite(&mut ada, "ivy@example.com", None).await, 200);
    let mut bob = signed_up(&app, "Bob", "bob@example.com").await;
    app.confirm_email("bob@example.com").await;
    let inv_id: String = sqlx::query_scalar("SELECT id FROM invitations")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let accept = bob
        .run(AcceptYourInvitation {
            invitation_id: inv_id.clone(),
        })
        .await;
    assert_eq!(accept.status, 404, "{}", accept.body);
    let decline = bob
        .run(DeclineInvitation {
            invitation_id: inv_id,
        })
        .await;
    assert_eq!(decline.status, 404, "{}", decline.body);
    let pending: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM invitations WHERE status = 'pending'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(pending, 1);
}
