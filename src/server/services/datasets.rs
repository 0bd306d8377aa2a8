//! Fine-tuning datasets of a workspace, uploaded through `/v1/files` or the console.
//! Uploads are streamed to the data directory chunk by chunk and checked line by line as
//! they arrive, so a file is never held whole in memory; a bad file leaves nothing behind.

use crate::domain::Error;
use crate::domain::datasets::check_line;
use crate::server::config::Config;
use crate::server::db::{Db, now_ms};
use crate::server::error::OrInternal;
use crate::server::ids::new_id;
use crate::server::repo::files::{self, FileRow};
use crate::server::services::Creator;
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

/// Streams a multipart field to a temporary file, checking each line.
pub async fn receive(
    config: &Config,
    workspace_id: &str,
    mut field: axum::extract::multipart::Field<'_>,
) -> Result<Received, UploadError> {
    let dir = config.data_dir.join("files").join(workspace_id);
    tokio::fs::create_dir_all(&dir)
        .await
        .or_internal("creating the files folder")?;
    let filename = field
        .file_name()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or("dataset.jsonl")
        .to_owned();
    let partial = Partial {
        path: dir.join(format!(".upload-{}", new_id("tmp"))),
        keep: false,
    };
    let mut out = tokio::fs::File::create(&partial.path)
        .await
        .or_internal("creating an upload")?;
    let limit = config.max_upload_bytes;
    let (mut bytes, mut line_no, mut lines) = (0u64, 0usize, 0i64);
    let mut pending: Vec<u8> = Vec::new();
    let check = |line: &[u8], line_no: usize| -> Result<bool, UploadError> {
        let text = std::str::from_utf8(line)
            .map_err(|_| UploadError::Invalid(format!("Line {line_no}: not UTF-8 text.")))?;
        check_line(line_no, text).map_err(UploadError::Invalid)?;
        Ok(!text.trim().is_empty())
    };
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| UploadError::Invalid(format!("The upload was interrupted: {e}")))?
    {
        bytes += chunk.len() as u64;
        if bytes > limit {
            return Err(UploadError::TooLarge(limit));
        }
        out.write_all(&chunk)
            .await
            .or_internal("writing an upload")?;
        pending.extend_from_slice(&chunk);
        // Check every complete line, then drop them at once (draining per line would
        // move the rest of the buffer for each line).
        let mut start = 0;
        while let Some(offset) = pending[start..].iter().position(|b| *b == b'\n') {
            let end = start + offset;
            line_no += 1;
            if check(&pending[start..end], line_no)? {
                lines += 1;
            }
            start = end + 1;
        }
        pending.drain(..start);
    }
    if !pending.is_empty() {
        line_no += 1;
        if check(&pending, line_no)? {
            lines += 1;
        }
    }
    if lines == 0 {
        return Err(UploadError::Invalid(
            "The file has no training example.".into(),
        ));
    }
    out.flush().await.or_internal("finishing an upload")?;
    Ok(Received {
        partial,
        filename,
        bytes: bytes as i64,
        lines,
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
    let row = FileRow {
        id: format!("file-{}", &new_id("f")[2..]),
        org_id: org_id.to_owned(),
        workspace_id: workspace_id.to_owned(),
        filename: received.filename.clone(),
        purpose: "fine-tune".into(),
        bytes: received.bytes,
        line_count: received.lines,
        created_by_key,
        created_by_user,
        created_at: now_ms(),
    };
    let target = stored_path(config, workspace_id, &row.id);
    tokio::fs::rename(&received.partial.path, &target)
        .await
        .or_internal("storing an upload")?;
    received.partial.path = target;
    files::insert(&db.pool, &row)
        .await
        .or_internal("recording an upload")?;
    received.partial.keep = true;
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

pub async fn delete(
    db: &Db,
    config: &Config,
    workspace_id: &str,
    id: &str,
) -> Result<FileRow, Error> {
    let row = find(db, workspace_id, id).await?;
    files::delete(&db.pool, &row.id)
        .await
        .or_internal("deleting a file")?;
    let _ = tokio::fs::remove_file(stored_path(config, workspace_id, &row.id)).await;
    Ok(row)
}
