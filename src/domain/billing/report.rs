//! A period's usage and cost, broken down the ways the pages show it: by workspace, by
//! model, by API key and by day. Pure: the service reads the day sums, this prices them.
//!
//! The workspace and model breakdowns are groups of whole invoice lines, so they add up to
//! the total exactly. A key's cost is its own part of the lines, rounded, so the keys may
//! differ from the total by a cent a line; a day's cost is its exact share, rounded.

use super::cost::{self, Priced, Usage};
use super::{Catalogue, Money, Unit};
use crate::domain::calendar::{DAY_MS, Period};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A day's sums for one workspace, key and model, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRow {
    pub workspace_id: String,
    pub api_key_id: String,
    pub model: String,
    pub day: i64,
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub training_tokens: i64,
}

impl DayRow {
    fn quantity(&self, unit: Unit) -> i64 {
        match unit {
            Unit::InputTokens => self.input_tokens,
            Unit::OutputTokens => self.output_tokens,
            Unit::TrainingTokens => self.training_tokens,
        }
    }
}

/// Requests, tokens and cost of one group (a workspace, a model, a key, a day).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sums {
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub training_tokens: i64,
    pub cost: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub label: String,
    pub sums: Sums,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    pub day: i64,
    pub sums: Sums,
    /// The day's cost per workspace, in the order of `UsageReport::by_workspace`.
    pub by_workspace: Vec<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageReport {
    pub period: Period,
    /// The month it is now, for the month picker.
    pub current: Period,
    pub currency: String,
    pub total: Sums,
    /// Costliest first.
    pub by_workspace: Vec<Group>,
    pub by_model: Vec<Group>,
    /// Only for those who may see keys (`None` otherwise).
    pub by_key: Option<Vec<Group>>,
    /// Every day of the period up to `until`, empty days included.
    pub by_day: Vec<Day>,
}

/// Names for the ids the rows carry.
pub trait Names {
    fn workspace(&self, id: &str) -> String;
    fn key(&self, id: &str) -> String;
}

pub fn report(
    catalogue: &Catalogue,
    period: Period,
    until: i64,
    rows: &[DayRow],
    names: &impl Names,
    with_keys: bool,
) -> UsageReport {
    // Each row's price per unit, looked up once.
    let prices: Vec<[Option<i64>; 3]> = rows.iter().map(|r| unit_prices(catalogue, r)).collect();
    // The invoice's lines (workspace, model, unit, price): the workspace and model groups
    // are sums of whole lines, so they add up to the total. Keys get lines of their own.
    let mut lines: HashMap<(&str, &str, Unit, Option<i64>), i64> = HashMap::new();
    let mut key_lines: HashMap<(&str, &str, &str, Unit, Option<i64>), i64> = HashMap::new();
    let (mut by_workspace, mut by_model, mut by_key) =
        (HashMap::new(), HashMap::new(), HashMap::new());
    let mut total = Sums::default();
    for (r, price) in rows.iter().zip(&prices) {
        for (unit, price) in Unit::ALL.into_iter().zip(price) {
            let quantity = r.quantity(unit);
            if quantity == 0 {
                continue;
            }
            *lines
                .entry((&r.workspace_id, &r.model, unit, *price))
                .or_default() += quantity;
            if with_keys {
                *key_lines
                    .entry((&r.api_key_id, &r.workspace_id, &r.model, unit, *price))
                    .or_default() += quantity;
            }
        }
        add_counts(by_workspace.entry(r.workspace_id.as_str()).or_default(), r);
        add_counts(by_model.entry(r.model.as_str()).or_default(), r);
        if with_keys {
            add_counts(by_key.entry(r.api_key_id.as_str()).or_default(), r);
        }
        add_counts(&mut total, r);
    }
    for ((workspace, model, _, price), quantity) in lines {
        let c = cost::cost(quantity, price.unwrap_or(0));
        add_cost(by_workspace.entry(workspace).or_default(), c);
        add_cost(by_model.entry(model).or_default(), c);
        add_cost(&mut total, c);
    }
    for ((key, _, _, _, price), quantity) in key_lines {
        add_cost(
            by_key.entry(key).or_default(),
            cost::cost(quantity, price.unwrap_or(0)),
        );
    }
    let named = |groups: HashMap<&str, Sums>, label: &dyn Fn(&str) -> String| {
        let mut v: Vec<Group> = groups
            .into_iter()
            .map(|(id, sums)| Group {
                label: label(id),
                id: id.to_owned(),
                sums,
            })
            .collect();
        v.sort_by(|a, b| {
            b.sums
                .cost
                .cmp(&a.sums.cost)
                .then(a.label.cmp(&b.label))
                .then(a.id.cmp(&b.id))
        });
        v
    };
    let by_workspace = named(by_workspace, &|id| names.workspace(id));
    let by_model = named(by_model, &|id| id.to_owned());
    let by_key = with_keys.then(|| named(by_key, &|id| names.key(id)));
    let by_day = days(period, until, rows, &prices, &by_workspace);
    UsageReport {
        period,
        current: Period::containing(until),
        currency: catalogue.currency.clone(),
        total,
        by_workspace,
        by_model,
        by_key,
        by_day,
    }
}

fn add_counts(sums: &mut Sums, r: &DayRow) {
    sums.requests += r.requests;
    sums.input_tokens += r.input_tokens;
    sums.output_tokens += r.output_tokens;
    sums.training_tokens += r.training_tokens;
}

