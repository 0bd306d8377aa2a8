//! Who the actor is inside an organization (and workspace), resolved from the database,
//! and the one way services ask the permission matrix.
//! Outsiders get `NotFound` for everything of an organization, never `Forbidden`.

use super::db::Db;
use super::error::{OrInternal, internal};
use super::repo::{memberships, workspaces, workspaces::WorkspaceRow};
use crate::domain::Error;
use crate::domain::permissions::{Action, Membership, can};
use crate::domain::roles::{OrgRole, WorkspaceRole};

/// A signed-in user acting in one organization they belong to.
#[derive(Debug, Clone)]
pub struct OrgActor {
    pub user_id: String,
    pub org_id: String,
    pub org_role: OrgRole,
}

/// An `OrgActor` acting in one workspace of that organization.
#[derive(Debug, Clone)]
pub struct WorkspaceActor {
    pub org: OrgActor,
    pub workspace: WorkspaceRow,
    /// Their own role in the workspace, if they are a member.
    pub workspace_role: Option<WorkspaceRole>,
}

impl OrgActor {
    /// Resolves the user's membership; `NotFound` when they are not a member
    /// (or the organization does not exist: the two look the same).
    pub async fn resolve(db: &Db, user_id: &str, org_id: &str) -> Result<OrgActor, Error> {
        let role = memberships::org_role(&db.pool, org_id, user_id)
            .await
            .or_internal("resolving an organization membership")?
            .ok_or(Error::NotFound)?;
        let org_role =
            OrgRole::parse(&role).ok_or_else(|| internal("parsing an org role", &role))?;
        Ok(OrgActor {
            user_id: user_id.to_owned(),
            org_id: org_id.to_owned(),
            org_role,
        })
    }

    pub fn membership(&self) -> Membership {
        Membership::org(self.org_role)
    }

    /// `Forbidden` unless the matrix allows `action` in the organization.
    pub fn require(&self, action: Action) -> Result<(), Error> {
        allow(&self.membership(), action)
    }

    /// Resolves a workspace of this organization. A workspace of another organization,
    /// or one the actor may not see, is `NotFound`.
    pub async fn in_workspace(&self, db: &Db, workspace_id: &str) -> Result<WorkspaceActor, Error> {
        let workspace = workspaces::find_in_org(&db.pool, &self.org_id, workspace_id)
            .await
            .or_internal("loading a workspace")?
            .ok_or(Error::NotFound)?;
        let role = memberships::workspace_role(&db.pool, workspace_id, &self.user_id)
            .await
            .or_internal("resolving a workspace membership")?;
        let workspace_role = role.as_deref().and_then(WorkspaceRole::parse);
        let actor = WorkspaceActor {
            org: self.clone(),
            workspace,
            workspace_role,
        };
        let m = actor.membership();
        if can(&m, Action::UseWorkspace) || can(&m, Action::ViewAllWorkspaces) {
            Ok(actor)
        } else {
            Err(Error::NotFound)
        }
    }
}

impl WorkspaceActor {
    pub fn membership(&self) -> Membership {
        Membership::in_workspace(self.org.org_role, self.workspace_role)
    }

    /// `Forbidden` unless the matrix allows `action` in this workspace.
    pub fn require(&self, action: Action) -> Result<(), Error> {
        allow(&self.membership(), action)
    }
}

fn allow(m: &Membership, action: Action) -> Result<(), Error> {
    if can(m, action) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}
