//! The pages the account emails lead to, and the one that asks for a reset link:
//! `/verify-email/{token}`, `/forgot-password`, `/reset-password/{token}`. A link's page
//! only reads; a button uses the link (mail scanners fetch links, and must not use them).

use crate::api::account::{
    RequestPasswordReset, ResetPassword, VerifyEmail, get_password_reset_landing,
    get_verify_email_landing,
};
use crate::domain::account_links::VerifyLanding;
use crate::domain::validation::MIN_PASSWORD;
use crate::domain::{Error, paths};
use crate::ui::components::{FormAlert, SubmitButton, TextField, field_error, focus_first_invalid};
use crate::ui::layout::{AuthCard, ErrorPanel, server_once};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn token_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("token")).unwrap_or_default())
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let token = token_param();
    let landing = Resource::new(move || token.get(), get_verify_email_landing);
    view! {
        <Title text="Confirm your email address"/>
        <Suspense fallback=|| view! { <div class="page-loading">"Loading…"</div> }>
            {server_once(move || Suspend::new(async move {
                match landing.await {
                    Ok(l) => view! { <ConfirmAddress landing=l token=token.get_untracked()/> }.into_any(),
                    Err(Error::NotFound) => view! {
                        <DeadLink
                            explain="The link has expired, was replaced by a newer one, or was already used. Confirmation links work for 48 hours: your account page sends a new one."
                            action_label="Go to your account"
                            action_href=paths::ACCOUNT
                        />
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            }))}
        </Suspense>
    }
}

#[component]
fn ConfirmAddress(landing: VerifyLanding, token: String) -> impl IntoView {
    let action = ServerAction::<VerifyEmail>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let what = if landing.new_address {
        format!("This makes {} your account's email address.", landing.email)
    } else {
        format!("This confirms that {} is yours.", landing.email)
    };
    view! {
        <AuthCard title="Confirm your email address" subtitle="">
            <p class="invite-summary">{what}</p>
            <ActionForm action attr:class="form">
                <input type="hidden" name="token" value=token/>
                <FormAlert error fields=&[]/>
                <SubmitButton label="Confirm email address" busy_label="Confirming…" pending=action.pending() wide=true/>
            </ActionForm>
        </AuthCard>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    let query = use_query_map();
    let sent = Memo::new(move |_| query.with(|q| q.get("sent").is_some()));
    view! {
        <Title text="Reset your password"/>
        <AuthCard title="Reset your password"
            subtitle="Enter your account's email address and we send you a link to choose a new password.">
            {move || sent.get().then(|| view! {
                <p role="status" class="alert alert-success">
                    "If an account uses that address, a link is on its way. It works for an hour."
                </p>
            })}
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormAlert error fields=&["email"]/>
                <TextField label="Email" name="email" kind="email" autocomplete="email" autofocus=true
                    error=field_error(error, "email")/>
                <SubmitButton label="Send reset link" busy_label="Sending…" pending=action.pending() wide=true/>
            </ActionForm>
            <p class="auth-switch">"Remembered it? " <a href=paths::SIGN_IN>"Sign in"</a></p>
        </AuthCard>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = token_param();
    let landing = Resource::new(move || token.get(), get_password_reset_landing);
    view! {
        <Title text="Choose a new password"/>
        <Suspense fallback=|| view! { <div class="page-loading">"Loading…"</div> }>
            {server_once(move || Suspend::new(async move {
                match landing.await {
                    Ok(l) => view! { <NewPassword email=l.email token=token.get_untracked()/> }.into_any(),
                    Err(Error::NotFound) => view! {
                        <DeadLink
                            explain="The link has expired, was replaced by a newer one, or was already used. Reset links work for an hour."
                            action_label="Send a new link"
                            action_href=paths::FORGOT_PASSWORD
                        />
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            }))}
        </Suspense>
    }
}

#[component]
fn NewPassword(email: String, token: String) -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    const _: () = assert!(MIN_PASSWORD == 8, "update the password help text");
    view! {
        <AuthCard title="Choose a new password" subtitle="Every session of your account is signed out, and this browser is signed in with the new password.">
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="token" value=token/>
                <FormAlert error fields=&["password"]/>
                <TextField label="Email" name="username" kind="email" autocomplete="username" value=email readonly=true
                    error=Signal::derive(|| None::<String>)/>
                <TextField label="New password" name="password" kind="password" autocomplete="new-password"
                    autofocus=true help="At least 8 characters. Long passphrases are welcome."
                    error=field_error(error, "password")/>
                <SubmitButton label="Set new password" busy_label="Saving…" pending=action.pending() wide=true/>
            </ActionForm>
        </AuthCard>
    }
}

#[component]
fn DeadLink(
    explain: &'static str,
    action_label: &'static str,
    action_href: &'static str,
) -> impl IntoView {
    view! {
        <AuthCard title="This link no longer works" subtitle="">
            <p class="alert alert-error" role="alert">{explain}</p>
            <a class="btn btn-primary btn-wide" href=action_href>{action_label}</a>
        </AuthCard>
    }
}
