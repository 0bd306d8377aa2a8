//! `/o/{org}/w/{ws}`: where the user is and what they can do next.

use crate::domain::paths;
use crate::domain::roles::OrgRole;
use crate::domain::shell::ShellData;
use crate::ui::layout::{ConsolePage, WorkspaceNav, WorkspaceSection};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WorkspaceHome() -> impl IntoView {
    view! { <ConsolePage page=|shell| view! { <Home shell/> }/> }
}

#[component]
fn Home(shell: ShellData) -> impl IntoView {
    let Some(ws) = shell.workspace.clone() else {
        return ().into_any();
    };
    let org = shell.org.clone();
    let ws_role = match (ws.role, org.role) {
        (Some(role), _) => role.label().to_owned(),
        (None, OrgRole::Admin) => "Admin (as organization Admin)".to_owned(),
        (None, _) => "—".to_owned(),
    };
    view! {
        <Title text=format!("{} · {}", ws.name, org.name)/>
        <div class="with-sidenav">
            <WorkspaceNav shell=shell.clone() current=WorkspaceSection::Home/>
            <section class="content">
                <header class="page-header">
                    <p class="eyebrow">{org.name.clone()}</p>
                    <h1 class="h1">{ws.name.clone()}</h1>
                    <p class="muted">
                        "A workspace groups people of " {org.name.clone()}
                        " who share access, API keys, datasets and fine-tuned models."
                    </p>
                </header>
                <div class="grid-2">
                    <section class="card" aria-labelledby="access-title">
                        <h2 class="h2" id="access-title">"Your access"</h2>
                        <dl class="facts">
                            <dt>"Organization"</dt>
                            <dd>{org.name.clone()} <span class="badge">{org.role.label()}</span></dd>
                            <dt>"This workspace"</dt>
                            <dd><span class="badge">{ws_role}</span></dd>
                            <dt>"Signed in as"</dt>
                            <dd>{shell.user.email.clone()}</dd>
                        </dl>
                    </section>
                    <section class="card" aria-labelledby="next-title">
                        <h2 class="h2" id="next-title">"What you can do next"</h2>
                        <ul class="steps">
                            <li>
                                <strong>"Fine-tune a model"</strong>
                                <span class="muted">" Upload training data under "</span>
                                <a href=paths::workspace_datasets(&org.id, &ws.id)>"Datasets"</a>
                                <span class="muted">", then start a job under "</span>
                                <a href=paths::workspace_fine_tuning(&org.id, &ws.id)>"Fine-tuning"</a>
                                <span class="muted">" (or do both with an "</span>
                                <a href=paths::workspace_api_keys(&org.id, &ws.id)>"API key"</a>
                                <span class="muted">"). What anyone here creates, everyone here can use."</span>
                            </li>
                            <li>
                                <strong>"Switch place"</strong>
                                <span class="muted">
                                    " Open the switcher at the top left to move between your "
                                    {shell.orgs.len()} " organization(s) and "
                                    {shell.workspaces.len()} " workspace(s) here."
                                </span>
                            </li>
                            <li>
                                <strong>"Manage the organization"</strong>
                                <span class="muted">" Open "</span>
                                <a href=paths::settings_general(&org.id)>"Admin Settings"</a>
                                <span class="muted">" from your menu at the top right."</span>
                            </li>
                        </ul>
                    </section>
                </div>
            </section>
        </div>
    }
    .into_any()
}
