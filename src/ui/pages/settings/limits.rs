//! Admin Settings -> Limits (Admin and Billing roles): the organization's monthly spend
//! cap and alert thresholds, each workspace's cap, temporary raise and rate limits, the
//! budget planner (spend so far and the month-end projection) and the alerts sent.
//! Works without JavaScript: a workspace's form opens with `?workspace=<id>`, and saving
//! comes back to the page with `?saved=`.

use super::layout::{SettingsLayout, SettingsSection};
use crate::api::limits::{SaveOrgLimits, SaveWorkspaceLimits, get_limits};
use crate::domain::billing::Money;
use crate::domain::billing::limits::{LimitsPage, SpendLine};
use crate::domain::calendar::iso_date;
use crate::domain::format::{format_date, thousands};
use crate::domain::paths;
use crate::domain::shell::ShellData;
use crate::ui::components::{
    Column, FormAlert, SubmitButton, Table, TextField, field_error, focus_first_invalid,
    focus_first_invalid_by,
};
use crate::ui::layout::{ConsolePage, list_body};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SettingsLimitsPage() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| view! {
            <SettingsLayout shell=shell.clone() section=SettingsSection::Limits>
                <Limits shell=shell.clone()/>
            </SettingsLayout>
        }/>
    }
}

#[component]
fn Limits(shell: ShellData) -> impl IntoView {
    let org_id = shell.org.id.clone();
    let query = use_query_map();
    let saved = move || query.with(|q| q.get("saved"));
    let editing = move || query.with(|q| q.get("workspace"));
    // Read again after a save (its redirect adds `saved`).
    let page = Resource::new(
        {
            let org_id = org_id.clone();
            move || (org_id.clone(), saved())
        },
        |(org_id, _)| get_limits(org_id),
    );
    let body = list_body(page, "Loading limits…", move |page| {
        let org_id = org_id.clone();
        let edit = {
            let (lines, org_id) = (page.workspaces.clone(), org_id.clone());
            let (currency, now) = (page.currency.clone(), page.now);
            move || {
                let line = editing().and_then(|id| lines.iter().find(|w| w.id == id).cloned())?;
                let (org_id, currency) = (org_id.clone(), currency.clone());
                Some(view! { <EditWorkspace line org_id currency now/> })
            }
        };
        view! {
            <p role="status" class="status-text">
                {move || saved().map(|_| view! { <span class="alert alert-success">"Limits saved. They apply from the next request."</span> })}
            </p>
            <Planner page=page.clone()/>
            <OrgLimitsForm page=page.clone() org_id=org_id.clone()/>
            {edit}
            <Workspaces page=page.clone() org_id=org_id.clone()/>
            <Alerts page/>
        }
    });
    view! { {body} }
}

fn cap_text(cap: Option<Money>, currency: &str) -> String {
    cap.map_or_else(|| "No limit".to_owned(), |c| c.format(currency))
}

/// This period's spend and projection for the organization, and what to watch.
#[component]
fn Planner(page: LimitsPage) -> impl IntoView {
    let c = page.currency.clone();
    let org = &page.org_line;
    let warnings = page
        .warnings
        .iter()
        .map(|w| view! { <li>{w.clone()}</li> })
        .collect_view();
    let has_warnings = !page.warnings.is_empty();
    view! {
        <section class="card" aria-labelledby="planner-title">
            <h2 class="h2" id="planner-title">{format!("Budget for {}", page.period.label())}</h2>
            <dl class="stats">
                <div class="stat"><dt>"Spent so far"</dt><dd>{org.spent.format(&c)}</dd></div>
                <div class="stat"><dt>"Projected for the month"</dt><dd>{org.projected.format(&c)}</dd></div>
                <div class="stat"><dt>"Organization limit"</dt><dd>{cap_text(org.cap, &c)}</dd></div>
            </dl>
            <p class="muted small">"The projection carries the daily rate so far to the end of the month. Spend counts every request as it is answered, at the catalogue's prices; the invoice rounds each line to the cent."</p>
            {has_warnings.then(|| view! { <ul class="alert alert-warning warnings">{warnings}</ul> })}
        </section>
    }
}

