//! Admin Settings -> General: the organization's name and identity.

use super::layout::{SettingsLayout, SettingsSection};
use crate::api::orgs::RenameOrganization;
use crate::domain::permissions::Action;
use crate::domain::shell::ShellData;
use crate::domain::validation::MAX_ENTITY_NAME;
use crate::ui::components::{FormAlert, SubmitButton, TextField, field_error, focus_first_invalid};
use crate::ui::layout::{ConsolePage, ShellRefresh};
use leptos::prelude::*;

#[component]
pub fn SettingsGeneralPage() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| view! {
            <SettingsLayout shell=shell.clone() section=SettingsSection::General>
                <General shell=shell.clone()/>
            </SettingsLayout>
        }/>
    }
}

#[component]
fn General(shell: ShellData) -> impl IntoView {
    let org = shell.org.clone();
    let rename = shell.can(Action::RenameOrganization).then({
        let org = org.clone();
        move || {
        let action = ServerAction::<RenameOrganization>::new();
        let error = Signal::derive(move || action.value().get().and_then(Result::err));
        let saved = move || matches!(action.value().get(), Some(Ok(())));
        focus_first_invalid(error);
        ShellRefresh::after_success(move || action.value().get());
        view! {
            <section class="card" aria-labelledby="rename-title">
                <h2 class="h2" id="rename-title">"Organization name"</h2>
                <ActionForm action attr:class="form form-inline" attr:novalidate=true>
                    <input type="hidden" name="org_id" value=org.id.clone()/>
                    <FormAlert error fields=&["name"]/>
                    <TextField label="Name" name="name" value=org.name.clone() maxlength=MAX_ENTITY_NAME
                        help="Shown to every member in the switcher and in invitations."
                        error=field_error(error, "name")/>
                    <div class="form-actions">
                        <SubmitButton label="Save" busy_label="Saving…" pending=action.pending()/>
                        <p role="status" class="status-text">{move || saved().then_some("Saved.")}</p>
                    </div>
                </ActionForm>
            </section>
        }
    }});
    view! {
        {rename}
        <section class="card" aria-labelledby="about-title">
            <h2 class="h2" id="about-title">"About this organization"</h2>
            <dl class="facts">
                <dt>"Name"</dt>
                <dd>{org.name.clone()}</dd>
                <dt>"Organization ID"</dt>
                <dd><code>{org.id.clone()}</code></dd>
                <dt>"Your role"</dt>
                <dd><span class="badge">{org.role.label()}</span></dd>
                <dt>"Workspaces you can open"</dt>
                <dd>{shell.workspaces.len()}</dd>
            </dl>
        </section>
    }
}
