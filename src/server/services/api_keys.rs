//! Workspace API keys: create (the secret is shown once and only its hash kept),
//! list, revoke. Admins and Contributors create keys; a Contributor revokes their own
//! keys, an Admin any key of the workspace.

use crate::domain::api_keys::{ApiKeyView, ApiKeysPage, CreatedKey, KeyStatus, parse_expiry};
use crate::domain::audit::AuditAction;
use crate::domain::keyset::PageAt;
use crate::domain::permissions::Action;
use crate::domain::{Error, validation};
use crate::server::authz::OrgActor;
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::ids::new_id;
use crate::server::repo::api_keys::{self, ApiKeyRow};
use crate::server::services::audit::{self, Change, Target};
use crate::server::services::console_pages::read_page;
use rand::RngCore;
use serde_json::json;

pub use crate::server::ids::secret_hash;

fn view(row: ApiKeyRow, now: i64) -> ApiKeyView {
    ApiKeyView {
        status: KeyStatus::at(row.revoked_at, row.expires_at, now),
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        created_by: row.creator_name,
        created_by_id: row.created_by,
        created_at: row.created_at,
        last_used_at: row.last_used_at,
        expires_at: row.expires_at,
    }
}

/// A page of the workspace's keys, newest first, from where `at` says.
pub async fn list(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
    at: &PageAt,
) -> Result<ApiKeysPage, Error> {
    let ws = actor.in_workspace(db, workspace_id).await?;
    ws.require(Action::UseWorkspace)?;
    let now = db.now();
    let ws_id = &ws.workspace.id;
    let (rows, neighbours) = read_page(
        at,
        "listing API keys",
        |at, limit| async move { api_keys::list(&db.pool, ws_id, &at, limit).await },
        |k| k.id.clone(),
    )
    .await?;
    Ok(ApiKeysPage {
        keys: rows.into_iter().map(|r| view(r, now)).collect(),
        neighbours,
    })
}

pub async fn create(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
    name: &str,
    expiry: &str,
    expires_on: Option<&str>,
) -> Result<CreatedKey, Error> {
    let ws = actor.in_workspace(db, workspace_id).await?;
    // The matrix refuses it in an archived workspace, saying so.
    ws.require(Action::CreateApiKey)?;
    let now = db.now();
    let name = validation::entity_name("name", name);
    let expires_at = parse_expiry(expiry, expires_on, now).map_err(|m| Error::invalid("expiry", m));
    Error::all_valid([name.as_ref().err(), expires_at.as_ref().err()])?;
    let (name, expires_at) = (name?, expires_at?);
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = format!("sk-{}", hex::encode(bytes));
    let prefix = secret[..11].to_owned();
    let id = new_id("key");
    let mut tx = db.pool.begin().await.or_internal("creating an API key")?;
    api_keys::insert(
        &mut *tx,
        &id,
        workspace_id,
        &name,
        &prefix,
        &secret_hash(&secret),
        &actor.user_id,
        now,
        expires_at,
    )
    .await
    .or_internal("inserting an API key")?;
    // The key's prefix identifies it; its secret never enters the log.
    let change = Change::new(
        AuditAction::ApiKeyCreated,
        Target::named("api_key", &id, &name),
    )
    .in_workspace(workspace_id)
    .after(json!({ "name": name, "prefix": prefix, "expires_at": expires_at }));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, now).await?;
    tx.commit().await.or_internal("creating an API key")?;
    let row = api_keys::find_in_workspace(&db.pool, workspace_id, &id)
        .await
        .or_internal("loading the new API key")?
        .ok_or(Error::NotFound)?;
    Ok(CreatedKey {
        key: view(row, now),
        secret,
    })
}

pub async fn revoke(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
    key_id: &str,
) -> Result<(), Error> {
    let ws = actor.in_workspace(db, workspace_id).await?;
    ws.require(Action::UseWorkspace)?;
    let key = api_keys::find_in_workspace(&db.pool, workspace_id, key_id)
        .await
        .or_internal("loading an API key")?
        .ok_or(Error::NotFound)?;
    let own = key.created_by.as_deref() == Some(actor.user_id.as_str());
    if !(ws.require(Action::RevokeAnyApiKey).is_ok()
        || (own && ws.require(Action::RevokeOwnApiKey).is_ok()))
    {
        return Err(Error::Forbidden);
    }
    let mut tx = db.pool.begin().await.or_internal("revoking an API key")?;
    let revoked = api_keys::revoke(&mut *tx, key_id, db.now())
        .await
        .or_internal("revoking an API key")?;
    if !revoked {
        // Revoked already: nothing changed, nothing to record.
        return Ok(());
    }
    let change = Change::new(
        AuditAction::ApiKeyRevoked,
        Target::named("api_key", key_id, &key.name),
    )
    .in_workspace(workspace_id);
    audit::record(&mut tx, &actor.org_id, actor.into(), change, db.now()).await?;
    tx.commit().await.or_internal("revoking an API key")
}
