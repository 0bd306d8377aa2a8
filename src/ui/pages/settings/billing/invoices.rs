//! Billing -> Invoices: one per ended period, newest first, with its status and a link to
//! the printable invoice.

use super::super::layout::{SettingsLayout, SettingsSection};
use super::{BillingTab, BillingTabs};
use crate::api::billing::get_invoices;
use crate::domain::billing::{InvoiceStatus, InvoicesPage};
use crate::domain::paths;
use crate::domain::shell::ShellData;
use crate::ui::components::{Column, EmptyState, Table, when};
use crate::ui::layout::{ConsolePage, list_body};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BillingInvoicesPage() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| view! {
            <SettingsLayout shell=shell.clone() section=SettingsSection::Billing>
                <BillingTabs org_id=shell.org.id.clone() current=BillingTab::Invoices/>
                <Invoices shell=shell.clone()/>
            </SettingsLayout>
        }/>
    }
}

const COLUMNS: [Column; 6] = [
    Column::text("Invoice"),
    Column::text("Period"),
    Column::text("Issued"),
    Column::number("Total"),
    Column::text("Status"),
    Column::ACTIONS,
];

#[component]
fn Invoices(shell: ShellData) -> impl IntoView {
    let org_id = shell.org.id.clone();
    let query = use_query_map();
    let list = Resource::new(
        {
            let org_id = org_id.clone();
            move || (org_id.clone(), query.with(|q| q.get("before")))
        },
        |(org_id, before)| get_invoices(org_id, before),
    );
    let here = paths::billing_invoices(&org_id);
    let body = list_body(list, "Loading invoices…", move |page: InvoicesPage| {
        if page.invoices.is_empty() {
            return view! {
                <EmptyState>"No invoices yet. The first is issued when this month ends, with its seats and usage."</EmptyState>
            }
            .into_any();
        }
        let rows = page
            .invoices
            .iter()
            .map(|i| {
                let href = paths::invoice(&org_id, &i.number);
                let badge = match i.status {
                    InvoiceStatus::Paid => "badge badge-success",
                    InvoiceStatus::Overdue => "badge badge-danger",
                    InvoiceStatus::Open => "badge",
                };
                view! {
                    <tr>
                        <td><a href=href.clone() rel="external">{i.number.clone()}</a></td>
                        <td data-label="Period">{i.period.label()}</td>
                        <td data-label="Issued">{when(Some(i.issued_at), "")}</td>
                        <td class="num" data-label="Total">{i.total.format(&i.currency)}</td>
                        <td data-label="Status"><span class=badge>{i.status.label()}</span></td>
                        <td class="row-actions">
                            <a class="btn btn-small btn-secondary" href=href rel="external"
                                aria-label=format!("View and print invoice {}", i.number)>"View"</a>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        let older = page.next.map(|before| {
            view! { <p class="pad"><a href=format!("{here}?before={before}")>"Older invoices"</a></p> }
        });
        view! {
            <Table caption="Invoices" columns=&COLUMNS>{rows}</Table>
            {older}
        }
        .into_any()
    });
    view! {
        <section class="card card-flush" aria-labelledby="invoices-title">
            <div class="section-header"><h2 class="h2" id="invoices-title">"Invoices"</h2></div>
            {body}
        </section>
    }
}
