//! Account -> Sessions: where one is signed in (browser and platform, address, since
//! when, last active), with "Sign out" on any one and "Sign out everywhere else". Both
//! are plain forms that come back to the account page.

use crate::api::sessions::{EndOtherSessions, EndSession, get_sessions};
use crate::domain::sessions::SessionView;
use crate::ui::components::{Column, FormAlert, Table, when_exactly};
use crate::ui::layout::server_once;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const COLUMNS: [Column; 5] = [
    Column::text("Device"),
    Column::text("Address"),
    Column::text("Signed in"),
    Column::text("Last active"),
    Column::ACTIONS,
];

#[component]
pub fn SessionsCard() -> impl IntoView {
    let query = use_query_map();
    let end_one = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    // Read again after each answer (the second "Sign out" comes back to the same URL).
    let sessions = Resource::new(
        move || {
            (
                query.get(),
                end_one.version().get(),
                end_others.version().get(),
            )
        },
        |_| get_sessions(),
    );
    let error = Signal::derive(move || {
        end_one
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| end_others.value().get().and_then(Result::err))
    });
    let body = move || {
        Suspend::new(async move {
            let page = sessions.await.unwrap_or_default();
            let lasts = format!(
                "Where your account is signed in. A session ends after {} days without use, and {} days after signing in.",
                page.idle_days, page.max_days
            );
            let list = page.sessions;
            let others = list.iter().filter(|s| !s.current).count();
            let rows = list
                .into_iter()
                .map(|s| view! { <SessionRow session=s action=end_one/> })
                .collect_view();
            let end_all = (others > 0).then(|| {
                view! {
                    <ActionForm action=end_others attr:class="inline-form">
                        <button type="submit" class="btn btn-secondary">"Sign out everywhere else"</button>
                    </ActionForm>
                }
            });
            view! {
                <div class="section-header">
                    <div>
                        <h2 class="h2" id="sessions-title">"Sessions"</h2>
                        <p class="muted">{lasts}</p>
                    </div>
                    {end_all}
                </div>
                <div class="pad"><FormAlert error fields=&[]/></div>
                <Table caption="Your sessions, most recently active first" columns=&COLUMNS>{rows}</Table>
            }
        })
    };
    view! {
        <section class="card card-flush" id="sessions" aria-labelledby="sessions-title">
            <Suspense fallback=|| view! { <p class="muted pad">"Loading sessions…"</p> }>{server_once(body)}</Suspense>
        </section>
    }
}

#[component]
fn SessionRow(session: SessionView, action: ServerAction<EndSession>) -> impl IntoView {
    let label = format!("Sign out {}", session.device);
    let this = session
        .current
        .then(|| view! { " " <span class="badge">"This session"</span> });
    view! {
        <tr>
            <td>{session.device.clone()}{this}</td>
            <td data-label="Address">{session.client_ip.clone().unwrap_or_else(|| "–".to_owned())}</td>
            <td data-label="Signed in">{when_exactly(session.started_at, "–")}</td>
            <td data-label="Last active">{when_exactly(session.seen_at, "–")}</td>
            <td class="row-actions">
                <ActionForm action attr:class="inline-form">
                    <input type="hidden" name="id" value=session.id.clone()/>
                    <button type="submit" class="btn btn-secondary btn-small" aria-label=label>"Sign out"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
