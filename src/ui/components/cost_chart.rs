//! Daily cost as stacked bars, one colour per workspace, drawn as SVG in the page itself:
//! it reads without JavaScript, and a table of the same figures stands beside it for
//! screen readers.

use crate::domain::billing::{Money, UsageReport};
use crate::domain::format::format_date;
use crate::ui::components::{Column, Table};
use leptos::prelude::*;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 200.0;
/// Room for the amounts on the left and the dates below.
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 20.0;
/// Series colours (CSS custom properties, so dark mode can change them); the eighth
/// workspace and later are drawn together in the last, as "other workspaces".
pub const SERIES: usize = 8;

/// A coordinate to a tenth of a unit: finer is invisible and only makes the page heavier.
fn tenth(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A round step for the gridlines: 1, 2 or 5 times a power of ten, in minor units.
fn grid_step(max: i64) -> i64 {
    let rough = (max.max(1) as f64 / 4.0).max(1.0);
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power);
    step.max(1.0) as i64
}

/// The series a workspace is drawn in.
pub fn series_class(index: usize) -> String {
    format!("chart-series-{}", index.min(SERIES - 1) + 1)
}

#[component]
pub fn CostChart(report: UsageReport) -> impl IntoView {
    let currency = report.currency.clone();
    let max = report
        .by_day
        .iter()
        .map(|d| d.sums.cost.0)
        .max()
        .unwrap_or(0);
    let step = grid_step(max);
    let top = (max.max(1) + step - 1) / step * step;
    let plot_w = WIDTH - LEFT;
    let plot_h = HEIGHT - BOTTOM;
    let slot = plot_w / report.by_day.len().max(1) as f64;
    let bar_w = (slot * 0.7).max(1.0);
    let y = move |amount: i64| plot_h - amount as f64 / top as f64 * plot_h;
    let grid = (0..=top / step)
        .map(|i| {
            let amount = i * step;
            let at = y(amount);
            view! {
                <line class="chart-grid" x1=LEFT x2=WIDTH y1=tenth(at) y2=tenth(at)/>
                <text class="chart-label" x=LEFT - 6.0 y=tenth(at + 4.0) text-anchor="end">{Money(amount).format(&currency)}</text>
            }
        })
        .collect_view();
    let bars = report
        .by_day
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let x = tenth(LEFT + i as f64 * slot + (slot - bar_w) / 2.0);
            let mut base = 0i64;
            let mut stack: Vec<i64> = day.by_workspace.iter().take(SERIES - 1).map(|m| m.0).collect();
            stack.push(day.by_workspace.iter().skip(SERIES - 1).map(|m| m.0).sum());
            let parts = stack
                .into_iter()
                .enumerate()
                .filter(|(_, cost)| *cost > 0)
                .map(|(w, cost)| {
                    let (y0, y1) = (y(base), y(base + cost));
                    base += cost;
                    view! { <rect class=series_class(w) x=x y=tenth(y1) width=tenth(bar_w) height=tenth((y0 - y1).max(0.5))/> }
                })
                .collect_view();
            let label = (i % 7 == 0).then(|| {
                view! { <text class="chart-label" x=tenth(x + bar_w / 2.0) y=HEIGHT - 4.0 text-anchor="middle">{format_date(day.day).split(',').next().unwrap_or_default().to_owned()}</text> }
            });
            view! { <g>{parts}{label}</g> }
        })
        .collect_view();
    let others = report.by_workspace.len().saturating_sub(SERIES - 1);
    let legend = report
        .by_workspace
        .iter()
        .take(SERIES - 1)
        .map(|w| w.label.clone())
        .chain((others > 0).then(|| match others {
            1 => report.by_workspace[SERIES - 1].label.clone(),
            n => format!("{n} other workspaces"),
        }))
        .enumerate()
        .map(|(i, label)| {
            view! { <li><span class=format!("chart-key {}", series_class(i))></span>{label}</li> }
        })
        .collect_view();
    const COLUMNS: &[Column] = &[Column::text("Day"), Column::number("Cost")];
    let rows = report
        .by_day
        .iter()
        .map(|d| view! { <tr><td>{format_date(d.day)}</td><td class="num">{d.sums.cost.format(&currency)}</td></tr> })
        .collect_view();
    let title = format!("Daily cost, {}", report.period.label());
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=title.clone() class="chart-svg">
                <title>{title.clone()}</title>
                {grid}
                {bars}
            </svg>
            <ul class="chart-legend" aria-hidden="true">{legend}</ul>
            <div class="visually-hidden">
                <Table caption="Daily cost" columns=COLUMNS>{rows}</Table>
            </div>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::grid_step;

    #[test]
    fn gridlines_fall_on_round_amounts() {
        assert_eq!(grid_step(0), 1);
        assert_eq!(grid_step(7), 2);
        assert_eq!(grid_step(1_000), 500);
        assert_eq!(grid_step(1_234), 500);
        assert_eq!(grid_step(9_000), 5_000);
    }
}
