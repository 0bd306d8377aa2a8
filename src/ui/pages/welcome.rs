//! `/welcome`: joining or creating an organization. Shown after sign-in to a person with
//! invitations waiting for their confirmed address, or with no organization; reachable
//! from the console's banner too. Every form works without JavaScript.

use crate::api::account::ResendVerification;
use crate::api::auth::SignOut;
use crate::api::invitations::{
    AcceptYourInvitation, DeclineInvitation, DismissJoinOffer, JoinByDomain, get_your_invitations,
};
use crate::api::orgs::CreateOrganization;
use crate::domain::format::format_date;
use crate::domain::invitations::{InvitationForYou, YourInvitations};
use crate::domain::org_domains::{JoinMode, JoinOffer, JoinedNotice};
use crate::domain::{Error, paths};
use crate::ui::components::{FormAlert, SubmitButton, focus_first_invalid};
use crate::ui::layout::{ErrorPanel, NewOrganizationFields, PlainPage, server_once};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn WelcomePage() -> impl IntoView {
    // Read again after an answer's redirect back here (its query says what happened).
    let query = use_query_map();
    let yours = Resource::new(
        move || query.get(),
        |q| get_your_invitations(q.get("joined")),
    );
    view! {
        <Title text="Welcome"/>
        <Suspense fallback=|| view! { <div class="page-loading">"Loading…"</div> }>
            {server_once(move || Suspend::new(async move {
                match yours.await {
                    Ok(yours) => view! { <Welcome yours/> }.into_any(),
                    Err(Error::Unauthenticated) => view! { <Redirect path=paths::SIGN_IN/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            }))}
        </Suspense>
    }
}

#[component]
fn Welcome(yours: YourInvitations) -> impl IntoView {
    let query = use_query_map();
    let flash = move || {
        query.with(|q| {
            if q.get("declined").is_some() {
                Some("Invitation declined.")
            } else if q.get("requested").is_some() {
                Some("Your request to join is sent. You will get an email when an Admin answers.")
            } else if q.get("not_now").is_some() {
                Some("We won't suggest it again. An Admin can still invite you.")
            } else if q.get("verified").is_some() {
                Some("Your email address is confirmed.")
            } else {
                None
            }
        })
    };
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <PlainPage action=move || view! {
            <ActionForm action=sign_out attr:class="banner-form">
                <button type="submit" class="btn btn-secondary btn-small">"Sign out"</button>
            </ActionForm>
        }>
            <div>
                <h1 class="h1">"Welcome, " {yours.name.clone()}</h1>
                <p class="muted">"Join an organization you are invited to, or create one of your own."</p>
            </div>
            {move || flash().map(|m| view! { <p role="status" class="alert alert-success">{m}</p> })}
            {yours.joined.clone().map(|joined| view! { <JoinedCard joined/> })}
            {yours.domain_offer.clone().map(|offer| view! { <DomainOffer offer email=yours.email.clone()/> })}
            <InvitationsForYou yours=yours.clone()/>
            <CreateOrganizationCard/>
            <p class="auth-switch"><a href="/">"Go to the console"</a></p>
        </PlainPage>
    }
}

#[component]
fn InvitationsForYou(yours: YourInvitations) -> impl IntoView {
    let body = if !yours.email_verified {
        let resend = ServerAction::<ResendVerification>::new();
        let error = Signal::derive(move || resend.value().get().and_then(Result::err));
        view! {
            <p class="muted">
                {format!("Invitations sent to {} show here once you confirm the address: open the link we emailed you.", yours.email)}
            </p>
            <ActionForm action=resend attr:class="form">
                <FormAlert error fields=&[]/>
                <SubmitButton label="Send the link again" busy_label="Sending…" pending=resend.pending()/>
            </ActionForm>
        }
        .into_any()
    } else if yours.invitations.is_empty() {
        view! {
            <p class="muted">
                {format!("No invitation is waiting for {}. Ask an admin of your company's organization to invite this address.", yours.email)}
            </p>
        }
        .into_any()
    } else {
        view! {
            <ul class="invitation-list">
                {yours.invitations.into_iter().map(|inv| view! { <InvitationItem inv/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="invitations-title">
            <h2 class="h2" id="invitations-title">"Invitations for you"</h2>
            {body}
        </section>
    }
}

#[component]
fn InvitationItem(inv: InvitationForYou) -> impl IntoView {
    let accept = ServerAction::<AcceptYourInvitation>::new();
    let decline = ServerAction::<DeclineInvitation>::new();
    let error = Signal::derive(move || {
        accept
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| decline.value().get().and_then(Result::err))
    });
    let inviter = inv.invited_by.clone().unwrap_or_else(|| "An admin".into());
    let workspaces =
        (!inv.workspaces.is_empty()).then(|| format!("Workspaces: {}.", inv.workspaces.join(", ")));
    let heading_id = format!("invitation-{}", inv.id);
    let labelled_by = heading_id.clone();
    let (accept_id, decline_id) = (inv.id.clone(), inv.id.clone());
    let join_label = format!("Join {}", inv.org_name);
    let decline_label = format!("Decline the invitation to {}", inv.org_name);
    view! {
        <li class="invitation-item" aria-labelledby=labelled_by>
            <h3 class="h3" id=heading_id>{inv.org_name.clone()}</h3>
            <p>{format!("{inviter} invited you as {}.", inv.role.label())} " " {workspaces}</p>
            <p class="muted">{format!("Open until {}.", format_date(inv.expires_at))}</p>
            <FormAlert error fields=&[]/>
            <div class="invitation-actions">
                <ActionForm action=accept attr:class="inline-form">
                    <input type="hidden" name="invitation_id" value=accept_id/>
                    <button type="submit" class="btn btn-primary">{join_label}</button>
                </ActionForm>
                <ActionForm action=decline attr:class="inline-form">
                    <input type="hidden" name="invitation_id" value=decline_id/>
                    <button type="submit" class="btn btn-secondary" aria-label=decline_label>"Decline"</button>
                </ActionForm>
            </div>
        </li>
    }
}

/// "You joined Acme": a domain that takes people automatically just joined them.
#[component]
fn JoinedCard(joined: JoinedNotice) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="joined-title">
            <h2 class="h2" id="joined-title">{format!("You joined {}", joined.org_name)}</h2>
            <p class="muted">"Your organization takes people with a confirmed address at its company domain."</p>
            <a class="btn btn-primary" href=joined.href>{format!("Open {}", joined.org_name)}</a>
        </section>
    }
}

/// "Join Acme" (or "Ask to join Acme") and "Not now", for the organization that verified
/// the domain of the person's confirmed address.
#[component]
fn DomainOffer(offer: JoinOffer, email: String) -> impl IntoView {
    let join = ServerAction::<JoinByDomain>::new();
    let not_now = ServerAction::<DismissJoinOffer>::new();
    let error = Signal::derive(move || {
        join.value()
            .get()
            .and_then(Result::err)
            .or_else(|| not_now.value().get().and_then(Result::err))
    });
    let title = match offer.mode {
        JoinMode::Approval => format!("Ask to join {}", offer.org_name),
        _ => format!("Join {}", offer.org_name),
    };
    let why = format!(
        "{} verified {}, the domain of your address {email}.",
        offer.org_name, offer.domain
    );
    let body = if offer.requested {
        view! { <p class="alert alert-info">"Your request to join is waiting for an Admin. You will get an email when they answer."</p> }
            .into_any()
    } else {
        let (join_label, note) = match offer.mode {
            JoinMode::Approval => (
                format!("Ask to join {}", offer.org_name),
                Some("An Admin approves each request."),
            ),
            _ => (format!("Join {}", offer.org_name), None),
        };
        let (join_id, dismiss_id) = (offer.domain_id.clone(), offer.domain_id.clone());
        view! {
            <p>{offer.what_you_get()}{note.map(|n| format!(" {n}"))}</p>
            <FormAlert error fields=&[]/>
            <div class="invitation-actions">
                <ActionForm action=join attr:class="inline-form">
                    <input type="hidden" name="domain_id" value=join_id/>
                    <button type="submit" class="btn btn-primary">{join_label}</button>
                </ActionForm>
                <ActionForm action=not_now attr:class="inline-form">
                    <input type="hidden" name="domain_id" value=dismiss_id/>
                    <button type="submit" class="btn btn-secondary">"Not now"</button>
                </ActionForm>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="domain-offer-title">
            <h2 class="h2" id="domain-offer-title">{title}</h2>
            <p class="muted">{why}</p>
            {body}
        </section>
    }
}

#[component]
fn CreateOrganizationCard() -> impl IntoView {
    let action = ServerAction::<CreateOrganization>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    view! {
        <section class="card" aria-labelledby="create-org-title">
            <h2 class="h2" id="create-org-title">"Create an organization"</h2>
            <p class="muted">"It holds billing, members and workspaces. You will be its Admin, and it starts with a Default workspace."</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <NewOrganizationFields error/>
                <SubmitButton label="Create organization" busy_label="Creating…" pending=action.pending()/>
            </ActionForm>
        </section>
    }
}
