//! A workspace's members: list, Add Members, change role, remove.
//! Organization Admins and the workspace's Admins manage them.

use crate::domain::Error;
use crate::domain::admin::{MemberSummary, WorkspaceMember};
use crate::domain::audit::AuditAction;
use crate::domain::permissions::Action;
use crate::domain::roles::{OrgRole, WorkspaceRole};
use crate::server::authz::OrgActor;
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::repo::{api_keys, memberships};
use crate::server::services::audit::{self, Change, Target};
use serde_json::json;

/// Everyone in the workspace (visible to whoever may open it).
pub async fn list(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
) -> Result<Vec<WorkspaceMember>, Error> {
    let ws = actor.in_workspace(db, workspace_id).await?;
    ws.require(Action::UseWorkspace)
        .or_else(|_| ws.org.require(Action::ViewAllWorkspaces))?;
    memberships::list_workspace_members(&db.pool, workspace_id)
        .await
        .or_internal("listing workspace members")?
        .into_iter()
        .map(|r| {
            Ok(WorkspaceMember {
                role: r.role,
                org_role: r.org_role,
                user_id: r.user_id,
                name: r.name,
                email: r.email,
            })
        })
        .collect()
}

/// Organization members not yet in the workspace, matching `query` (for Add Members).
pub async fn candidates(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
    query: &str,
) -> Result<Vec<MemberSummary>, Error> {
    let ws = actor.in_workspace(db, workspace_id).await?;
    ws.require(Action::ManageWorkspaceMembers)?;
    let pattern = memberships::like_pattern(query.trim());
    memberships::workspace_candidates(&db.pool, &actor.org_id, &pattern, workspace_id, 20)
        .await
        .or_internal("finding members to add")?
        .into_iter()
        .map(|r| {
            Ok(MemberSummary {
                role: r.role,
                user_id: r.user_id,
                name: r.name,
                email: r.email,
            })
        })
        .collect()
}

/// Most members one "Add members" submission may add.
pub const MAX_ADDED_AT_ONCE: usize = 100;

/// Adds organization members to the workspace with `role`. Returns how many were added.
pub async fn add(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
    user_ids: &[String],
    role: &str,
) -> Result<usize, Error> {
    let ws = actor.in_workspace(db, workspace_id).await?;
    ws.require(Action::ManageWorkspaceMembers)?;
    let role =
        WorkspaceRole::parse(role).ok_or_else(|| Error::invalid("role", "Choose a role."))?;
    if user_ids.is_empty() {
        return Err(Error::invalid("members", "Choose at least one member."));
    }
    if user_ids.len() > MAX_ADDED_AT_ONCE {
        return Err(Error::invalid(
            "members",
            format!("Add at most {MAX_ADDED_AT_ONCE} members at a time."),
        ));
    }
    let now = db.now();
    let mut tx = actor.begin_in_org(db, "starting to add members").await?;
    let mut added = Vec::new();
    for user_id in user_ids {
        memberships::org_role(&mut *tx, &actor.org_id, user_id)
            .await
            .or_internal("checking a member")?
            .ok_or_else(|| {
                Error::invalid("members", "Only members of the organization can be added.")
            })?;
        if memberships::add_workspace_member_if_absent(
            &mut *tx,
            workspace_id,
            user_id,
            role.as_str(),
            now,
        )
        .await
        .or_internal("adding a workspace member")?
        {
            let change = Change::new(
                AuditAction::WorkspaceMemberAdded,
                Target::new("member", user_id),
            )
            .in_workspace(workspace_id)
            .after(json!({ "role": role.as_str() }));
            added.push(change);
        }
    }
    let count = added.len();
    audit::record_all(&mut tx, &actor.org_id, actor.into(), added, now).await?;
    tx.commit()
        .await
        .or_internal("committing new workspace members")?;
    Ok(count)
}

pub async fn change_role(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
    user_id: &str,
    role: &str,
) -> Result<(), Error> {
    let ws = actor.in_workspace(db, workspace_id).await?;
    ws.require(Action::ManageWorkspaceMembers)?;
    let role =
        WorkspaceRole::parse(role).ok_or_else(|| Error::invalid("role", "Choose a role."))?;
    let mut tx = actor.begin_in_org(db, "changing a workspace role").await?;
    let before = memberships::workspace_role(&mut *tx, workspace_id, user_id)
        .await
        .or_internal("reading a workspace role")?;
    if !memberships::set_workspace_role(&mut *tx, workspace_id, user_id, role.as_str())
        .await
        .or_internal("changing a workspace role")?
    {
        return Err(Error::NotFound);
    }
    let change = Change::new(
        AuditAction::WorkspaceMemberRoleChanged,
        Target::new("member", user_id),
    )
    .in_workspace(workspace_id)
    .before(json!({ "role": before.map(|r| r.as_str()) }))
    .after(json!({ "role": role.as_str() }));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, db.now()).await?;
    tx.commit().await.or_internal("changing a workspace role")
}

pub async fn remove(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
    user_id: &str,
) -> Result<(), Error> {
    let ws = actor.in_workspace(db, workspace_id).await?;
    ws.require(Action::ManageWorkspaceMembers)?;
    let mut tx = actor.begin_in_org(db, "starting a removal").await?;
    let before = memberships::workspace_role(&mut *tx, workspace_id, user_id)
        .await
        .or_internal("reading a workspace role")?;
    if !memberships::delete_workspace_member(&mut *tx, workspace_id, user_id)
        .await
        .or_internal("removing a workspace member")?
    {
        return Err(Error::NotFound);
    }
    // Unless they still reach the workspace as an organization Admin, the keys they made
    // in it stop working, and stay dead if they are added back.
    let org_role = memberships::org_role(&mut *tx, &actor.org_id, user_id)
        .await
        .or_internal("reading a role")?;
    if org_role != Some(OrgRole::Admin) {
        api_keys::revoke_for_departure(
            &mut tx,
            &actor.org_id,
            Some(workspace_id),
            user_id,
            db.now(),
        )
        .await
        .or_internal("revoking a departing member's keys")?;
    }
    let change = Change::new(
        AuditAction::WorkspaceMemberRemoved,
        Target::new("member", user_id),
    )
    .in_workspace(workspace_id)
    .before(json!({ "role": before.map(|r| r.as_str()) }));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, db.now()).await?;
    tx.commit().await.or_internal("committing a removal")
}
