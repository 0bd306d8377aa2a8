//! `/signup`.

use crate::api::auth::{SignUp, get_current_user};
use crate::domain::paths;
use crate::domain::validation::MIN_PASSWORD;
use crate::ui::components::{FormAlert, SubmitButton, TextField, field_error, focus_first_invalid};
use crate::ui::layout::{AuthCard, server_once};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    let user = Resource::new(|| (), |_| get_current_user());
    const _: () = assert!(MIN_PASSWORD == 8, "update the password help text");
    view! {
        <Title text="Create your account"/>
        <Suspense>
            {server_once(move || Suspend::new(async move {
                matches!(user.await, Ok(Some(_))).then(|| view! { <Redirect path="/"/> })
            }))}
        </Suspense>
        <AuthCard
            title="Create your account"
            subtitle="You get your own organization with a Default workspace, ready to invite your team."
        >
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormAlert error fields=&["name", "email", "password"]/>
                <TextField label="Name" name="name" autocomplete="name" autofocus=true maxlength=80
                    error=field_error(error, "name")/>
                <TextField label="Work email" name="email" kind="email" autocomplete="email"
                    help="Use your company address: colleagues' organizations can find you by it."
                    error=field_error(error, "email")/>
                <TextField label="Password" name="password" kind="password" autocomplete="new-password"
                    help="At least 8 characters. Long passphrases are welcome."
                    error=field_error(error, "password")/>
                <SubmitButton label="Create account" busy_label="Creating account…" pending=action.pending() wide=true/>
            </ActionForm>
            <p class="auth-switch">"Already have an account? " <a href=paths::SIGN_IN>"Sign in"</a></p>
        </AuthCard>
    }
}