#[component]
fn OrgLimitsForm(page: LimitsPage, org_id: String) -> impl IntoView {
    let action = ServerAction::<SaveOrgLimits>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(error);
    let cap = page.org.monthly_cap.map(Money::plain).unwrap_or_default();
    let thresholds = page
        .org
        .thresholds
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <section class="card" aria-labelledby="org-limit-title">
            <h2 class="h2" id="org-limit-title">"Organization limit"</h2>
            <p class="muted">{format!(
                "When the organization's spend this month reaches it, every workspace's keys get 429 for requests that cost money until the month ends. Amounts in {}.",
                page.currency
            )}</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="org_id" value=org_id/>
                <FormAlert error fields=&["monthly_cap", "thresholds"]/>
                <TextField label="Monthly limit" name="monthly_cap" optional=true value=cap maxlength=20
                    help="Blank for no limit." error=field_error(error, "monthly_cap")/>
                <TextField label="Alert at (percent of a limit)" name="thresholds" value=thresholds maxlength=40
                    help="Admins and Billing members get an email when spend reaches each, once a month per limit."
                    error=field_error(error, "thresholds")/>
                <div class="form-actions">
                    <SubmitButton label="Save organization limit" busy_label="Saving…" pending=action.pending()/>
                </div>
            </ActionForm>
        </section>
    }
}

const WORKSPACE_COLUMNS: [Column; 6] = [
    Column::text("Workspace"),
    Column::number("Spent"),
    Column::number("Projected"),
    Column::number("Limit"),
    Column::text("Rate limits"),
    Column::ACTIONS,
];

fn rates_text(line: &SpendLine) -> String {
    let l = &line.limits;
    match (l.requests_per_minute, l.tokens_per_minute) {
        (None, None) => "None".to_owned(),
        (rpm, tpm) => [
            rpm.map(|n| format!("{} requests/min", thousands(n))),
            tpm.map(|n| format!("{} tokens/min", thousands(n))),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", "),
    }
}

