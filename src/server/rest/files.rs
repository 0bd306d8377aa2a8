//! `/v1/files`: fine-tuning datasets of the key's workspace.

use super::lists::list_json;
use super::{ApiError, ApiKeyContext};
use crate::domain::api_lists::{ListRequest, MAX_PAGE, param, params};
use crate::domain::paths;
use crate::server::repo::files::FileRow;
use crate::server::services::datasets::{Upload, UploadError};
use crate::server::services::file_links;
use crate::server::services::workspace_lists::{self as lists, FileFilter};
use crate::server::services::workspace_resources as resources;
use crate::server::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::multipart::Field;
use axum::extract::{Extension, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A dataset with the fields both SDKs require: OpenAI's `status`, Mistral's
/// `sample_type`, `source` and `deleted`.
fn file_json(f: &FileRow) -> Value {
    json!({
        "id": f.id, "object": "file", "bytes": f.bytes, "created_at": f.created_at / 1000,
        "filename": f.filename, "purpose": f.purpose, "status": "processed",
        "status_details": null, "expires_at": null, "sample_type": "instruct",
        "source": "upload", "num_lines": f.line_count, "mimetype": "application/jsonl",
        "visibility": "workspace", "deleted": false,
    })
}

/// The only purpose the console keeps files for; Mistral's SDK may leave it out.
const PURPOSE: &str = "fine-tune";

impl From<UploadError> for ApiError {
    fn from(e: UploadError) -> Self {
        match e {
            UploadError::Invalid(message) => ApiError::invalid("file", message),
            UploadError::TooLarge(limit) => ApiError::too_large(limit),
            UploadError::Failed(e) => e.into(),
        }
    }
}

/// `POST /v1/files` (multipart: `purpose=fine-tune` and `file`, in either order).
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
            Some("file") if received.is_none() => {
                received =
                    Some(resources::receive_dataset(&state.config, &key.0, as_upload(field)).await?)
            }
            _ => {}
        }
    }
    // SDKs send the purpose before or after the file: checked once both are in. A file
    // refused here is removed with its temporary copy.
    if purpose.as_deref().is_some_and(|p| p != PURPOSE) {
        return Err(ApiError::invalid(
            "purpose",
            "purpose must be \"fine-tune\" (or left out).",
        ));
    }
    let received = received
        .ok_or_else(|| ApiError::invalid("file", "Attach the dataset as the \"file\" field."))?;
    let row = resources::keep_dataset(&state.db, &state.config, &key.0, received).await?;
    Ok(Json(file_json(&row)))
}

/// The longest name filter.
const MAX_SEARCH_CHARS: usize = 200;

/// Which files a query's filters ask for. Filters on kinds of file the console does not
/// keep (another purpose, sample type, source or type) match nothing.
fn file_filter(query: &[(String, String)]) -> Result<FileFilter, ApiError> {
    let asks_other = |name: &str, ours: &str| {
        let wanted = params(query, name);
        !wanted.is_empty() && !wanted.contains(&ours)
    };
    let search = param(query, "search")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if search.is_some_and(|s| s.chars().count() > MAX_SEARCH_CHARS) {
        return Err(ApiError::invalid("search", "Use at most 200 characters."));
    }
    Ok(FileFilter {
        search: search.map(str::to_owned),
        none: asks_other("purpose", PURPOSE)
            || asks_other("sample_type", "instruct")
            || asks_other("source", "upload")
            || asks_other("mimetypes", "application/jsonl"),
    })
}

/// `GET /v1/files`: OpenAI's cursor (`after`, `limit`, `order`) or Mistral's pages
/// (`page`, `page_size`, `include_total`), with either's filters.
pub async fn list(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let list = ListRequest::parse(&query, MAX_PAGE, true)?;
    let page = lists::datasets(&state.db, &key.0, &list, &file_filter(&query)?).await?;
    Ok(Json(list_json(page, file_json)))
}

pub async fn get(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let row = resources::find_dataset(&state.db, &key.0, &id).await;
    Ok(Json(file_json(
        &row.map_err(|e| super::not_found_as("File", e))?,
    )))
}

/// `GET /v1/files/{id}/url?expiry=24`: a link that downloads the dataset without a key,
/// for `expiry` hours (1 to 168), as Mistral's `files.get_signed_url` reads it.
pub async fn signed_url(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let hours = match param(&query, "expiry").map(str::trim) {
        None | Some("") => 24,
        Some(raw) => raw.parse().unwrap_or(0),
    };
    let token = file_links::create(&state.db, &key.0, &id, hours)
        .await
        .map_err(|e| super::not_found_as("File", e))?;
    let url = format!("{}{}", state.config.public_url, paths::shared_file(&token));
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({ "url": url })),
    )
        .into_response())
}

/// `GET /shared/files/{token}`: a dataset by its link, without a key.
pub async fn shared(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let (row, file) = file_links::open(&state.db, &state.config, &token)
        .await
        .map_err(|e| super::not_found_as("File", e))?;
    let mut res = download(&row, file);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// A multipart field as an upload for the datasets service.
pub fn as_upload(field: Field<'_>) -> Upload<Field<'_>> {
    Upload {
        filename: field.file_name().map(str::to_owned),
        chunks: field,
    }
}

/// A stored dataset as a download, streamed from disk. Served as bytes, as both providers
/// serve file content (Mistral's SDK accepts nothing else).
pub fn download(row: &FileRow, file: tokio::fs::File) -> Response {
    let name = row.filename.replace(['"', '\\', '\r', '\n'], "");
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::CONTENT_LENGTH, row.bytes)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        )
        .body(Body::from_stream(tokio_util::io::ReaderStream::new(file)))
        .unwrap_or_else(|_| Response::new(Body::empty()))
}

/// `GET /v1/files/{id}/content`.
pub async fn content(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (row, file) = resources::open_dataset(&state.db, &state.config, &key.0, &id)
        .await
        .map_err(|e| super::not_found_as("File", e))?;
    Ok(download(&row, file))
}

pub async fn delete(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyContext>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let row = resources::delete_dataset(&state.db, &state.config, &key.0, &id)
        .await
        .map_err(|e| super::not_found_as("File", e))?;
    Ok(Json(
        json!({ "id": row.id, "object": "file", "deleted": true }),
    ))
}
