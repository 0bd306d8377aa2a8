//! `/signin`.

use crate::api::auth::{SignIn, get_current_user};
use crate::domain::paths;
use crate::ui::components::{FormAlert, SubmitButton, TextField, field_error, focus_first_invalid};
use crate::ui::layout::{AuthCard, server_once};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    // Someone already signed in has nothing to do here.
    let user = Resource::new(|| (), |_| get_current_user());
    // Where to go after signing in (an invitation link sends people here with it).
    let query = use_query_map();
    let next = Memo::new(move |_| query.with(|q| q.get("next")));
    let verified = Memo::new(move |_| query.with(|q| q.get("verified").is_some()));
    view! {
        <Title text="Sign in"/>
        <Suspense>
            {server_once(move || Suspend::new(async move {
                matches!(user.await, Ok(Some(_))).then(|| view! { <Redirect path="/"/> })
            }))}
        </Suspense>
        <AuthCard title="Sign in" subtitle="Welcome back. Sign in to manage your organizations and workspaces.">
            {move || verified.get().then(|| view! {
                <p role="status" class="alert alert-success">"Your email address is confirmed. Sign in to continue."</p>
            })}
            <ActionForm action attr:class="form" attr:novalidate=true>
                {move || next.get().map(|n| view! { <input type="hidden" name="next" value=n/> })}
                <FormAlert error fields=&["email", "password"]/>
                <TextField label="Email" name="email" kind="email" autocomplete="email" autofocus=true
                    error=field_error(error, "email")/>
                <TextField label="Password" name="password" kind="password" autocomplete="current-password"
                    error=field_error(error, "password")/>
                <SubmitButton label="Sign in" busy_label="Signing in…" pending=action.pending() wide=true/>
            </ActionForm>
            <p class="auth-forgot"><a href=paths::FORGOT_PASSWORD>"Forgot your password?"</a></p>
            <p class="auth-switch">"New here? " <a href=paths::SIGN_UP>"Create an account"</a></p>
        </AuthCard>
    }
}
