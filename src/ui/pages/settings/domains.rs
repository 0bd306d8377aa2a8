//! Admin Settings -> Domains (organization Admins): add a company domain, prove it with the
//! DNS TXT record the page shows, and choose what people with a confirmed address there
//! are offered. Works without JavaScript: every change comes back with `?done=`, a
//! domain's join settings open with `?edit=<id>`, removing asks first (`?dialog=`).

use super::layout::{SettingsLayout, SettingsSection};
use crate::api::domains::{AddDomain, CheckDomain, RemoveDomain, SaveDomainJoin, get_domains};
use crate::domain::format::{format_date, format_timestamp};
use crate::domain::org_domains::{DomainView, DomainsPage, JoinMode};
use crate::domain::paths;
use crate::domain::roles::{OrgRole, WorkspaceRole};
use crate::domain::shell::ShellData;
use crate::ui::components::{
    ConfirmForm, CopyField, Dialog, FormAlert, SubmitButton, TextField, field_error,
    focus_first_invalid,
};
use crate::ui::layout::{ConsolePage, list_body};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const REMOVE: &str = "remove-domain";

#[component]
pub fn SettingsDomainsPage() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| view! {
            <SettingsLayout shell=shell.clone() section=SettingsSection::Domains>
                <Domains shell=shell.clone()/>
            </SettingsLayout>
        }/>
    }
}

#[component]
fn Domains(shell: ShellData) -> impl IntoView {
    let org_id = shell.org.id.clone();
    let query = use_query_map();
    let param = move |name: &'static str| query.with(|q| q.get(name));
    // Read again after every change (its redirect carries `done` and a new `at`).
    let page = Resource::new(
        {
            let org_id = org_id.clone();
            move || (org_id.clone(), param("done"), param("at"))
        },
        |(org_id, _, _)| get_domains(org_id),
    );
    let body = list_body(page, "Loading domains…", move |page: DomainsPage| {
        let org_id = org_id.clone();
        let status = {
            let domains = page.domains.clone();
            move || {
                let named = |id: Option<String>| {
                    id.and_then(|id| domains.iter().find(|d| d.id == id).cloned())
                };
                let (text, class) = match (param("done").as_deref(), named(param("domain"))) {
                    (Some("added"), Some(d)) => (
                        format!(
                            "{} added. Add its TXT record at your DNS provider, then check it.",
                            d.domain
                        ),
                        "alert-success",
                    ),
                    (Some("checked"), Some(d)) if d.verified_at.is_some() => {
                        (format!("{} is verified.", d.domain), "alert-success")
                    }
                    (Some("checked"), Some(d)) => (
                        format!(
                            "{} is not verified yet: see what the check found below.",
                            d.domain
                        ),
                        "alert-warning",
                    ),
                    (Some("saved"), Some(d)) => (
                        format!("Saved who joins through {}.", d.domain),
                        "alert-success",
                    ),
                    (Some("removed"), _) => ("Domain removed.".to_owned(), "alert-success"),
                    _ => return None,
                };
                Some(view! { <span class=format!("alert {class}")>{text}</span> })
            }
        };
        let cards = page
            .domains
            .iter()
            .map(|d| {
                let editing = param("edit").as_deref() == Some(d.id.as_str());
                view! { <DomainCard domain=d.clone() page=page.clone() org_id=org_id.clone() editing/> }
            })
            .collect_view();
        let remove = {
            let (domains, org_id) = (page.domains.clone(), org_id.clone());
            move || {
                if param(paths::DIALOG_PARAM).as_deref() != Some(REMOVE) {
                    return None;
                }
                let d =
                    param("domain").and_then(|id| domains.iter().find(|d| d.id == id).cloned())?;
                Some(view! { <RemoveDialog domain=d org_id=org_id.clone()/> })
            }
        };
        view! {
            <p role="status" class="status-text">{status}</p>
            <AddDomainForm org_id=org_id.clone() empty=page.domains.is_empty()/>
            {cards}
            {remove}
        }
    });
    view! { {body} }
}

