//! What the console shows of a workspace's datasets, fine-tuning jobs and models: every
//! member of the workspace sees all of them, whichever key or person created them;
//! workspace Admins delete. Other workspaces' and organizations' members get "not found".

use crate::domain::Error;
use crate::domain::fine_tuning::{
    DatasetView, JobStatus, JobView, LIST_LIMIT, ModelView, WorkspaceResources,
};
use crate::domain::permissions::{Action, can};
use crate::server::authz::{OrgActor, WorkspaceActor};
use crate::server::config::Config;
use crate::server::db::Db;
use crate::server::error::{OrInternal, internal};
use crate::server::repo::{files, fine_tuning as jobs};
use crate::server::services::{datasets, fine_tuning};

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

/// The first `LIST_LIMIT` of `items` (fetched with one more, to know whether there are more).
fn resources<T>(ws: &WorkspaceActor, mut items: Vec<T>) -> WorkspaceResources<T> {
    let more = items.len() as i64 > LIST_LIMIT;
    items.truncate(LIST_LIMIT as usize);
    WorkspaceResources {
        items,
        more,
        can_delete: can(&ws.membership(), Action::DeleteWorkspaceResources),
    }
}

pub async fn list_datasets(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
) -> Result<WorkspaceResources<DatasetView>, Error> {
    let ws = member(db, actor, workspace_id).await?;
    let rows = files::list_with_creators(&db.pool, workspace_id, LIST_LIMIT + 1)
        .await
        .or_internal("listing datasets")?;
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
    Ok(resources(&ws, items))
}

pub async fn delete_dataset(
    db: &Db,
    config: &Config,
    actor: &OrgActor,
    workspace_id: &str,
    file_id: &str,
) -> Result<(), Error> {
    let ws = member(db, actor, workspace_id).await?;
    ws.require(Action::DeleteWorkspaceResources)?;
    datasets::delete(db, config, workspace_id, file_id)
        .await
        .map(|_| ())
}

pub async fn list_jobs(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
) -> Result<WorkspaceResources<JobView>, Error> {
    let ws = member(db, actor, workspace_id).await?;
    let rows = jobs::list_with_creators(&db.pool, workspace_id, LIST_LIMIT + 1)
        .await
        .or_internal("listing fine-tuning jobs")?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let j = r.job;
        let status = JobStatus::parse(&j.status)
            .ok_or_else(|| internal("reading a job status", &j.status))?;
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
    Ok(resources(&ws, items))
}

/// Any member may start a job, as any of the workspace's keys may. Returns its id.
pub async fn start_job(
    db: &Db,
    base_models: &[String],
    actor: &OrgActor,
    workspace_id: &str,
    req: fine_tuning::JobRequest,
) -> Result<String, Error> {
    member(db, actor, workspace_id).await?;
    let owner = fine_tuning::Owner {
        org_id: &actor.org_id,
        workspace_id,
    };
    let job = fine_tuning::create(
        db,
        base_models,
        owner,
        super::Creator::User(&actor.user_id),
        req,
    )
    .await?;
    Ok(job.id)
}

/// Any member may cancel a job of the workspace, as any of its keys may.
pub async fn cancel_job(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
    job_id: &str,
) -> Result<(), Error> {
    member(db, actor, workspace_id).await?;
    fine_tuning::cancel(db, workspace_id, job_id)
        .await
        .map(|_| ())
}

pub async fn list_models(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
) -> Result<WorkspaceResources<ModelView>, Error> {
    let ws = member(db, actor, workspace_id).await?;
    let rows = jobs::list_models(&db.pool, workspace_id, LIST_LIMIT + 1)
        .await
        .or_internal("listing models")?;
    let items = rows
        .into_iter()
        .map(|m| ModelView {
            id: m.id,
            base_model: m.base_model,
            job_id: m.job_id,
            created_at: m.created_at,
        })
        .collect();
    Ok(resources(&ws, items))
}

pub async fn delete_model(
    db: &Db,
    actor: &OrgActor,
    workspace_id: &str,
    model_id: &str,
) -> Result<(), Error> {
    let ws = member(db, actor, workspace_id).await?;
    ws.require(Action::DeleteWorkspaceResources)?;
    fine_tuning::delete_model(db, workspace_id, model_id).await
}
