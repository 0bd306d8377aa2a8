//! The left navigation of workspace pages.

use crate::domain::paths;
use crate::domain::permissions::Action;
use crate::domain::shell::ShellData;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceSection {
    Home,
    Datasets,
    FineTuning,
    Models,
    ApiKeys,
    Usage,
    Members,
}

#[component]
pub fn WorkspaceNav(shell: ShellData, current: WorkspaceSection) -> impl IntoView {
    let Some(ws) = shell.workspace.clone() else {
        return ().into_any();
    };
    let links = [
        (
            WorkspaceSection::Home,
            "Home",
            paths::workspace_home(&shell.org.id, &ws.id),
        ),
        (
            WorkspaceSection::Datasets,
            "Datasets",
            paths::workspace_datasets(&shell.org.id, &ws.id),
        ),
        (
            WorkspaceSection::FineTuning,
            "Fine-tuning",
            paths::workspace_fine_tuning(&shell.org.id, &ws.id),
        ),
        (
            WorkspaceSection::Models,
            "Models",
            paths::workspace_models(&shell.org.id, &ws.id),
        ),
        (
            WorkspaceSection::ApiKeys,
            "API keys",
            paths::workspace_api_keys(&shell.org.id, &ws.id),
        ),
        (
            WorkspaceSection::Usage,
            "Usage",
            paths::workspace_usage(&shell.org.id, &ws.id),
        ),
        (
            WorkspaceSection::Members,
            "Members",
            paths::workspace_members(&shell.org.id, &ws.id),
        ),
    ];
    // The workspace's entries in the organization's log, for those who may read them.
    let audit = shell
        .can(Action::ViewWorkspaceAudit)
        .then(|| paths::workspace_audit(&shell.org.id, &ws.id));
    view! {
        <nav class="sidenav" aria-label="Workspace">
            <p class="sidenav-title">{ws.name.clone()}</p>
            <ul>
                {links
                    .into_iter()
                    .map(|(section, label, href)| {
                        view! {
                            <li>
                                <a href=href class="sidenav-link" aria-current=(section == current).then_some("page")>
                                    {label}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
                {audit.map(|href| view! {
                    <li><a href=href class="sidenav-link">"Audit log"</a></li>
                })}
            </ul>
        </nav>
    }
    .into_any()
}

/// The frame of a workspace section page: title, left navigation, and a header naming the
/// organization and the workspace above the section's content.
#[component]
pub fn WorkspaceFrame(
    shell: ShellData,
    current: WorkspaceSection,
    /// The section's name, for the document title.
    section: &'static str,
    children: Children,
) -> impl IntoView {
    let ws_name = shell
        .workspace
        .as_ref()
        .map(|w| w.name.clone())
        .unwrap_or_default();
    let org_name = shell.org.name.clone();
    view! {
        <leptos_meta::Title text=format!("{section} · {ws_name} · {org_name}")/>
        <div class="with-sidenav">
            <WorkspaceNav shell=shell.clone() current/>
            <section class="content">
                <header class="page-header">
                    <p class="eyebrow">{org_name.clone()}</p>
                    <h1 class="h1">{ws_name.clone()}</h1>
                </header>
                {children()}
            </section>
        </div>
    }
}
