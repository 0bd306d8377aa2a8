//! Admin Settings -> Permissions: what any member may do in the organization and in
//! each workspace, derived from the permission matrix. Answers "why can't Bob do X".

use super::layout::{SettingsLayout, SettingsSection};
use crate::api::access::{get_effective_permissions, list_permission_members};
use crate::domain::admin::{EffectivePermissions, Grant};
use crate::domain::permissions::{Action, Scope};
use crate::domain::shell::ShellData;
use crate::ui::components::{Column, Table};
use crate::ui::layout::{ConsolePage, ErrorPanel, server_once};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SettingsPermissionsPage() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| view! {
            <SettingsLayout shell=shell.clone() section=SettingsSection::Permissions>
                <Permissions shell=shell.clone()/>
            </SettingsLayout>
        }/>
    }
}

#[component]
fn Permissions(shell: ShellData) -> impl IntoView {
    let org_id = shell.org.id.clone();
    let me = shell.user.id.clone();
    let query = use_query_map();
    let member = Memo::new(move |_| {
        query
            .with(|q| q.get("member"))
            .unwrap_or_else(|| me.clone())
    });
    let members = Resource::new(
        {
            let org_id = org_id.clone();
            move || org_id.clone()
        },
        list_permission_members,
    );
    let permissions = Resource::new(
        {
            let org_id = org_id.clone();
            move || (org_id.clone(), member.get())
        },
        |(org, user)| get_effective_permissions(org, user),
    );

    let picker = move || {
        Suspend::new(async move {
            let list = members.await.unwrap_or_default();
            let selected = member.get_untracked();
            let options = list
                .into_iter()
                .map(|m| {
                    let is = m.user_id == selected;
                    view! {
                        <option value=m.user_id selected=is>{format!("{} ({}) · {}", m.name, m.email, m.role.label())}</option>
                    }
                })
                .collect_view();
            view! {
                <Form method="GET" action="" attr:class="picker">
                    <label class="field-label" for="member-picker">"Member"</label>
                    <select class="input" id="member-picker" name="member">{options}</select>
                    <button type="submit" class="btn btn-secondary">"Show permissions"</button>
                </Form>
            }
        })
    };
    let table = move || {
        Suspend::new(async move {
            match permissions.await {
                Ok(p) => view! { <PermissionTables p/> }.into_any(),
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
            }
        })
    };
    view! {
        <section class="card" aria-labelledby="permissions-title">
            <h2 class="h2" id="permissions-title">"Effective permissions"</h2>
            <p class="muted">
                "What a member may do, from their organization role and their role in each workspace. "
                "Organization Admins are Admin of every workspace."
            </p>
            <Suspense fallback=|| view! { <p class="muted">"Loading members…"</p> }>{server_once(picker)}</Suspense>
        </section>
        <Transition fallback=|| view! { <p class="muted">"Loading permissions…"</p> }>{server_once(table)}</Transition>
    }
}

fn mark(grant: Option<&Grant>) -> impl IntoView + use<> {
    if grant.is_some_and(|g| g.allowed) {
        view! { <span class="yes" title="Allowed">"✓"<span class="visually-hidden">" Allowed"</span></span> }.into_any()
    } else {
        view! { <span class="no" title="Not allowed">"–"<span class="visually-hidden">" Not allowed"</span></span> }.into_any()
    }
}

const ORG_COLUMNS: &[Column] = &[Column::text("Action"), Column::centered("Allowed")];

/// The organization's actions as a `Table`; the workspaces' as a matrix of its own, whose
/// columns are the workspace actions (each named in full on hover).
#[component]
fn PermissionTables(p: EffectivePermissions) -> impl IntoView {
    let org_rows = p
        .organization
        .iter()
        .map(|g| view! { <tr><td>{g.action.label()}</td><td class="center">{mark(Some(g))}</td></tr> })
        .collect_view();
    let ws_actions: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|a| a.scope() == Scope::Workspace)
        .collect();
    let headers = ws_actions
        .iter()
        .map(|a| view! { <th scope="col" class="center" title=a.label()>{a.short_label()}</th> })
        .collect_view();
    let ws_rows = p
        .workspaces
        .iter()
        .map(|w| {
            let role = match (w.role, w.effective_role) {
                (Some(own), _) if Some(own) == w.effective_role => own.label().to_owned(),
                (_, Some(effective)) => format!("{} (organization Admin)", effective.label()),
                _ => "Not a member".to_owned(),
            };
            let cells = ws_actions
                .iter()
                .map(|a| view! { <td class="center">{mark(w.grants.iter().find(|g| g.action == *a))}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">
                        {w.workspace_name.clone()}
                        {w.archived.then(|| view! { <span class="status status-muted">"Archived"</span> })}
                    </th>
                    <td>{role}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card card-flush" aria-labelledby="org-perms-title">
            <div class="section-header">
                <div>
                    <h2 class="h2" id="org-perms-title">{format!("{} in the organization", p.member.name)}</h2>
                    <p class="muted">{p.member.email.clone()} " · " <span class="badge">{p.member.role.label()}</span></p>
                </div>
            </div>
            <Table caption="What they may do in the organization" columns=ORG_COLUMNS>{org_rows}</Table>
        </section>
        <section class="card card-flush" aria-labelledby="ws-perms-title">
            <div class="section-header">
                <div>
                    <h2 class="h2" id="ws-perms-title">"In each workspace"</h2>
                    <p class="muted">"Hover a column for the full action."</p>
                </div>
            </div>
            // Wider than most screens: it scrolls inside its card, by keyboard too.
            <div class="table-scroll" tabindex="0" role="region" aria-label="Permissions by workspace (table)">
                <table class="table">
                    <thead><tr><th scope="col">"Workspace"</th><th scope="col">"Role"</th>{headers}</tr></thead>
                    <tbody>{ws_rows}</tbody>
                </table>
            </div>
        </section>
    }
}
