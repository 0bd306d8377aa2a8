//! Admin Settings -> Members -> Invitations: the invitations (filter by status, keyset
//! pages, resend, copy a link, revoke) and the outbox of sent emails.

use super::invite::{INVITE, INVITE_REVIEW, InviteDialog};
use super::layout::{SettingsLayout, SettingsSection};
use super::members::{MembersTab, MembersTabs};
use crate::api::members::{
    GetInvitationLink, ResendInvitation, RevokeInvitation, list_invitations, list_outbox,
};
use crate::domain::invitations::{InvitationStatus, InvitationView, InvitationsPage};
use crate::domain::paths;
use crate::domain::permissions::Action;
use crate::domain::shell::ShellData;
use crate::ui::components::{
    Column, CopyField, Dialog, FallbackForm, FormAlert, Pager, PagerText, Table, use_page_at, when,
};
use crate::ui::layout::{ConsolePage, list_body, open_dialog, server_once};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

#[component]
pub fn SettingsInvitationsPage() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| view! {
            <SettingsLayout shell=shell.clone() section=SettingsSection::Members>
                <MembersTabs shell=shell.clone() current=MembersTab::Invitations/>
                <Invitations shell=shell.clone()/>
            </SettingsLayout>
        }/>
    }
}

#[component]
fn Invitations(shell: ShellData) -> impl IntoView {
    if !shell.can(Action::InviteMembers) {
        return view! {
            <div class="card" role="alert">
                <h2 class="h2">"Not available"</h2>
                <p class="muted">"Your role in this organization doesn't include invitations. Ask an organization Admin."</p>
            </div>
        }
        .into_any();
    }
    let query = use_query_map();
    let sent = Memo::new(move |_| {
        query
            .with(|p| p.get("sent"))
            .and_then(|s| s.parse::<usize>().ok())
    });
    let dialog = open_dialog();
    let dialogs = {
        let shell = shell.clone();
        move || {
            let which = dialog.get()?;
            let close = paths::settings_invitations(&shell.org.id);
            matches!(which.as_str(), INVITE | INVITE_REVIEW)
                .then(|| view! { <InviteDialog shell=shell.clone() close/> })
        }
    };
    let org_id = shell.org.id.clone();
    view! {
        {move || sent.get().map(|n| view! {
            <p role="status" class="alert alert-success">
                {format!("Invitation sent to {n} {}.", if n == 1 { "person" } else { "people" })}
            </p>
        })}
        <InvitationsCard shell=shell.clone()/>
        <OutboxCard org_id/>
        {server_once(dialogs)}
    }
    .into_any()
}

/// The dialog of one invitation (`&invitation=<id>`).
const MANAGE: &str = "manage-invitation";

const FILTERS: [(&str, &str); 6] = [
    ("", "Open"),
    ("pending", "Pending"),
    ("expired", "Expired"),
    ("revoked", "Revoked"),
    ("declined", "Declined"),
    ("accepted", "Accepted"),
];

