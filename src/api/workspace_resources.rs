//! Workspace -> Datasets, Fine-tuning, Models: what the workspace's keys and members
//! created. Uploads and downloads are plain HTTP routes (`server::console::files`).

use crate::domain::Error;
use crate::domain::fine_tuning::{
    DatasetView, JobView, ModelsPage, UploadOutcome, WorkspaceResources,
};
#[cfg(feature = "ssr")]
use crate::domain::keyset::PageAt;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_datasets")]
pub async fn list_datasets(
    org_id: String,
    workspace_id: String,
    after: Option<String>,
    before: Option<String>,
) -> Result<WorkspaceResources<DatasetView>, Error> {
    use crate::server::services::workspace_resources as resources;
    let run = async {
        let (state, ws) = ctx::workspace_actor(&org_id, &workspace_id).await?;
        let at = PageAt::from_query(after.as_deref(), before.as_deref());
        resources::list_datasets(&state.db, &ws, &at).await
    };
    ctx::respond(run.await)
}

/// What became of this browser's last console upload, if `upload_id` names it.
#[server(prefix = "/api", endpoint = "upload_outcome")]
pub async fn get_upload_outcome(upload_id: String) -> Result<Option<UploadOutcome>, Error> {
    let run = async {
        let session = ctx::session().await?;
        crate::server::console::files::upload_outcome(&session, &upload_id).await
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "delete_dataset")]
pub async fn delete_dataset(
    org_id: String,
    workspace_id: String,
    file_id: String,
) -> Result<(), Error> {
    use crate::server::services::workspace_resources as resources;
    let run = async {
        let (state, ws) = ctx::workspace_actor(&org_id, &workspace_id).await?;
        resources::delete_dataset(&state.db, &state.config, &ws, &file_id)
            .await
            .map(|_| ())
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "list_fine_tuning_jobs")]
pub async fn list_fine_tuning_jobs(
    org_id: String,
    workspace_id: String,
    after: Option<String>,
    before: Option<String>,
) -> Result<WorkspaceResources<JobView>, Error> {
    use crate::server::services::workspace_resources as resources;
    let run = async {
        let (state, ws) = ctx::workspace_actor(&org_id, &workspace_id).await?;
        let at = PageAt::from_query(after.as_deref(), before.as_deref());
        resources::list_jobs(&state.db, &ws, &at).await
    };
    ctx::respond(run.await)
}

/// Starts a job from the console; returns its id. `n_epochs` is empty, "auto" or a number.
#[server(prefix = "/api", endpoint = "create_fine_tuning_job")]
pub async fn create_fine_tuning_job(
    org_id: String,
    workspace_id: String,
    model: String,
    training_file: String,
    validation_file: Option<String>,
    suffix: Option<String>,
    n_epochs: Option<String>,
) -> Result<String, Error> {
    use crate::server::services::fine_tuning::JobForm;
    use crate::server::services::workspace_resources as resources;
    let run = async {
        let (state, ws) = ctx::workspace_actor(&org_id, &workspace_id).await?;
        let form = JobForm {
            model,
            training_file,
            validation_file,
            suffix,
            n_epochs,
        };
        resources::start_job_from_form(&state.db, &state.config, &ws, form)
            .await
            .map(|job| job.id)
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "cancel_fine_tuning_job")]
pub async fn cancel_fine_tuning_job(
    org_id: String,
    workspace_id: String,
    job_id: String,
) -> Result<(), Error> {
    use crate::server::services::workspace_resources as resources;
    let run = async {
        let (state, ws) = ctx::workspace_actor(&org_id, &workspace_id).await?;
        resources::cancel_job(&state.db, &ws, &job_id)
            .await
            .map(|_| ())
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "list_models")]
pub async fn list_models(
    org_id: String,
    workspace_id: String,
    after: Option<String>,
    before: Option<String>,
) -> Result<ModelsPage, Error> {
    use crate::server::services::workspace_resources as resources;
    let run = async {
        let (state, ws) = ctx::workspace_actor(&org_id, &workspace_id).await?;
        let at = PageAt::from_query(after.as_deref(), before.as_deref());
        let fine_tuned = resources::list_models(&state.db, &ws, &at).await?;
        Ok(ModelsPage {
            base_models: state.config.base_models.clone(),
            fine_tuned,
        })
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "delete_model")]
pub async fn delete_model(
    org_id: String,
    workspace_id: String,
    model_id: String,
) -> Result<(), Error> {
    use crate::server::services::workspace_resources as resources;
    let run = async {
        let (state, ws) = ctx::workspace_actor(&org_id, &workspace_id).await?;
        resources::delete_model(&state.db, &ws, &model_id).await
    };
    ctx::respond(run.await)
}

#[cfg(feature = "ssr")]
use super::ctx;
