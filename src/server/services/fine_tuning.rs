//! Fine-tuning jobs: created through `/v1` (or the console), followed by every member of
//! the workspace, run by a trainer service that claims them and reports back. A job that
//! succeeds registers its model in the workspace, in the same transaction.

use crate::domain::Error;
use crate::domain::audit::AuditAction;
use crate::domain::billing::Catalogue;
use crate::domain::fine_tuning::{
    JobStatus, check_suffix, fine_tuned_model_id, normalize_hyperparameters,
};
use crate::domain::permissions::{Action, Actor};
use crate::server::authz::require_actor;
use crate::server::db::Db;
use crate::server::error::{OrInternal, internal};
use crate::server::ids::new_id;
use crate::server::repo::fine_tuning::{self as repo, JobRow, ModelRow};
use crate::server::repo::{files, workspaces};
use crate::server::services::Creator;
use crate::server::services::audit::{self, By, Change, Target};
use crate::server::services::job_history::{
    Checkpoint, Level, keep_checkpoint, record, record_message,
};
use serde_json::{Value, json};

/// The workspace a job belongs to.
pub struct Owner<'a> {
    pub org_id: &'a str,
    pub workspace_id: &'a str,
}

/// A job request, as `/v1/fine_tuning/jobs` takes it.
#[derive(Debug, Default, serde::Deserialize)]
pub struct JobRequest {
    pub model: Option<String>,
    pub training_file: Option<String>,
    pub validation_file: Option<String>,
    pub hyperparameters: Option<Value>,
    pub suffix: Option<String>,
}

/// The console's "New fine-tuning job" form: `n_epochs` is empty, "auto" or a number.
pub struct JobForm {
    pub model: String,
    pub training_file: String,
    pub validation_file: Option<String>,
    pub suffix: Option<String>,
    pub n_epochs: Option<String>,
}

impl JobForm {
    /// The request it stands for, as `/v1` takes one.
    pub fn request(self) -> Result<JobRequest, Error> {
        let epochs = match self.n_epochs.as_deref().map(str::trim) {
            None | Some("") | Some("auto") => serde_json::json!("auto"),
            Some(n) => n
                .parse::<i64>()
                .map(|n| serde_json::json!(n))
                .map_err(|_| {
                    Error::invalid("n_epochs", "Use \"auto\" or a whole number from 1 to 50.")
                })?,
        };
        Ok(JobRequest {
            model: Some(self.model),
            training_file: Some(self.training_file),
            validation_file: self.validation_file,
            hyperparameters: Some(serde_json::json!({ "n_epochs": epochs })),
            suffix: self.suffix.map(|s| s.trim().to_owned()),
        })
    }

    /// An error about the request, named after the form's own fields.
    pub fn field_names(e: Error) -> Error {
        match e {
            Error::Invalid(mut fields) => {
                for f in &mut fields {
                    if let Some(name) = f.field.strip_prefix("hyperparameters.") {
                        f.field = name.to_owned();
                    }
                }
                Error::Invalid(fields)
            }
            other => other,
        }
    }
}

async fn check_file(db: &Db, workspace_id: &str, field: &str, id: &str) -> Result<(), Error> {
    files::find(&db.pool, workspace_id, id)
        .await
        .or_internal("checking a training file")?
        .map(|_| ())
        .ok_or_else(|| Error::invalid(field, format!("No file {id} in this workspace.")))
}

