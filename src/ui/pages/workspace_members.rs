//! `/o/{org}/w/{ws}/members`: the workspace's members, Add Members, roles, removal.

use crate::api::members::{
    AddWorkspaceMembers, ChangeWorkspaceRole, RemoveWorkspaceMember, list_workspace_members,
    workspace_member_candidates,
};
use crate::domain::admin::WorkspaceMember;
use crate::domain::paths;
use crate::domain::permissions::Action;
use crate::domain::roles::WorkspaceRole;
use crate::domain::shell::ShellData;
use crate::ui::components::{Column, Dialog, DialogActions, FormAlert, Table};
use crate::ui::layout::{
    ConsolePage, WorkspaceFrame, WorkspaceSection, list_body, open_dialog, server_once,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

const ADD: &str = "add-members";

#[component]
pub fn WorkspaceMembersPage() -> impl IntoView {
    view! { <ConsolePage page=|shell| view! { <WorkspaceMembers shell/> }/> }
}

#[component]
fn WorkspaceMembers(shell: ShellData) -> impl IntoView {
    let Some(ws) = shell.workspace.clone() else {
        return ().into_any();
    };
    let org_id = shell.org.id.clone();
    let can_manage = shell.can(Action::ManageWorkspaceMembers);
    let add = ServerAction::<AddWorkspaceMembers>::new();
    let change = ServerAction::<ChangeWorkspaceRole>::new();
    let remove = ServerAction::<RemoveWorkspaceMember>::new();
    let list = Resource::new(
        {
            let (org_id, ws_id) = (org_id.clone(), ws.id.clone());
            move || {
                (
                    org_id.clone(),
                    ws_id.clone(),
                    add.version().get(),
                    change.version().get(),
                    remove.version().get(),
                )
            }
        },
        |(org, ws, ..)| list_workspace_members(org, ws),
    );
    let error = Signal::derive(move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
    });
    let here = paths::workspace_members(&org_id, &ws.id);
    let dialog = open_dialog();
    let table = {
        let (org_id, ws_id, me) = (org_id.clone(), ws.id.clone(), shell.user.id.clone());
        list_body(list, "Loading members…", move |members| {
            let (org_id, ws_id, me) = (org_id.clone(), ws_id.clone(), me.clone());
            view! { <MemberTable org_id ws_id me members can_manage change remove/> }
        })
    };
    let add_dialog = {
        let (org_id, ws_id, ws_name, here) =
            (org_id.clone(), ws.id.clone(), ws.name.clone(), here.clone());
        move || {
            (can_manage && dialog.get().as_deref() == Some(ADD)).then(|| {
                view! { <AddMembersDialog org_id=org_id.clone() ws_id=ws_id.clone() ws_name=ws_name.clone() close=here.clone() action=add/> }
            })
        }
    };
    view! {
        <WorkspaceFrame shell=shell.clone() current=WorkspaceSection::Members section="Members">
                <section class="card card-flush" aria-labelledby="ws-members-title">
                    <div class="section-header">
                        <div>
                            <h2 class="h2" id="ws-members-title">"Members"</h2>
                            <p class="muted">"Everyone here can use the workspace's API keys, datasets and models. Organization Admins can always open it."</p>
                        </div>
                        {can_manage.then(|| view! {
                            <a class="btn btn-primary" href=format!("{here}?{}={ADD}", paths::DIALOG_PARAM)>"Add Members"</a>
                        })}
                    </div>
                    <div class="pad"><FormAlert error fields=&[]/></div>
                    {table}
                </section>
        </WorkspaceFrame>
        {server_once(add_dialog)}
    }
    .into_any()
}

