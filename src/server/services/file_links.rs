//! Download links to a dataset that need no key, as Mistral's `files.get_signed_url` asks
//! for: whoever may download the dataset makes one for 1 to 168 hours. The link itself is
//! the permission (256 random bits; only its hash is kept), and it ends early when the
//! dataset is deleted.

use crate::domain::Error;
use crate::domain::permissions::Action;
use crate::server::authz::WorkspaceActor;
use crate::server::config::Config;
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::ids::{new_secret, secret_hash};
use crate::server::repo::files::{self, FileRow};
use crate::server::services::datasets;

/// The longest a link lasts, in hours (a week).
pub const MAX_HOURS: i64 = 168;
const HOUR_MS: i64 = 3_600_000;

/// A new link's token to the workspace's dataset `file_id`, valid for `hours`.
pub async fn create(
    db: &Db,
    ws: &WorkspaceActor,
    file_id: &str,
    hours: i64,
) -> Result<String, Error> {
    ws.require(Action::UseWorkspace)?;
    if !(1..=MAX_HOURS).contains(&hours) {
        return Err(Error::invalid(
            "expiry",
            format!("Use a whole number of hours from 1 to {MAX_HOURS}."),
        ));
    }
    let file = datasets::find(db, &ws.workspace.id, file_id).await?;
    let (token, hash) = new_secret();
    let now = db.now();
    let mut conn = db.pool.acquire().await.or_internal("making a file link")?;
    files::insert_link(&mut conn, &hash, &file, now, now + hours * HOUR_MS)
        .await
        .or_internal("making a file link")?;
    Ok(token)
}

/// The dataset a link leads to and its content, while the link lasts; "not found" for
/// a link that never was, has expired, or whose dataset was deleted.
pub async fn open(
    db: &Db,
    config: &Config,
    token: &str,
) -> Result<(FileRow, tokio::fs::File), Error> {
    if token.len() != 64 {
        return Err(Error::NotFound);
    }
    let file = files::find_by_link(&db.pool, &secret_hash(token), db.now())
        .await
        .or_internal("following a file link")?
        .ok_or(Error::NotFound)?;
    datasets::open(db, config, &file.workspace_id, &file.id).await
}
