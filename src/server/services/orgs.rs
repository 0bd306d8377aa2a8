//! Creating and renaming organizations.

use crate::domain::audit::AuditAction;
use crate::domain::permissions::Action;
use crate::domain::roles::{OrgRole, WorkspaceRole};
use crate::domain::{Error, validation};
use crate::server::authz::OrgActor;
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::ids::new_id;
use crate::server::repo::{memberships, orgs, users, workspaces};
use crate::server::services::audit::{self, By, Change, Target};
use serde_json::json;

/// The organization's name ("" if it is gone), for what is written about it.
pub async fn name<'e>(db: impl sqlx::AnyExecutor<'e>, org_id: &str) -> Result<String, Error> {
    Ok(orgs::find_by_id(db, org_id)
        .await
        .or_internal("naming the organization")?
        .map(|o| o.name)
        .unwrap_or_default())
}

/// What creating an organization made.
#[derive(Debug, Clone)]
pub struct NewOrg {
    pub org_id: String,
    pub workspace_id: String,
}

/// Anyone signed in may create an organization: a name and accepting the Terms of Service.
/// They become its Admin, and it starts with a "Default" workspace. One transaction.
pub async fn create(
    db: &Db,
    user_id: &str,
    name: &str,
    accepted_tos: bool,
) -> Result<NewOrg, Error> {
    let name = validation::entity_name("name", name);
    let tos = if accepted_tos {
        Ok(())
    } else {
        Err(Error::invalid(
            "accept_tos",
            "Accept the Terms of Service to create an organization.",
        ))
    };
    Error::all_valid([name.as_ref().err(), tos.as_ref().err()])?;
    let name = name?;

    let now = db.now();
    let created = NewOrg {
        org_id: new_id("org"),
        workspace_id: new_id("ws"),
    };
    let mut tx = db
        .pool
        .begin()
        .await
        .or_internal("starting to create an organization")?;
    let tos = Some(crate::domain::TERMS_VERSION);
    found(&mut tx, &created, &name, user_id, tos, now).await?;
    users::set_last_location(
        &mut *tx,
        user_id,
        &created.org_id,
        Some(&created.workspace_id),
    )
    .await
    .or_internal("remembering the new organization")?;
    tx.commit()
        .await
        .or_internal("committing a new organization")?;
    Ok(created)
}

/// Writes a new organization, its "Default" workspace, and `user_id` as Admin of both, in
/// `tx`: the one way an organization comes to be (at sign-up, and from the switcher).
/// `tos`: the Terms of Service version accepted, if any was asked for.
pub async fn found(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    ids: &NewOrg,
    name: &str,
    user_id: &str,
    tos: Option<&str>,
    now: i64,
) -> Result<(), Error> {
    orgs::insert(
        &mut **tx,
        &orgs::OrgRow {
            id: ids.org_id.clone(),
            name: name.to_owned(),
            created_by: Some(user_id.to_owned()),
            tos_version: tos.map(str::to_owned),
            tos_accepted_at: tos.map(|_| now),
            created_at: now,
        },
    )
    .await
    .or_internal("inserting an organization")?;
    workspaces::insert(
        &mut **tx,
        &workspaces::WorkspaceRow {
            id: ids.workspace_id.clone(),
            org_id: ids.org_id.clone(),
            name: validation::DEFAULT_WORKSPACE_NAME.to_owned(),
            is_default: 1,
            archived_at: None,
            created_at: now,
        },
    )
    .await
    .or_internal("inserting the default workspace")?;
    memberships::add_org_member(
        &mut **tx,
        &ids.org_id,
        user_id,
        OrgRole::Admin.as_str(),
        now,
    )
    .await
    .or_internal("adding the organization admin")?;
    memberships::add_workspace_member(
        &mut **tx,
        &ids.workspace_id,
        user_id,
        WorkspaceRole::Admin.as_str(),
        now,
    )
    .await
    .or_internal("adding the workspace admin")?;
    let change = Change::new(
        AuditAction::OrganizationCreated,
        Target::named("organization", &ids.org_id, name),
    )
    .after(json!({ "name": name, "terms_version": tos }));
    audit::record(tx, &ids.org_id, By::Person(user_id), change, now).await
}

pub async fn rename(db: &Db, actor: &OrgActor, new_name: &str) -> Result<(), Error> {
    actor.require(Action::RenameOrganization)?;
    let name = validation::entity_name("name", new_name)?;
    let mut tx = actor.begin_in_org(db, "renaming an organization").await?;
    let before = self::name(&mut *tx, &actor.org_id).await?;
    orgs::rename(&mut *tx, &actor.org_id, &name)
        .await
        .or_internal("renaming an organization")?;
    let change = Change::new(
        AuditAction::OrganizationRenamed,
        Target::named("organization", &actor.org_id, &name),
    )
    .before(json!({ "name": before }))
    .after(json!({ "name": name }));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, db.now()).await?;
    tx.commit().await.or_internal("renaming an organization")
}
