//! A workspace's datasets, fine-tuning jobs and models, for every actor that works in it:
//! a member in the console and an API key through `/v1` call the same functions with a
//! `WorkspaceActor`, so a key can never do what its creator cannot. Every member sees
//! everything, whichever key or person created it; workspace Admins delete; an archived
//! workspace is read-only. Other workspaces' and organizations' actors get "not found".

use crate::domain::Error;
use crate::domain::fine_tuning::{DatasetView, JobView, ModelView, WorkspaceResources};
use crate::domain::keyset::{Neighbours, PageAt};
use crate::domain::permissions::{Action, can};
use crate::server::authz::{OrgActor, WorkspaceActor};
use crate::server::config::Config;
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::repo::fine_tuning::{JobRow, ModelRow};
use crate::server::repo::{files, files::FileRow, fine_tuning as jobs};
use crate::server::services::console_pages::read_page;
use crate::server::services::datasets::{self, Received, UploadError};
use crate::server::services::fine_tuning;

/// The actor in the workspace, if they may use it; "not found" otherwise.
pub async fn member(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
) -> Result<WorkspaceActor, Error> {
    let ws = actor.in_workspace(db, workspace_id).await?;
    ws.require(Action::UseWorkspace)
        .map_err(|_| Error::NotFound)?;
    Ok(ws)
}

fn creator(key_name: Option<String>, user_name: Option<String>) -> Option<String> {
    match (key_name, user_name) {
        (Some(key), _) => Some(format!("Key “{key}”")),
        (None, Some(user)) => Some(user),
        (None, None) => None,
    }
}

/// A page of `items` for the viewer.
fn resources<T>(
    ws: &WorkspaceActor,
    items: Vec<T>,
    neighbours: Neighbours,
) -> WorkspaceResources<T> {
    WorkspaceResources {
        items,
        neighbours,
        can_delete: can(&ws.membership(), Action::DeleteWorkspaceResources),
    }
}

/// A page of the workspace's datasets, newest first, from where `at` says.
pub async fn list_datasets(
    db: &Db,
    ws: &WorkspaceActor,
    at: &PageAt,
) -> Result<WorkspaceResources<DatasetView>, Error> {
    ws.require(Action::UseWorkspace)?;
    let ws_id = &ws.workspace.id;
    let (rows, neighbours) = read_page(
        at,
        "listing datasets",
        |at, limit| async move { files::list_with_creators(&db.pool, ws_id, &at, limit).await },
        |f| f.id.clone(),
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|f| DatasetView {
            created_by: creator(f.key_name, f.user_name),
            id: f.id,
            filename: f.filename,
            bytes: f.bytes,
            examples: f.line_count,
            created_at: f.created_at,
        })
        .collect();
    Ok(resources(ws, items, neighbours))
}

pub async fn find_dataset(db: &Db, ws: &WorkspaceActor, id: &str) -> Result<FileRow, Error> {
    ws.require(Action::UseWorkspace)?;
    datasets::find(db, &ws.workspace.id, id).await
}

/// A dataset and its content, to stream.
pub async fn open_dataset(
    db: &Db,
    config: &Config,
    ws: &WorkspaceActor,
    id: &str,
) -> Result<(FileRow, tokio::fs::File), Error> {
    ws.require(Action::UseWorkspace)?;
    datasets::open(db, config, &ws.workspace.id, id).await
}

/// Receives an uploaded dataset into a temporary file, checked line by line. The
/// permission is checked before a byte is read; `keep_dataset` keeps it.
pub async fn receive_dataset<S, E>(
    config: &Config,
    ws: &WorkspaceActor,
    upload: datasets::Upload<S>,
) -> Result<Received, UploadError>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    ws.require(Action::AddWorkspaceResources)?;
    datasets::receive(config, &ws.workspace.id, upload).await
}

/// Keeps a received dataset in the workspace. The actor's rights are read again: an
/// upload streams for a while, and its uploader may have been removed meanwhile (the
/// insert itself refuses a workspace archived meanwhile).
pub async fn keep_dataset(
    db: &Db,
    config: &Config,
    ws: &WorkspaceActor,
    received: Received,
) -> Result<FileRow, Error> {
    let now = ws.refreshed(db).await?;
    now.require(Action::AddWorkspaceResources)?;
    datasets::store(
        db,
        config,
        &now.org.org_id,
        &now.workspace.id,
        now.creator(),
        received,
    )
    .await
}

pub async fn delete_dataset(
    db: &Db,
    config: &Config,
    ws: &WorkspaceActor,
    file_id: &str,
) -> Result<FileRow, Error> {
    ws.require(Action::UseWorkspace)?;
    let row = datasets::find(db, &ws.workspace.id, file_id).await?;
    ws.require(Action::DeleteWorkspaceResources)?;
    datasets::delete(db, config, &ws.workspace.id, &row.id, ws.into()).await
}