fn add_cost(sums: &mut Sums, cost: Money) {
    sums.cost = sums.cost + cost;
}

/// The row's price per million of each unit (in `Unit::ALL` order) on its day.
fn unit_prices(catalogue: &Catalogue, r: &DayRow) -> [Option<i64>; 3] {
    let model = Catalogue::priced_model(&r.model);
    Unit::ALL.map(|unit| {
        catalogue
            .price_at(model, unit, r.day)
            .map(|p| p.per_million)
    })
}

/// Prices day sums into invoice lines (units with no use make no line).
pub fn price_rows<'a>(catalogue: &Catalogue, rows: impl IntoIterator<Item = &'a DayRow>) -> Priced {
    let usage = rows.into_iter().flat_map(|r| {
        Unit::ALL
            .into_iter()
            .filter(|&unit| r.quantity(unit) != 0)
            .map(move |unit| Usage {
                workspace_id: r.workspace_id.clone(),
                model: r.model.clone(),
                unit,
                day: r.day,
                quantity: r.quantity(unit),
            })
    });
    cost::price_usage(catalogue, usage)
}

/// The exact cost of a row at `prices`, in millionths of a minor unit.
fn exact(r: &DayRow, prices: &[Option<i64>; 3]) -> i128 {
    Unit::ALL
        .into_iter()
        .zip(prices)
        .map(|(unit, price)| r.quantity(unit) as i128 * price.unwrap_or(0) as i128)
        .sum()
}

/// A row's exact cost, rounded half up to the minor unit.
pub fn row_cost(catalogue: &Catalogue, row: &DayRow) -> Money {
    cost::round_micro(exact(row, &unit_prices(catalogue, row)))
}

fn days(
    period: Period,
    until: i64,
    rows: &[DayRow],
    prices: &[[Option<i64>; 3]],
    workspaces: &[Group],
) -> Vec<Day> {
    let column: HashMap<&str, usize> = workspaces
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id.as_str(), i))
        .collect();
    let last = until.clamp(period.start, period.end - 1);
    let count = ((last - period.start) / DAY_MS + 1) as usize;
    let mut micro = vec![vec![0i128; workspaces.len()]; count];
    let mut sums = vec![Sums::default(); count];
    for (r, price) in rows.iter().zip(prices) {
        let Some(i) = usize::try_from((r.day - period.start) / DAY_MS)
            .ok()
            .filter(|i| *i < count)
        else {
            continue;
        };
        let w = column
            .get(r.workspace_id.as_str())
            .copied()
            .unwrap_or_default();
        micro[i][w] += exact(r, price);
        add_counts(&mut sums[i], r);
    }
    (0..count)
        .map(|i| Day {
            day: period.start + i as i64 * DAY_MS,
            sums: Sums {
                cost: cost::round_micro(micro[i].iter().sum()),
                ..sums[i].clone()
            },
            by_workspace: micro[i].iter().map(|m| cost::round_micro(*m)).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::parse_iso_date;

    struct Plain;
    impl Names for Plain {
        fn workspace(&self, id: &str) -> String {
            format!("W {id}")
        }
        fn key(&self, id: &str) -> String {
            format!("K {id}")
        }
    }

    fn row(ws: &str, key: &str, model: &str, day: i64, input: i64, output: i64) -> DayRow {
        DayRow {
            workspace_id: ws.into(),
            api_key_id: key.into(),
            model: model.into(),
            day,
            requests: 1,
            input_tokens: input,
            output_tokens: output,
            training_tokens: 0,
        }
    }

    #[test]
    fn breakdowns_add_up_to_the_total() {
        let c = Catalogue::builtin(5);
        let nov = Period::containing(parse_iso_date("2026-11-01").unwrap());
        let d = |n: i64| nov.start + n * DAY_MS;
        let rows = [
            row("a", "k1", "open-mistral-7b", d(0), 3_000_000, 1_000_000),
            row("a", "k2", "mistral-large-latest", d(1), 10_000, 5_000),
            row("b", "k3", "open-mistral-7b", d(1), 1_000_000, 0),
            row("b", "k3", "ft:open-mistral-7b:b:x:1", d(2), 500_000, 0),
        ];
        let r = report(&c, nov, d(3), &rows, &Plain, true);
        // a: 4M open-mistral-7b tokens at 25 = 100, large: 10k*200/1M=2 + 5k*600/1M=3 -> 105
        // b: 1.5M open-mistral-7b input (the fine-tuned model priced as its base) = 37.5 -> 38
        assert_eq!(r.total.cost, Money(143));
        let sum = |g: &[Group]| g.iter().map(|g| g.sums.cost).sum::<Money>();
        assert_eq!(sum(&r.by_workspace), r.total.cost);
        // Here each key's lines are whole invoice lines too (k3's two models price alike but
        // are separate lines), so the keys add up as well.
        assert_eq!(sum(r.by_key.as_ref().unwrap()), Money(143));
        assert_eq!(r.by_workspace[0].label, "W a", "costliest first");
        assert_eq!(r.by_day.len(), 4, "every day so far, empty ones too");
        assert_eq!(r.by_day[3].sums, Sums::default());
        assert_eq!(r.by_day[0].by_workspace, [Money(100), Money(0)]);
        assert_eq!(r.total.requests, 4);
        assert!(report(&c, nov, d(3), &rows, &Plain, false).by_key.is_none());
    }
}
