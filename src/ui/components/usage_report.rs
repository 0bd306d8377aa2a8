//! A period's usage and cost as the pages show it: the totals, the daily chart, and the
//! breakdowns (by model; by workspace or by API key), with a month picker.

use super::cost_chart::{CostChart, series_class};
use super::{Column, EmptyState, Table};
use crate::domain::billing::{Group, UsageReport};
use crate::domain::calendar::Period;
use crate::domain::format::thousands;
use leptos::prelude::*;

#[component]
pub fn UsageReportView(
    report: UsageReport,
    /// Where the month picker's links go (`?period=` is added).
    here: String,
    /// How many months the picker offers, this one included.
    #[prop(default = 12)]
    months: usize,
) -> impl IntoView {
    let currency = report.currency.clone();
    let money = {
        let currency = currency.clone();
        move |g: &Group| g.sums.cost.format(&currency)
    };
    let total = &report.total;
    let tokens = total.input_tokens + total.output_tokens;
    let stats = view! {
        <dl class="stats">
            <div class="stat"><dt>"Cost"</dt><dd>{total.cost.format(&currency)}</dd></div>
            <div class="stat"><dt>"Requests"</dt><dd>{thousands(total.requests)}</dd></div>
            <div class="stat"><dt>"Tokens in and out"</dt><dd>{thousands(tokens)}</dd></div>
            <div class="stat"><dt>"Training tokens"</dt><dd>{thousands(total.training_tokens)}</dd></div>
        </dl>
    };
    let picker = month_picker(report.period, report.current, &here, months);
    let empty = report.total.requests == 0;
    let breakdown = |title: &'static str,
                     caption: &'static str,
                     columns: &'static [Column],
                     groups: &[Group],
                     coloured: bool| {
        let rows = groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let key = coloured.then(|| view! { <span class=format!("chart-key {}", series_class(i)) aria-hidden="true"></span> });
                view! {
                    <tr>
                        <td>{key}{g.label.clone()}</td>
                        <td class="num" data-label="Requests">{thousands(g.sums.requests)}</td>
                        <td class="num" data-label="Input tokens">{thousands(g.sums.input_tokens)}</td>
                        <td class="num" data-label="Output tokens">{thousands(g.sums.output_tokens)}</td>
                        <td class="num" data-label="Training tokens">{thousands(g.sums.training_tokens)}</td>
                        <td class="num" data-label="Cost">{money(g)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card card-flush">
                <div class="section-header"><h2 class="h3">{title}</h2></div>
                <Table caption columns>{rows}</Table>
            </section>
        }
    };
    let by_model = breakdown(
        "By model",
        "Usage by model",
        &BY_MODEL,
        &report.by_model,
        false,
    );
    let second = match &report.by_key {
        Some(keys) => Some(breakdown(
            "By API key",
            "Usage by API key",
            &BY_KEY,
            keys,
            false,
        )),
        None => Some(breakdown(
            "By workspace",
            "Usage by workspace",
            &BY_WORKSPACE,
            &report.by_workspace,
            true,
        )),
    };
    view! {
        <section class="card">
            <div class="section-header section-header-flat">
                <h2 class="h2">{report.period.label()}</h2>
                {picker}
            </div>
            {stats}
            {if empty {
                view! { <EmptyState>"No usage in this period yet. Requests made with the workspace's API keys show here within seconds."</EmptyState> }.into_any()
            } else {
                view! { <CostChart report=report.clone()/> }.into_any()
            }}
            <p class="muted small">"Amounts are rounded to the cent per line of the invoice; a day's cost is its exact share, rounded."</p>
        </section>
        {(!empty).then(|| view! { {by_model} {second} })}
    }
}

/// Links to the current month and the ones before it.
fn month_picker(
    shown: Period,
    current: Period,
    here: &str,
    months: usize,
) -> impl IntoView + use<> {
    let options = std::iter::successors(Some(current), |p| Some(p.previous()))
        .take(months)
        .map(|p| view! { <option value=p.key() selected=p == shown>{p.label()}</option> })
        .collect_view();
    view! {
        <form method="get" action=here.to_owned() class="inline-form">
            <label class="visually-hidden" for="period">"Month"</label>
            <select class="input input-small" id="period" name="period">{options}</select>
            <button type="submit" class="btn btn-small btn-secondary">"Show"</button>
        </form>
    }
}

const fn columns(first: &'static str) -> [Column; 6] {
    [
        Column::text(first),
        Column::number("Requests"),
        Column::number("Input tokens"),
        Column::number("Output tokens"),
        Column::number("Training tokens"),
        Column::number("Cost"),
    ]
}

const BY_MODEL: [Column; 6] = columns("Model");
const BY_KEY: [Column; 6] = columns("API key");
const BY_WORKSPACE: [Column; 6] = columns("Workspace");