/// A page of the workspace's fine-tuning jobs, newest first, from where `at` says.
pub async fn list_jobs(
    db: &Db,
    ws: &WorkspaceActor,
    at: &PageAt,
) -> Result<WorkspaceResources<JobView>, Error> {
    ws.require(Action::UseWorkspace)?;
    let ws_id = &ws.workspace.id;
    let (rows, neighbours) = read_page(
        at,
        "listing fine-tuning jobs",
        |at, limit| async move { jobs::list_with_creators(&db.pool, ws_id, &at, limit).await },
        |r| r.job.id.clone(),
    )
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let j = r.job;
        let status = j.status;
        items.push(JobView {
            created_by: creator(r.key_name, r.user_name),
            id: j.id,
            model: j.model,
            training_file: j.training_file,
            validation_file: j.validation_file,
            suffix: j.suffix,
            status,
            progress: j.progress,
            message: j.message,
            fine_tuned_model: j.fine_tuned_model,
            created_at: j.created_at,
            finished_at: j.finished_at,
        });
    }
    Ok(resources(ws, items, neighbours))
}

pub async fn find_job(db: &Db, ws: &WorkspaceActor, id: &str) -> Result<JobRow, Error> {
    ws.require(Action::UseWorkspace)?;
    fine_tuning::find(db, &ws.workspace.id, id).await
}

/// Any member may start a job, as any of the workspace's keys may, unless the workspace
/// or its organization is at its spend cap (training costs money).
pub async fn start_job(
    db: &Db,
    config: &Config,
    ws: &WorkspaceActor,
    req: fine_tuning::JobRequest,
) -> Result<JobRow, Error> {
    ws.require(Action::AddWorkspaceResources)?;
    super::limits::require_under_cap(db, ws).await?;
    let owner = fine_tuning::Owner {
        org_id: &ws.org.org_id,
        workspace_id: &ws.workspace.id,
    };
    fine_tuning::create(db, &config.base_models, owner, ws.creator(), req).await
}

/// A job from the console's form; errors name the form's fields.
pub async fn start_job_from_form(
    db: &Db,
    config: &Config,
    ws: &WorkspaceActor,
    form: fine_tuning::JobForm,
) -> Result<JobRow, Error> {
    ws.require(Action::AddWorkspaceResources)?;
    let req = form.request()?;
    start_job(db, config, ws, req)
        .await
        .map_err(fine_tuning::JobForm::field_names)
}

/// Any member may cancel a job of the workspace, as any of its keys may.
pub async fn cancel_job(db: &Db, ws: &WorkspaceActor, job_id: &str) -> Result<JobRow, Error> {
    ws.require(Action::UseWorkspace)?;
    fine_tuning::find(db, &ws.workspace.id, job_id).await?;
    ws.require(Action::AddWorkspaceResources)?;
    fine_tuning::cancel(db, &ws.workspace.id, job_id, ws.into()).await
}

/// A page of the workspace's fine-tuned models, newest first, from where `at` says.
pub async fn list_models(
    db: &Db,
    ws: &WorkspaceActor,
    at: &PageAt,
) -> Result<WorkspaceResources<ModelView>, Error> {
    ws.require(Action::UseWorkspace)?;
    let ws_id = &ws.workspace.id;
    let (rows, neighbours) = read_page(
        at,
        "listing models",
        |at, limit| async move { jobs::list_models(&db.pool, ws_id, &at, limit).await },
        |m| m.id.clone(),
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|m| ModelView {
            id: m.id,
            base_model: m.base_model,
            job_id: m.job_id,
            created_at: m.created_at,
        })
        .collect();
    Ok(resources(ws, items, neighbours))
}

/// Every fine-tuned model of the workspace (the API's list: a workspace has few).
pub async fn all_models(db: &Db, ws: &WorkspaceActor) -> Result<Vec<ModelRow>, Error> {
    ws.require(Action::UseWorkspace)?;
    jobs::list_models(&db.pool, &ws.workspace.id, &PageAt::First, i64::MAX)
        .await
        .or_internal("listing models")
}

pub async fn find_model(db: &Db, ws: &WorkspaceActor, id: &str) -> Result<ModelRow, Error> {
    ws.require(Action::UseWorkspace)?;
    jobs::find_model(&db.pool, &ws.workspace.id, id)
        .await
        .or_internal("loading a model")?
        .ok_or(Error::NotFound)
}

pub async fn delete_model(db: &Db, ws: &WorkspaceActor, model_id: &str) -> Result<(), Error> {
    find_model(db, ws, model_id).await?;
    ws.require(Action::DeleteWorkspaceResources)?;
    fine_tuning::delete_model(db, &ws.org.org_id, &ws.workspace.id, model_id, ws.into()).await
}
