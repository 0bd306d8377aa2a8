//! The organization/workspace switcher at the top left.

use super::create_org::CREATE_ORGANIZATION;
use crate::domain::paths;
use crate::domain::permissions::Action;
use crate::domain::shell::{ShellData, initials};
use crate::ui::components::DropdownMenu;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn Switcher(shell: ShellData) -> impl IntoView {
    let can_create_workspace = shell.can(Action::CreateWorkspace);
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
            </div>
            <div role="separator" class="menu-sep"></div>
            <div role="group" aria-labelledby="switcher-workspaces">
                <p class="menu-label" id="switcher-workspaces">"Workspaces"</p>
                {(!has_workspaces).then(|| view! { <p class="menu-empty">"None you can open yet."</p> })}
                {ws_items}
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
