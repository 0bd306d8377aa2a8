//! The "Invite members" dialog, in two steps so nothing is sent before the admin has
//! seen what will be: the form (a GET, so the review is a page of its own that works
//! without JavaScript), then the review with "Send invitations".

use crate::api::members::{SendInvitations, preview_invitations};
use crate::domain::invitations::{InvitePreview, MAX_BATCH, seats};
use crate::domain::paths;
use crate::domain::roles::{OrgRole, WorkspaceRole};
use crate::domain::shell::ShellData;
use crate::ui::components::{Dialog, DialogActions, FormAlert};
use crate::ui::layout::server_once;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_location, use_query_map};

pub const INVITE: &str = "invite";
pub const INVITE_REVIEW: &str = "invite-review";

/// What the form step filled in, read back from the URL.
#[derive(Clone, Debug, PartialEq)]
struct Draft {
    emails: String,
    role: String,
    /// (workspace id, role) for the workspaces given a role.
    workspaces: Vec<(String, String)>,
}

impl Draft {
    fn workspaces_param(&self) -> String {
        self.workspaces
            .iter()
            .map(|(id, r)| format!("{id}:{r}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The URL of a step with this draft filled in, over the page at `path`.
    fn href(&self, path: &str, step: &str) -> String {
        let mut href = format!(
            "{path}?{}={step}&emails={}&role={}",
            paths::DIALOG_PARAM,
            paths::query_value(&self.emails),
            paths::query_value(&self.role)
        );
        for (id, role) in &self.workspaces {
            href.push_str(&format!("&ws.{id}={role}"));
        }
        href
    }
}

#[component]
pub fn InviteDialog(shell: ShellData, close: String) -> impl IntoView {
    let query = use_query_map();
    let workspace_ids: Vec<String> = shell.workspaces.iter().map(|w| w.id.clone()).collect();
    let draft = Memo::new(move |_| {
        query.with(|q| Draft {
            emails: q.get("emails").unwrap_or_default(),
            role: q
                .get("role")
                .unwrap_or_else(|| OrgRole::Member.as_str().to_owned()),
            workspaces: workspace_ids
                .iter()
                .filter_map(|id| {
                    q.get(&format!("ws.{id}"))
                        .filter(|r| !r.is_empty())
                        .map(|r| (id.clone(), r))
                })
                .collect(),
        })
    });
    let reviewing = Memo::new(move |_| {
        query.with(|q| q.get(paths::DIALOG_PARAM)).as_deref() == Some(INVITE_REVIEW)
    });
    server_once(move || {
        if reviewing.get() {
            view! { <Review shell=shell.clone() draft=draft.get() close=close.clone()/> }.into_any()
        } else {
            view! { <Compose shell=shell.clone() draft=draft.get() close=close.clone()/> }
                .into_any()
        }
    })
}

#[component]
fn Compose(shell: ShellData, draft: Draft, close: String) -> impl IntoView {
    let role_options = OrgRole::ALL
        .into_iter()
        .rev()
        .map(|r| view! { <option value=r.as_str() selected=r.as_str() == draft.role>{r.label()}</option> })
        .collect_view();
    let workspace_rows = shell
        .workspaces
        .iter()
        .map(|w| {
            let chosen = draft.workspaces.iter().find(|(id, _)| *id == w.id).map(|(_, r)| r.clone()).unwrap_or_default();
            let options = WorkspaceRole::ALL
                .into_iter()
                .rev()
                .map(|r| view! { <option value=r.as_str() selected=chosen == r.as_str()>{r.label()}</option> })
                .collect_view();
            let id = format!("ws-role-{}", w.id);
            view! {
                <div class="ws-choice">
                    <label for=id.clone()>{w.name.clone()}</label>
                    <select class="input input-small" id=id name=format!("ws.{}", w.id)>
                        <option value="" selected=chosen.is_empty()>"No access"</option>
                        {options}
                    </select>
                </div>
            }
        })
        .collect_view();
    view! {
        <Dialog id="invite" title="Invite members"
            description=format!("Each person gets an email with a link that works once, for {} days. Until they accept, an invitation takes a seat.", crate::domain::invitations::DEFAULT_VALIDITY_DAYS)
            close_href=close.clone()>
            <Form method="GET" action="" attr:class="form">
                <input type="hidden" name=paths::DIALOG_PARAM value=INVITE_REVIEW/>
                <div class="field">
                    <label class="field-label" for="field-emails">"Email addresses"</label>
                    <textarea class="input textarea" id="field-emails" name="emails" rows="4" required=true
                        aria-describedby="field-emails-help">{draft.emails.clone()}</textarea>
                    <p class="field-help" id="field-emails-help">
                        {format!("Separate addresses with commas, spaces or new lines; up to {MAX_BATCH} at a time.")}
                    </p>
                </div>
                <div class="field">
                    <label class="field-label" for="field-role">"Organization role"</label>
                    <select class="input" id="field-role" name="role" aria-describedby="field-role-help">{role_options}</select>
                    <p class="field-help" id="field-role-help">"Admins manage members, workspaces and billing; Billing manages billing only."</p>
                </div>
                <fieldset class="field fieldset">
                    <legend class="field-label">"Workspaces (optional)"</legend>
                    {workspace_rows}
                </fieldset>
                <DialogActions close_href=close>
                    <button type="submit" class="btn btn-primary">"Review invitations"</button>
                </DialogActions>
            </Form>
        </Dialog>
    }
}

#[component]
fn Review(shell: ShellData, draft: Draft, close: String) -> impl IntoView {
    let org_id = shell.org.id.clone();
    // Back to the first step over the page the dialog was opened on.
    let back = draft.href(&use_location().pathname.get_untracked(), INVITE);
    let preview = Resource::new(
        {
            let (org_id, draft) = (org_id.clone(), draft.clone());
            move || (org_id.clone(), draft.clone())
        },
        |(org, d)| {
            let workspaces = d.workspaces_param();
            preview_invitations(org, d.emails, d.role, Some(workspaces))
        },
    );
    let send = ServerAction::<SendInvitations>::new();
    let error = Signal::derive(move || send.value().get().and_then(Result::err));
    let close_for_body = close.clone();
    let body = move || {
        let (back, org_id, close) = (back.clone(), org_id.clone(), close_for_body.clone());
        Suspend::new(async move {
            match preview.await {
                Ok(p) => view! { <ReviewBody preview=p org_id back close send error/> }.into_any(),
                Err(e) => view! {
                    <p class="alert alert-error" role="alert">{e.to_string()}</p>
                    <div class="dialog-actions"><a class="btn btn-primary" href=back>"Back"</a></div>
                }
                .into_any(),
            }
        })
    };
    view! {
        <Dialog id="invite-review" title="Review invitations" description="Nothing has been sent yet." close_href=close.clone()>
            <Suspense fallback=|| view! { <p class="muted">"Checking addresses…"</p> }>{server_once(body)}</Suspense>
        </Dialog>
    }
}

#[component]
fn ReviewBody(
    preview: InvitePreview,
    org_id: String,
    back: String,
    close: String,
    send: ServerAction<SendInvitations>,
    error: Signal<Option<crate::domain::Error>>,
) -> impl IntoView {
    let n = preview.to_send.len() as i64;
    let fits = n <= preview.seats_free;
    let can_send = n > 0 && fits;
    let workspaces = preview
        .workspaces
        .iter()
        .map(|g| format!("{} ({})", g.workspace_name, g.role.label()))
        .collect::<Vec<_>>()
        .join(", ");
    let to_send = preview
        .to_send
        .iter()
        .map(|e| view! { <li>{e.clone()}</li> })
        .collect_view();
    let rejected = preview
        .rejected
        .iter()
        .map(|r| view! { <li><strong>{r.email.clone()}</strong> " — " {r.reason.clone()}</li> })
        .collect_view();
    let workspaces_param = preview
        .workspaces
        .iter()
        .map(|g| format!("{}:{}", g.workspace_id, g.role.as_str()))
        .collect::<Vec<_>>()
        .join(",");
    let label = if n == 1 {
        "Send invitation".to_owned()
    } else {
        format!("Send {n} invitations")
    };
    view! {
        <div class="review">
            <p>
                <strong>{format!("{n} will be invited")}</strong>
                {format!(" as {}", preview.role.label())}
                {(!workspaces.is_empty()).then(|| format!(", with access to {workspaces}"))}
                "."
            </p>
            {(n > 0).then(|| view! { <ul class="review-list">{to_send}</ul> })}
            {(!preview.rejected.is_empty()).then(|| view! {
                <p><strong>{format!("{} won't be invited:", preview.rejected.len())}</strong></p>
                <ul class="review-list review-rejected">{rejected}</ul>
            })}
            <p class=if fits { "muted" } else { "alert alert-error" } role=(!fits).then_some("alert")>
                {if fits {
                    format!("This uses {} of the {} free.", seats(n), seats(preview.seats_free))
                } else {
                    format!("This needs {}, but only {} free. Remove addresses or free seats first.", seats(n), seats(preview.seats_free))
                }}
            </p>
        </div>
        <ActionForm action=send attr:class="form">
            <input type="hidden" name="org_id" value=org_id/>
            <input type="hidden" name="emails" value=preview.to_send.join(",")/>
            <input type="hidden" name="role" value=preview.role.as_str()/>
            <input type="hidden" name="workspaces" value=workspaces_param/>
            <FormAlert error fields=&[]/>
            <div class="dialog-actions">
                <a class="btn btn-secondary" href=back>"Back"</a>
                <a class="btn btn-secondary" href=close>"Cancel"</a>
                <button type="submit" class="btn btn-primary" disabled=move || !can_send || send.pending().get()>{label}</button>
            </div>
        </ActionForm>
    }
}
