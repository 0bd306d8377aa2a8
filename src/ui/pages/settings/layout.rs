//! The Admin Settings frame: title, organization name, and the section navigation,
//! which lists only the sections the user may open.

use crate::domain::paths;
use crate::domain::permissions::Action;
use crate::domain::shell::ShellData;
use crate::ui::layout::ConsolePage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsSection {
    General,
    Members,
    Workspaces,
    Permissions,
    Domains,
    Billing,
    Limits,
    Audit,
}

impl SettingsSection {
    const ALL: [SettingsSection; 8] = [
        Self::General,
        Self::Members,
        Self::Workspaces,
        Self::Permissions,
        Self::Domains,
        Self::Billing,
        Self::Limits,
        Self::Audit,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::General => "General",
            Self::Members => "Members",
            Self::Workspaces => "Workspaces",
            Self::Permissions => "Permissions",
            Self::Domains => "Domains",
            Self::Billing => "Billing",
            Self::Limits => "Limits",
            Self::Audit => "Audit log",
        }
    }

    fn href(self, org_id: &str) -> String {
        match self {
            Self::General => paths::settings_general(org_id),
            Self::Members => paths::settings_members(org_id),
            Self::Workspaces => paths::settings_workspaces(org_id),
            Self::Permissions => paths::settings_permissions(org_id),
            Self::Domains => paths::settings_domains(org_id),
            Self::Billing => paths::settings_billing(org_id),
            Self::Limits => paths::settings_limits(org_id),
            Self::Audit => paths::settings_audit(org_id),
        }
    }

    /// Whether the person may open the section: the Audit log also opens for a workspace
    /// Admin, on the entries of the workspaces they administer.
    fn open_to(self, shell: &ShellData) -> bool {
        match self {
            Self::Audit => {
                shell.can(Action::ViewAuditLog)
                    || shell.can_in_some_workspace(Action::ViewWorkspaceAudit)
            }
            other => shell.can(other.requires()),
        }
    }

    /// What it takes to open the section.
    fn requires(self) -> Action {
        match self {
            Self::General => Action::ViewOrganization,
            Self::Members => Action::ViewMembers,
            Self::Workspaces => Action::ViewAllWorkspaces,
            Self::Permissions => Action::ViewPermissions,
            Self::Domains => Action::ManageDomains,
            Self::Billing => Action::ViewBilling,
            Self::Limits => Action::ManageLimits,
            Self::Audit => Action::ViewAuditLog,
        }
    }
}

/// `/o/{org}/settings`: the first section.
#[component]
pub fn SettingsIndex() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| view! { <Redirect path=paths::settings_general(&shell.org.id)/> }/>
    }
}

#[component]
pub fn SettingsLayout(
    shell: ShellData,
    section: SettingsSection,
    children: Children,
) -> impl IntoView {
    let org = shell.org.clone();
    let links = SettingsSection::ALL
        .into_iter()
        .filter(|s| s.open_to(&shell))
        .map(|s| {
            view! {
                <li>
                    <a class="sidenav-link" href=s.href(&org.id) aria-current=(s == section).then_some("page")>
                        {s.label()}
                    </a>
                </li>
            }
        })
        .collect_view();
    let allowed = section.open_to(&shell);
    view! {
        <Title text=format!("{} · Admin Settings · {}", section.label(), org.name)/>
        <div class="with-sidenav">
            <nav class="sidenav" aria-label="Admin Settings">
                <p class="sidenav-title">"Admin Settings"</p>
                <ul>{links}</ul>
            </nav>
            <section class="content">
                <header class="page-header">
                    <h1 class="h1">"Admin Settings"</h1>
                    <p class="muted">{org.name.clone()}</p>
                </header>
                {if allowed {
                    children().into_any()
                } else {
                    view! {
                        <div class="card" role="alert">
                            <h2 class="h2">"Not available"</h2>
                            <p class="muted">"Your role in this organization doesn't include this section. Ask an organization Admin."</p>
                        </div>
                    }
                    .into_any()
                }}
            </section>
        </div>
    }
}
