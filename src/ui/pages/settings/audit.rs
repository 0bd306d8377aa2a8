//! Admin Settings -> Audit log: who changed what, when and from where, newest first.
//! Filters (actor, action, workspace, dates) are a plain GET form, pages are keyset links
//! and the exports are links with the same filters: all of it works without JavaScript.

use super::layout::{SettingsLayout, SettingsSection};
use crate::api::audit::get_audit_log;
use crate::domain::audit::{
    ActorKind, AuditAction, AuditEntryView, AuditFilter, AuditPage, visible,
};
use crate::domain::calendar::{DAY_MS, iso_date};
use crate::domain::format::format_timestamp;
use crate::domain::paths;
use crate::domain::shell::ShellData;
use crate::ui::components::{
    Column, EmptyState, Pager, PagerText, Table, use_page_at, when_exactly,
};
use crate::ui::layout::{ConsolePage, list_body};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SettingsAuditPage() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| view! {
            <SettingsLayout shell=shell.clone() section=SettingsSection::Audit>
                <AuditLog shell=shell.clone()/>
            </SettingsLayout>
        }/>
    }
}

const COLUMNS: [Column; 5] = [
    Column::text("When"),
    Column::text("Who"),
    Column::text("What"),
    Column::text("Change"),
    Column::text("From"),
];

/// The URL's filter values, as typed (checked by the server).
type Typed = [Option<String>; 6];

fn typed_filter() -> Memo<Typed> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| {
            ["actor", "target", "action", "workspace", "from", "until"]
                .map(|k| q.get(k).filter(|v| !v.trim().is_empty()))
        })
    })
}

/// `base` with the filter's query.
fn with_filter(base: &str, filter: &AuditFilter) -> String {
    filter
        .query_pairs()
        .into_iter()
        .fold(base.to_owned(), |href, (k, v)| {
            paths::with_param(&href, &format!("{k}={}", paths::query_value(&v)))
        })
}

#[component]
fn AuditLog(shell: ShellData) -> impl IntoView {
    let org_id = shell.org.id.clone();
    let typed = typed_filter();
    let at = use_page_at();
    let page = Resource::new(
        {
            let org_id = org_id.clone();
            move || (org_id.clone(), typed.get(), at.get())
        },
        |(org, [actor, target, action, workspace, from, until], at)| {
            let (after, before) = at.into_query();
            get_audit_log(
                org, actor, target, action, workspace, from, until, after, before,
            )
        },
    );
    let body = list_body(page, "Loading the audit log…", move |page: AuditPage| {
        view! { <AuditBody org_id=org_id.clone() page/> }
    });
    view! {
        <section class="card card-flush" aria-labelledby="audit-title">
            <div class="section-header">
                <div>
                    <h2 class="h2" id="audit-title">"Audit log"</h2>
                    <p class="muted">"Who changed what, when and from where. Entries are chained by hash; they cannot be edited."</p>
                </div>
            </div>
            {body}
        </section>
    }
}

#[component]
fn AuditBody(org_id: String, page: AuditPage) -> impl IntoView {
    let base = paths::settings_audit(&org_id);
    let filtered = with_filter(&base, &page.filter);
    let export = |format: &str| {
        with_filter(
            &format!("{}?format={format}", paths::settings_audit_export(&org_id)),
            &page.filter,
        )
    };
    let (csv, jsonl) = (export("csv"), export("jsonl"));
    let rows = page.entries.clone();
    let table = if rows.is_empty() {
        let text = if page.filter == AuditFilter::default() {
            "Nothing has been recorded yet. Changes to members, invitations, workspaces, keys, billing, limits and domains appear here."
        } else {
            "No entry matches these filters."
        };
        view! { <EmptyState><p>{text}</p></EmptyState> }.into_any()
    } else {
        let rows = rows
            .into_iter()
            .map(|e| view! { <EntryRow entry=e filtered=filtered.clone()/> })
            .collect_view();
        view! { <Table caption="Audit log, newest first" columns=&COLUMNS>{rows}</Table> }
            .into_any()
    };
    let scope = (!page.whole_organization).then(|| {
        view! { <p class="pad muted">"You see the changes in the workspaces you administer."</p> }
    });
    view! {
        {scope}
        <Filters page=page.clone() base=base.clone()/>
        <p class="pad export-links">
            "Export this view: "
            <a href=csv download="">"CSV"</a>
            " · "
            <a href=jsonl download="">"JSON Lines"</a>
        </p>
        {table}
        <Pager neighbours=page.neighbours base=filtered text=PagerText::newest_first("Audit log pages")/>
    }
}