/// Checks the request and queues the job. Every problem names its field.
pub async fn create(
    db: &Db,
    base_models: &[String],
    owner: Owner<'_>,
    creator: Creator<'_>,
    req: JobRequest,
) -> Result<JobRow, Error> {
    let model = req
        .model
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| Error::invalid("model", "Name the base model to fine-tune."))?;
    if !base_models.contains(&model) {
        return Err(Error::invalid(
            "model",
            format!(
                "{model} cannot be fine-tuned. Choose one of: {}.",
                base_models.join(", ")
            ),
        ));
    }
    let training_file = req
        .training_file
        .filter(|f| !f.trim().is_empty())
        .ok_or_else(|| Error::invalid("training_file", "Name an uploaded file."))?;
    check_file(db, owner.workspace_id, "training_file", &training_file).await?;
    let validation_file = req.validation_file.filter(|f| !f.trim().is_empty());
    if let Some(v) = &validation_file {
        check_file(db, owner.workspace_id, "validation_file", v).await?;
    }
    let suffix = req.suffix.filter(|s| !s.is_empty());
    if let Some(s) = &suffix {
        check_suffix(s).map_err(|m| Error::invalid("suffix", m))?;
    }
    let hyperparameters = normalize_hyperparameters(req.hyperparameters.as_ref())
        .map_err(|(field, message)| Error::invalid(&field, message))?;
    let (created_by_key, created_by_user) = creator.columns();
    let job = JobRow {
        id: format!("ftjob-{}", &new_id("j")[2..]),
        org_id: owner.org_id.to_owned(),
        workspace_id: owner.workspace_id.to_owned(),
        model,
        training_file,
        validation_file,
        hyperparameters: hyperparameters.to_string(),
        suffix,
        status: JobStatus::Queued,
        progress: 0,
        message: None,
        trained_tokens: None,
        fine_tuned_model: None,
        created_by_key,
        created_by_user,
        created_at: db.now(),
        started_at: None,
        finished_at: None,
    };
    let mut tx = db.pool.begin().await.or_internal("queueing a job")?;
    if !repo::insert_job(&mut *tx, &job)
        .await
        .or_internal("queueing a fine-tuning job")?
    {
        return Err(archived());
    }
    let created = format!("Created fine-tuning job: {}", job.id);
    record(&mut tx, &job.id, job.created_at, &[(Level::Info, &created)]).await?;
    let change = Change::new(
        AuditAction::JobCreated,
        Target::named("job", &job.id, &job.id),
    )
    .in_workspace(owner.workspace_id)
    .after(json!({ "model": job.model, "training_file": job.training_file, "suffix": job.suffix }));
    audit::record(
        &mut tx,
        owner.org_id,
        creator.into(),
        change,
        job.created_at,
    )
    .await?;
    tx.commit().await.or_internal("queueing a job")?;
    Ok(job)
}

/// A workspace archived while a request was on its way.
pub fn archived() -> Error {
    Error::conflict(
        "workspace",
        "This workspace is archived: it is read-only until an Admin unarchives it.",
    )
}

pub async fn find(db: &Db, workspace_id: &str, id: &str) -> Result<JobRow, Error> {
    repo::find_job(&db.pool, workspace_id, id)
        .await
        .or_internal("loading a fine-tuning job")?
        .ok_or(Error::NotFound)
}

/// Cancels a queued or running job of the workspace, `by` a person or a key of it. A
/// finished job is a conflict.
pub async fn cancel(db: &Db, workspace_id: &str, id: &str, by: By<'_>) -> Result<JobRow, Error> {
    let job = find(db, workspace_id, id).await?;
    let now = db.now();
    let mut tx = db.pool.begin().await.or_internal("cancelling a job")?;
    // The organization's lock first, then the job as it is now (the trainer may have
    // started it meanwhile): the entry says what it was cancelled from.
    crate::server::repo::orgs::lock(&mut *tx, &job.org_id)
        .await
        .or_internal("locking the organization")?;
    let job = repo::find_job(&mut *tx, workspace_id, id)
        .await
        .or_internal("loading a fine-tuning job")?
        .ok_or(Error::NotFound)?;
    let cancelled = repo::transition(
        &mut *tx,
        id,
        &["queued", "running"],
        JobStatus::Cancelled.as_str(),
        now,
    )
    .await
    .or_internal("cancelling a fine-tuning job")?;
    if cancelled {
        record(
            &mut tx,
            id,
            now,
            &[(Level::Info, "Fine-tuning job cancelled.")],
        )
        .await?;
        let change = Change::new(AuditAction::JobCancelled, Target::named("job", id, id))
            .in_workspace(workspace_id)
            .before(json!({ "status": job.status.as_str() }))
            .after(json!({ "status": JobStatus::Cancelled.as_str() }));
        audit::record(&mut tx, &job.org_id, by, change, now).await?;
    }
    tx.commit().await.or_internal("cancelling a job")?;
    let job = find(db, workspace_id, id).await?;
    if !cancelled {
        return Err(Error::Conflict(crate::domain::FieldError {
            field: "job".into(),
            message: format!("The job is already {}.", job.status.as_str()),
        }));
    }
    Ok(job)
}

