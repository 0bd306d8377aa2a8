//! The organization/workspace switcher at the top left.

use super::create_org::CREATE_ORGANIZATION;
use crate::domain::paths;
use crate::domain::permissions::{Action, Membership, can};
use crate::domain::shell::{ShellData, initials};
use crate::ui::components::DropdownMenu;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Switcher(shell: ShellData) -> impl IntoView {
    let can_create_workspace = shell.can(Action::CreateWorkspace);
    let manage_org = manage_org_href(&shell);
    let ShellData {
        org,
        orgs,
        workspaces,
        workspace,
        ..
    } = shell;
    let pathname = use_location().pathname;
    let create_org_href = move || {
        format!(
            "{}?{}={CREATE_ORGANIZATION}",
            pathname.get(),
            paths::DIALOG_PARAM
        )
    };
    let new_workspace_href = format!(
        "{}?{}=new-workspace",
        paths::settings_workspaces(&org.id),
        paths::DIALOG_PARAM
    );
    let org_initials = initials(&org.name);
    let org_name = org.name.clone();
    let ws_name = workspace.as_ref().map(|w| w.name.clone());
    let current_ws = workspace.map(|w| w.id);
    let trigger = move || {
        view! {
            <span class="avatar avatar-square" aria-hidden="true">{org_initials.clone()}</span>
            <span class="switcher-text">
                <span class="switcher-org">{org_name.clone()}</span>
                {ws_name.clone().map(|w| view! { <span class="switcher-ws">"/ " {w}</span> })}
            </span>
            <Chevron/>
        }
    };
    let org_items = orgs
        .into_iter()
        .map(|o| {
            let current = o.id == org.id;
            view! {
                // A full page load: the server sends it on to the organization's workspace.
                <a role="menuitem" class="menu-item" href=paths::org_home(&o.id) rel="external" aria-current=current.then_some("true")>
                    <span class="avatar avatar-square avatar-sm" aria-hidden="true">{initials(&o.name)}</span>
                    <span class="menu-item-text">
                        <span>{o.name}</span>
                        <span class="menu-item-meta">{o.role.label()}</span>
                    </span>
                    {current.then(|| view! { <Check/> })}
                </a>
            }
        })
        .collect_view();
    let has_workspaces = !workspaces.is_empty();
    let org_id = org.id.clone();
    // "Manage": every workspace for an organization Admin (Admin Settings -> Workspaces),
    // else the members of each workspace the person is Admin of.
    let manage_workspaces = if org.role == crate::domain::roles::OrgRole::Admin {
        vec![(
            "Manage workspaces".to_owned(),
            paths::settings_workspaces(&org.id),
        )]
    } else {
        workspaces
            .iter()
            .filter(|w| {
                can(
                    &Membership::in_workspace(org.role, w.role),
                    Action::ManageWorkspaceMembers,
                )
            })
            .map(|w| {
                (
                    format!("Manage {}", w.name),
                    paths::workspace_members(&org.id, &w.id),
                )
            })
            .collect()
    };
    let manage_ws_items = manage_workspaces
        .into_iter()
        .map(|(label, href)| {
            view! {
                <a role="menuitem" class="menu-item menu-item-action" href=href>
                    <Gear/> <span>{label}</span>
                </a>
            }
        })
        .collect_view();
    let ws_items = workspaces
        .into_iter()
        .map(|w| {
            let current = current_ws.as_deref() == Some(w.id.as_str());
            view! {
                <a role="menuitem" class="menu-item" href=paths::workspace_home(&org_id, &w.id) aria-current=current.then_some("true")>
                    <span class="menu-item-text">
                        <span>{w.name}</span>
                        {w.is_default.then(|| view! { <span class="menu-item-meta">"Default"</span> })}
                    </span>
                    {current.then(|| view! { <Check/> })}
                </a>
            }
        })
        .collect_view();
    view! {
        <DropdownMenu id="switcher" class="switcher" trigger>
            <div role="group" aria-labelledby="switcher-orgs">
                <p class="menu-label" id="switcher-orgs">"Organizations"</p>
                {org_items}
                {manage_org.map(|(label, href)| view! {
                    <a role="menuitem" class="menu-item menu-item-action" href=href>
                        <Gear/> <span>{label}</span>
                    </a>
                })}
            </div>
            <div role="separator" class="menu-sep"></div>
            <div role="group" aria-labelledby="switcher-workspaces">
                <p class="menu-label" id="switcher-workspaces">"Workspaces"</p>
                {(!has_workspaces).then(|| view! { <p class="menu-empty">"None you can open yet."</p> })}
                {ws_items}
                {manage_ws_items}
                {can_create_workspace.then(|| view! {
                    <a role="menuitem" class="menu-item menu-item-action" href=new_workspace_href>
                        <Plus/> <span>"New workspace"</span>
                    </a>
                })}
            </div>
            <div role="separator" class="menu-sep"></div>
            <a role="menuitem" class="menu-item menu-item-action" href=create_org_href>
                <Plus/> <span>"Create organization"</span>
            </a>
        </DropdownMenu>
    }
}

/// Where "Manage" leads for the current organization: Admin Settings for an Admin, its
/// billing for the Billing role; nothing for a Member (they manage nothing there).
fn manage_org_href(shell: &ShellData) -> Option<(String, String)> {
    let org = &shell.org;
    let label = format!("Manage {}", org.name);
    if shell.can(Action::RenameOrganization) {
        Some((label, paths::settings_general(&org.id)))
    } else if shell.can(Action::ManageBilling) {
        Some((label, paths::settings_billing(&org.id)))
    } else {
        None
    }
}

#[component]
fn Gear() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 16 16" aria-hidden="true">
            <circle cx="8" cy="8" r="2.2" fill="none" stroke="currentColor" stroke-width="1.5"/>
            <path d="M8 1.8v2M8 12.2v2M1.8 8h2M12.2 8h2M3.6 3.6l1.4 1.4M11 11l1.4 1.4M3.6 12.4L5 11M11 5l1.4-1.4" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/>
        </svg>
    }
}

#[component]
fn Chevron() -> impl IntoView {
    view! {
        <svg class="icon chevron" viewBox="0 0 16 16" aria-hidden="true">
            <path d="M4 6l4 4 4-4" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}

#[component]
fn Plus() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 16 16" aria-hidden="true">
            <path d="M8 3v10M3 8h10" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/>
        </svg>
    }
}

#[component]
fn Check() -> impl IntoView {
    view! {
        <svg class="icon check" viewBox="0 0 16 16" aria-hidden="true">
            <path d="M3.5 8.5l3 3 6-7" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}
