//! `/o/{org}/w/{ws}/models`: the base models and the workspace's fine-tuned models.

use super::deleted_notice;
use crate::api::workspace_resources::{DeleteModel, list_models};
use crate::domain::fine_tuning::ModelView;
use crate::domain::paths;
use crate::domain::shell::ShellData;
use crate::ui::components::{
    Column, ConfirmForm, Dialog, EmptyState, Pager, PagerText, Table, use_page_at, when,
};
use crate::ui::layout::{
    ConsolePage, WorkspaceFrame, WorkspaceSection, list_body, open_dialog, server_once,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const DELETE: &str = "delete-model";

#[component]
pub fn ModelsPage() -> impl IntoView {
    view! { <ConsolePage page=|shell| view! { <Models shell/> }/> }
}

#[component]
fn Models(shell: ShellData) -> impl IntoView {
    let Some(ws) = shell.workspace.clone() else {
        return ().into_any();
    };
    let org_id = shell.org.id.clone();
    let delete = ServerAction::<DeleteModel>::new();
    let at = use_page_at();
    let list = Resource::new(
        {
            let (org_id, ws_id) = (org_id.clone(), ws.id.clone());
            move || {
                (
                    org_id.clone(),
                    ws_id.clone(),
                    at.get(),
                    delete.version().get(),
                )
            }
        },
        |(org, ws, at, _)| {
            let (after, before) = at.into_query();
            list_models(org, ws, after, before)
        },
    );
    let here = paths::workspace_models(&org_id, &ws.id);
    let deleted = Signal::derive(move || matches!(delete.value().get(), Some(Ok(()))));
    let deleted_notice = deleted_notice(deleted, here.clone(), "Model deleted.");
    let jobs = paths::workspace_fine_tuning(&org_id, &ws.id);
    let query = use_query_map();
    let dialog = open_dialog();
    let content = {
        let (here, jobs) = (here.clone(), jobs.clone());
        list_body(list, "Loading models…", move |page| {
            let jobs = jobs.clone();
            let own = if page.fine_tuned.items.is_empty() {
                view! {
                    <EmptyState>"No fine-tuned models yet. A "<a href=jobs.clone()>"fine-tuning job"</a>
                        " that succeeds adds its model here, for every member and key of the workspace."</EmptyState>
                }
                .into_any()
            } else {
                // Rows open their dialogs over this page.
                let (can_delete, base) = (page.fine_tuned.can_delete, here.clone());
                let (here, neighbours) = (at.get_untracked().on(&here), page.fine_tuned.neighbours);
                view! {
                    <ModelTable models=page.fine_tuned.items can_delete here jobs/>
                    <Pager neighbours base text=PagerText::newest_first("Pages of fine-tuned models")/>
                }
                .into_any()
            };
            let base = page
                .base_models
                .into_iter()
                .map(|m| view! { <li><code>{m}</code></li> })
                .collect_view();
            view! {
                <section class="card card-flush" aria-labelledby="own-title">
                    <div class="section-header">
                        <div>
                            <h2 class="h2" id="own-title">"Fine-tuned models"</h2>
                            <p class="muted">"Use a model's id as "<code>"model"</code>" with any key of this workspace."</p>
                        </div>
                    </div>
                    {own}
                </section>
                <section class="card" aria-labelledby="base-title">
                    <h2 class="h3" id="base-title">"Base models"</h2>
                    <p class="muted">"Offered by the platform; these can be fine-tuned."</p>
                    <ul class="plain-list">{base}</ul>
                </section>
            }
        })
    };
    let dialogs = {
        let (org_id, ws_id, here) = (org_id.clone(), ws.id.clone(), here.clone());
        move || {
            (dialog.get().as_deref() == Some(DELETE)).then_some(())?;
            let model_id = query.with(|q| q.get("model"))?;
            let (org_id, ws_id, here) = (org_id.clone(), ws_id.clone(), at.get().on(&here));
            Some(Suspend::new(async move {
                let page = list.await.ok()?;
                let can_delete = page.fine_tuned.can_delete;
                let model = page
                    .fine_tuned
                    .items
                    .into_iter()
                    .find(|m| m.id == model_id)?;
                can_delete
                    .then(|| view! { <DeleteDialog org_id ws_id model close=here action=delete/> })
            }))
        }
    };
    view! {
        <WorkspaceFrame shell=shell.clone() current=WorkspaceSection::Models section="Models">
            {deleted_notice}
            {content}
        </WorkspaceFrame>
        <Suspense>{server_once(dialogs)}</Suspense>
    }
    .into_any()
}

#[component]
fn ModelTable(
    models: Vec<ModelView>,
    can_delete: bool,
    here: String,
    jobs: String,
) -> impl IntoView {
    let rows = models
        .into_iter()
        .map(|m| {
            let delete = can_delete.then(|| {
                let href = paths::with_param(&here, &format!("{}={DELETE}&model={}", paths::DIALOG_PARAM, paths::query_value(&m.id)));
                view! { <a class="btn btn-small btn-danger-outline" href=href aria-label=format!("Delete {}", m.id)>"Delete"</a> }
            });
            view! {
                <tr>
                    <td><code>{m.id.clone()}</code></td>
                    <td data-label="Base model">{m.base_model.clone()}</td>
                    <td data-label="Job"><a href=jobs.clone()><code>{m.job_id.clone()}</code></a></td>
                    <td data-label="Created">{when(Some(m.created_at), "")}</td>
                    <td class="row-actions">{delete}</td>
                </tr>
            }
        })
        .collect_view();
    const COLUMNS: &[Column] = &[
        Column::text("Model"),
        Column::text("Base model"),
        Column::text("Job"),
        Column::text("Created"),
        Column::ACTIONS,
    ];
    view! { <Table caption="Fine-tuned models of this workspace" columns=COLUMNS>{rows}</Table> }
}

#[component]
fn DeleteDialog(
    org_id: String,
    ws_id: String,
    model: ModelView,
    close: String,
    action: ServerAction<DeleteModel>,
) -> impl IntoView {
    let fields = vec![
        ("org_id", org_id),
        ("workspace_id", ws_id),
        ("model_id", model.id.clone()),
    ];
    view! {
        <Dialog id="delete-model" title=format!("Delete {}?", model.id)
            description="Keys of this workspace can no longer use it. The job that made it keeps its record."
            close_href=close.clone()>
            <ConfirmForm action fields button="Delete model" close_href=close/>
        </Dialog>
    }
}
