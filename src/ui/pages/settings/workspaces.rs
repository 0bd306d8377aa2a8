//! Admin Settings -> Workspaces: the table, New Workspace, rename, archive, unarchive.

use super::layout::{SettingsLayout, SettingsSection};
use crate::api::workspaces::{
    ArchiveWorkspace, CreateWorkspace, RenameWorkspace, UnarchiveWorkspace, list_workspaces,
};
use crate::domain::admin::WorkspaceAdminRow;
use crate::domain::paths;
use crate::domain::permissions::Action;
use crate::domain::shell::ShellData;
use crate::domain::validation::MAX_ENTITY_NAME;
use crate::ui::components::{
    Column, ConfirmForm, Dialog, DialogActions, FormAlert, SubmitButton, Table, TextField,
    field_error, focus_first_invalid, when,
};
use crate::ui::layout::{ConsolePage, ShellRefresh, list_body, open_dialog, server_once};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const NEW: &str = "new-workspace";
const RENAME: &str = "rename-workspace";
const ARCHIVE: &str = "archive-workspace";

#[component]
pub fn SettingsWorkspacesPage() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| view! {
            <SettingsLayout shell=shell.clone() section=SettingsSection::Workspaces>
                <Workspaces shell=shell.clone()/>
            </SettingsLayout>
        }/>
    }
}

fn dialog_href(org_id: &str, dialog: &str, workspace_id: Option<&str>) -> String {
    let base = format!(
        "{}?{}={dialog}",
        paths::settings_workspaces(org_id),
        paths::DIALOG_PARAM
    );
    match workspace_id {
        Some(id) => format!("{base}&workspace={id}"),
        None => base,
    }
}

#[component]
fn Workspaces(shell: ShellData) -> impl IntoView {
    let org_id = shell.org.id.clone();
    let can_create = shell.can(Action::CreateWorkspace);
    let can_manage = shell.can(Action::ManageWorkspaces);
    let create = ServerAction::<CreateWorkspace>::new();
    let rename = ServerAction::<RenameWorkspace>::new();
    let archive = ServerAction::<ArchiveWorkspace>::new();
    let unarchive = ServerAction::<UnarchiveWorkspace>::new();
    ShellRefresh::after_success(move || create.value().get());
    ShellRefresh::after_success(move || rename.value().get());
    ShellRefresh::after_success(move || archive.value().get());
    ShellRefresh::after_success(move || unarchive.value().get());
    let list = Resource::new(
        {
            let org_id = org_id.clone();
            move || org_id.clone()
        },
        list_workspaces,
    );

    let dialog = open_dialog();
    let query = use_query_map();
    let target = move || query.with(|q| q.get("workspace"));
    let close = paths::settings_workspaces(&org_id);

    let header = {
        let org_id = org_id.clone();
        view! {
            <div class="section-header">
                <div>
                    <h2 class="h2">"Workspaces"</h2>
                    <p class="muted">"Workspaces group members, API keys and what the keys create. Archived workspaces leave the switcher and keep their data."</p>
                </div>
                {can_create.then(|| view! {
                    <a class="btn btn-primary" href=dialog_href(&org_id, NEW, None)>"New Workspace"</a>
                })}
            </div>
        }
    };

    let table = {
        let org_id = org_id.clone();
        list_body(list, "Loading workspaces…", move |rows| {
            let org_id = org_id.clone();
            view! { <WorkspaceTable org_id rows can_manage unarchive/> }
        })
    };

    let dialogs = {
        let org_id = org_id.clone();
        move || {
            let org_id = org_id.clone();
            let close = close.clone();
            let which = dialog.get()?;
            let chosen = target();
            Some(Suspend::new(async move {
                let rows = list.await.unwrap_or_default();
                let ws = chosen.and_then(|id| rows.into_iter().find(|w| w.id == id));
                match (which.as_str(), ws) {
                    (NEW, _) if can_create => {
                        view! { <NewWorkspaceDialog org_id close action=create/> }.into_any()
                    }
                    (RENAME, Some(ws)) if can_manage => {
                        view! { <RenameWorkspaceDialog org_id close ws action=rename/> }.into_any()
                    }
                    (ARCHIVE, Some(ws)) if can_manage && !ws.is_default => {
                        view! { <ArchiveWorkspaceDialog org_id close ws action=archive/> }
                            .into_any()
                    }
                    _ => ().into_any(),
                }
            }))
        }
    };

    view! {
        <section class="card card-flush" aria-labelledby="workspaces-title">
            {header}
            {table}
        </section>
        <Suspense>{server_once(dialogs)}</Suspense>
    }
}

