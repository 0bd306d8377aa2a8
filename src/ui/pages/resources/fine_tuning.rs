//! `/o/{org}/w/{ws}/fine-tuning`: the workspace's fine-tuning jobs, whichever key started
//! them, with their progress; the list refreshes while a job is queued or running.

use crate::api::workspace_resources::{
    CancelFineTuningJob, CreateFineTuningJob, list_datasets, list_fine_tuning_jobs, list_models,
};
use crate::domain::fine_tuning::{JobStatus, JobView};
use crate::domain::paths;
use crate::domain::shell::ShellData;
use crate::ui::components::{
    Column, Dialog, DialogActions, EmptyState, FormAlert, Pager, PagerText, SubmitButton, Table,
    TextField, field_error, focus_first_invalid, use_page_at, when,
};
use crate::ui::layout::{
    ConsolePage, WorkspaceFrame, WorkspaceSection, list_body, open_dialog, server_once,
};
use leptos::prelude::*;

const NEW: &str = "new-job";

/// How often an open page asks for news of running jobs.
#[cfg(feature = "hydrate")]
const REFRESH: std::time::Duration = std::time::Duration::from_secs(3);

#[component]
pub fn FineTuningPage() -> impl IntoView {
    view! { <ConsolePage page=|shell| view! { <FineTuning shell/> }/> }
}

#[component]
fn FineTuning(shell: ShellData) -> impl IntoView {
    let Some(ws) = shell.workspace.clone() else {
        return ().into_any();
    };
    let org_id = shell.org.id.clone();
    let cancel = ServerAction::<CancelFineTuningJob>::new();
    let create = ServerAction::<CreateFineTuningJob>::new();
    let tick = RwSignal::new(0u64);
    let at = use_page_at();
    let list = Resource::new(
        {
            let (org_id, ws_id) = (org_id.clone(), ws.id.clone());
            move || {
                (
                    org_id.clone(),
                    ws_id.clone(),
                    at.get(),
                    cancel.version().get() + create.version().get(),
                    tick.get(),
                )
            }
        },
        |(org, ws, at, ..)| {
            let (after, before) = at.into_query();
            list_fine_tuning_jobs(org, ws, after, before)
        },
    );
    // While a job is queued or running, ask again every few seconds.
    #[cfg(feature = "hydrate")]
    {
        let busy = move || {
            list.try_with_untracked(
                |v| matches!(v, Some(Ok(page)) if page.items.iter().any(|j| !j.status.is_final())),
            )
            .unwrap_or(false)
        };
        let refresh = move || {
            if busy() {
                tick.try_update(|t| *t += 1);
            }
        };
        if let Ok(handle) = set_interval_with_handle(refresh, REFRESH) {
            on_cleanup(move || handle.clear());
        }
    }
    let models = paths::workspace_models(&org_id, &ws.id);
    let here = paths::workspace_fine_tuning(&org_id, &ws.id);
    let dialog = open_dialog();
    let dialogs = {
        let (org_id, ws_id, here) = (org_id.clone(), ws.id.clone(), here.clone());
        move || {
            (dialog.get().as_deref() == Some(NEW)).then(|| {
                let (org_id, ws_id, close) = (org_id.clone(), ws_id.clone(), here.clone());
                view! { <NewJobDialog org_id ws_id close action=create/> }
            })
        }
    };
    let cancel_error = move || {
        cancel
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> })
    };
    let table = {
        let (org_id, ws_id, models, here) =
            (org_id.clone(), ws.id.clone(), models.clone(), here.clone());
        list_body(list, "Loading jobs…", move |page| {
            if page.items.is_empty() {
                return view! {
                    <EmptyState>"No fine-tuning jobs yet. Start one with an API key of this workspace: "
                        <code>"POST /v1/fine_tuning/jobs"</code>" with a model and an uploaded training file."</EmptyState>
                }
                .into_any();
            }
            let (org_id, ws_id, models, base) =
                (org_id.clone(), ws_id.clone(), models.clone(), here.clone());
            let neighbours = page.neighbours;
            view! {
                <JobTable jobs=page.items org_id ws_id models cancel/>
                <Pager neighbours base text=PagerText::newest_first("Pages of fine-tuning jobs")/>
            }
            .into_any()
        })
    };
    view! {
        <WorkspaceFrame shell=shell.clone() current=WorkspaceSection::FineTuning section="Fine-tuning">
            {cancel_error}
            <section class="card card-flush" aria-labelledby="jobs-title">
                <div class="section-header">
                    <div>
                        <h2 class="h2" id="jobs-title">"Fine-tuning jobs"</h2>
                        <p class="muted">"Jobs started in the console or with any key of this workspace. A job that succeeds adds its model to "
                            <a href=models.clone()>"Models"</a>"."</p>
                    </div>
                    <a class="btn btn-primary" href=format!("{here}?{}={NEW}", paths::DIALOG_PARAM)>"New fine-tuning job"</a>
                </div>
                {table}
            </section>
        </WorkspaceFrame>
        {server_once(dialogs)}
    }
    .into_any()
}

