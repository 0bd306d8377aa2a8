//! `/v1/files`: fine-tuning datasets of the key's workspace. Uploads are streamed to the
//! data directory chunk by chunk and checked line by line as they arrive, so a file is
//! never held whole in memory; a bad file leaves nothing behind.

use super::{ApiError, ApiKeyContext};
use crate::domain::datasets::check_line;
use crate::server::db::now_ms;
use crate::server::error::internal;
use crate::server::ids::new_id;
use crate::server::repo::files::{self, FileRow};
use crate::server::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Extension, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;

fn file_json(f: &FileRow) -> Value {
    json!({
        "id": f.id, "object": "file", "bytes": f.bytes, "created_at": f.created_at / 1000,
        "filename": f.filename, "purpose": f.purpose,
    })
}

fn internal_error(context: &str, e: impl std::fmt::Display) -> ApiError {
    match internal(context, e) {
        crate::domain::Error::Internal { reference } => ApiError::internal(reference),
        other => ApiError::internal(other.to_string()),
    }
}

fn stored_path(state: &AppState, workspace_id: &str, file_id: &str) -> PathBuf {
    state
        .config
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

struct Received {
    partial: Partial,
    filename: String,
    bytes: i64,
    lines: i64,
}

async fn receive(
    state: &AppState,
    workspace_id: &str,
    mut field: axum::extract::multipart::Field<'_>,
) -> Result<Received, ApiError> {
    let dir = state.config.data_dir.join("files").join(workspace_id);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| internal_error("creating the files folder", e))?;
    let filename = field.file_name().unwrap_or("dataset.jsonl").to_owned();
    let partial = Partial {
        path: dir.join(format!(".upload-{}", new_id("tmp"))),
        keep: false,
    };
    let mut out = tokio::fs::File::create(&partial.path)
        .await
        .map_err(|e| internal_error("creating an upload", e))?;
    let limit = state.config.max_upload_bytes;
    let (mut bytes, mut line_no, mut lines) = (0u64, 0usize, 0i64);
    let mut pending: Vec<u8> = Vec::new();
    let check = |line: &[u8], line_no: usize| -> Result<bool, ApiError> {
        let text = std::str::from_utf8(line)
            .map_err(|_| ApiError::invalid("file", format!("Line {line_no}: not UTF-8 text.")))?;
        check_line(line_no, text).map_err(|m| ApiError::invalid("file", m))?;
        Ok(!text.trim().is_empty())
    };
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| ApiError::invalid("file", format!("The upload was interrupted: {e}")))?
    {
        bytes += chunk.len() as u64;
        if bytes > limit {
            return Err(ApiError::too_large(limit));
        }
        out.write_all(&chunk)
            .await
            .map_err(|e| internal_error("writing an upload", e))?;
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
        return Err(ApiError::invalid(
            "file",
            "The file has no training example.",
        ));
    }
    out.flush()
        .await
        .map_err(|e| internal_error("finishing an upload", e))?;
    Ok(Received {
        partial,
        filename,
        bytes: bytes as i64,
        lines,
    })
}

/// `POST /v1/files` (multipart: `purpose=fine-tune`, `file`).
pub async fn upload(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    mut multipart: Multipart,
) -> Result<Json<Value>, ApiError> {
    let mut purpose = None;
    let mut received = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::invalid("file", format!("Malformed multipart body: {e}")))?
    {
        match field.name() {
            Some("purpose") => {
                purpose = Some(
                    field
                        .text()
                        .await
                        .map_err(|e| ApiError::invalid("purpose", e.to_string()))?,
                )
            }
            Some("file") => received = Some(receive(&state, &key.0.workspace_id, field).await?),
            _ => {}
        }
    }
    if purpose.as_deref() != Some("fine-tune") {
        return Err(ApiError::invalid(
            "purpose",
            "purpose must be \"fine-tune\".",
        ));
    }
    let mut received = received
        .ok_or_else(|| ApiError::invalid("file", "Attach the dataset as the \"file\" field."))?;
    let row = FileRow {
        id: format!("file-{}", &new_id("f")[2..]),
        org_id: key.0.org_id.clone(),
        workspace_id: key.0.workspace_id.clone(),
        filename: received.filename.clone(),
        purpose: "fine-tune".into(),
        bytes: received.bytes,
        line_count: received.lines,
        created_by_key: Some(key.0.key_id.clone()),
        created_by_user: None,
        created_at: now_ms(),
    };
    let target = stored_path(&state, &row.workspace_id, &row.id);
    tokio::fs::rename(&received.partial.path, &target)
        .await
        .map_err(|e| internal_error("storing an upload", e))?;
    received.partial.path = target;
    files::insert(&state.db.pool, &row)
        .await
        .map_err(|e| internal_error("recording an upload", e))?;
    received.partial.keep = true;
    Ok(Json(file_json(&row)))
}

pub async fn list(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
) -> Result<Json<Value>, ApiError> {
    let rows = files::list(&state.db.pool, &key.0.workspace_id)
        .await
        .map_err(|e| internal_error("listing files", e))?;
    Ok(Json(
        json!({ "object": "list", "data": rows.iter().map(file_json).collect::<Vec<_>>() }),
    ))
}

async fn find(state: &AppState, key: &ApiKeyContext, id: &str) -> Result<FileRow, ApiError> {
    files::find(&state.db.pool, &key.0.workspace_id, id)
        .await
        .map_err(|e| internal_error("loading a file", e))?
        .ok_or_else(|| ApiError::not_found("File"))
}

pub async fn get(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(file_json(&find(&state, &key, &id).await?)))
}

/// `GET /v1/files/{id}/content`: streamed from disk.
pub async fn content(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let row = find(&state, &key, &id).await?;
    let file = tokio::fs::File::open(stored_path(&state, &row.workspace_id, &row.id))
        .await
        .map_err(|e| internal_error("opening a stored file", e))?;
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/jsonl")
        .header(header::CONTENT_LENGTH, row.bytes)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", row.filename.replace('"', "")),
        )
        .body(Body::from_stream(tokio_util::io::ReaderStream::new(file)))
        .map_err(|e| internal_error("building a download", e))
}

pub async fn delete(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let row = find(&state, &key, &id).await?;
    files::delete(&state.db.pool, &row.id)
        .await
        .map_err(|e| internal_error("deleting a file", e))?;
    let _ = tokio::fs::remove_file(stored_path(&state, &row.workspace_id, &row.id)).await;
    Ok(Json(
        json!({ "id": row.id, "object": "file", "deleted": true }),
    ))
}
