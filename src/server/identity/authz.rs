//! Who the actor is inside an organization (and workspace), resolved from the database,
//! and the one way services ask the permission matrix (`domain::permissions::allows`).
//! A person and an API key resolve to the same `WorkspaceActor`: a key acts with its
//! creator's rights as they are at the time of the request. The trainer and the system
//! are `Actor::Trainer` and `Actor::System`.
//! Outsiders get `NotFound` for everything of an organization, never `Forbidden`.

use crate::domain::Error;
use crate::domain::permissions::{Action, Actor, Membership, allows, can};
use crate::domain::roles::{OrgRole, WorkspaceRole};
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::repo::{api_keys, memberships, workspaces, workspaces::WorkspaceRow};
use crate::server::services::Creator;

/// A signed-in user acting in one organization they belong to.
#[derive(Debug, Clone)]
pub struct OrgActor {
    pub user_id: String,
    pub org_id: String,
    pub org_role: OrgRole,
}

/// An `OrgActor` acting in one workspace of that organization, in person or through
/// one of the workspace's API keys.
#[derive(Debug, Clone)]
pub struct WorkspaceActor {
    pub org: OrgActor,
    pub workspace: WorkspaceRow,
    /// Their own role in the workspace, if they are a member.
    pub workspace_role: Option<WorkspaceRole>,
    /// The API key the request came with; `None` in the console.
    pub key_id: Option<String>,
}

