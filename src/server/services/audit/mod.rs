//! The audit log. Every change a service makes calls `record` inside the transaction that
//! makes it, as its last step: the entry commits with the change or not at all. Who did it
//! comes from the service's actor; from where (client address, user agent, request id)
//! from the request being served (`server::http::request_context`).

mod chain;
mod log;
mod seal;

pub use chain::{Verified, check_keys_cover_heads, seal_unsealed_heads, verify, verify_with};
pub use log::{ExportFormat, export, page, prune_expired};
pub use seal::{AuditKeys, use_keys};

use crate::domain::Error;
use crate::domain::audit::{ActorKind, AuditAction, bounded, bounded_fields};
use crate::server::authz::{OrgActor, WorkspaceActor};
use crate::server::error::OrInternal;
use crate::server::http::request_context;
use crate::server::repo::audit::{self as repo, StoredEntry};
use serde_json::Value;
use sqlx::AnyConnection;

/// Who made a change, as the service knows them.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Person(&'a str),
    Key(&'a str),
    Trainer,
    Operator,
    System,
    /// Another service of the platform, by name ("Payment provider"): the console's own
    /// kind of actor, named as that service.
    Service(&'static str),
}

impl<'a> From<&'a OrgActor> for By<'a> {
    fn from(actor: &'a OrgActor) -> Self {
        By::Person(&actor.user_id)
    }
}

impl<'a> From<&'a WorkspaceActor> for By<'a> {
    fn from(actor: &'a WorkspaceActor) -> Self {
        match &actor.key_id {
            Some(key) => By::Key(key),
            None => By::Person(&actor.org.user_id),
        }
    }
}

impl<'a> From<crate::server::services::Creator<'a>> for By<'a> {
    fn from(creator: crate::server::services::Creator<'a>) -> Self {
        match creator {
            crate::server::services::Creator::Key(key) => By::Key(key),
            crate::server::services::Creator::User(user) => By::Person(user),
        }
    }
}

/// What a change touched: a kind ("member", "workspace", "api_key", "invitation",
/// "domain", "organization", "subscription", "dataset", "job", "model"), its id, and its
/// name as people know it (looked up by `record` for the kinds it knows when not given).
#[derive(Debug, Clone)]
pub struct Target {
    pub kind: &'static str,
    pub id: String,
    pub label: Option<String>,
}

impl Target {
    pub fn new(kind: &'static str, id: impl Into<String>) -> Self {
        Target {
            kind,
            id: id.into(),
            label: None,
        }
    }

    pub fn named(kind: &'static str, id: impl Into<String>, label: impl Into<String>) -> Self {
        Target {
            kind,
            id: id.into(),
            label: Some(label.into()),
        }
    }
}

/// One change: what it was, to what, in which workspace, and the fields it changed.
#[derive(Debug, Clone)]
pub struct Change {
    action: AuditAction,
    target: Target,
    workspace_id: Option<String>,
    before: Option<Value>,
    after: Option<Value>,
}

impl Change {
    pub fn new(action: AuditAction, target: Target) -> Self {
        Change {
            action,
            target,
            workspace_id: None,
            before: None,
            after: None,
        }
    }

    pub fn in_workspace(mut self, workspace_id: &str) -> Self {
        self.workspace_id = Some(workspace_id.to_owned());
        self
    }

    /// The changed fields as they were (a JSON object; never a secret).
    pub fn before(mut self, fields: Value) -> Self {
        self.before = Some(fields);
        self
    }

    /// The changed fields as they are now (a JSON object; never a secret).
    pub fn after(mut self, fields: Value) -> Self {
        self.after = Some(fields);
        self
    }
}

/// Writes the entry for `change`, made by `by` in `org_id`, on the transaction making it.
pub async fn record(
    conn: &mut AnyConnection,
    org_id: &str,
    by: By<'_>,
    change: Change,
    now: i64,
) -> Result<(), Error> {
    record_all(conn, org_id, by, vec![change], now).await
}

/// Records changes one actor made in one transaction (a batch of invitations), in order:
/// the actor is named once and the chain's head read and moved once, not per entry.
pub async fn record_all(
    conn: &mut AnyConnection,
    org_id: &str,
    by: By<'_>,
    changes: Vec<Change>,
    now: i64,
) -> Result<(), Error> {
    if changes.is_empty() {
        return Ok(());
    }
    let (actor_kind, actor_id) = match by {
        By::Person(id) => (ActorKind::Person, Some(id)),
        By::Key(id) => (ActorKind::ApiKey, Some(id)),
        By::Trainer => (ActorKind::Trainer, None),
        By::Operator => (ActorKind::Operator, None),
        By::System | By::Service(_) => (ActorKind::System, None),
    };
    let actor_label = match by {
        By::Person(id) => label_of(conn, "member", id).await?,
        By::Key(id) => label_of(conn, "api_key", id).await?,
        By::Service(name) => Some(name.to_owned()),
        _ => None,
    }
    .unwrap_or_else(|| actor_kind.label().to_owned());
    // Where a person or a key called from; the trainer's and the console's own addresses
    // are the platform's, not something an organization's admins need to see.
    let request = match by {
        By::Person(_) | By::Key(_) => request_context::current(),
        _ => None,
    };
    let json = |v: Option<Value>| v.map(|v| bounded_fields(v).to_string());
    // Everything read before the chain's head is taken: the head stays locked for as
    // short a time as it can, and a failed read leaves it untouched.
    let mut entries = Vec::with_capacity(changes.len());
    for change in changes {
        let target_label = match change.target.label {
            Some(label) => label,
            None => label_of(conn, change.target.kind, &change.target.id)
                .await?
                .unwrap_or_default(),
        };
        entries.push(StoredEntry {
            org_id: org_id.to_owned(),
            seq: 0,
            at: 0,
            actor_kind: actor_kind.as_str().to_owned(),
            actor_id: actor_id.map(str::to_owned),
            actor_label: bounded(&actor_label),
            action: change.action.code().to_owned(),
            target_kind: change.target.kind.to_owned(),
            target_id: change.target.id,
            target_label: bounded(&target_label),
            workspace_id: change.workspace_id,
            before_json: json(change.before),
            after_json: json(change.after),
            client_ip: request.as_ref().and_then(|r| r.client_ip.clone()),
            user_agent: request.as_ref().and_then(|r| r.user_agent.clone()),
            request_id: request.as_ref().map(|r| r.request_id.clone()),
            prev_hash: String::new(),
        });
    }
    let link = repo::take_links(conn, org_id, now, entries.len() as i64)
        .await
        .or_internal("taking the audit chain's head")?;
    let mut prev_hash = link.prev_hash;
    for (seq, mut entry) in (link.seq..).zip(entries) {
        entry.seq = seq;
        entry.at = link.at;
        entry.prev_hash = prev_hash;
        let hash = chain::link_hash(&entry);
        repo::insert_entry(conn, &entry, &hash)
            .await
            .or_internal("writing an audit entry")?;
        prev_hash = hash;
    }
    repo::move_head(conn, org_id, &prev_hash)
        .await
        .or_internal("moving the audit chain's head")
}

/// The name people know an object by (`Target::new` kinds), read on `conn`: for a
/// target about to go, read before it goes.
pub async fn label_of(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
) -> Result<Option<String>, Error> {
    repo::label_of(conn, kind, id)
        .await
        .or_internal("naming an audit entry's target")
}
