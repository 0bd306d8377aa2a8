//! Organizations and workspaces: creating, switching, renaming, archiving, roles.

use crate::common;

use common::{TestApp, account};
use studio_console::api::access::GetEffectivePermissions;
use studio_console::api::orgs::{CreateOrganization, RenameOrganization};
use studio_console::api::shell::LoadShell;
use studio_console::api::workspaces::{
    ArchiveWorkspace, CreateWorkspace, ListWorkspaces, RenameWorkspace, UnarchiveWorkspace,
};
use studio_console::domain::Error;
use studio_console::domain::admin::{EffectivePermissions, WorkspaceAdminRow};
use studio_console::domain::permissions::Action;
use studio_console::domain::shell::ShellData;

backend_tests!(
    roles_are_read_as_roles_and_an_unknown_one_is_an_error,
    create_organization_requires_terms_and_a_valid_name,
    create_organization_makes_the_creator_admin_with_a_default_workspace,
    switching_is_remembered_across_sign_in,
    create_workspace_is_for_admins_only,
    workspace_names_are_unique_per_organization,
    archive_rules,
    rename_organization_by_admins_only,
    members_see_only_their_workspaces,
    effective_permissions_follow_the_matrix,
);

async fn shell(client: &mut common::Client, org: &str, ws: Option<&str>) -> ShellData {
    let call = LoadShell {
        org_id: org.to_owned(),
        workspace_id: ws.map(str::to_owned),
    };
    let res = client.run(call).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

async fn create_organization_requires_terms_and_a_valid_name(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let res = ada
        .client
        .run(CreateOrganization {
            name: "Acme".into(),
            accept_tos: None,
        })
        .await;
    assert_eq!(res.status, 422, "{}", res.body);
    assert!(
        res.error()
            .field_message("accept_tos")
            .unwrap()
            .contains("Terms of Service")
    );

    let res = ada
        .client
        .run(CreateOrganization {
            name: " ".into(),
            accept_tos: Some("on".into()),
        })
        .await;
    assert_eq!(
        res.error().field_message("name").as_deref(),
        Some("Name is required.")
    );
    let long = "x".repeat(65);
    let res = ada
        .client
        .run(CreateOrganization {
            name: long.to_owned(),
            accept_tos: Some("on".into()),
        })
        .await;
    assert!(
        res.error()
            .field_message("name")
            .unwrap()
            .contains("at most 64")
    );
    let res = ada
        .client
        .run(CreateOrganization {
            name: "Bad\u{1}Name".into(),
            accept_tos: Some("on".into()),
        })
        .await;
    assert!(
        res.error()
            .field_message("name")
            .unwrap()
            .contains("control characters")
    );
    // Both problems at once are both reported.
    let res = ada
        .client
        .run(CreateOrganization {
            name: "".into(),
            accept_tos: None,
        })
        .await;
    let err = res.error();
    assert!(err.field_message("name").is_some() && err.field_message("accept_tos").is_some());
    assert_eq!(app.count("organizations").await, 1, "nothing was created");

    let mut anon = app.client();
    let res = anon
        .run(CreateOrganization {
            name: "Acme".into(),
            accept_tos: Some("on".into()),
        })
        .await;
    assert_eq!(res.status, 401);
    assert_eq!(app.count("organizations").await, 1);
}

async fn create_organization_makes_the_creator_admin_with_a_default_workspace(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let res = ada
        .client
        .run(CreateOrganization {
            name: "  Acme Corp ".into(),
            accept_tos: Some("on".into()),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let (org_id, tos, accepted): (String, Option<String>, Option<i64>) = sqlx::query_as(
        "SELECT id, tos_version, tos_accepted_at FROM organizations WHERE name = 'Acme Corp'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(tos.as_deref(), Some(studio_console::domain::TERMS_VERSION));
    assert!(accepted.is_some());
    let s = shell(&mut ada.client, &org_id, None).await;
    assert_eq!(s.org.role, studio_console::domain::roles::OrgRole::Admin);
    assert_eq!(s.workspaces.len(), 1);
    assert_eq!(s.workspaces[0].name, "Default");
    assert_eq!(s.orgs.len(), 2, "both organizations are in the switcher");
    // Signing in again lands in the new organization, the last one used.
    let mut again = app.sign_in("ada@example.com").await;
    let to = again.get("/").await.header("location").unwrap();
    assert!(to.starts_with(&format!("/o/{org_id}/w/")), "{to}");
}

async fn switching_is_remembered_across_sign_in(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    ada.client
        .run(CreateOrganization {
            name: "Second".into(),
            accept_tos: Some("on".into()),
        })
        .await;
    // Switch back to the first organization's workspace by opening it.
    let page = ada
        .client
        .get(&format!("/o/{}/w/{}", ada.org_id, ada.workspace_id))
        .await;
    assert_eq!(page.status, 200);
    let mut again = app.sign_in("ada@example.com").await;
    let to = again.get("/").await.header("location").unwrap();
    assert_eq!(to, format!("/o/{}/w/{}", ada.org_id, ada.workspace_id));
}

async fn create_workspace_is_for_admins_only(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    let bill = account(&app, "Bill", "bill@example.com").await;
    app.add_org_member(&ada.org_id, &bob.user_id, "member")
        .await;
    app.add_org_member(&ada.org_id, &bill.user_id, "billing")
        .await;

    let res = ada
        .client
        .run(CreateWorkspace {
            org_id: ada.org_id.to_owned(),
            name: "Research".into(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let ws_id: String = res.json();
    let role: String = sqlx::query_scalar(
        "SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(&ws_id)
    .bind(&ada.user_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(role, "admin", "the creator is the workspace Admin");
    assert!(
        shell(&mut ada.client, &ada.org_id, None)
            .await
            .workspaces
            .iter()
            .any(|w| w.name == "Research")
    );

    for who in ["bob@example.com", "bill@example.com"] {
        let mut c = app.sign_in(who).await;
        let res = c
            .run(CreateWorkspace {
                org_id: ada.org_id.to_owned(),
                name: "Sneaky".into(),
            })
            .await;
        assert_eq!((res.status, res.error()), (403, Error::Forbidden), "{who}");
    }
    let res = ada
        .client
        .run(CreateWorkspace {
            org_id: ada.org_id.to_owned(),
            name: "".into(),
        })
        .await;
    assert_eq!(res.status, 422);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM workspaces WHERE org_id = $1")
        .bind(&ada.org_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 2);
}

async fn workspace_names_are_unique_per_organization(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ok = ada
        .client
        .run(CreateWorkspace {
            org_id: ada.org_id.to_owned(),
            name: "Research".into(),
        })
        .await;
    assert_eq!(ok.status, 200);
    let dup = ada
        .client
        .run(CreateWorkspace {
            org_id: ada.org_id.to_owned(),
            name: "research".into(),
        })
        .await;
    assert_eq!(dup.status, 409, "{}", dup.body);
    assert!(
        dup.error()
            .field_message("name")
            .unwrap()
            .contains("already exists")
    );
    // Renaming onto an existing name is refused too; another organization may reuse it.
    let res = ada
        .client
        .run(RenameWorkspace {
            org_id: ada.org_id.to_owned(),
            workspace_id: ada.workspace_id.to_owned(),
            name: "RESEARCH".into(),
        })
        .await;
    assert_eq!(res.status, 409);
    let mut bob = account(&app, "Bob", "bob@example.com").await;
    let res = bob
        .client
        .run(CreateWorkspace {
            org_id: bob.org_id.to_owned(),
            name: "Research".into(),
        })
        .await;
    assert_eq!(res.status, 200);
}

async fn archive_rules(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let org = ada.org_id.clone();
    let res = ada
        .client
        .run(ArchiveWorkspace {
            org_id: org.to_owned(),
            workspace_id: ada.workspace_id.to_owned(),
        })
        .await;
    assert_eq!(res.status, 409, "the default workspace can't be archived");
    assert!(res.error().to_string().contains("default workspace"));

    let id: String = ada
        .client
        .run(CreateWorkspace {
            org_id: org.to_owned(),
            name: "Old project".into(),
        })
        .await
        .json();
    let res = ada
        .client
        .run(ArchiveWorkspace {
            org_id: org.to_owned(),
            workspace_id: id.to_owned(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let s = shell(&mut ada.client, &org, None).await;
    assert!(
        !s.workspaces.iter().any(|w| w.id == id),
        "archived workspaces leave the switcher"
    );
    let res = ada
        .client
        .run(LoadShell {
            org_id: org.to_owned(),
            workspace_id: Some(id.to_owned()),
        })
        .await;
    assert_eq!(res.status, 404, "and their pages");
    let rows: Vec<WorkspaceAdminRow> = ada
        .client
        .run(ListWorkspaces {
            org_id: org.to_owned(),
        })
        .await
        .json();
    let row = rows
        .iter()
        .find(|w| w.id == id)
        .expect("still listed in Admin Settings");
    assert!(row.archived);
    assert_eq!(row.member_count, 1, "memberships are kept");

    let res = ada
        .client
        .run(UnarchiveWorkspace {
            org_id: org.to_owned(),
            workspace_id: id.to_owned(),
        })
        .await;
    assert_eq!(res.status, 200);
    assert!(
        shell(&mut ada.client, &org, None)
            .await
            .workspaces
            .iter()
            .any(|w| w.id == id)
    );

    // Another organization's workspace is not found, even for an Admin.
    let mut eve = account(&app, "Eve", "eve@example.com").await;
    let res = eve
        .client
        .run(ArchiveWorkspace {
            org_id: eve.org_id.to_owned(),
            workspace_id: id.to_owned(),
        })
        .await;
    assert_eq!(res.status, 404);
}

async fn rename_organization_by_admins_only(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    app.add_org_member(&ada.org_id, &bob.user_id, "member")
        .await;
    let res = ada
        .client
        .run(RenameOrganization {
            org_id: ada.org_id.to_owned(),
            name: " Acme ".into(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        shell(&mut ada.client, &ada.org_id, None).await.org.name,
        "Acme"
    );
    let mut bob = app.sign_in("bob@example.com").await;
    let res = bob
        .run(RenameOrganization {
            org_id: ada.org_id.to_owned(),
            name: "Bob's now".into(),
        })
        .await;
    assert_eq!(res.status, 403);
    let res = ada
        .client
        .run(RenameOrganization {
            org_id: ada.org_id.to_owned(),
            name: "".into(),
        })
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(
        shell(&mut ada.client, &ada.org_id, None).await.org.name,
        "Acme"
    );
}

async fn members_see_only_their_workspaces(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    let secret: String = ada
        .client
        .run(CreateWorkspace {
            org_id: ada.org_id.to_owned(),
            name: "Secret".into(),
        })
        .await
        .json();
    app.add_org_member(&ada.org_id, &bob.user_id, "member")
        .await;
    app.add_workspace_member(&ada.workspace_id, &bob.user_id, "contributor")
        .await;
    let mut bob = app.sign_in("bob@example.com").await;
    let s = shell(&mut bob, &ada.org_id, Some(&ada.workspace_id)).await;
    assert_eq!(
        s.workspaces
            .iter()
            .map(|w| w.name.as_str())
            .collect::<Vec<_>>(),
        ["Default"]
    );
    assert!(s.can(Action::UseWorkspace) && !s.can(Action::CreateWorkspace));
    let res = bob
        .run(LoadShell {
            org_id: ada.org_id.to_owned(),
            workspace_id: Some(secret.to_owned()),
        })
        .await;
    assert_eq!(res.status, 404, "a workspace Bob isn't in is not found");
    let s = shell(&mut ada.client, &ada.org_id, None).await;
    assert_eq!(
        s.workspaces.len(),
        2,
        "organization Admins see every workspace"
    );
}

async fn effective_permissions_follow_the_matrix(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    app.add_org_member(&ada.org_id, &bob.user_id, "member")
        .await;
    app.add_workspace_member(&ada.workspace_id, &bob.user_id, "contributor")
        .await;
    let research: String = ada
        .client
        .run(CreateWorkspace {
            org_id: ada.org_id.to_owned(),
            name: "Research".into(),
        })
        .await
        .json();
    let res = ada
        .client
        .run(GetEffectivePermissions {
            org_id: ada.org_id.to_owned(),
            user_id: bob.user_id.to_owned(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let p: EffectivePermissions = res.json();
    let org_allows = |a: Action| {
        p.organization
            .iter()
            .find(|g| g.action == a)
            .unwrap()
            .allowed
    };
    assert!(org_allows(Action::ViewOrganization) && !org_allows(Action::CreateWorkspace));
    let ws = |id: &str| p.workspaces.iter().find(|w| w.workspace_id == id).unwrap();
    let allows = |id: &str, a: Action| {
        ws(id)
            .grants
            .iter()
            .find(|g| g.action == a)
            .unwrap()
            .allowed
    };
    assert!(allows(&ada.workspace_id, Action::CreateApiKey));
    assert!(!allows(&ada.workspace_id, Action::RevokeAnyApiKey));
    assert!(
        !allows(&research, Action::UseWorkspace),
        "Bob is not in Research"
    );

    // Members of the organization can't look; another organization's user is not found.
    let mut bob = app.sign_in("bob@example.com").await;
    let res = bob
        .run(GetEffectivePermissions {
            org_id: ada.org_id.to_owned(),
            user_id: ada.user_id.to_owned(),
        })
        .await;
    assert_eq!(res.status, 403);
    let eve = account(&app, "Eve", "eve@example.com").await;
    let res = ada
        .client
        .run(GetEffectivePermissions {
            org_id: ada.org_id.to_owned(),
            user_id: eve.user_id.to_owned(),
        })
        .await;
    assert_eq!(res.status, 404);
}

/// Roles cross the repo boundary as the domain's enums: a stored name the code does not
/// know is an error, never quietly another role.
async fn roles_are_read_as_roles_and_an_unknown_one_is_an_error(app: TestApp) {
    use studio_console::domain::roles::{OrgRole, WorkspaceRole};
    let admin: OrgRole = sqlx::query_scalar("SELECT 'admin'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(admin, OrgRole::Admin);
    let contributor: WorkspaceRole = sqlx::query_scalar("SELECT 'contributor'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(contributor, WorkspaceRole::Contributor);
    let unknown = sqlx::query_scalar::<_, OrgRole>("SELECT 'owner'")
        .fetch_one(&app.db.pool)
        .await;
    let error = unknown.expect_err("an unknown role is refused").to_string();
    assert!(error.contains("unknown organization role"), "{error}");
}
