//! `/o/{org}/settings`: Admin Settings for the current organization.

use crate::domain::shell::ShellData;
use crate::ui::layout::{ConsolePage, SettingsSection};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminSettingsPage() -> impl IntoView {
    view! { <ConsolePage page=|shell| view! { <Settings shell section=SettingsSection::General/> }/> }
}

#[component]
fn Settings(shell: ShellData, section: SettingsSection) -> impl IntoView {
    let org = shell.org.clone();
    let sections = [(SettingsSection::General, "General")];
    view! {
        <Title text=format!("Admin Settings · {}", org.name)/>
        <div class="with-sidenav">
            <nav class="sidenav" aria-label="Admin Settings">
                <p class="sidenav-title">"Admin Settings"</p>
                <ul>
                    {sections
                        .into_iter()
                        .map(|(s, label)| view! {
                            <li>
                                <a class="sidenav-link" href=crate::domain::paths::org_settings(&org.id)
                                    aria-current=(s == section).then_some("page")>{label}</a>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </nav>
            <section class="content">
                <header class="page-header">
                    <h1 class="h1">"Admin Settings"</h1>
                    <p class="muted">{org.name.clone()}</p>
                </header>
                <section class="card" aria-labelledby="general-title">
                    <h2 class="h2" id="general-title">"General"</h2>
                    <dl class="facts">
                        <dt>"Organization name"</dt>
                        <dd>{org.name.clone()}</dd>
                        <dt>"Organization ID"</dt>
                        <dd><code>{org.id.clone()}</code></dd>
                        <dt>"Your role"</dt>
                        <dd><span class="badge">{org.role.label()}</span></dd>
                        <dt>"Workspaces you can see"</dt>
                        <dd>{shell.workspaces.len()}</dd>
                    </dl>
                </section>
            </section>
        </div>
    }
}