#[component]
fn InvitationsCard(shell: ShellData) -> impl IntoView {
    let org_id = shell.org.id.clone();
    let query = use_query_map();
    let status = Memo::new(move |_| query.with(|q| q.get("status")).unwrap_or_default());
    let at = use_page_at();
    let search = use_location().search;
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let link = ServerAction::<GetInvitationLink>::new();
    let list = Resource::new(
        {
            let org_id = org_id.clone();
            move || {
                (
                    org_id.clone(),
                    status.get(),
                    at.get(),
                    search.get(),
                    resend.version().get(),
                    revoke.version().get(),
                    link.version().get(),
                )
            }
        },
        |(org, status, at, ..)| {
            let (after, before) = at.into_query();
            list_invitations(org, Some(status), after, before)
        },
    );
    let error = Signal::derive(move || {
        resend
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| revoke.value().get().and_then(Result::err))
            .or_else(|| link.value().get().and_then(Result::err))
    });
    // This page of this filter: a row's dialog opens over it and closes back to it.
    let here = Memo::new({
        let org_id = org_id.clone();
        move |_| at.get().on(&status_href(&org_id, &status.get()))
    });
    let dialog = open_dialog();
    let manage = {
        let org_id = org_id.clone();
        move || {
            (dialog.get().as_deref() == Some(MANAGE)).then_some(())?;
            let id = query.with(|q| q.get("invitation"))?;
            let (org_id, close) = (org_id.clone(), here.get());
            Some(Suspend::new(async move {
                let page = list.await.ok()?;
                let inv = page
                    .invitations
                    .into_iter()
                    .find(|i| i.id == id && i.status.can_resend())?;
                Some(view! { <ManageDialog org_id inv close resend revoke link error/> })
            }))
        }
    };
    let filters = {
        let org_id = org_id.clone();
        move || {
            let current = status.get();
            FILTERS
                .iter()
                .map(|(value, label)| {
                    let href = status_href(&org_id, value);
                    view! { <a class="filter" href=href aria-current=(current == *value).then_some("page")>{*label}</a> }
                })
                .collect_view()
        }
    };
    let table = {
        let org_id = org_id.clone();
        list_body(
            list,
            "Loading invitations…",
            move |page: InvitationsPage| {
                if page.invitations.is_empty() {
                    return view! {
                    <p class="muted pad">"No invitations here. Invite people with \"Invite members\"."</p>
                }
                .into_any();
                }
                let base = status_href(&org_id, &status.get_untracked());
                let (rows, neighbours, here) =
                    (page.invitations, page.neighbours, here.get_untracked());
                view! {
                    <InvitationTable rows here/>
                    <Pager neighbours base text=PagerText::newest_first("Pages of invitations")/>
                }
                .into_any()
            },
        )
    };
    view! {
        <section class="card card-flush" aria-labelledby="invitations-title">
            <div class="section-header">
                <div>
                    <h2 class="h2" id="invitations-title">"Invitations"</h2>
                    <p class="muted">"Pending invitations take a seat until they are accepted, revoked or expire."</p>
                </div>
                <a class="btn btn-primary" href=format!("{}?{}={INVITE}", paths::settings_invitations(&shell.org.id), paths::DIALOG_PARAM)>
                    "Invite members"
                </a>
            </div>
            <div class="pad stack">
                <nav class="filters" aria-label="Invitation status">{filters}</nav>
            </div>
            {table}
        </section>
        // A Transition: the dialog stays up while the list refreshes after an action.
        <Transition>{server_once(manage)}</Transition>
    }
}

/// What can be done with an open invitation: send it again, get a fresh link to pass on,
/// or (while pending) revoke it. One dialog, so that each row carries one link.
#[component]
fn ManageDialog(
    org_id: String,
    inv: InvitationView,
    close: String,
    resend: ServerAction<ResendInvitation>,
    revoke: ServerAction<RevokeInvitation>,
    link: ServerAction<GetInvitationLink>,
    error: Signal<Option<crate::domain::Error>>,
) -> impl IntoView {
    let (o, i) = (org_id.as_str(), inv.id.as_str());
    let (h1, h2, h3) = (
        hidden_fields(o, i),
        hidden_fields(o, i),
        hidden_fields(o, i),
    );
    let fallback = paths::invitation_link_form(o, i);
    let id = inv.id.clone();
    let fresh_link = move || {
        let fresh = link
            .value()
            .get()
            .and_then(Result::ok)
            .filter(|l| l.invitation_id == id)?;
        Some(
            view! { <CopyField id="fresh-link" label="New invite link (the previous link no longer works)" value=fresh.url/> },
        )
    };
    let description = format!(
        "{} · {} · expires {}",
        inv.role.label(),
        inv.status.label(),
        crate::domain::format::format_date(inv.expires_at)
    );
    let pending = inv.status == InvitationStatus::Pending;
    view! {
        <Dialog id="manage-invitation" title=format!("Invitation to {}", inv.email) description close_href=close.clone()>
            <div class="stack">
                <FormAlert error fields=&[]/>
                {fresh_link}
                <div class="dialog-actions">
                    <a class="btn btn-secondary" href=close>"Close"</a>
                    <ActionForm action=resend attr:class="inline-form">
                        {h1}
                        <button type="submit" class="btn btn-secondary">"Resend"</button>
                    </ActionForm>
                    <FallbackForm action=link fallback class="inline-form">
                        {h2}
                        <button type="submit" class="btn btn-secondary">"Copy link"</button>
                    </FallbackForm>
                    {pending.then(|| view! {
                        <ActionForm action=revoke attr:class="inline-form">
                            {h3}
                            <button type="submit" class="btn btn-danger">"Revoke"</button>
                        </ActionForm>
                    })}
                </div>
            </div>
        </Dialog>
    }
}