#[component]
fn NewJobDialog(
    org_id: String,
    ws_id: String,
    close: String,
    action: ServerAction<CreateFineTuningJob>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    // A memo, so a failed attempt does not rebuild the form (and lose what was typed).
    let created = Memo::new(move |_| action.value().get().and_then(Result::ok));
    let choices = Resource::new(
        {
            let (org_id, ws_id) = (org_id.clone(), ws_id.clone());
            move || (org_id.clone(), ws_id.clone())
        },
        |(org, ws)| async move {
            let models = list_models(org.clone(), ws.clone(), None, None).await?;
            let datasets = list_datasets(org, ws, None, None).await?;
            Ok::<_, crate::domain::Error>((models.base_models, datasets.items))
        },
    );
    let select_error = move |field: &'static str| {
        let message = field_error(error, field);
        move || {
            message
                .try_get()
                .flatten()
                .map(|m| view! { <p class="field-error">{m}</p> })
        }
    };
    let close_done = close.clone();
    let form = move || {
        let (org_id, ws_id, close) = (org_id.clone(), ws_id.clone(), close.clone());
        Suspend::new(async move {
            let (models, datasets) = match choices.await {
                Ok(c) => c,
                Err(error) => return view! { <p class="alert alert-error" role="alert">{error.to_string()}</p> }.into_any(),
            };
            if datasets.is_empty() {
                return view! {
                    <p class="muted">"Upload a dataset first: a job trains on one of the workspace's datasets."</p>
                    <div class="dialog-actions"><a class="btn btn-secondary" href=close>"Close"</a></div>
                }
                .into_any();
            }
            let model_options = models
                .into_iter()
                .map(|m| view! { <option value=m.clone()>{m.clone()}</option> })
                .collect_view();
            let option = |d: &crate::domain::fine_tuning::DatasetView| {
                view! { <option value=d.id.clone()>{format!("{} ({} examples)", d.filename, d.examples)}</option> }
            };
            let training = datasets.iter().map(option).collect_view();
            let validation = datasets.iter().map(option).collect_view();
            view! {
                <ActionForm action attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="org_id" value=org_id/>
                    <input type="hidden" name="workspace_id" value=ws_id/>
                    <FormAlert error fields=&["model", "training_file", "validation_file", "suffix", "n_epochs"]/>
                    <div class="field">
                        <label class="field-label" for="field-model">"Base model"</label>
                        <select class="input" id="field-model" name="model">{model_options}</select>
                        {select_error("model")}
                    </div>
                    <div class="field">
                        <label class="field-label" for="field-training_file">"Training data"</label>
                        <select class="input" id="field-training_file" name="training_file">{training}</select>
                        {select_error("training_file")}
                    </div>
                    <div class="field">
                        <label class="field-label" for="field-validation_file">"Validation data (optional)"</label>
                        <select class="input" id="field-validation_file" name="validation_file">
                            <option value="">"None"</option>
                            {validation}
                        </select>
                        {select_error("validation_file")}
                    </div>
                    <TextField label="Suffix (optional)" name="suffix" maxlength=18 optional=true
                        help="Up to 18 letters, digits, \"-\" or \"_\"; it becomes part of the model's name."
                        error=field_error(error, "suffix")/>
                    <TextField label="Epochs" name="n_epochs" maxlength=4 optional=true
                        help="\"auto\" (the default) or 1 to 50." error=field_error(error, "n_epochs")/>
                    <DialogActions close_href=close>
                        <SubmitButton label="Start job" busy_label="Starting…" pending=action.pending()/>
                    </DialogActions>
                </ActionForm>
            }
            .into_any()
        })
    };
    view! {
        <Dialog id="new-job" title="New fine-tuning job"
            description="The job waits in the queue until a trainer takes it; this page follows it."
            close_href=close_done.clone()>
            {move || match created.get() {
                Some(id) => view! {
                    <p class="alert alert-success" role="status">{format!("Job {id} is queued.")}</p>
                    <div class="dialog-actions"><a class="btn btn-primary" href=close_done.clone()>"Done"</a></div>
                }
                .into_any(),
                None => {
                    let form = form.clone();
                    view! { <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>{server_once(form)}</Suspense> }.into_any()
                }
            }}
        </Dialog>
    }
}