#[component]
fn MemberTable(
    org_id: String,
    ws_id: String,
    me: String,
    members: Vec<WorkspaceMember>,
    can_manage: bool,
    change: ServerAction<ChangeWorkspaceRole>,
    remove: ServerAction<RemoveWorkspaceMember>,
) -> impl IntoView {
    let rows = members
        .into_iter()
        .map(|m| {
            let role_cell = if can_manage {
                let options = WorkspaceRole::ALL
                    .into_iter()
                    .map(|r| view! { <option value=r.as_str() selected=r == m.role>{r.label()}</option> })
                    .collect_view();
                let (o, w, u) = (org_id.clone(), ws_id.clone(), m.user_id.clone());
                let (select_label, save_label) = (format!("Workspace role of {}", m.name), format!("Save workspace role of {}", m.name));
                view! {
                    <ActionForm action=change attr:class="inline-form role-form">
                        <input type="hidden" name="org_id" value=o/>
                        <input type="hidden" name="workspace_id" value=w/>
                        <input type="hidden" name="user_id" value=u/>
                        <select class="input input-small" name="role" aria-label=select_label>{options}</select>
                        <button type="submit" class="btn btn-small btn-secondary" aria-label=save_label>"Save"</button>
                    </ActionForm>
                }
                .into_any()
            } else {
                view! { <span class="badge">{m.role.label()}</span> }.into_any()
            };
            let remove_cell = can_manage.then(|| {
                let (o, w, u) = (org_id.clone(), ws_id.clone(), m.user_id.clone());
                let label = format!("Remove {} from the workspace", m.name);
                view! {
                    <ActionForm action=remove attr:class="inline-form">
                        <input type="hidden" name="org_id" value=o/>
                        <input type="hidden" name="workspace_id" value=w/>
                        <input type="hidden" name="user_id" value=u/>
                        <button type="submit" class="btn btn-small btn-danger-outline" aria-label=label>"Remove"</button>
                    </ActionForm>
                }
            });
            view! {
                <tr>
                    <td>
                        <div class="person">
                            <span class="person-name">{m.name.clone()} {(m.user_id == me).then_some(" (you)")}</span>
                            <span class="person-email">{m.email.clone()}</span>
                        </div>
                    </td>
                    <td data-label="Workspace role">{role_cell}</td>
                    <td data-label="Organization role"><span class="badge badge-muted">{m.org_role.label()}</span></td>
                    <td class="row-actions">{remove_cell}</td>
                </tr>
            }
        })
        .collect_view();
    const COLUMNS: &[Column] = &[
        Column::text("Member"),
        Column::text("Workspace role"),
        Column::text("Organization role"),
        Column::ACTIONS,
    ];
    view! { <Table caption="Members of this workspace" columns=COLUMNS>{rows}</Table> }
}

#[component]
fn AddMembersDialog(
    org_id: String,
    ws_id: String,
    ws_name: String,
    close: String,
    action: ServerAction<AddWorkspaceMembers>,
) -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|p| p.get("q")).unwrap_or_default());
    let candidates = Resource::new(
        {
            let (org_id, ws_id) = (org_id.clone(), ws_id.clone());
            move || (org_id.clone(), ws_id.clone(), q.get())
        },
        |(org, ws, q)| workspace_member_candidates(org, ws, Some(q)),
    );
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let list = move || {
        Suspend::new(async move {
            let people = candidates.await.unwrap_or_default();
            if people.is_empty() {
                return view! { <p class="muted">"No organization member left to add. Invite people in Admin Settings -> Members."</p> }.into_any();
            }
            people
                .into_iter()
                .enumerate()
                .map(|(i, p)| {
                    let id = format!("candidate-{i}");
                    let for_id = id.clone();
                    view! {
                        <label class="checkbox candidate" for=for_id>
                            <input type="checkbox" id=id name=format!("user_ids[{i}]") value=p.user_id/>
                            <span class="person">
                                <span class="person-name">{p.name}</span>
                                <span class="person-email">{p.email}</span>
                            </span>
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        })
    };
    let role_options = WorkspaceRole::ALL
        .into_iter()
        .rev()
        .map(|r| view! { <option value=r.as_str()>{r.label()}</option> })
        .collect_view();
    view! {
        <Dialog id="add-members" title=format!("Add Members to {ws_name}")
            description="Pick members of the organization. To add someone new, invite them to the organization first."
            close_href=close.clone()>
            <Form method="GET" action="" attr:class="search" attr:role="search">
                <input type="hidden" name=paths::DIALOG_PARAM value=ADD/>
                <input class="input" type="search" name="q" value=move || q.get() placeholder="Search by name or email" aria-label="Search organization members"/>
                <button type="submit" class="btn btn-secondary">"Search"</button>
            </Form>
            <ActionForm action attr:class="form">
                <input type="hidden" name="org_id" value=org_id.clone()/>
                <input type="hidden" name="workspace_id" value=ws_id.clone()/>
                <FormAlert error fields=&[]/>
                <fieldset class="fieldset candidates">
                    <legend class="field-label">"Members"</legend>
                    <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>{server_once(list)}</Suspense>
                </fieldset>
                <div class="field">
                    <label class="field-label" for="field-ws-role">"Workspace role"</label>
                    <select class="input" id="field-ws-role" name="role">{role_options}</select>
                </div>
                <DialogActions close_href=close>
                    <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>"Add members"</button>
                </DialogActions>
            </ActionForm>
        </Dialog>
    }
}
