//! Download links to a dataset that need no key, as Mistral's `files.get_signed_url` asks
//! for: a key that may download the dataset makes one for 1 to 168 hours. The link holds
//! the rights of the key that made it, as they are when it is followed: it ends when the
//! key is revoked or expires, when the key's creator leaves, when the workspace is
//! archived, when the dataset is deleted, or at its own expiry. Its token (256 random bits)
//! is stored only as a hash.

use crate::domain::Error;
use crate::domain::permissions::Action;
use crate::server::authz::{KeyRefused, WorkspaceActor};
use crate::server::config::Config;
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::ids::{new_secret, secret_hash};
use crate::server::repo::api_keys;
use crate::server::repo::files::{self, FileRow, LinkRow};
use crate::server::services::datasets;

/// The longest a link lasts, in hours (a week).
pub const MAX_HOURS: i64 = 168;
/// The most links a workspace may have that have not expired: a key that asks in a loop
/// cannot fill the database.
pub const MAX_LIVE_LINKS: i64 = 1_000;
const HOUR_MS: i64 = 3_600_000;

/// A new link's token to the workspace's dataset `file_id`, valid for `hours`; only a key
/// makes one (the link lives as long as the key works).
pub async fn create(
    db: &Db,
    ws: &WorkspaceActor,
    file_id: &str,
    hours: i64,
) -> Result<String, Error> {
    ws.require(Action::UseWorkspace)?;
    let key_id = ws.key_id.clone().ok_or(Error::Forbidden)?;
    if !(1..=MAX_HOURS).contains(&hours) {
        return Err(Error::invalid(
            "expiry",
            format!("Use a whole number of hours from 1 to {MAX_HOURS}."),
        ));
    }
    let file = datasets::find(db, &ws.workspace.id, file_id).await?;
    let link = LinkRow {
        file_id: file.id,
        key_id,
        workspace_id: file.workspace_id,
    };
    let (token, hash) = new_secret();
    let now = db.now();
    let mut tx = db.pool.begin().await.or_internal("making a file link")?;
    let live = files::insert_link(&mut tx, &hash, &link, now, now + hours * HOUR_MS)
        .await
        .or_internal("making a file link")?;
    if live > MAX_LIVE_LINKS {
        return Err(Error::LimitReached(format!(
            "This workspace has {MAX_LIVE_LINKS} download links that have not expired: \
             make more once some have."
        )));
    }
    tx.commit().await.or_internal("making a file link")?;
    Ok(token)
}

/// The dataset a link leads to and its content; "not found" for a link that never was,
/// has expired, or whose key, workspace or dataset no longer allows it.
pub async fn open(
    db: &Db,
    config: &Config,
    token: &str,
) -> Result<(FileRow, tokio::fs::File), Error> {
    if token.len() != 64 {
        return Err(Error::NotFound);
    }
    let now = db.now();
    let link = files::find_link(&db.pool, &secret_hash(token), now)
        .await
        .or_internal("following a file link")?
        .ok_or(Error::NotFound)?;
    let key_hash = api_keys::secret_hash_of(&db.pool, &link.key_id)
        .await
        .or_internal("following a file link")?
        .ok_or(Error::NotFound)?;
    let ws = match WorkspaceActor::for_key(db, &key_hash, now).await {
        Ok(ws) => ws,
        Err(KeyRefused::Failed(e)) => return Err(e),
        Err(KeyRefused::Invalid | KeyRefused::OwnerNotMember) => return Err(Error::NotFound),
    };
    ws.require(Action::UseWorkspace)
        .map_err(|_| Error::NotFound)?;
    datasets::open(db, config, &ws.workspace.id, &link.file_id).await
}
