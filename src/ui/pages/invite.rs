//! `/invite/{token}`: the page an invitation email links to. It names the organization
//! and who invited; then, depending on who is looking: accept (the invited person,
//! signed in), sign up with the invited address, or sign out (someone else).

use crate::api::auth::SignOut;
use crate::api::invitations::{AcceptInvitation, SignUpInvited, get_invitation_landing};
use crate::domain::invitations::{InvitationLanding, InvitationStatus};
use crate::domain::validation::MAX_PERSON_NAME;
use crate::domain::{Error, paths};
use crate::ui::components::{FormAlert, SubmitButton, TextField, field_error, focus_first_invalid};
use crate::ui::layout::{AuthCard, ErrorPanel, server_once};
use crate::ui::pages::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = Memo::new(move |_| params.with(|p| p.get("token")).unwrap_or_default());
    let landing = Resource::new(move || token.get(), get_invitation_landing);
    view! {
        <Title text="Invitation"/>
        <Suspense fallback=|| view! { <div class="page-loading">"Loading…"</div> }>
            {server_once(move || Suspend::new(async move {
                match landing.await {
                    Ok(l) => view! { <Invitation landing=l token=token.get_untracked()/> }.into_any(),
                    Err(Error::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            }))}
        </Suspense>
    }
}

#[component]
fn Invitation(landing: InvitationLanding, token: String) -> impl IntoView {
    let inviter = landing
        .invited_by
        .clone()
        .unwrap_or_else(|| "An admin".into());
    let summary = format!(
        "{inviter} invited {} to join {} as {}{}.",
        landing.email,
        landing.org_name,
        landing.role.label(),
        if landing.workspaces.is_empty() {
            String::new()
        } else {
            format!(", with access to {}", landing.workspaces.join(", "))
        }
    );
    let body = match (landing.status, landing.signed_in_as.as_deref()) {
        (InvitationStatus::Pending, Some(me)) if me == landing.email => {
            view! { <Accept token/> }.into_any()
        }
        (InvitationStatus::Pending, Some(me)) => {
            view! { <WrongAccount me=me.to_owned() invited=landing.email.clone() token/> }
                .into_any()
        }
        (InvitationStatus::Pending, None) => {
            view! { <SignUpToJoin email=landing.email.clone() token/> }.into_any()
        }
        (status, _) => view! { <Closed status inviter=inviter.clone()/> }.into_any(),
    };
    view! {
        <AuthCard title="You're invited" subtitle="">
            <p class="invite-summary">
                <span class="invite-org">{landing.org_name.clone()}</span>
                {summary}
            </p>
            {body}
        </AuthCard>
    }
}

#[component]
fn Accept(token: String) -> impl IntoView {
    let action = ServerAction::<AcceptInvitation>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <ActionForm action attr:class="form">
            <input type="hidden" name="token" value=token/>
            <FormAlert error fields=&[]/>
            <SubmitButton label="Accept invitation" busy_label="Joining…" pending=action.pending() wide=true/>
        </ActionForm>
    }
}

#[component]
fn WrongAccount(me: String, invited: String, token: String) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <p class="alert alert-error" role="alert">
            {format!("You are signed in as {me}, but this invitation is for {invited}.")}
        </p>
        <ActionForm action=sign_out attr:class="form">
            <input type="hidden" name="next" value=paths::invitation(&token)/>
            <button type="submit" class="btn btn-primary btn-wide">{format!("Sign out and continue as {invited}")}</button>
        </ActionForm>
    }
}

#[component]
fn SignUpToJoin(email: String, token: String) -> impl IntoView {
    let action = ServerAction::<SignUpInvited>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    let sign_in = format!("{}?next={}", paths::SIGN_IN, paths::invitation(&token));
    view! {
        <ActionForm action attr:class="form" attr:novalidate=true>
            <input type="hidden" name="token" value=token/>
            <FormAlert error fields=&["name", "password"]/>
            <TextField label="Email" name="email" kind="email" value=email readonly=true
                help="The invitation is for this address." error=Signal::derive(|| None::<String>)/>
            <TextField label="Name" name="name" autocomplete="name" maxlength=MAX_PERSON_NAME
                error=field_error(error, "name")/>
            <TextField label="Password" name="password" kind="password" autocomplete="new-password"
                help="At least 8 characters." error=field_error(error, "password")/>
            <SubmitButton label="Create account and join" busy_label="Joining…" pending=action.pending() wide=true/>
        </ActionForm>
        <p class="auth-switch">"Already have an account? " <a href=sign_in>"Sign in to accept"</a></p>
    }
}

#[component]
fn Closed(status: InvitationStatus, inviter: String) -> impl IntoView {
    let message = match status {
        InvitationStatus::Expired => {
            format!("This invitation has expired. Ask {inviter} to send it again.")
        }
        InvitationStatus::Accepted => {
            "This invitation has already been used. Sign in to open the organization.".to_owned()
        }
        InvitationStatus::Declined => {
            "You declined this invitation. Ask for a new one if you changed your mind.".to_owned()
        }
        _ => format!("This invitation was revoked. Ask {inviter} for a new one."),
    };
    view! {
        <p class="alert alert-error" role="alert">{message}</p>
        <a class="btn btn-secondary btn-wide" href=paths::SIGN_IN>"Go to sign in"</a>
    }
}