/// The trainer takes the oldest queued job, if any. Two trainers never get the same job:
/// the claim is a conditional update, retried when another trainer won.
pub async fn claim(db: &Db, actor: &Actor) -> Result<Option<JobRow>, Error> {
    require_actor(actor, Action::RunTraining)?;
    for _ in 0..8 {
        let Some(id) = repo::oldest_queued(&db.pool)
            .await
            .or_internal("finding a queued job")?
        else {
            return Ok(None);
        };
        let now = db.now();
        let mut tx = db.pool.begin().await.or_internal("claiming a job")?;
        let won = repo::transition(&mut *tx, &id, &["queued"], "running", now)
            .await
            .or_internal("claiming a job")?;
        if won {
            record(
                &mut tx,
                &id,
                now,
                &[(Level::Info, "Fine-tuning job started.")],
            )
            .await?;
        }
        tx.commit().await.or_internal("claiming a job")?;
        if won {
            return repo::find_job_any(&db.pool, &id)
                .await
                .or_internal("loading a claimed job");
        }
    }
    Ok(None)
}

/// The trainer's job, in any workspace; `NotFound` for an unknown id.
pub async fn find_for_trainer(db: &Db, actor: &Actor, id: &str) -> Result<JobRow, Error> {
    require_actor(actor, Action::RunTraining)?;
    repo::find_job_any(&db.pool, id)
        .await
        .or_internal("loading a job")?
        .ok_or(Error::NotFound)
}

/// A training or validation file of a running job, for the trainer, only while it runs.
pub async fn training_file(
    db: &Db,
    config: &crate::server::config::Config,
    actor: &Actor,
    job_id: &str,
    file_id: &str,
) -> Result<(files::FileRow, tokio::fs::File), Error> {
    let job = find_for_trainer(db, actor, job_id).await?;
    let its_file = job.training_file == file_id || job.validation_file.as_deref() == Some(file_id);
    if job.status != JobStatus::Running || !its_file {
        return Err(Error::NotFound);
    }
    super::datasets::open(db, config, &job.workspace_id, file_id).await
}

fn not_running(job: &JobRow) -> Error {
    Error::Conflict(crate::domain::FieldError {
        field: "status".into(),
        message: format!("The job is {}, not running.", job.status.as_str()),
    })
}

/// Progress from the trainer: a new message is kept as an event, a checkpoint as one of
/// the job's checkpoints. A job cancelled meanwhile answers a conflict naming its status,
/// so the trainer stops.
pub async fn report_progress(
    db: &Db,
    actor: &Actor,
    id: &str,
    report: Progress<'_>,
) -> Result<JobRow, Error> {
    if !(0..=100).contains(&report.progress) {
        return Err(Error::invalid(
            "progress",
            "Use a whole number from 0 to 100.",
        ));
    }
    let job = find_for_trainer(db, actor, id).await?;
    let model = match report.checkpoint {
        Some(_) => Some(would_be_model(db, &job).await?),
        None => None,
    };
    let now = db.now();
    let mut tx = db
        .pool
        .begin()
        .await
        .or_internal("recording job progress")?;
    let updated = repo::set_progress(
        &mut *tx,
        id,
        report.progress,
        report.message,
        report.trained_tokens,
    )
    .await
    .or_internal("recording job progress")?;
    if !updated {
        return Err(not_running(&job));
    }
    if let Some(message) = report
        .message
        .filter(|m| Some(*m) != job.message.as_deref())
    {
        record_message(&mut tx, id, now, message).await?;
    }
    if let (Some(c), Some(model)) = (report.checkpoint, &model) {
        keep_checkpoint(&mut tx, id, model, now, c).await?;
    }
    tx.commit().await.or_internal("recording job progress")?;
    find_for_trainer(db, actor, id).await
}

/// What a trainer reports while a job runs.
pub struct Progress<'a> {
    pub progress: i64,
    pub message: Option<&'a str>,
    pub trained_tokens: Option<i64>,
    pub checkpoint: Option<&'a Checkpoint>,
}

