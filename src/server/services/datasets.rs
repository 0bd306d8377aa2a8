//! Fine-tuning datasets of a workspace, uploaded through `/v1/files` or the console.
//! Uploads are streamed to the data directory chunk by chunk and checked line by line as
//! they arrive, so a file is never held whole in memory; a bad file leaves nothing behind.

use crate::domain::Error;
use crate::domain::audit::AuditAction;
use crate::domain::datasets::check_line;
use crate::server::config::Config;
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::ids::{new_id, new_listed_id};
use crate::server::repo::files::{self, FileRow};
use crate::server::services::Creator;
use crate::server::services::audit::{self, By, Change, Target};
use serde_json::json;
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;

/// Why an upload was refused.
#[derive(Debug)]
pub enum UploadError {
    /// The file's content is wrong; the message names the line.
    Invalid(String),
    /// Larger than `MAX_UPLOAD_BYTES` (the limit).
    TooLarge(u64),
    Failed(Error),
}

impl From<Error> for UploadError {
    fn from(e: Error) -> Self {
        UploadError::Failed(e)
    }
}

/// File names are shown in lists and downloads: keep them short.
const MAX_FILENAME_CHARS: usize = 200;
/// Datasets' ids: `file-` and a listed id (see `ids::new_listed_id`).
pub const FILE_ID_PREFIX: &str = "file-";

pub fn stored_path(config: &Config, workspace_id: &str, file_id: &str) -> PathBuf {
    config
        .data_dir
        .join("files")
        .join(workspace_id)
        .join(format!("{file_id}.jsonl"))
}

/// A file being received: removed on drop unless kept.
struct Partial {
    path: PathBuf,
    keep: bool,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A checked upload, in a temporary file until `store` keeps it.
pub struct Received {
    partial: Partial,
    pub filename: String,
    pub bytes: i64,
    pub lines: i64,
}

/// Lines being checked: the bytes after the last complete line, and how far they have
/// been searched for a newline, so each byte is looked at once however a line is split
/// across chunks.
struct Lines {
    pending: Vec<u8>,
    searched: usize,
    line_no: usize,
    examples: i64,
    max_line: usize,
}

impl Lines {
    /// Checks each complete line of `pending` (JSON parsing is CPU work: the caller runs
    /// this off the async threads) and keeps the unfinished rest.
    fn check_complete(&mut self) -> Result<(), UploadError> {
        let mut start = 0;
        let mut from = self.searched;
        while let Some(offset) = self.pending[from..].iter().position(|b| *b == b'\n') {
            let end = from + offset;
            self.check(start, end)?;
            start = end + 1;
            from = start;
        }
        self.pending.drain(..start);
        self.unfinished_line_searched()
    }

    /// All of `pending` is the unfinished line, searched: only its length needs a check.
    fn unfinished_line_searched(&mut self) -> Result<(), UploadError> {
        self.searched = self.pending.len();
        if self.pending.len() > self.max_line {
            return Err(self.too_long(self.line_no + 1));
        }
        Ok(())
    }

    fn check(&mut self, start: usize, end: usize) -> Result<(), UploadError> {
        self.line_no += 1;
        if end - start > self.max_line {
            return Err(self.too_long(self.line_no));
        }
        let text = std::str::from_utf8(&self.pending[start..end])
            .map_err(|_| UploadError::Invalid(format!("Line {}: not UTF-8 text.", self.line_no)))?;
        check_line(self.line_no, text).map_err(UploadError::Invalid)?;
        if !text.trim().is_empty() {
            self.examples += 1;
        }
        Ok(())
    }

    fn too_long(&self, line_no: usize) -> UploadError {
        UploadError::Invalid(format!(
            "Line {line_no}: longer than the limit of {} bytes (MAX_LINE_BYTES).",
            self.max_line
        ))
    }

    /// The last line, if the file does not end with a newline.
    fn finish(&mut self) -> Result<(), UploadError> {
        if !self.pending.is_empty() {
            let end = self.pending.len();
            self.check(0, end)?;
        }
        Ok(())
    }
}

/// Runs line checks on the blocking pool and gives the buffer back.
async fn off_the_async_threads(
    mut lines: Lines,
    work: fn(&mut Lines) -> Result<(), UploadError>,
) -> Result<Lines, UploadError> {
    tokio::task::spawn_blocking(move || work(&mut lines).map(|_| lines))
        .await
        .or_internal("checking an upload")?
}

/// An upload as it arrives: its name and its bytes, chunk by chunk (a multipart field
/// is one), so this service needs no HTTP type.
pub struct Upload<S> {
    pub filename: Option<String>,
    pub chunks: S,
}

/// Streams an upload to a temporary file, checking each line.
pub async fn receive<S, E>(
    config: &Config,
    workspace_id: &str,
    upload: Upload<S>,
) -> Result<Received, UploadError>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    use futures_util::StreamExt;
    let Upload {
        filename,
        chunks: mut field,
    } = upload;
    let dir = config.data_dir.join("files").join(workspace_id);
    tokio::fs::create_dir_all(&dir)
        .await
        .or_internal("creating the files folder")?;
    let filename = filename
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or("dataset.jsonl")
        .chars()
        .take(MAX_FILENAME_CHARS)
        .collect::<String>();
    let partial = Partial {
        path: dir.join(format!(".upload-{}", new_id("tmp"))),
        keep: false,
    };
    let mut out = tokio::fs::File::create(&partial.path)
        .await
        .or_internal("creating an upload")?;
    let limit = config.max_upload_bytes;
    let mut bytes = 0u64;
    let mut lines = Lines {
        pending: Vec::new(),
        searched: 0,
        line_no: 0,
        examples: 0,
        max_line: config.max_line_bytes as usize,
    };
    while let Some(chunk) = field
        .next()
        .await
        .transpose()
        .map_err(|e| UploadError::Invalid(format!("The upload was interrupted: {e}")))?
    {
        bytes += chunk.len() as u64;
        if bytes > limit {
            return Err(UploadError::TooLarge(limit));
        }
        out.write_all(&chunk)
            .await
            .or_internal("writing an upload")?;
        lines.pending.extend_from_slice(&chunk);
        if chunk.contains(&b'\n') {
            lines = off_the_async_threads(lines, Lines::check_complete).await?;
        } else {
            // No newline in this chunk: the line grows.
            lines.unfinished_line_searched()?;
        }
    }
    let lines = off_the_async_threads(lines, Lines::finish).await?;
    if lines.examples == 0 {
        return Err(UploadError::Invalid(
            "The file has no training example.".into(),
        ));
    }
    out.flush().await.or_internal("finishing an upload")?;
    // On disk before its row can be: a power cut must not leave a dataset with an empty file.
    out.sync_all().await.or_internal("finishing an upload")?;
    Ok(Received {
        partial,
        filename,
        bytes: bytes as i64,
        lines: lines.examples,
    })
}

