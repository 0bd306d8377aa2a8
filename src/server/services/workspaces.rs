//! Creating, renaming, archiving and listing an organization's workspaces.

use crate::domain::admin::WorkspaceAdminRow;
use crate::domain::audit::AuditAction;
use crate::domain::permissions::Action;
use crate::domain::roles::WorkspaceRole;
use crate::domain::{Error, validation};
use crate::server::authz::OrgActor;
use crate::server::db::{Db, is_unique_violation};
use crate::server::error::{OrInternal, internal};
use crate::server::ids::new_id;
use crate::server::repo::{memberships, workspaces};
use crate::server::services::audit::{self, Change, Target};
use crate::server::services::job_history::Level;
use serde_json::json;

fn name_taken(name: &str) -> Error {
    Error::conflict(
        "name",
        format!("A workspace named \"{name}\" already exists in this organization."),
    )
}

/// Every workspace, archived ones included, with member counts.
pub async fn list(db: &Db, actor: &OrgActor) -> Result<Vec<WorkspaceAdminRow>, Error> {
    actor.require(Action::ViewAllWorkspaces)?;
    let rows = workspaces::list_with_member_counts(&db.pool, &actor.org_id)
        .await
        .or_internal("listing workspaces")?;
    Ok(rows
        .into_iter()
        .map(|r| WorkspaceAdminRow {
            id: r.id,
            name: r.name,
            is_default: r.is_default != 0,
            archived: r.archived_at.is_some(),
            member_count: r.member_count,
            created_at: r.created_at,
        })
        .collect())
}

/// Creates a workspace; its creator becomes its Admin. Returns its id.
pub async fn create(db: &Db, actor: &OrgActor, name: &str) -> Result<String, Error> {
    actor.require(Action::CreateWorkspace)?;
    let name = validation::entity_name("name", name)?;
    let now = db.now();
    let id = new_id("ws");
    let mut tx = db
        .pool
        .begin()
        .await
        .or_internal("starting to create a workspace")?;
    let row = workspaces::WorkspaceRow {
        id: id.clone(),
        org_id: actor.org_id.clone(),
        name: name.clone(),
        is_default: 0,
        archived_at: None,
        created_at: now,
    };
    match workspaces::insert(&mut *tx, &row).await {
        Err(e) if is_unique_violation(&e) => return Err(name_taken(&name)),
        other => other.or_internal("inserting a workspace")?,
    }
    memberships::add_workspace_member(
        &mut *tx,
        &id,
        &actor.user_id,
        WorkspaceRole::Admin.as_str(),
        now,
    )
    .await
    .or_internal("adding the workspace creator")?;
    let change = Change::new(
        AuditAction::WorkspaceCreated,
        Target::named("workspace", &id, &name),
    )
    .in_workspace(&id)
    .after(json!({ "name": name }));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, now).await?;
    match tx.commit().await {
        Err(e) if is_unique_violation(&e) => Err(name_taken(&name)),
        Err(e) => Err(internal("committing a workspace", e)),
        Ok(()) => Ok(id),
    }
}

pub async fn rename(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
    name: &str,
) -> Result<(), Error> {
    let ws = actor.in_workspace(db, workspace_id).await?;
    ws.org.require(Action::ManageWorkspaces)?;
    let name = validation::entity_name("name", name)?;
    let (mut tx, before) = begin_on(db, actor, workspace_id, "renaming a workspace").await?;
    match workspaces::rename(&mut *tx, workspace_id, &name).await {
        Err(e) if is_unique_violation(&e) => return Err(name_taken(&name)),
        other => other.or_internal("renaming a workspace")?,
    }
    let change = Change::new(
        AuditAction::WorkspaceRenamed,
        Target::named("workspace", workspace_id, &name),
    )
    .in_workspace(workspace_id)
    .before(json!({ "name": before.name }))
    .after(json!({ "name": name }));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, db.now()).await?;
    match tx.commit().await {
        Err(e) if is_unique_violation(&e) => Err(name_taken(&name)),
        other => other.or_internal("renaming a workspace"),
    }
}

/// Begins a change of a workspace under the organization's lock, with the workspace as it
/// is now (its name for the audit entry's "before").
async fn begin_on(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
    doing: &str,
) -> Result<
    (
        sqlx::Transaction<'static, sqlx::Any>,
        workspaces::WorkspaceRow,
    ),
    Error,
> {
    let mut tx = actor.begin_in_org(db, doing).await?;
    let row = workspaces::find_in_org(&mut *tx, &actor.org_id, workspace_id)
        .await
        .or_internal(doing)?
        .ok_or(Error::NotFound)?;
    Ok((tx, row))
}

/// Archives a workspace: it leaves the switcher, its data stays and becomes read-only,
/// its keys stop working, and its unfinished fine-tuning jobs are cancelled (a trainer
/// running one is told to stop at its next report). The default workspace can't be archived.
pub async fn archive(db: &Db, actor: &OrgActor, workspace_id: &str) -> Result<(), Error> {
    let ws = actor.in_workspace(db, workspace_id).await?;
    ws.org.require(Action::ManageWorkspaces)?;
    if ws.workspace.is_default != 0 {
        return Err(Error::conflict(
            "workspace",
            "The default workspace can't be archived.",
        ));
    }
    if ws.workspace.archived_at.is_some() {
        return Ok(());
    }
    let now = db.now();
    let (mut tx, _) = begin_on(db, actor, workspace_id, "archiving a workspace").await?;
    if !workspaces::set_archived(&mut *tx, workspace_id, Some(now))
        .await
        .or_internal("archiving a workspace")?
    {
        // Archived meanwhile by another request: nothing more to do or record.
        return Ok(());
    }
    let why = "Cancelled: the workspace was archived.";
    let cancelled = crate::server::repo::fine_tuning::cancel_unfinished_in_workspace(
        &mut *tx,
        workspace_id,
        why,
        now,
    )
    .await
    .or_internal("cancelling an archived workspace's jobs")?;
    for job_id in &cancelled {
        super::job_history::record(&mut tx, job_id, now, &[(Level::Warn, why)]).await?;
    }
    let target = Target::named("workspace", workspace_id, &ws.workspace.name);
    let change = Change::new(AuditAction::WorkspaceArchived, target)
        .in_workspace(workspace_id)
        .after(json!({ "cancelled_jobs": cancelled.len() }));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, now).await?;
    tx.commit().await.or_internal("archiving a workspace")
}

pub async fn unarchive(db: &Db, actor: &OrgActor, workspace_id: &str) -> Result<(), Error> {
    let ws = actor.in_workspace(db, workspace_id).await?;
    ws.org.require(Action::ManageWorkspaces)?;
    if ws.workspace.archived_at.is_none() {
        return Ok(());
    }
    let (mut tx, _) = begin_on(db, actor, workspace_id, "unarchiving a workspace").await?;
    if !workspaces::set_archived(&mut *tx, workspace_id, None)
        .await
        .or_internal("unarchiving a workspace")?
    {
        return Ok(());
    }
    let target = Target::named("workspace", workspace_id, &ws.workspace.name);
    let change = Change::new(AuditAction::WorkspaceUnarchived, target).in_workspace(workspace_id);
    audit::record(&mut tx, &actor.org_id, actor.into(), change, db.now()).await?;
    tx.commit().await.or_internal("unarchiving a workspace")
}
