//! `/o/{org}/w/{ws}/datasets`: the workspace's fine-tuning datasets, uploaded with any of
//! its keys or in the console; download, upload, and (Admins) delete.

use super::{deleted_notice, size};
use crate::api::workspace_resources::{DeleteDataset, get_upload_outcome, list_datasets};
use crate::domain::fine_tuning::{DatasetView, UploadOutcome};
use crate::domain::format::thousands;
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

const DELETE: &str = "delete-dataset";

#[component]
pub fn DatasetsPage() -> impl IntoView {
    view! { <ConsolePage page=|shell| view! { <Datasets shell/> }/> }
}

#[component]
fn Datasets(shell: ShellData) -> impl IntoView {
    let Some(ws) = shell.workspace.clone() else {
        return ().into_any();
    };
    let org_id = shell.org.id.clone();
    let delete = ServerAction::<DeleteDataset>::new();
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
            list_datasets(org, ws, after, before)
        },
    );
    let here = paths::workspace_datasets(&org_id, &ws.id);
    let deleted = Signal::derive(move || matches!(delete.value().get(), Some(Ok(()))));
    let deleted_notice = deleted_notice(deleted, here.clone(), "Dataset deleted.");
    let query = use_query_map();
    let dialog = open_dialog();
    let outcome = Resource::new(
        move || query.with(|q| q.get("upload")),
        |id| async move {
            match id {
                Some(id) => get_upload_outcome(id).await,
                None => Ok(None),
            }
        },
    );
    let notice = move || {
        Suspend::new(async move {
            match outcome.await {
                Ok(Some(UploadOutcome::Uploaded { filename })) => Some(
                    view! { <p class="alert alert-success" role="status">{format!("Uploaded {filename}.")}</p> }.into_any(),
                ),
                Ok(Some(UploadOutcome::Refused { message })) => Some(
                    view! { <p class="alert alert-error" role="alert">{format!("Upload failed: {message}")}</p> }.into_any(),
                ),
                _ => None,
            }
        })
    };
    let table = {
        let (org_id, ws_id, here) = (org_id.clone(), ws.id.clone(), here.clone());
        let here_base = here.clone();
        list_body(list, "Loading datasets…", move |page| {
            if page.items.is_empty() {
                return view! {
                    <EmptyState>"No datasets yet. Upload a JSONL file here, or with an API key: "
                        <code>"POST /v1/files"</code>"."</EmptyState>
                }
                .into_any();
            }
            // Rows open their dialogs over this page.
            let (org_id, ws_id, here) =
                (org_id.clone(), ws_id.clone(), at.get_untracked().on(&here));
            let (neighbours, base) = (page.neighbours, here_base.clone());
            view! {
                <DatasetTable items=page.items can_delete=page.can_delete org_id ws_id here/>
                <Pager neighbours base text=PagerText::newest_first("Pages of datasets")/>
            }
            .into_any()
        })
    };
    let dialogs = {
        let (org_id, ws_id, here) = (org_id.clone(), ws.id.clone(), here.clone());
        move || {
            (dialog.get().as_deref() == Some(DELETE)).then_some(())?;
            let file_id = query.with(|q| q.get("file"))?;
            let (org_id, ws_id, here) = (org_id.clone(), ws_id.clone(), at.get().on(&here));
            Some(Suspend::new(async move {
                let page = list.await.ok()?;
                let file = page.items.into_iter().find(|f| f.id == file_id)?;
                page.can_delete
                    .then(|| view! { <DeleteDialog org_id ws_id file close=here action=delete/> })
            }))
        }
    };
    let upload_to = paths::dataset_upload(&org_id, &ws.id);
    view! {
        <WorkspaceFrame shell=shell.clone() current=WorkspaceSection::Datasets section="Datasets">
            {deleted_notice}
            <Suspense>{server_once(notice)}</Suspense>
            <section class="card card-flush" aria-labelledby="datasets-title">
                <div class="section-header">
                    <div>
                        <h2 class="h2" id="datasets-title">"Datasets"</h2>
                        <p class="muted">"Fine-tuning data of this workspace. Every member can use a dataset, whoever uploaded it."</p>
                    </div>
                </div>
                {table}
            </section>
            <section class="card" aria-labelledby="upload-title">
                <h2 class="h3" id="upload-title">"Upload a dataset"</h2>
                <p class="muted">"JSONL: one example per line, each an object with a "<code>"messages"</code>
                    " array of "<code>"{\"role\", \"content\"}"</code>". Every line is checked; a bad line is named."</p>
                <form class="upload-form" method="post" action=upload_to enctype="multipart/form-data">
                    <label class="field-label" for="dataset-file">"File"</label>
                    <input class="input" type="file" id="dataset-file" name="file" accept=".jsonl,application/jsonl,application/json" required/>
                    <button type="submit" class="btn btn-primary">"Upload"</button>
                </form>
            </section>
        </WorkspaceFrame>
        <Suspense>{server_once(dialogs)}</Suspense>
    }
    .into_any()
}

#[component]
fn DatasetTable(
    items: Vec<DatasetView>,
    can_delete: bool,
    org_id: String,
    ws_id: String,
    here: String,
) -> impl IntoView {
    let rows = items
        .into_iter()
        .map(|f| {
            let download = paths::dataset_download(&org_id, &ws_id, &f.id);
            let delete = can_delete.then(|| {
                let href = paths::with_param(&here, &format!("{}={DELETE}&file={}", paths::DIALOG_PARAM, f.id));
                view! { <a class="btn btn-small btn-danger-outline" href=href aria-label=format!("Delete {}", f.filename)>"Delete"</a> }
            });
            view! {
                <tr>
                    <td>{f.filename.clone()}<div class="muted-cell"><code>{f.id.clone()}</code></div></td>
                    <td class="num" data-label="Examples">{thousands(f.examples)}</td>
                    <td class="num" data-label="Size">{size(f.bytes)}</td>
                    <td data-label="Uploaded by">{f.created_by.clone().unwrap_or_else(|| "—".into())}</td>
                    <td data-label="Uploaded">{when(Some(f.created_at), "")}</td>
                    <td class="row-actions">
                        <a class="btn btn-small btn-secondary" href=download rel="external" download=f.filename.clone()
                            aria-label=format!("Download {}", f.filename)>"Download"</a>
                        {delete}
                    </td>
                </tr>
            }
        })
        .collect_view();
    const COLUMNS: &[Column] = &[
        Column::text("File"),
        Column::number("Examples"),
        Column::number("Size"),
        Column::text("Uploaded by"),
        Column::text("Uploaded"),
        Column::ACTIONS,
    ];
    view! { <Table caption="Datasets of this workspace" columns=COLUMNS>{rows}</Table> }
}

#[component]
fn DeleteDialog(
    org_id: String,
    ws_id: String,
    file: DatasetView,
    close: String,
    action: ServerAction<DeleteDataset>,
) -> impl IntoView {
    let fields = vec![
        ("org_id", org_id),
        ("workspace_id", ws_id),
        ("file_id", file.id.clone()),
    ];
    view! {
        <Dialog id="delete-dataset" title=format!("Delete {}?", file.filename)
            description="Every member and key of the workspace loses it. Jobs that used it keep their record."
            close_href=close.clone()>
            <ConfirmForm action fields button="Delete dataset" close_href=close/>
        </Dialog>
    }
}