/// The id the job's model has, or will have when it succeeds.
async fn would_be_model(db: &Db, job: &JobRow) -> Result<String, Error> {
    let workspace = workspaces::find_in_org(&db.pool, &job.org_id, &job.workspace_id)
        .await
        .or_internal("loading a job's workspace")?
        .ok_or_else(|| internal("naming a job's model", "its workspace is gone"))?;
    Ok(fine_tuned_model_id(
        &job.model,
        &workspace.name,
        job.suffix.as_deref(),
        &job.id,
    ))
}

/// The trainer's verdict. Success registers `ft:<base>:<workspace>:<suffix>:<id>` in the
/// job's workspace; the status change and the model are written together or not at all.
pub async fn complete(
    db: &Db,
    catalogue: &Catalogue,
    actor: &Actor,
    id: &str,
    succeeded: bool,
    message: Option<&str>,
) -> Result<JobRow, Error> {
    let job = find_for_trainer(db, actor, id).await?;
    let now = db.now();
    let model = if succeeded {
        Some(ModelRow {
            id: would_be_model(db, &job).await?,
            org_id: job.org_id.clone(),
            workspace_id: job.workspace_id.clone(),
            base_model: job.model.clone(),
            job_id: job.id.clone(),
            created_at: now,
        })
    } else {
        None
    };
    let status = if succeeded {
        JobStatus::Succeeded
    } else {
        JobStatus::Failed
    };
    let mut tx = db.pool.begin().await.or_internal("completing a job")?;
    let finished = repo::finish(
        &mut *tx,
        id,
        status.as_str(),
        message,
        model.as_ref().map(|m| m.id.as_str()),
        now,
    )
    .await
    .or_internal("completing a job")?;
    if !finished {
        return Err(not_running(&job));
    }
    let failure = format!("The job failed: {}", message.unwrap_or("no reason given."));
    let created = model
        .as_ref()
        .map(|m| format!("New fine-tuned model created: {}", m.id));
    let mut events: Vec<(Level, &str)> = Vec::new();
    match &created {
        Some(created) => {
            events.extend(message.map(|m| (Level::Info, m)));
            events.push((Level::Info, created));
            events.push((Level::Info, "The job has successfully completed."));
        }
        None => events.push((Level::Error, &failure)),
    }
    record(&mut tx, id, now, &events).await?;
    if let Some(m) = &model {
        repo::insert_model(&mut *tx, m)
            .await
            .or_internal("registering a fine-tuned model")?;
        // Read in the transaction: the last progress report's count is the one billed.
        let finished = repo::find_job_any(&mut *tx, id)
            .await
            .or_internal("completing a job")?
            .ok_or_else(|| internal("completing a job", "it vanished"))?;
        super::metering::meter_training(&mut tx, catalogue, &finished, now).await?;
    }
    let change = Change::new(AuditAction::JobFinished, Target::named("job", id, id))
        .in_workspace(&job.workspace_id)
        .before(json!({ "status": job.status.as_str() }))
        .after(
            json!({ "status": status.as_str(), "fine_tuned_model": model.as_ref().map(|m| &m.id) }),
        );
    audit::record(&mut tx, &job.org_id, By::Trainer, change, now).await?;
    tx.commit().await.or_internal("completing a job")?;
    find_for_trainer(db, actor, id).await
}

/// Deletes a fine-tuned model of the workspace (the job keeps its record of it), `by` a
/// person or a key of the organization `org_id`.
pub async fn delete_model(
    db: &Db,
    org_id: &str,
    workspace_id: &str,
    id: &str,
    by: By<'_>,
) -> Result<(), Error> {
    let mut tx = db.pool.begin().await.or_internal("deleting a model")?;
    let deleted = repo::delete_model(&mut *tx, workspace_id, id)
        .await
        .or_internal("deleting a model")?;
    if !deleted {
        return Err(Error::NotFound);
    }
    let change = Change::new(AuditAction::ModelDeleted, Target::named("model", id, id))
        .in_workspace(workspace_id);
    audit::record(&mut tx, org_id, by, change, db.now()).await?;
    tx.commit().await.or_internal("deleting a model")
}