#[component]
fn Filters(page: AuditPage, base: String) -> impl IntoView {
    let f = page.filter.clone();
    let action_options = AuditAction::ALL
        .iter()
        .map(|a| {
            let selected = f.action.as_deref() == Some(a.code());
            view! { <option value=a.code() selected=selected>{a.label()}</option> }
        })
        .collect_view();
    let workspace_options = page
        .workspaces
        .iter()
        .map(|w| {
            let selected = f.workspace.as_deref() == Some(w.id.as_str());
            view! { <option value=w.id.clone() selected=selected>{w.label.clone()}</option> }
        })
        .collect_view();
    let day = |ms: Option<i64>| ms.map(iso_date).unwrap_or_default();
    let until = day(f.until.map(|u| u - DAY_MS));
    view! {
        <Form method="GET" action="" attr:class="audit-filters" attr:aria-label="Filter the audit log">
            <div class="field">
                <label class="field-label" for="audit-actor">"Who"</label>
                <input class="input" id="audit-actor" name="actor" type="search" maxlength="254"
                    value=f.actor.clone().unwrap_or_default() placeholder="Email or id"/>
            </div>
            <div class="field">
                <label class="field-label" for="audit-target">"About"</label>
                <input class="input" id="audit-target" name="target" type="search" maxlength="254"
                    value=f.target.clone().unwrap_or_default() placeholder="Email or id"/>
            </div>
            <div class="field">
                <label class="field-label" for="audit-action">"Action"</label>
                <select class="input" id="audit-action" name="action">
                    <option value="">"Any action"</option>
                    {action_options}
                </select>
            </div>
            <div class="field">
                <label class="field-label" for="audit-workspace">"Workspace"</label>
                <select class="input" id="audit-workspace" name="workspace">
                    {page.whole_organization.then(|| view! { <option value="">"Any workspace"</option> })}
                    {workspace_options}
                </select>
            </div>
            <div class="field">
                <label class="field-label" for="audit-from">"From"</label>
                <input class="input" id="audit-from" name="from" type="date" value=day(f.from)/>
            </div>
            <div class="field">
                <label class="field-label" for="audit-until">"Until"</label>
                <input class="input" id="audit-until" name="until" type="date" value=until/>
            </div>
            <div class="audit-filters-actions">
                <button type="submit" class="btn btn-secondary">"Filter"</button>
                <a href=base>"Clear filters"</a>
            </div>
        </Form>
    }
}

/// "role: member → admin" lines from an entry's before and after.
fn change_lines(entry: &AuditEntryView) -> Vec<String> {
    let object = |text: &Option<String>| {
        text.as_deref()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let (before, after) = (object(&entry.before), object(&entry.after));
    // Times are stored as milliseconds: shown as people read them.
    let show = |key: &str, v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "–".to_owned(),
        Some(serde_json::Value::String(s)) => visible(s),
        Some(serde_json::Value::Number(n)) if key.ends_with("_at") || key.ends_with("_until") => {
            n.as_i64().map_or_else(|| n.to_string(), format_timestamp)
        }
        Some(other) => visible(&other.to_string()),
    };
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.dedup();
    let mut seen = std::collections::BTreeSet::new();
    keys.into_iter()
        .filter(|k| seen.insert(k.as_str()))
        .map(|k| match (before.contains_key(k), after.contains_key(k)) {
            (true, true) => format!(
                "{k}: {} → {}",
                show(k, before.get(k)),
                show(k, after.get(k))
            ),
            (true, false) => format!("{k}: {}", show(k, before.get(k))),
            _ => format!("{k}: {}", show(k, after.get(k))),
        })
        .collect()
}

#[component]
fn EntryRow(entry: AuditEntryView, filtered: String) -> impl IntoView {
    let changes = change_lines(&entry)
        .into_iter()
        .map(|line| view! { <li>{line}</li> })
        .collect_view();
    let who = entry.actor_id.clone().map(|id| {
        let href = paths::with_param(
            &strip_param(&filtered, "actor"),
            &format!("actor={}", paths::query_value(&id)),
        );
        let title = format!("Only what {} did", visible(&entry.actor_label));
        view! { <a href=href title=title>{visible(&entry.actor_label)}</a> }
    });
    let who = match who {
        Some(link) => link.into_any(),
        None => view! { <span>{visible(&entry.actor_label)}</span> }.into_any(),
    };
    // "API key" under a key's name; a person needs no word, the console or an operator
    // is named by it already.
    let kind = (entry.actor_kind == ActorKind::ApiKey)
        .then(|| view! { <span class="muted small block">{entry.actor_kind.label()}</span> });
    let target = {
        let href = paths::with_param(
            &strip_param(&filtered, "target"),
            &format!("target={}", paths::query_value(&entry.target_id)),
        );
        let label = visible(&entry.target_label);
        let title = format!("Everything about {label}");
        view! { <a href=href title=title>{label}</a> }
    };
    let workspace = entry
        .workspace_name
        .as_deref()
        .map(|w| format!("in {}", visible(w)));
    let from = entry.client_ip.clone().unwrap_or_else(|| "–".to_owned());
    // The browser and platform (the page is sent them, not the whole user agent); the
    // request id, which the logs carry too, on hover.
    let device = entry.user_agent.as_deref().map(visible).unwrap_or_default();
    let request = entry
        .request_id
        .as_deref()
        .map(|r| format!("Request {r}"))
        .unwrap_or_default();
    view! {
        <tr>
            <td>{when_exactly(Some(entry.at), "")}</td>
            <td data-label="Who">
                {who}
                {kind}
            </td>
            <td data-label="What">
                {entry.action_label()}
                <span class="muted small block">{target}{workspace.map(|w| format!(" {w}"))}</span>
            </td>
            <td data-label="Change"><ul class="change-list">{changes}</ul></td>
            <td data-label="From">
                <span>{from}</span>
                <span class="muted small block" title=request>{device}</span>
            </td>
        </tr>
    }
}

/// `href` without its `name=` parameter (and any cursor: a new filter starts at the top).
fn strip_param(href: &str, name: &str) -> String {
    let Some((path, query)) = href.split_once('?') else {
        return href.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| {
            let key = p.split('=').next().unwrap_or("");
            key != name && key != "after" && key != "before"
        })
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}
