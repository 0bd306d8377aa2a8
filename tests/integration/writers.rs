//! Many writers at once, as a busy organization makes them: every write succeeds (SQLite's
//! single writer queues them; none fails with "database is locked"), and each is kept.

use crate::common;

use common::{TestApp, account};
use studio_console::api::api_keys::CreateApiKey;
use studio_console::api::members::{ChangeMemberRole, SendInvitations};
use studio_console::api::workspaces::RenameWorkspace;

backend_tests!(fifty_writers_at_once_all_succeed);

const WRITERS: usize = 50;

async fn fifty_writers_at_once_all_succeed(app: TestApp) {
    let app = app.reconfigured(|c| c.invite_emails_per_day = 1_000).await;
    let ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    app.set_seats(&ada.org_id, 1_000).await;
    app.add_org_member(&ada.org_id, &bob.user_id, "member")
        .await;
    let writers = (0..WRITERS).map(|n| {
        let (mut client, org, ws, bob) = (
            ada.client.clone(),
            ada.org_id.clone(),
            ada.workspace_id.clone(),
            bob.user_id.clone(),
        );
        tokio::spawn(async move {
            let key = client.run(CreateApiKey {
                org_id: org.clone(),
                workspace_id: ws.clone(),
                name: format!("key {n}"),
                expiry: "never".into(),
                expires_on: None,
            });
            let mut answers = vec![key.await];
            let invite = SendInvitations {
                org_id: org.clone(),
                emails: format!("writer{n}@example.com"),
                role: "member".into(),
                workspaces: None,
            };
            answers.push(client.run(invite).await);
            let rename = RenameWorkspace {
                org_id: org.clone(),
                workspace_id: ws,
                name: format!("Writer {n}"),
            };
            answers.push(client.run(rename).await);
            let role = ChangeMemberRole {
                org_id: org,
                user_id: bob,
                role: if n % 2 == 0 { "billing" } else { "member" }.into(),
            };
            answers.push(client.run(role).await);
            answers
        })
    });
    let mut failures = Vec::new();
    for writer in writers.collect::<Vec<_>>() {
        for answer in writer.await.unwrap() {
            // A rename answers with a redirect to the list.
            if !matches!(answer.status, 200 | 302 | 303) {
                failures.push(format!("{}: {}", answer.status, answer.body));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} writes failed: {failures:?}",
        failures.len()
    );
    assert_eq!(app.count("api_keys").await, WRITERS as i64);
    assert_eq!(app.count("invitations").await, WRITERS as i64);
}