fn status_class(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Succeeded => "status status-ok",
        JobStatus::Failed => "status status-error",
        JobStatus::Cancelled => "status status-faint",
        JobStatus::Queued | JobStatus::Running => "status status-busy",
    }
}

#[component]
fn JobTable(
    jobs: Vec<JobView>,
    org_id: String,
    ws_id: String,
    models: String,
    cancel: ServerAction<CancelFineTuningJob>,
) -> impl IntoView {
    let rows = jobs
        .into_iter()
        .map(|j| {
            let progress = (j.status == JobStatus::Running).then(|| {
                view! {
                    <div class="progress" role="progressbar" aria-label=format!("Progress of {}", j.id)
                        aria-valuemin="0" aria-valuemax="100" aria-valuenow=j.progress.to_string()>
                        <div class="progress-bar" style=format!("width: {}%", j.progress)></div>
                    </div>
                }
            });
            let model = match &j.fine_tuned_model {
                Some(m) => view! { <a href=models.clone()><code>{m.clone()}</code></a> }.into_any(),
                None => view! { <span class="muted-cell">"—"</span> }.into_any(),
            };
            let cancel_form = (!j.status.is_final()).then(|| {
                let (org_id, ws_id, job_id) = (org_id.clone(), ws_id.clone(), j.id.clone());
                view! {
                    <ActionForm action=cancel>
                        <input type="hidden" name="org_id" value=org_id/>
                        <input type="hidden" name="workspace_id" value=ws_id/>
                        <input type="hidden" name="job_id" value=job_id.clone()/>
                        <button type="submit" class="btn btn-small btn-danger-outline" aria-label=format!("Cancel {job_id}")
                            disabled=move || cancel.pending().get()>"Cancel"</button>
                    </ActionForm>
                }
            });
            view! {
                <tr>
                    <td><code>{j.id.clone()}</code>
                        {j.suffix.clone().map(|s| view! { <div class="muted-cell">{format!("Suffix “{s}”")}</div> })}</td>
                    <td data-label="Base model · training file">{j.model.clone()}<div class="muted-cell"><code>{j.training_file.clone()}</code></div></td>
                    <td data-label="Status">
                        <span class=status_class(j.status)>{j.status.label()}
                            {(j.status == JobStatus::Running).then(|| format!(" · {}%", j.progress))}</span>
                        {progress}
                        {j.message.clone().map(|m| view! { <div class="muted-cell">{m}</div> })}
                    </td>
                    <td data-label="Fine-tuned model">{model}</td>
                    <td data-label="Created">{when(Some(j.created_at), "")}
                        {j.created_by.clone().map(|by| view! { <div class="muted-cell">{format!("by {by}")}</div> })}</td>
                    <td class="row-actions">{cancel_form}</td>
                </tr>
            }
        })
        .collect_view();
    const COLUMNS: &[Column] = &[
        Column::text("Job"),
        Column::text("Base model · training file"),
        Column::text("Status"),
        Column::text("Fine-tuned model"),
        Column::text("Created"),
        Column::ACTIONS,
    ];
    view! { <Table caption="Fine-tuning jobs of this workspace" columns=COLUMNS>{rows}</Table> }
}
