//! What the console shell shows the signed-in user, and where they land after sign-in.

use crate::domain::Error;
use crate::domain::permissions::{Action, Membership, can};
use crate::domain::shell::{CurrentUser, OrgSummary, ShellData, WorkspaceSummary};
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::repo::{orgs, users, users::UserRow, workspaces};

fn org_summary(row: orgs::MemberOrgRow) -> Result<OrgSummary, Error> {
    Ok(OrgSummary {
        id: row.id,
        name: row.name,
        role: row.role,
    })
}

fn workspace_summary(row: workspaces::VisibleWorkspaceRow) -> WorkspaceSummary {
    WorkspaceSummary {
        id: row.id,
        name: row.name,
        is_default: row.is_default != 0,
        role: row.role,
    }
}

/// The organization's workspaces the user can see: all for organization Admins,
/// else those they belong to.
async fn visible_workspaces(
    db: &Db,
    org: &OrgSummary,
    user_id: &str,
) -> Result<Vec<WorkspaceSummary>, Error> {
    let all = can(&Membership::org(org.role), Action::ViewAllWorkspaces);
    let rows = workspaces::list_visible(&db.pool, &org.id, user_id, all)
        .await
        .or_internal("listing workspaces")?;
    Ok(rows.into_iter().map(workspace_summary).collect())
}

/// The shell of one console page. An organization or workspace the user cannot see
/// is `NotFound`, whether or not it exists. Remembers the location for next time.
pub async fn load(
    db: &Db,
    user: &UserRow,
    org_id: &str,
    workspace_id: Option<&str>,
) -> Result<ShellData, Error> {
    let orgs = orgs::list_for_user(&db.pool, &user.id)
        .await
        .or_internal("listing organizations")?
        .into_iter()
        .map(org_summary)
        .collect::<Result<Vec<_>, _>>()?;
    let org = orgs
        .iter()
        .find(|o| o.id == org_id)
        .cloned()
        .ok_or(Error::NotFound)?;
    let workspaces = visible_workspaces(db, &org, &user.id).await?;
    let workspace = match workspace_id {
        Some(id) => Some(
            workspaces
                .iter()
                .find(|w| w.id == id)
                .cloned()
                .ok_or(Error::NotFound)?,
        ),
        None => None,
    };
    let moved = user.last_org_id.as_deref() != Some(org_id)
        || (workspace_id.is_some() && user.last_workspace_id.as_deref() != workspace_id);
    if moved {
        let ws = workspace_id.or(user
            .last_workspace_id
            .as_deref()
            .filter(|_| user.last_org_id.as_deref() == Some(org_id)));
        users::set_last_location(&db.pool, &user.id, org_id, ws)
            .await
            .or_internal("remembering the location")?;
    }
    let spend_cap_reached = match &workspace {
        Some(ws) => super::limits::standing(db, &ws.id, org_id)
            .await?
            .map(|reached| reached.banner()),
        None => None,
    };
    let invitations_waiting = super::joining::answers_waiting(db, user).await?;
    Ok(ShellData {
        spend_cap_reached,
        invitations_waiting,
        user: CurrentUser {
            id: user.id.clone(),
            name: user.name.clone(),
            email: user.email.clone(),
            email_verified: user.email_verified_at.is_some(),
        },
        orgs,
        org,
        workspaces,
        workspace,
    })
}

/// Where a signed-in user lands: the organization and workspace they used last when
/// they still can see them, else their first organization's first workspace.
/// `None` when they belong to no organization at all.
pub async fn landing_path(db: &Db, user: &UserRow) -> Result<Option<String>, Error> {
    let orgs = orgs::list_for_user(&db.pool, &user.id)
        .await
        .or_internal("listing organizations")?
        .into_iter()
        .map(org_summary)
        .collect::<Result<Vec<_>, _>>()?;
    let Some(org) = user
        .last_org_id
        .as_deref()
        .and_then(|last| orgs.iter().find(|o| o.id == last))
        .or(orgs.first())
    else {
        return Ok(None);
    };
    let workspaces = visible_workspaces(db, org, &user.id).await?;
    let workspace = user
        .last_workspace_id
        .as_deref()
        .and_then(|last| workspaces.iter().find(|w| w.id == last))
        .or(workspaces.first());
    Ok(Some(match workspace {
        Some(ws) => crate::domain::paths::workspace_home(&org.id, &ws.id),
        None => crate::domain::paths::org_home(&org.id),
    }))
}
