//! Removes what a crash leaves in `DATA_DIR/files`: an upload cut off mid-stream (its
//! `.upload-*` partial is removed on drop, which a killed process never reaches), a file
//! renamed into place whose row never committed, and a deleted dataset's file when the
//! process died between the commit and the removal. Only files untouched for
//! `SETTLED` are considered, so an upload in progress, here or in another console
//! process on the same folder, is never taken for debris; only the console's own names
//! (`.upload-*`, `file-*.jsonl`) in the folders of workspaces this database has, so a
//! data folder paired with another database loses nothing. Each removal is logged.

use crate::domain::Error;
use crate::server::config::Config;
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::repo::{files, workspaces};
use crate::server::services::datasets::FILE_ID_PREFIX;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long a file must have been left alone before a sweep may remove it: far longer
/// than an upload's write, rename and commit take.
pub const SETTLED: Duration = Duration::from_secs(3600);

/// Ids checked against the database at a time.
const BATCH: usize = 500;

/// What a sweep removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Uploads cut off before they were complete.
    pub partials: u64,
    /// Complete files that no dataset row names.
    pub orphans: u64,
}

/// Sweeps every workspace's folder; files modified after `now - settled` are kept.
pub async fn sweep(db: &Db, config: &Config, settled: Duration) -> Result<Swept, Error> {
    let root = config.data_dir.join("files");
    let cutoff = SystemTime::now() - settled;
    let mut swept = Swept::default();
    let mut workspaces = match tokio::fs::read_dir(&root).await {
        Ok(dir) => dir,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(swept),
        Err(e) => return Err(e).or_internal("listing the files folder"),
    };
    while let Some(folder) = workspaces
        .next_entry()
        .await
        .or_internal("listing the files folder")?
    {
        let Some(workspace_id) = folder.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if !folder.file_type().await.is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let known = workspaces::find_by_id(&db.pool, &workspace_id)
            .await
            .or_internal("checking a files folder's workspace")?
            .is_some();
        if !known {
            continue;
        }
        // One unreadable folder does not stop the sweep of the others.
        if let Err(e) = sweep_workspace(db, &folder.path(), &workspace_id, cutoff, &mut swept).await
        {
            tracing::warn!(error = %e, workspace = %workspace_id, "could not sweep a files folder");
        }
    }
    Ok(swept)
}

async fn sweep_workspace(
    db: &Db,
    dir: &Path,
    workspace_id: &str,
    cutoff: SystemTime,
    swept: &mut Swept,
) -> Result<(), Error> {
    let mut stored = Vec::new();
    let mut entries = tokio::fs::read_dir(dir)
        .await
        .or_internal("listing a workspace's files")?;
    while let Some(entry) = entries
        .next_entry()
        .await
        .or_internal("listing a workspace's files")?
    {
        let settled = entry
            .metadata()
            .await
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified < cutoff);
        let name = entry.file_name().to_string_lossy().into_owned();
        if !settled {
            continue;
        }
        if name.starts_with(".upload-") {
            if remove(&entry.path()).await {
                swept.partials += 1;
            }
        } else if let Some(id) = name
            .strip_suffix(".jsonl")
            .filter(|id| id.starts_with(FILE_ID_PREFIX))
        {
            stored.push(id.to_owned());
        }
    }
    for ids in stored.chunks(BATCH) {
        let known = files::existing_ids(&db.pool, workspace_id, ids)
            .await
            .or_internal("checking stored files against datasets")?;
        for id in ids.iter().filter(|id| !known.contains(id)) {
            if remove(&dir.join(format!("{id}.jsonl"))).await {
                swept.orphans += 1;
            }
        }
    }
    Ok(())
}

async fn remove(path: &Path) -> bool {
    match tokio::fs::remove_file(path).await {
        Ok(()) => {
            tracing::warn!(path = %path.display(), "removed a file an interrupted upload or deletion left");
            true
        }
        // Another process's sweep got there first.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => {
            tracing::warn!(error = %e, path = %path.display(), "could not remove a leftover file");
            false
        }
    }
}