/// Keeps a received upload as a dataset of the workspace.
pub async fn store(
    db: &Db,
    config: &Config,
    org_id: &str,
    workspace_id: &str,
    uploader: Creator<'_>,
    mut received: Received,
) -> Result<FileRow, Error> {
    let (created_by_key, created_by_user) = uploader.columns();
    let now = db.now();
    let row = FileRow {
        id: new_listed_id(FILE_ID_PREFIX, now),
        org_id: org_id.to_owned(),
        workspace_id: workspace_id.to_owned(),
        filename: received.filename.clone(),
        purpose: "fine-tune".into(),
        bytes: received.bytes,
        line_count: received.lines,
        created_by_key,
        created_by_user,
        created_at: now,
    };
    let target = stored_path(config, workspace_id, &row.id);
    tokio::fs::rename(&received.partial.path, &target)
        .await
        .or_internal("storing an upload")?;
    received.partial.path = target;
    // The rename itself, on disk before the row (a directory's entries are synced apart).
    if let Some(folder) = received.partial.path.parent() {
        let folder = tokio::fs::File::open(folder)
            .await
            .or_internal("storing an upload")?;
        folder.sync_all().await.or_internal("storing an upload")?;
    }
    let mut tx = db.pool.begin().await.or_internal("recording an upload")?;
    if !files::insert(&mut *tx, &row)
        .await
        .or_internal("recording an upload")?
    {
        // Archived while the file streamed in: the partial is removed on drop.
        return Err(super::fine_tuning::archived());
    }
    let change = Change::new(
        AuditAction::DatasetUploaded,
        Target::named("dataset", &row.id, &row.filename),
    )
    .in_workspace(workspace_id)
    .after(json!({ "bytes": row.bytes, "lines": row.line_count }));
    audit::record(&mut tx, org_id, uploader.into(), change, now).await?;
    // Kept from here on: a commit whose answer is lost may have landed, and a row without
    // its file is worse than a file without its row.
    received.partial.keep = true;
    tx.commit().await.or_internal("recording an upload")?;
    Ok(row)
}

/// The workspace's dataset; `NotFound` for any other.
pub async fn find(db: &Db, workspace_id: &str, id: &str) -> Result<FileRow, Error> {
    files::find(&db.pool, workspace_id, id)
        .await
        .or_internal("loading a file")?
        .ok_or(Error::NotFound)
}

/// The dataset and its content, to stream.
pub async fn open(
    db: &Db,
    config: &Config,
    workspace_id: &str,
    id: &str,
) -> Result<(FileRow, tokio::fs::File), Error> {
    let row = find(db, workspace_id, id).await?;
    let file = tokio::fs::File::open(stored_path(config, workspace_id, &row.id))
        .await
        .or_internal("opening a stored file")?;
    Ok((row, file))
}

/// Deletes a dataset of the workspace, `by` a person or a key of it.
pub async fn delete(
    db: &Db,
    config: &Config,
    workspace_id: &str,
    id: &str,
    by: By<'_>,
) -> Result<FileRow, Error> {
    let row = find(db, workspace_id, id).await?;
    let mut tx = db.pool.begin().await.or_internal("deleting a file")?;
    if !files::delete(&mut *tx, &row.id)
        .await
        .or_internal("deleting a file")?
    {
        // Deleted meanwhile by another request: that one recorded it.
        return Err(Error::NotFound);
    }
    let change = Change::new(
        AuditAction::DatasetDeleted,
        Target::named("dataset", &row.id, &row.filename),
    )
    .in_workspace(workspace_id);
    audit::record(&mut tx, &row.org_id, by, change, db.now()).await?;
    tx.commit().await.or_internal("deleting a file")?;
    let _ = tokio::fs::remove_file(stored_path(config, workspace_id, &row.id)).await;
    Ok(row)
}
