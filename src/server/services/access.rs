//! Effective permissions: what a member may do, derived from the same matrix.

use crate::domain::Error;
use crate::domain::admin::{EffectivePermissions, Grant, MemberSummary, WorkspaceGrants};
use crate::domain::permissions::{Action, Membership, Scope, can};
use crate::domain::roles::WorkspaceRole;
use crate::server::authz::OrgActor;
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::repo::{memberships, workspaces};

/// How many members the permissions picker lists.
const PICKER_LIMIT: i64 = 500;

fn member_summary(row: memberships::OrgMemberRow) -> Result<MemberSummary, Error> {
    Ok(MemberSummary {
        user_id: row.user_id,
        name: row.name,
        email: row.email,
        role: row.role,
    })
}

/// The organization's members, for picking whose permissions to show.
pub async fn members(db: &Db, actor: &OrgActor) -> Result<Vec<MemberSummary>, Error> {
    actor.require(Action::ViewPermissions)?;
    memberships::list_org_members(&db.pool, &actor.org_id, PICKER_LIMIT)
        .await
        .or_internal("listing members")?
        .into_iter()
        .map(member_summary)
        .collect()
}

fn grants(m: &Membership, scope: Scope) -> Vec<Grant> {
    Action::ALL
        .into_iter()
        .filter(|a| a.scope() == scope)
        .map(|action| Grant {
            action,
            allowed: can(m, action),
        })
        .collect()
}

/// What `member_id` may do in the organization and in each of its workspaces.
/// Three queries, whatever the number of workspaces.
pub async fn effective(
    db: &Db,
    actor: &OrgActor,
    member_id: &str,
) -> Result<EffectivePermissions, Error> {
    actor.require(Action::ViewPermissions)?;
    let row = memberships::find_org_member(&db.pool, &actor.org_id, member_id)
        .await
        .or_internal("loading a member")?
        .ok_or(Error::NotFound)?;
    let member = member_summary(row)?;
    let roles = memberships::workspace_roles_in_org(&db.pool, &actor.org_id, member_id)
        .await
        .or_internal("loading workspace roles")?;
    let all = workspaces::list_with_member_counts(&db.pool, &actor.org_id)
        .await
        .or_internal("listing workspaces")?;
    let workspaces = all
        .into_iter()
        .map(|ws| {
            let role = roles
                .iter()
                .find(|(id, _)| *id == ws.id)
                .and_then(|(_, r)| WorkspaceRole::parse(r));
            let m = Membership::in_workspace(member.role, role);
            WorkspaceGrants {
                workspace_id: ws.id,
                workspace_name: ws.name,
                archived: ws.archived_at.is_some(),
                role,
                effective_role: m.effective_workspace_role(),
                grants: grants(&m, Scope::Workspace),
            }
        })
        .collect();
    Ok(EffectivePermissions {
        organization: grants(&Membership::org(member.role), Scope::Organization),
        member,
        workspaces,
    })
}
