//! Admin Settings -> Members: the members (search, keyset pages, roles, removal), with
//! a tab to the invitations (`invitations.rs`).

use super::invite::{INVITE, INVITE_REVIEW, InviteDialog};
use super::layout::{SettingsLayout, SettingsSection};
use crate::api::members::{ChangeMemberRole, RemoveMember, list_members};
use crate::domain::admin::{MemberRow, MembersPage};
use crate::domain::format::thousands;
use crate::domain::keyset::PageAt;
use crate::domain::paths;
use crate::domain::permissions::Action;
use crate::domain::roles::OrgRole;
use crate::domain::shell::ShellData;
use crate::ui::components::{
    Column, ConfirmForm, Dialog, EmptyState, FormAlert, Pager, PagerText, Table, use_page_at, when,
};
use crate::ui::layout::{ConsolePage, list_body, open_dialog, server_once};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_location, use_query_map};

const REMOVE: &str = "remove-member";

#[component]
pub fn SettingsMembersPage() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| view! {
            <SettingsLayout shell=shell.clone() section=SettingsSection::Members>
                <MembersTabs shell=shell.clone() current=MembersTab::Members/>
                <Members shell=shell.clone()/>
            </SettingsLayout>
        }/>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MembersTab {
    Members,
    Invitations,
    Requests,
}

/// Members and, for those who may invite, Invitations and requests to join; the current
/// one is marked for screen readers.
#[component]
pub(super) fn MembersTabs(shell: ShellData, current: MembersTab) -> impl IntoView {
    if !shell.can(Action::InviteMembers) {
        return None;
    }
    let org_id = &shell.org.id;
    let tabs = [
        (
            MembersTab::Members,
            "Members",
            paths::settings_members(org_id),
        ),
        (
            MembersTab::Invitations,
            "Invitations",
            paths::settings_invitations(org_id),
        ),
        (
            MembersTab::Requests,
            "Requests",
            paths::settings_join_requests(org_id),
        ),
    ];
    let links = tabs
        .into_iter()
        .map(|(tab, label, href)| {
            view! { <a class="tab" href=href aria-current=(tab == current).then_some("page")>{label}</a> }
        })
        .collect_view();
    Some(view! { <nav class="tabs" aria-label="Members">{links}</nav> })
}

/// The members page for a search, from where `at` says.
fn members_href(org_id: &str, query: &str, at: &PageAt) -> String {
    let base = paths::settings_members(org_id);
    if query.is_empty() {
        at.on(&base)
    } else {
        at.on(&format!("{base}?q={}", paths::query_value(query)))
    }
}

#[component]
fn Members(shell: ShellData) -> impl IntoView {
    let org_id = shell.org.id.clone();
    let can_invite = shell.can(Action::InviteMembers);
    let can_manage = shell.can(Action::ManageMembers);
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|p| p.get("q")).unwrap_or_default());
    let at = use_page_at();
    let change_role = ServerAction::<ChangeMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    // Any change of the URL (a dialog that sent invitations and came back) reloads the list.
    let search = use_location().search;
    let list = Resource::new(
        {
            let org_id = org_id.clone();
            move || {
                (
                    org_id.clone(),
                    q.get(),
                    at.get(),
                    search.get(),
                    change_role.version().get(),
                    remove.version().get(),
                )
            }
        },
        |(org, q, at, ..)| {
            let (after, before) = at.into_query();
            list_members(org, Some(q), after, before)
        },
    );
    let error = Signal::derive(move || {
        change_role
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
    });
    let dialog = open_dialog();
    // A dialog closes back to the page it was opened on.
    let here = Memo::new({
        let org_id = org_id.clone();
        move |_| members_href(&org_id, &q.get(), &at.get())
    });

    let table = {
        let org_id = org_id.clone();
        let me = shell.user.id.clone();
        list_body(list, "Loading members…", move |data| {
            let (org_id, me) = (org_id.clone(), me.clone());
            let here = here.get_untracked();
            view! { <MembersTable org_id me data query=q.get_untracked() here can_manage change_role/> }
        })
    };
    let seats = {
        let org_id = org_id.clone();
        move || {
            let org_id = org_id.clone();
            Suspend::new(async move {
                list.await.ok().map(|d| {
                    let seats = format!(
                        "{} of {} seats used",
                        thousands(d.seats_used),
                        thousands(d.seat_limit)
                    );
                    let pending = (can_invite && d.pending_invitations > 0).then(|| {
                        let n = d.pending_invitations;
                        let label = format!(
                            "{} pending invitation{}",
                            thousands(n),
                            if n == 1 { "" } else { "s" }
                        );
                        view! { " · " <a href=paths::settings_invitations(&org_id)>{label}</a> }
                    });
                    view! { {seats} {pending} }
                })
            })
        }
    };
    let dialogs = {
        let shell = shell.clone();
        move || {
            let which = dialog.get()?;
            let close = here.get();
            match which.as_str() {
                INVITE | INVITE_REVIEW if can_invite => {
                    Some(view! { <InviteDialog shell=shell.clone() close/> }.into_any())
                }
                REMOVE => {
                    let member = query.with(|p| p.get("member"))?;
                    let shell = shell.clone();
                    Some(
                        Suspend::new(async move {
                            let rows = list.await.map(|d| d.members).unwrap_or_default();
                            rows.into_iter().find(|m| m.user_id == member).map(
                                |m| view! { <RemoveDialog shell member=m close action=remove/> },
                            )
                        })
                        .into_any(),
                    )
                }
                _ => None,
            }
        }
    };
    view! {
        <section class="card card-flush" aria-labelledby="members-title">
            <div class="section-header">
                <div>
                    <h2 class="h2" id="members-title">"Members"</h2>
                    <p class="muted"><Suspense>{server_once(seats)}</Suspense></p>
                </div>
                {can_invite.then(|| view! {
                    <a class="btn btn-primary" href=move || paths::with_param(&here.get(), &format!("{}={INVITE}", paths::DIALOG_PARAM))>
                        "Invite members"
                    </a>
                })}
            </div>
            <div class="pad stack">
                <FormAlert error fields=&[]/>
                <Form method="GET" action="" attr:class="search" attr:role="search">
                    <input class="input" type="search" name="q" value=move || q.get() placeholder="Search by name or email"
                        aria-label="Search members"/>
                    <button type="submit" class="btn btn-secondary">"Search"</button>
                </Form>
            </div>
            {table}
        </section>
        <Suspense>{server_once(dialogs)}</Suspense>
    }
}

