//! Admin Settings -> Billing (organization Admin and Billing roles), three tabs: Usage (the
//! organization's cost this month or an earlier one, by workspace, model and day, and its
//! usage lines as CSV), Subscription (plan, seats, billing details) and Invoices.

mod invoices;
mod subscription;

pub use invoices::BillingInvoicesPage;
pub use subscription::BillingSubscriptionPage;

use super::layout::{SettingsLayout, SettingsSection};
use crate::api::usage::get_org_usage;
use crate::domain::paths;
use crate::domain::shell::ShellData;
use crate::ui::components::UsageReportView;
use crate::ui::layout::{ConsolePage, list_body};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SettingsBillingPage() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| view! {
            <SettingsLayout shell=shell.clone() section=SettingsSection::Billing>
                <BillingTabs org_id=shell.org.id.clone() current=BillingTab::Usage/>
                <Billing shell=shell.clone()/>
            </SettingsLayout>
        }/>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BillingTab {
    Usage,
    Subscription,
    Invoices,
}

/// The tabs of Billing; the current one is marked for screen readers.
#[component]
fn BillingTabs(org_id: String, current: BillingTab) -> impl IntoView {
    let tabs = [
        (BillingTab::Usage, "Usage", paths::settings_billing(&org_id)),
        (
            BillingTab::Subscription,
            "Subscription",
            paths::billing_subscription(&org_id),
        ),
        (
            BillingTab::Invoices,
            "Invoices",
            paths::billing_invoices(&org_id),
        ),
    ];
    let links = tabs
        .into_iter()
        .map(|(tab, label, href)| {
            view! { <a class="tab" href=href aria-current=(tab == current).then_some("page")>{label}</a> }
        })
        .collect_view();
    view! { <nav class="tabs" aria-label="Billing">{links}</nav> }
}

#[component]
fn Billing(shell: ShellData) -> impl IntoView {
    let org_id = shell.org.id.clone();
    let query = use_query_map();
    let period = move || query.with(|q| q.get("period"));
    let report = Resource::new(
        {
            let org_id = org_id.clone();
            move || (org_id.clone(), period())
        },
        |(org, period)| get_org_usage(org, period),
    );
    let here = paths::settings_billing(&org_id);
    let csv = paths::billing_usage_csv(&org_id);
    let body = list_body(report, "Loading usage…", move |report| {
        let export = format!("{csv}?period={}", report.period.key());
        view! {
            <UsageReportView report here=here.clone()/>
            <p class="muted small">
                <a href=export rel="external" download="">"Download this month's usage lines (CSV)"</a>
            </p>
        }
    });
    view! { {body} }
}