#[component]
fn AddDomainForm(org_id: String, empty: bool) -> impl IntoView {
    let action = ServerAction::<AddDomain>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    view! {
        <section class="card" aria-labelledby="domains-title">
            <h2 class="h2" id="domains-title">"Company domains"</h2>
            <p class="muted">"Prove that your company owns an email domain with a DNS record, then choose whether people with a confirmed address there may join this organization. Public email providers (gmail.com, outlook.com, …) can't be added, and a domain belongs to one organization."</p>
            {empty.then(|| view! { <p class="muted">"No domain yet."</p> })}
            <ActionForm action attr:class="form form-inline" attr:novalidate=true>
                <input type="hidden" name="org_id" value=org_id/>
                <FormAlert error fields=&["domain"]/>
                <TextField label="Domain" name="domain" maxlength=253
                    help="The part of your company's addresses after the @, such as acme.com." error=field_error(error, "domain")/>
                <div class="form-actions">
                    <SubmitButton label="Add domain" busy_label="Adding…" pending=action.pending()/>
                </div>
            </ActionForm>
        </section>
    }
}

fn remove_href(org_id: &str, domain_id: &str) -> String {
    format!(
        "{}?{}={REMOVE}&domain={}",
        paths::settings_domains(org_id),
        paths::DIALOG_PARAM,
        paths::query_value(domain_id)
    )
}

#[component]
fn DomainCard(
    domain: DomainView,
    page: DomainsPage,
    org_id: String,
    editing: bool,
) -> impl IntoView {
    let title_id = format!("domain-{}", domain.id);
    let badge = match domain.verified_at {
        Some(_) => view! { <span class="badge badge-success">"Verified"</span> },
        None => view! { <span class="badge badge-warning">"Waiting for its DNS record"</span> },
    };
    let body = match domain.verified_at {
        None => view! { <Challenge domain=domain.clone() org_id=org_id.clone()/> }.into_any(),
        Some(at) if editing => view! {
            <p class="muted">{format!("Verified on {}.", format_date(at))}</p>
            <JoinForm domain=domain.clone() page org_id=org_id.clone()/>
        }
        .into_any(),
        Some(at) => view! {
            <p class="muted">{format!("Verified on {}.", format_date(at))}</p>
            <JoinSummary domain=domain.clone() org_id=org_id.clone()/>
        }
        .into_any(),
    };
    view! {
        <section class="card domain-card" id=title_id.clone() aria-labelledby=format!("{title_id}-title")>
            <div class="domain-head">
                <h2 class="h3" id=format!("{title_id}-title")>{domain.domain.clone()}</h2>
                {badge}
                <a class="btn btn-small btn-danger-outline" href=remove_href(&org_id, &domain.id)
                    aria-label=format!("Remove {}", domain.domain)>"Remove"</a>
            </div>
            {body}
        </section>
    }
}

/// The TXT record to add, what the last check found, and "Check now".
#[component]
fn Challenge(domain: DomainView, org_id: String) -> impl IntoView {
    let action = ServerAction::<CheckDomain>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let last = domain.checked_at.map(|at| {
        let found = domain.check_outcome.clone().unwrap_or_default();
        view! {
            <p class="alert alert-warning">
                <span>"Last checked "</span><time title=format_timestamp(at)>{format_timestamp(at)}</time>": "{found}
            </p>
        }
    });
    view! {
        <p>"Add this TXT record at your DNS provider, then check it. Leave it in place: it is checked again every day, and the domain stops letting people in when it is gone."</p>
        <div class="record">
            <CopyField id=format!("txt-name-{}", domain.id) label="Name" value=domain.txt_name.clone()/>
            <CopyField id=format!("txt-value-{}", domain.id) label="Value" value=domain.txt_value.clone()/>
        </div>
        {last}
        <ActionForm action attr:class="form form-inline">
            <input type="hidden" name="org_id" value=org_id/>
            <input type="hidden" name="domain_id" value=domain.id.clone()/>
            <FormAlert error fields=&[]/>
            <div class="form-actions">
                <SubmitButton label="Check now" busy_label="Checking…" pending=action.pending()/>
            </div>
        </ActionForm>
    }
}

fn who_joins(domain: &DomainView) -> String {
    match domain.join_mode {
        JoinMode::Off => "No one is offered to join through this domain.".to_owned(),
        _ => {
            let workspaces = domain
                .workspaces
                .iter()
                .map(|w| format!("{} ({})", w.name, w.role.label()))
                .collect::<Vec<_>>();
            let into = match workspaces.is_empty() {
                true => "no workspace yet".to_owned(),
                false => workspaces.join(", "),
            };
            format!(
                "They join as {}, with access to {into}.",
                domain.join_role.label()
            )
        }
    }
}