#[component]
fn MembersTable(
    org_id: String,
    me: String,
    data: MembersPage,
    query: String,
    here: String,
    can_manage: bool,
    change_role: ServerAction<ChangeMemberRole>,
) -> impl IntoView {
    const COLUMNS: &[Column] = &[
        Column::text("Member"),
        Column::text("Role"),
        Column::text("Workspaces"),
        Column::text("Joined"),
        Column::ACTIONS,
    ];
    let range = data.range_label();
    let search = members_href(&org_id, &query, &PageAt::First);
    let neighbours = data.neighbours.clone();
    if data.members.is_empty() {
        return view! {
            <EmptyState>{if query.is_empty() { "No members yet.".to_owned() } else { format!("No member matches \"{query}\".") }}</EmptyState>
        }
        .into_any();
    }
    let rows = data
        .members
        .into_iter()
        .map(|m| view! { <MemberRowView org_id=org_id.clone() here=here.clone() is_me=m.user_id == me member=m can_manage change_role/> })
        .collect_view();
    view! {
        <Table caption="Members of this organization" columns=COLUMNS>{rows}</Table>
        <Pager neighbours base=search text=PagerText::pages("Pages of members") summary=range/>
    }
    .into_any()
}

#[component]
fn MemberRowView(
    org_id: String,
    /// The page the row is on (its Remove dialog opens over it).
    here: String,
    member: MemberRow,
    is_me: bool,
    can_manage: bool,
    change_role: ServerAction<ChangeMemberRole>,
) -> impl IntoView {
    let role_cell = if can_manage {
        let options = OrgRole::ALL
            .into_iter()
            .map(|r| view! { <option value=r.as_str() selected=r == member.role>{r.label()}</option> })
            .collect_view();
        let (org, user) = (org_id.clone(), member.user_id.clone());
        let select_label = format!("Role of {}", member.name);
        let save_label = format!("Save role of {}", member.name);
        view! {
            <ActionForm action=change_role attr:class="inline-form role-form">
                <input type="hidden" name="org_id" value=org/>
                <input type="hidden" name="user_id" value=user/>
                <select class="input input-small" name="role" aria-label=select_label>{options}</select>
                <button type="submit" class="btn btn-small btn-secondary" aria-label=save_label>"Save"</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! { <span class="badge">{member.role.label()}</span> }.into_any()
    };
    let workspaces = if member.workspaces.is_empty() {
        "—".to_owned()
    } else {
        member.workspaces.join(", ")
    };
    let action = (can_manage || is_me).then(|| {
        let href = paths::with_param(
            &here,
            &format!("{}={REMOVE}&member={}", paths::DIALOG_PARAM, member.user_id),
        );
        let (label, aria) = if is_me {
            ("Leave", "Leave the organization".to_owned())
        } else {
            ("Remove", format!("Remove {}", member.name))
        };
        view! { <a class="btn btn-small btn-danger-outline" href=href aria-label=aria>{label}</a> }
    });
    view! {
        <tr>
            <td>
                <div class="person">
                    <span class="person-name">{member.name.clone()} {is_me.then_some(" (you)")}</span>
                    <span class="person-email">{member.email.clone()}</span>
                </div>
            </td>
            <td data-label="Role">{role_cell}</td>
            <td class="muted-cell" data-label="Workspaces">{workspaces}</td>
            <td data-label="Joined">{when(Some(member.joined_at), "")}</td>
            <td class="row-actions">{action}</td>
        </tr>
    }
}

#[component]
fn RemoveDialog(
    shell: ShellData,
    member: MemberRow,
    close: String,
    action: ServerAction<RemoveMember>,
) -> impl IntoView {
    let leaving = member.user_id == shell.user.id;
    let fields = vec![
        ("org_id", shell.org.id.clone()),
        ("user_id", member.user_id.clone()),
    ];
    let keys = |who: &str| match member.working_keys {
        0 => String::new(),
        1 => format!(" The API key {who} created is revoked."),
        n => format!(" The {n} API keys {who} created are revoked."),
    };
    let (title, description, button) = if leaving {
        (
            format!("Leave {}?", shell.org.name),
            format!(
                "You lose access to its workspaces at once. An admin can invite you again.{}",
                keys("you")
            ),
            "Leave organization",
        )
    } else {
        (
            format!("Remove {} from {}?", member.name, shell.org.name),
            format!(
                "{} loses access to the organization and its workspaces at their next click.{}",
                member.email,
                keys("they")
            ),
            "Remove member",
        )
    };
    view! {
        <Dialog id="remove-member" title description close_href=close.clone()>
            <ConfirmForm action fields button close_href=close/>
        </Dialog>
    }
}