#[component]
fn Workspaces(page: LimitsPage, org_id: String) -> impl IntoView {
    let c = page.currency.clone();
    let here = paths::settings_limits(&org_id);
    let rows = page
        .workspaces
        .iter()
        .map(|w| {
            let limit = match w.limits.raise_at(page.now) {
                Some(r) => format!(
                    "{} until {} (then {})",
                    r.cap.format(&c),
                    format_date(r.until),
                    cap_text(w.limits.monthly_cap, &c)
                ),
                None => cap_text(w.cap, &c),
            };
            let at_cap = w.cap.is_some_and(|cap| w.spent >= cap);
            let edit = format!("{here}?workspace={}#edit-limits", paths::query_value(&w.id));
            view! {
                <tr>
                    <td>{w.name.clone()}{at_cap.then(|| view! { <span class="badge badge-danger">"Limit reached"</span> })}</td>
                    <td class="num" data-label="Spent">{w.spent.format(&c)}</td>
                    <td class="num" data-label="Projected">{w.projected.format(&c)}</td>
                    <td class="num" data-label="Limit">{limit}</td>
                    <td data-label="Rate limits">{rates_text(w)}</td>
                    <td class="row-actions">
                        <a class="btn btn-secondary btn-small" href=edit aria-label=format!("Edit the limits of {}", w.name)>"Edit"</a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card card-flush" aria-labelledby="workspace-limits-title">
            <div class="section-header">
                <h2 class="h3" id="workspace-limits-title">"Workspace limits"</h2>
            </div>
            <Table caption="Spend and limits by workspace" columns=&WORKSPACE_COLUMNS>{rows}</Table>
        </section>
    }
}

/// A workspace's limits form, opened by its row's Edit.
#[component]
fn EditWorkspace(line: SpendLine, org_id: String, currency: String, now: i64) -> impl IntoView {
    let action = ServerAction::<SaveWorkspaceLimits>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    // Its monthly cap field has an id of its own: the organization's form has one too.
    focus_first_invalid_by(error, |field| match field {
        "monthly_cap" => "field-workspace-monthly-cap".to_owned(),
        other => format!("field-{other}"),
    });
    let l = line.limits.clone();
    let cap = l.monthly_cap.map(Money::plain).unwrap_or_default();
    // A raise that ran out is not offered again (saving it would be refused).
    let (raise_cap, raise_until) = l
        .raise_at(now)
        .map(|r| (r.cap.plain(), iso_date(r.until)))
        .unwrap_or_default();
    let rate = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let (rpm, tpm) = (rate(l.requests_per_minute), rate(l.tokens_per_minute));
    let cancel = paths::settings_limits(&org_id);
    view! {
        <section class="card" id="edit-limits" aria-labelledby="edit-limits-title">
            <h2 class="h2" id="edit-limits-title">{format!("Limits of {}", line.name)}</h2>
            <p class="muted">{format!(
                "Spent this month: {}. A workspace's limit can't be above the organization's. Blank fields are no limit. Amounts in {currency}.",
                line.spent.format(&currency)
            )}</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <input type="hidden" name="org_id" value=org_id/>
                <input type="hidden" name="workspace_id" value=line.id.clone()/>
                <FormAlert error fields=&["monthly_cap", "raise_cap", "raise_until", "requests_per_minute", "tokens_per_minute"]/>
                <TextField label="Monthly limit" name="monthly_cap" id="field-workspace-monthly-cap" optional=true value=cap
                    maxlength=20 error=field_error(error, "monthly_cap")/>
                <fieldset class="fieldset">
                    <legend class="field-label">"Temporary raise"</legend>
                    <p class="field-help">"A higher limit until a day, after which the monthly limit applies again by itself."</p>
                    <div class="field-row">
                        <TextField label="Raised limit" name="raise_cap" optional=true value=raise_cap maxlength=20
                            error=field_error(error, "raise_cap")/>
                        <TextField label="Until (UTC)" name="raise_until" kind="date" optional=true value=raise_until
                            error=field_error(error, "raise_until")/>
                    </div>
                </fieldset>
                <div class="field-row">
                    <TextField label="Requests per minute" name="requests_per_minute" optional=true value=rpm
                        maxlength=12 error=field_error(error, "requests_per_minute")/>
                    <TextField label="Tokens per minute" name="tokens_per_minute" optional=true value=tpm
                        maxlength=14 error=field_error(error, "tokens_per_minute")/>
                </div>
                <div class="form-actions">
                    <SubmitButton label="Save workspace limits" busy_label="Saving…" pending=action.pending()/>
                    <a class="btn btn-secondary" href=cancel>"Cancel"</a>
                </div>
            </ActionForm>
        </section>
    }
}

const ALERT_COLUMNS: [Column; 4] = [
    Column::text("Sent"),
    Column::text("Limit of"),
    Column::number("Reached"),
    Column::number("Limit"),
];

#[component]
fn Alerts(page: LimitsPage) -> impl IntoView {
    if page.alerts.is_empty() {
        return view! {
            <section class="card" aria-labelledby="alerts-title">
                <h2 class="h3" id="alerts-title">"Alerts sent"</h2>
                <p class="muted">"None yet. Alerts are emailed when spend reaches a threshold of a limit."</p>
            </section>
        }
        .into_any();
    }
    let rows = page
        .alerts
        .iter()
        .map(|a| {
            view! {
                <tr>
                    <td>{format_date(a.sent_at)}</td>
                    <td data-label="Limit of">{a.scope_name.clone()}</td>
                    <td class="num" data-label="Reached">{format!("{}%", a.threshold)}</td>
                    <td class="num" data-label="Limit">{a.cap.format(&page.currency)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card card-flush" aria-labelledby="alerts-title">
            <div class="section-header"><h2 class="h3" id="alerts-title">"Alerts sent"</h2></div>
            <Table caption="Spend alerts sent, newest first" columns=&ALERT_COLUMNS>{rows}</Table>
        </section>
    }
    .into_any()
}