#[component]
fn JoinSummary(domain: DomainView, org_id: String) -> impl IntoView {
    let edit = format!(
        "{}?edit={}#domain-{}",
        paths::settings_domains(&org_id),
        paths::query_value(&domain.id),
        domain.id
    );
    view! {
        <dl class="facts">
            <dt>{format!("People at @{}", domain.domain)}</dt>
            <dd>
                <strong>{domain.join_mode.label()}</strong>". "{domain.join_mode.describe()}
                {(domain.join_mode != JoinMode::Off).then(|| view! { <br/>{who_joins(&domain)} })}
            </dd>
        </dl>
        <div class="form-actions">
            <a class="btn btn-secondary" href=edit aria-label=format!("Change who joins through {}", domain.domain)>"Change"</a>
        </div>
    }
}

/// The join mode, the organization role and the workspaces, for one verified domain.
#[component]
fn JoinForm(domain: DomainView, page: DomainsPage, org_id: String) -> impl IntoView {
    let action = ServerAction::<SaveDomainJoin>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    let modes = JoinMode::ALL
        .into_iter()
        .map(|m| {
            view! {
                <label class="checkbox">
                    <input type="radio" name="join_mode" value=m.as_str() checked=m == domain.join_mode/>
                    <span><strong>{m.label()}</strong><br/><span class="muted small">{m.describe()}</span></span>
                </label>
            }
        })
        .collect_view();
    let roles = [OrgRole::Member, OrgRole::Billing]
        .into_iter()
        .map(|r| view! { <option value=r.as_str() selected=r == domain.join_role>{r.label()}</option> })
        .collect_view();
    let workspaces = page
        .workspaces
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let chosen = domain.workspaces.iter().find(|g| g.workspace_id == w.id).map(|g| g.role);
            let options = WorkspaceRole::ALL
                .into_iter()
                .rev()
                .map(|r| view! { <option value=r.as_str() selected=chosen == Some(r)>{r.label()}</option> })
                .collect_view();
            let id = format!("join-ws-{i}");
            let label_for = id.clone();
            view! {
                <div class="ws-choice">
                    <label for=label_for>{w.name.clone()}</label>
                    <input type="hidden" name=format!("grants[{i}][workspace_id]") value=w.id.clone()/>
                    <select class="input input-small" id=id name=format!("grants[{i}][role]")>
                        <option value="" selected=chosen.is_none()>"No access"</option>
                        {options}
                    </select>
                </div>
            }
        })
        .collect_view();
    let cancel = paths::settings_domains(&org_id);
    view! {
        <ActionForm action attr:class="form" attr:novalidate=true>
            <input type="hidden" name="org_id" value=org_id/>
            <input type="hidden" name="domain_id" value=domain.id.clone()/>
            <FormAlert error fields=&["join_mode", "join_role", "grants"]/>
            <fieldset class="fieldset" id="field-join_mode">
                <legend class="field-label">{format!("People with a confirmed address at @{}", domain.domain)}</legend>
                {modes}
                {move || field_error(error, "join_mode").get().map(|m| view! { <p class="field-error">{m}</p> })}
            </fieldset>
            <div class="field">
                <label class="field-label" for="field-join_role">"Their role in the organization"</label>
                <select class="input" id="field-join_role" name="join_role">{roles}</select>
                <p class="field-help">"Admins are only ever invited, one by one. Billing, and a workspace's Admin role, are only given with \"Ask an Admin\"."</p>
                {move || field_error(error, "join_role").get().map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
            <fieldset class="fieldset" id="field-grants">
                <legend class="field-label">"Workspaces they are added to"</legend>
                {workspaces}
                {move || field_error(error, "grants").get().map(|m| view! { <p class="field-error">{m}</p> })}
            </fieldset>
            <div class="form-actions">
                <SubmitButton label="Save" busy_label="Saving…" pending=action.pending()/>
                <a class="btn btn-secondary" href=cancel>"Cancel"</a>
            </div>
        </ActionForm>
    }
}

#[component]
fn RemoveDialog(domain: DomainView, org_id: String) -> impl IntoView {
    let action = ServerAction::<RemoveDomain>::new();
    let close = paths::settings_domains(&org_id);
    let fields = vec![("org_id", org_id), ("domain_id", domain.id.clone())];
    view! {
        <Dialog id="remove-domain" title=format!("Remove {}?", domain.domain)
            description="People at this domain are no longer offered to join. Those who joined stay members. To use the domain again, you will add and verify it again."
            close_href=close.clone()>
            <ConfirmForm action fields button="Remove domain" close_href=close/>
        </Dialog>
    }
}