impl OrgActor {
    /// Resolves the user's membership; `NotFound` when they are not a member
    /// (or the organization does not exist: the two look the same).
    pub async fn resolve(db: &Db, user_id: &str, org_id: &str) -> Result<OrgActor, Error> {
        let org_role = memberships::org_role(&db.pool, org_id, user_id)
            .await
            .or_internal("resolving an organization membership")?
            .ok_or(Error::NotFound)?;
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

    /// Reads the actor's role again on `conn`, inside a transaction that holds the
    /// organization's lock, and requires `action`: a demotion or removal that landed while
    /// this request waited for the lock is seen (no longer a member: `NotFound`).
    pub async fn require_locked(
        &self,
        conn: &mut sqlx::AnyConnection,
        action: Action,
    ) -> Result<(), Error> {
        let role = memberships::org_role(&mut *conn, &self.org_id, &self.user_id)
            .await
            .or_internal("re-reading an organization role")?
            .ok_or(Error::NotFound)?;
        allow(&Membership::org(role), action)
    }

    /// Begins a transaction holding the organization's lock, in which the actor may still
    /// do `action` (`require_locked`): the start of every change that must see a demotion,
    /// a removal or another change of the organization that landed while it waited.
    /// `starting` says what the transaction is for, in the log if it cannot begin.
    pub async fn begin_locked(
        &self,
        db: &Db,
        action: Action,
        starting: &str,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, Error> {
        let mut tx = self.begin_in_org(db, starting).await?;
        self.require_locked(&mut tx, action).await?;
        Ok(tx)
    }

    /// Begins a transaction whose first write takes the organization's lock (SQLite's
    /// write lock, PostgreSQL's row lock): what the change reads next (an old value for
    /// its audit entry, a count) is not overtaken by another change of the organization.
    pub async fn begin_in_org(
        &self,
        db: &Db,
        starting: &str,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, Error> {
        let mut tx = db.pool.begin().await.or_internal(starting)?;
        crate::server::repo::orgs::lock(&mut *tx, &self.org_id)
            .await
            .or_internal("locking the organization")?;
        Ok(tx)
    }

    /// Resolves a workspace of this organization. A workspace of another organization,
    /// or one the actor may not see, is `NotFound`.
    pub async fn in_workspace(&self, db: &Db, workspace_id: &str) -> Result<WorkspaceActor, Error> {
        let workspace = workspaces::find_in_org(&db.pool, &self.org_id, workspace_id)
            .await
            .or_internal("loading a workspace")?
            .ok_or(Error::NotFound)?;
        let workspace_role = memberships::workspace_role(&db.pool, workspace_id, &self.user_id)
            .await
            .or_internal("resolving a workspace membership")?;
        let actor = WorkspaceActor {
            org: self.clone(),
            workspace,
            workspace_role,
            key_id: None,
        };
        let m = actor.membership();
        if can(&m, Action::UseWorkspace) || can(&m, Action::ViewAllWorkspaces) {
            Ok(actor)
        } else {
            Err(Error::NotFound)
        }
    }
}

/// Why a key that exists does not work.
#[derive(Debug)]
pub enum KeyRefused {
    /// Unknown, revoked, expired, or of an archived workspace.
    Invalid,
    /// Its creator is no longer a member who may use the workspace.
    OwnerNotMember,
    Failed(Error),
}

impl WorkspaceActor {
    /// The actor behind a `/v1` request: the key with this secret hash, acting with its
    /// creator's current membership of the key's workspace.
    pub async fn for_key(db: &Db, secret_hash: &str, now: i64) -> Result<Self, KeyRefused> {
        let failed = |e: Error| KeyRefused::Failed(e);
        let grant = api_keys::find_working(&db.pool, secret_hash, now)
            .await
            .or_internal("checking an API key")
            .map_err(failed)?
            .ok_or(KeyRefused::Invalid)?;
        if grant.revoked_at.is_some() {
            return Err(
                if grant.revoked_reason.as_deref() == Some(api_keys::OWNER_REMOVED) {
                    KeyRefused::OwnerNotMember
                } else {
                    KeyRefused::Invalid
                },
            );
        }
        let (Some(user_id), Some(org_role)) = (grant.created_by, grant.org_role) else {
            return Err(KeyRefused::OwnerNotMember);
        };
        // The query returns only keys of workspaces that are not archived.
        let workspace = WorkspaceRow {
            id: grant.workspace_id,
            org_id: grant.org_id.clone(),
            name: grant.workspace_name,
            is_default: grant.workspace_is_default,
            archived_at: None,
            created_at: grant.workspace_created_at,
        };
        let actor = WorkspaceActor {
            org: OrgActor {
                user_id,
                org_id: grant.org_id,
                org_role,
            },
            workspace,
            workspace_role: grant.workspace_role,
            key_id: Some(grant.key_id),
        };
        if allows(&actor.actor(), Action::UseWorkspace) {
            Ok(actor)
        } else {
            Err(KeyRefused::OwnerNotMember)
        }
    }

    /// The same actor as the database says now: its roles and the workspace read again
    /// (`NotFound` when it may no longer use the workspace).
    pub async fn refreshed(&self, db: &Db) -> Result<WorkspaceActor, Error> {
        let org = OrgActor::resolve(db, &self.org.user_id, &self.org.org_id).await?;
        let mut now = org.in_workspace(db, &self.workspace.id).await?;
        now.key_id = self.key_id.clone();
        if allows(&now.actor(), Action::UseWorkspace) {
            Ok(now)
        } else {
            Err(Error::NotFound)
        }
    }

    pub fn membership(&self) -> Membership {
        Membership::in_workspace(self.org.org_role, self.workspace_role)
            .archived(self.workspace.archived_at.is_some())
    }

    /// The person in the console, or their key.
    pub fn actor(&self) -> Actor {
        match self.key_id {
            Some(_) => Actor::ApiKey(self.membership()),
            None => Actor::Person(self.membership()),
        }
    }

    /// Who a resource created now is recorded as created by.
    pub fn creator(&self) -> Creator<'_> {
        match &self.key_id {
            Some(key) => Creator::Key(key),
            None => Creator::User(&self.org.user_id),
        }
    }

    /// Unless the matrix allows `action` here: `Forbidden`, or a conflict that says the
    /// workspace is archived when that is why.
    pub fn require(&self, action: Action) -> Result<(), Error> {
        if allows(&self.actor(), action) {
            Ok(())
        } else if self.workspace.archived_at.is_some() && action.changes_workspace() {
            Err(crate::server::services::fine_tuning::archived())
        } else {
            Err(Error::Forbidden)
        }
    }
}

/// `Forbidden` unless `actor` may do `action`.
pub fn require_actor(actor: &Actor, action: Action) -> Result<(), Error> {
    if allows(actor, action) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

fn allow(m: &Membership, action: Action) -> Result<(), Error> {
    require_actor(&Actor::Person(*m), action)
}
