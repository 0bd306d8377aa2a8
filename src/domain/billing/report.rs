//! A period's usage and cost, broken down the ways the pages show it: by workspace, by
//! model, by API key and by day. Pure: the service reads the day sums, this prices them.
//!
//! The workspace, model and key breakdowns are groups of whole invoice lines, so they add
//! up to the total exactly. A day is not a line: its cost is its exact share, rounded.

use super::cost::{self, Priced, Usage};
use super::{Catalogue, Money, Unit};
use crate::domain::calendar::{DAY_MS, Period};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    // Lines of the invoice rule, kept per key too so the key breakdown is whole lines.
    let priced = |key_of: &dyn Fn(&DayRow) -> String| -> BTreeMap<String, Sums> {
        let mut groups: BTreeMap<String, Vec<&DayRow>> = BTreeMap::new();
        for r in rows {
            groups.entry(key_of(r)).or_default().push(r);
        }
        groups
            .into_iter()
            .map(|(k, rows)| (k, sums_of(catalogue, &rows)))
            .collect()
    };
    let by_workspace = priced(&|r| r.workspace_id.clone());
    let by_model = priced(&|r| r.model.clone());
    let by_key = with_keys.then(|| priced(&|r| r.api_key_id.clone()));
    let all: Vec<&DayRow> = rows.iter().collect();
    let total = sums_of(catalogue, &all);
    let named = |groups: BTreeMap<String, Sums>, label: &dyn Fn(&str) -> String| {
        let mut v: Vec<Group> = groups
            .into_iter()
            .map(|(id, sums)| Group {
                label: label(&id),
                id,
                sums,
            })
            .collect();
        v.sort_by(|a, b| b.sums.cost.cmp(&a.sums.cost).then(a.label.cmp(&b.label)));
        v
    };
    let by_workspace = named(by_workspace, &|id| names.workspace(id));
    let by_model = named(by_model, &|id| id.to_owned());
    let by_key = by_key.map(|g| named(g, &|id| names.key(id)));
    let by_day = days(catalogue, period, until, rows, &by_workspace);
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

/// A group's sums; its cost by the invoice rule (whole lines, rounded per line).
fn sums_of(catalogue: &Catalogue, rows: &[&DayRow]) -> Sums {
    Sums {
        requests: rows.iter().map(|r| r.requests).sum(),
        input_tokens: rows.iter().map(|r| r.input_tokens).sum(),
        output_tokens: rows.iter().map(|r| r.output_tokens).sum(),
        training_tokens: rows.iter().map(|r| r.training_tokens).sum(),
        cost: price_rows(catalogue, rows.iter().copied()).total,
    }
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

/// The exact cost of a row, in millionths of a minor unit.
fn exact(catalogue: &Catalogue, r: &DayRow) -> i128 {
    let model = Catalogue::priced_model(&r.model);
    Unit::ALL
        .into_iter()
        .map(|unit| {
            let price = catalogue
                .price_at(model, unit, r.day)
                .map_or(0, |p| p.per_million);
            r.quantity(unit) as i128 * price as i128
        })
        .sum()
}

/// A row's exact cost, rounded half up to the minor unit.
pub fn row_cost(catalogue: &Catalogue, row: &DayRow) -> Money {
    cost::round_micro(exact(catalogue, row))
}

fn days(
    catalogue: &Catalogue,
    period: Period,
    until: i64,
    rows: &[DayRow],
    workspaces: &[Group],
) -> Vec<Day> {
    let last = until.clamp(period.start, period.end - 1);
    let count = ((last - period.start) / DAY_MS + 1) as usize;
    let mut micro = vec![vec![0i128; workspaces.len()]; count];
    let mut sums = vec![Sums::default(); count];
    for r in rows {
        let Some(i) = usize::try_from((r.day - period.start) / DAY_MS)
            .ok()
            .filter(|i| *i < count)
        else {
            continue;
        };
        let w = workspaces
            .iter()
            .position(|g| g.id == r.workspace_id)
            .unwrap_or_default();
        micro[i][w] += exact(catalogue, r);
        let s = &mut sums[i];
        s.requests += r.requests;
        s.input_tokens += r.input_tokens;
        s.output_tokens += r.output_tokens;
        s.training_tokens += r.training_tokens;
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
        assert_eq!(sum(r.by_key.as_ref().unwrap()), Money(143));
        assert_eq!(r.by_workspace[0].label, "W a", "costliest first");
        assert_eq!(r.by_day.len(), 4, "every day so far, empty ones too");
        assert_eq!(r.by_day[3].sums, Sums::default());
        assert_eq!(r.by_day[0].by_workspace, [Money(100), Money(0)]);
        assert_eq!(r.total.requests, 4);
        assert!(report(&c, nov, d(3), &rows, &Plain, false).by_key.is_none());
    }
}