#[component]
fn WorkspaceTable(
    org_id: String,
    rows: Vec<WorkspaceAdminRow>,
    can_manage: bool,
    unarchive: ServerAction<UnarchiveWorkspace>,
) -> impl IntoView {
    let count = rows.len();
    let body = rows
        .into_iter()
        .map(|ws| {
            let name = if ws.archived {
                view! { <span>{ws.name.clone()}</span> }.into_any()
            } else {
                view! { <a href=paths::workspace_home(&org_id, &ws.id)>{ws.name.clone()}</a> }.into_any()
            };
            let actions = can_manage.then(|| {
                let org_id = org_id.clone();
                if ws.archived {
                    view! {
                        <ActionForm action=unarchive attr:class="inline-form">
                            <input type="hidden" name="org_id" value=org_id.clone()/>
                            <input type="hidden" name="workspace_id" value=ws.id.clone()/>
                            <button type="submit" class="btn btn-small btn-secondary"
                                aria-label=format!("Unarchive {}", ws.name)>"Unarchive"</button>
                        </ActionForm>
                    }
                    .into_any()
                } else {
                    view! {
                        <a class="btn btn-small btn-secondary" href=dialog_href(&org_id, RENAME, Some(&ws.id))
                            aria-label=format!("Rename {}", ws.name)>"Rename"</a>
                        {(!ws.is_default).then(|| view! {
                            <a class="btn btn-small btn-danger-outline" href=dialog_href(&org_id, ARCHIVE, Some(&ws.id))
                                aria-label=format!("Archive {}", ws.name)>"Archive"</a>
                        })}
                    }
                    .into_any()
                }
            });
            view! {
                <tr>
                    <td>{name} {ws.is_default.then(|| view! { <span class="badge">"Default"</span> })}</td>
                    <td class="num" data-label="Members">{ws.member_count}</td>
                    <td data-label="Created">{when(Some(ws.created_at), "")}</td>
                    <td data-label="Status">
                        {if ws.archived {
                            view! { <span class="status status-muted">"Archived"</span> }
                        } else {
                            view! { <span class="status status-ok">"Active"</span> }
                        }}
                    </td>
                    <td class="row-actions">{actions}</td>
                </tr>
            }
        })
        .collect_view();
    const COLUMNS: &[Column] = &[
        Column::text("Name"),
        Column::number("Members"),
        Column::text("Created"),
        Column::text("Status"),
        Column::ACTIONS,
    ];
    view! {
        <Table caption="Workspaces of this organization" columns=COLUMNS>{body}</Table>
        <p class="table-foot">{format!("{count} workspace{}", if count == 1 { "" } else { "s" })}</p>
    }
}

#[component]
fn NewWorkspaceDialog(
    org_id: String,
    close: String,
    action: ServerAction<CreateWorkspace>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    view! {
        <Dialog id="new-workspace" title="New Workspace"
            description="You become the workspace's Admin. Organization Admins can open every workspace."
            close_href=close.clone()>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="org_id" value=org_id/>
                <FormAlert error fields=&["name"]/>
                <TextField label="Workspace name" name="name" maxlength=MAX_ENTITY_NAME
                    help="For example a team or a project: \"Research\", \"Support bot\"."
                    error=field_error(error, "name")/>
                <DialogActions close_href=close>
                    <SubmitButton label="Create workspace" busy_label="Creating…" pending=action.pending()/>
                </DialogActions>
            </ActionForm>
        </Dialog>
    }
}

#[component]
fn RenameWorkspaceDialog(
    org_id: String,
    close: String,
    ws: WorkspaceAdminRow,
    action: ServerAction<RenameWorkspace>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    view! {
        <Dialog id="rename-workspace" title=format!("Rename {}", ws.name) close_href=close.clone()>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="org_id" value=org_id/>
                <input type="hidden" name="workspace_id" value=ws.id.clone()/>
                <FormAlert error fields=&["name"]/>
                <TextField label="Workspace name" name="name" value=ws.name.clone() maxlength=MAX_ENTITY_NAME
                    error=field_error(error, "name")/>
                <DialogActions close_href=close>
                    <SubmitButton label="Rename workspace" busy_label="Saving…" pending=action.pending()/>
                </DialogActions>
            </ActionForm>
        </Dialog>
    }
}

#[component]
fn ArchiveWorkspaceDialog(
    org_id: String,
    close: String,
    ws: WorkspaceAdminRow,
    action: ServerAction<ArchiveWorkspace>,
) -> impl IntoView {
    let fields = vec![("org_id", org_id), ("workspace_id", ws.id.clone())];
    view! {
        <Dialog id="archive-workspace" title=format!("Archive {}?", ws.name)
            description="It leaves everyone's switcher and its API keys stop working. Its members, datasets and models are kept, and you can unarchive it at any time."
            close_href=close.clone()>
            <ConfirmForm action fields button="Archive workspace" close_href=close/>
        </Dialog>
    }
}