#[component]
fn InvitationTable(
    rows: Vec<InvitationView>,
    /// The page the rows are on (their dialogs open over it).
    here: String,
) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|inv| {
            let workspaces = if inv.workspaces.is_empty() {
                "—".to_owned()
            } else {
                inv.workspaces.iter().map(|g| format!("{} ({})", g.workspace_name, g.role.label())).collect::<Vec<_>>().join(", ")
            };
            let status_class = match inv.status {
                InvitationStatus::Pending => "status status-ok",
                InvitationStatus::Expired => "status status-warn",
                _ => "status status-muted",
            };
            let actions = inv.status.can_resend().then(|| {
                let href = paths::with_param(
                    &here,
                    &format!("{}={MANAGE}&invitation={}", paths::DIALOG_PARAM, paths::query_value(&inv.id)),
                );
                let label = format!("Manage the invitation to {}", inv.email);
                view! { <a class="btn btn-small btn-secondary" href=href aria-label=label>"Manage"</a> }
            });
            view! {
                <tr>
                    <td>{inv.email.clone()}</td>
                    <td data-label="Role"><span class="badge">{inv.role.label()}</span></td>
                    <td class="muted-cell" data-label="Workspaces">{workspaces}</td>
                    <td data-label="Invited by">{inv.invited_by.clone().unwrap_or_else(|| "—".into())}</td>
                    <td data-label="Status"><span class=status_class>{inv.status.label()}</span></td>
                    <td data-label="Expires">{when(Some(inv.expires_at), "")}</td>
                    <td class="row-actions">{actions}</td>
                </tr>
            }
        })
        .collect_view();
    const COLUMNS: &[Column] = &[
        Column::text("Email"),
        Column::text("Role"),
        Column::text("Workspaces"),
        Column::text("Invited by"),
        Column::text("Status"),
        Column::text("Expires"),
        Column::ACTIONS,
    ];
    view! {
        <Table caption="Invitations" columns=COLUMNS>{body}</Table>
    }
}

/// The invitations with one status ("": all but accepted ones), from the top.
fn status_href(org_id: &str, status: &str) -> String {
    let base = paths::settings_invitations(org_id);
    if status.is_empty() {
        base
    } else {
        format!("{base}?status={}", paths::query_value(status))
    }
}

fn hidden_fields(org_id: &str, invitation_id: &str) -> impl IntoView + use<> {
    let (org_id, invitation_id) = (org_id.to_owned(), invitation_id.to_owned());
    view! {
        <input type="hidden" name="org_id" value=org_id/>
        <input type="hidden" name="invitation_id" value=invitation_id/>
    }
}

/// The latest emails: what was sent, or only recorded when no SMTP server is set.
#[component]
fn OutboxCard(org_id: String) -> impl IntoView {
    let search = use_location().search;
    let list = Resource::new(
        move || (org_id.clone(), search.get()),
        |(org, _)| list_outbox(org),
    );
    const COLUMNS: &[Column] = &[
        Column::text("To"),
        Column::text("Subject"),
        Column::text("Created"),
        Column::text("Delivery"),
    ];
    let rows = list_body(list, "Loading…", |rows| {
        if rows.is_empty() {
            return view! { <p class="muted pad">"No email sent yet."</p> }.into_any();
        }
        let body = rows
            .into_iter()
            .map(|m| {
                view! {
                    <tr>
                        <td>{m.to}</td>
                        <td data-label="Subject">{m.subject}</td>
                        <td data-label="Created">{when(Some(m.created_at), "")}</td>
                        <td data-label="Delivery">{m.delivery}</td>
                    </tr>
                }
            })
            .collect_view();
        view! { <Table caption="Emails the console sent" columns=COLUMNS>{body}</Table> }.into_any()
    });
    view! {
        <section class="card card-flush" aria-labelledby="outbox-title">
            <div class="section-header">
                <div>
                    <h2 class="h2" id="outbox-title">"Outbox"</h2>
                    <p class="muted">"Every email the console sends. Without SMTP_URL they are only recorded: use \"Copy link\" to pass an invitation on."</p>
                </div>
            </div>
            {rows}
        </section>
    }
}
