//! Admin Settings -> Members -> Requests: people with a confirmed address at a verified
//! domain who asked to join (the domain asks an Admin, or no seat was free). Approving
//! takes a seat; the person is emailed either way. Works without JavaScript: an answer
//! comes back with `?done=`.

use super::layout::{SettingsLayout, SettingsSection};
use super::members::{MembersTab, MembersTabs};
use crate::api::members::{ApproveJoinRequest, DeclineJoinRequest, get_join_requests};
use crate::domain::format::thousands;
use crate::domain::org_domains::{JoinRequestView, JoinRequestsPage};
use crate::domain::paths;
use crate::domain::shell::ShellData;
use crate::ui::components::{Column, EmptyState, FormAlert, Table, when};
use crate::ui::layout::{ConsolePage, list_body};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SettingsJoinRequestsPage() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| view! {
            <SettingsLayout shell=shell.clone() section=SettingsSection::Members>
                <MembersTabs shell=shell.clone() current=MembersTab::Requests/>
                <Requests shell=shell.clone()/>
            </SettingsLayout>
        }/>
    }
}

const COLUMNS: [Column; 4] = [
    Column::text("Person"),
    Column::text("Email"),
    Column::text("Asked"),
    Column::ACTIONS,
];

#[component]
fn Requests(shell: ShellData) -> impl IntoView {
    let org_id = shell.org.id.clone();
    let query = use_query_map();
    let done = move || query.with(|q| (q.get("done"), q.get("request")));
    let page = Resource::new(
        {
            let org_id = org_id.clone();
            move || (org_id.clone(), done())
        },
        |(org_id, _)| get_join_requests(org_id),
    );
    let status = move || {
        let text = match done().0.as_deref() {
            Some("approved") => "Request approved: they are a member now, and we emailed them.",
            Some("declined") => "Request declined. We emailed them.",
            _ => return None,
        };
        Some(view! { <span class="alert alert-success">{text}</span> })
    };
    let body = list_body(
        page,
        "Loading requests…",
        move |page: JoinRequestsPage| {
            let org_id = org_id.clone();
            let seats = format!(
                "{} of {} seats in use. Approving takes a seat.",
                thousands(page.seats_used),
                thousands(page.seat_limit)
            );
            let shown = page.requests.len() as i64;
            let more = (page.total > shown).then(|| {
                format!(
                    "The {shown} oldest of {} requests are shown; answer them to see the next.",
                    thousands(page.total)
                )
            });
            let table = if page.requests.is_empty() {
                view! {
                <EmptyState>
                    <p>"No one is waiting. People with a confirmed address at a verified domain can ask to join when the domain asks an Admin, or when no seat is free."</p>
                    <a class="btn btn-secondary" href=paths::settings_domains(&org_id)>"Domains"</a>
                </EmptyState>
            }
            .into_any()
            } else {
                let rows = page
                    .requests
                    .into_iter()
                    .map(|r| view! { <RequestRow request=r org_id=org_id.clone()/> })
                    .collect_view();
                view! { <Table caption="Requests to join, oldest first" columns=&COLUMNS>{rows}</Table> }
                .into_any()
            };
            view! {
                <div class="section-header">
                    <div>
                        <h2 class="h2">"Requests to join"</h2>
                        <p class="muted">{seats}</p>
                    </div>
                </div>
                {more.map(|m| view! { <p class="muted pad">{m}</p> })}
                {table}
            }
        },
    );
    view! {
        <p role="status" class="status-text">{status}</p>
        <section class="card card-flush" aria-label="Requests to join">{body}</section>
    }
}

#[component]
fn RequestRow(request: JoinRequestView, org_id: String) -> impl IntoView {
    let approve = ServerAction::<ApproveJoinRequest>::new();
    let decline = ServerAction::<DeclineJoinRequest>::new();
    let error = Signal::derive(move || {
        approve
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| decline.value().get().and_then(Result::err))
    });
    let hidden = move || {
        view! {
            <input type="hidden" name="org_id" value=org_id.clone()/>
            <input type="hidden" name="request_id" value=request.id.clone()/>
        }
    };
    let (hidden_approve, hidden_decline) = (hidden.clone(), hidden);
    let (approve_label, decline_label) = (
        format!("Approve {}", request.name),
        format!("Decline {}", request.name),
    );
    view! {
        <tr>
            <td>{request.name.clone()}</td>
            <td data-label="Email">{request.email.clone()}</td>
            <td data-label="Asked">{when(Some(request.created_at), "")}</td>
            <td class="row-actions">
                <ActionForm action=approve attr:class="inline-form">
                    {hidden_approve()}
                    <button type="submit" class="btn btn-primary btn-small"
                        aria-label=approve_label>"Approve"</button>
                </ActionForm>
                <ActionForm action=decline attr:class="inline-form">
                    {hidden_decline()}
                    <button type="submit" class="btn btn-secondary btn-small"
                        aria-label=decline_label>"Decline"</button>
                </ActionForm>
            </td>
        </tr>
        // Why an answer failed (no seat is free), under the row it is about.
        {move || error.get().is_some().then(|| view! {
            <tr><td colspan="4"><FormAlert error fields=&[]/></td></tr>
        })}
    }
}
