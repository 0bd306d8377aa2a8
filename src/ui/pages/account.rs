//! `/account`: one's own account: the email address (confirmed or not, and changing it)
//! and the password. Reached from the user menu.

use crate::api::account::{ChangeEmail, ChangePassword, ResendVerification, get_account};
use crate::domain::account_links::AccountView;
use crate::domain::validation::MIN_PASSWORD;
use crate::domain::{Error, paths};
use crate::ui::components::{FormAlert, SubmitButton, TextField, field_error, focus_first_invalid};
use crate::ui::layout::{ErrorPanel, PlainPage, server_once};
use crate::ui::pages::account_sessions::SessionsCard;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountPage() -> impl IntoView {
    // Read again after each form's redirect back here (its query says what happened).
    let query = use_query_map();
    let account = Resource::new(move || query.get(), |_| get_account());
    view! {
        <Title text="Your account"/>
        <Suspense fallback=|| view! { <div class="page-loading">"Loading…"</div> }>
            {server_once(move || Suspend::new(async move {
                match account.await {
                    Ok(account) => view! { <Account account/> }.into_any(),
                    Err(Error::Unauthenticated) => view! { <Redirect path=paths::SIGN_IN/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            }))}
        </Suspense>
    }
}

/// What the last redirect came back to say (`?sent=`, `?changed=`, `?verified=`).
fn flash(sent: Option<String>, changed: Option<String>, verified: bool) -> Option<&'static str> {
    match (sent.as_deref(), changed.as_deref(), verified) {
        (_, _, true) => Some("Your email address is confirmed."),
        (Some("verification"), _, _) => Some("We sent you a new link. It works for 48 hours."),
        (Some("change"), _, _) => Some(
            "We sent a link to the new address. Your address changes when you open it (within 48 hours).",
        ),
        (_, Some("password"), _) => {
            Some("Your password is changed. Your other sessions were signed out.")
        }
        (_, Some("one"), _) => Some("That session is signed out."),
        (_, Some("others"), _) => Some("Every other session is signed out."),
        (_, Some("reset"), _) => {
            Some("Your password is reset. Every other session of your account was signed out.")
        }
        _ => None,
    }
}

#[component]
fn Account(account: AccountView) -> impl IntoView {
    let query = use_query_map();
    let message = move || {
        query.with(|q| {
            let changed = q.get("changed").or_else(|| q.get("ended"));
            flash(q.get("sent"), changed, q.get("verified").is_some())
        })
    };
    view! {
        <PlainPage action=|| view! { <a class="btn btn-secondary btn-small" href="/">"Back to the console"</a> }>
            <h1 class="h1">"Your account"</h1>
            {move || message().map(|m| view! { <p role="status" class="alert alert-success">{m}</p> })}
            <EmailCard account=account.clone()/>
            <ChangeEmailCard/>
            <ChangePasswordCard/>
            <SessionsCard/>
        </PlainPage>
    }
}

#[component]
fn EmailCard(account: AccountView) -> impl IntoView {
    let resend = (!account.email_verified).then(|| {
        let action = ServerAction::<ResendVerification>::new();
        let error = Signal::derive(move || action.value().get().and_then(Result::err));
        view! {
            <ActionForm action attr:class="form">
                <FormAlert error fields=&[]/>
                <p class="muted">"Open the link we emailed you to confirm this address: invitations sent to it are shown to you once it is confirmed."</p>
                <SubmitButton label="Send the link again" busy_label="Sending…" pending=action.pending()/>
            </ActionForm>
        }
    });
    let status = if account.email_verified {
        view! { <span class="badge badge-success">"Confirmed"</span> }.into_any()
    } else {
        view! { <span class="badge badge-warning">"Not confirmed"</span> }.into_any()
    };
    view! {
        <section class="card" aria-labelledby="email-title">
            <h2 class="h2" id="email-title">"Profile"</h2>
            <dl class="facts">
                <dt>"Name"</dt>
                <dd>{account.name.clone()}</dd>
                <dt>"Email"</dt>
                <dd>{account.email.clone()} " " {status}</dd>
                {account.pending_email.clone().map(|e| view! {
                    <dt>"Changing to"</dt>
                    <dd>{e} " " <span class="muted">"(waiting for the link sent there to be opened)"</span></dd>
                })}
            </dl>
            {resend}
        </section>
    }
}

#[component]
fn ChangeEmailCard() -> impl IntoView {
    let action = ServerAction::<ChangeEmail>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    view! {
        <section class="card" aria-labelledby="change-email-title">
            <h2 class="h2" id="change-email-title">"Change email address"</h2>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormAlert error fields=&["email", "password"]/>
                <TextField label="New email address" name="email" kind="email" autocomplete="email"
                    help="We send a link there; the address changes when you open it."
                    error=field_error(error, "email")/>
                <TextField label="Current password" name="password" kind="password" autocomplete="current-password"
                    error=field_error(error, "password")/>
                <SubmitButton label="Send confirmation link" busy_label="Sending…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}

#[component]
fn ChangePasswordCard() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    const _: () = assert!(MIN_PASSWORD == 8, "update the password help text");
    view! {
        <section class="card" aria-labelledby="change-password-title">
            <h2 class="h2" id="change-password-title">"Change password"</h2>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormAlert error fields=&["current_password", "new_password"]/>
                <TextField label="Current password" name="current_password" kind="password"
                    autocomplete="current-password" error=field_error(error, "current_password")/>
                <TextField label="New password" name="new_password" kind="password" autocomplete="new-password"
                    help="At least 8 characters. Your other sessions are signed out."
                    error=field_error(error, "new_password")/>
                <SubmitButton label="Change password" busy_label="Saving…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}
