//! The "Create organization" dialog, opened from the switcher on any console page, and the
//! fields it shares with the welcome page.

use crate::api::orgs::CreateOrganization;
use crate::domain::paths;
use crate::domain::validation::MAX_ENTITY_NAME;
use crate::ui::components::{
    CheckboxField, Dialog, DialogActions, FormAlert, SubmitButton, TextField, field_error,
    focus_first_invalid,
};
use leptos::prelude::*;

/// The `?dialog=` value that opens it.
pub const CREATE_ORGANIZATION: &str = "create-organization";

#[component]
pub fn CreateOrganizationDialog(close_href: String) -> impl IntoView {
    let action = ServerAction::<CreateOrganization>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    view! {
        <Dialog
            id="create-organization"
            title="Create organization"
            description="An organization holds billing, members and workspaces. You will be its Admin, and it starts with a Default workspace."
            close_href=close_href.clone()
        >
            <ActionForm action attr:class="form" attr:novalidate=true>
                <NewOrganizationFields error/>
                <DialogActions close_href>
                    <SubmitButton label="Create organization" busy_label="Creating…" pending=action.pending()/>
                </DialogActions>
            </ActionForm>
        </Dialog>
    }
}

/// The fields of a new organization (its name, the Terms of Service) and the form's alert,
/// for `CreateOrganization` here and on the welcome page.
#[component]
pub fn NewOrganizationFields(error: Signal<Option<crate::domain::Error>>) -> impl IntoView {
    view! {
        <FormAlert error fields=&["name", "accept_tos"]/>
        <TextField label="Organization name" name="name" maxlength=MAX_ENTITY_NAME
            help="Up to 64 characters. You can rename it later."
            error=field_error(error, "name")/>
        <CheckboxField name="accept_tos" error=field_error(error, "accept_tos")>
            "I accept the " <a href=paths::TERMS target="_blank" rel="noopener">"Terms of Service"</a>
        </CheckboxField>
    }
}
