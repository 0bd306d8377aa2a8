//! What usage costs. The rounding rule, in one place: usage is summed in tokens per line
//! (workspace, model, unit and the price in force); a line costs
//! `tokens × price per million ÷ 1,000,000`, rounded half up to the minor unit; the total is
//! the sum of the lines. Summing before rounding makes the total independent of the order
//! and the grouping in which events arrived.

use super::{Catalogue, Money, Unit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A day's metered quantity of one unit of one model in one workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub workspace_id: String,
    pub model: String,
    pub unit: Unit,
    /// The first millisecond of the UTC day.
    pub day: i64,
    pub quantity: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LineKey {
    pub workspace_id: String,
    pub model: String,
    pub unit: Unit,
    /// Minor units per million; none when the catalogue has no price for the model.
    pub per_million: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub key: LineKey,
    pub quantity: i64,
    pub cost: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Priced {
    /// Sorted by workspace, model, unit and price.
    pub lines: Vec<Line>,
    pub total: Money,
}

/// `quantity × per_million ÷ 1,000,000`, rounded half up.
pub fn cost(quantity: i64, per_million: i64) -> Money {
    round_micro(quantity as i128 * per_million as i128)
}

/// Millionths of a minor unit to minor units, rounded half up: the one rounding of usage.
pub(super) fn round_micro(micro: i128) -> Money {
    Money(((micro + 500_000).div_euclid(1_000_000)) as i64)
}

/// Prices daily usage into lines and a total (see the module's rounding rule).
pub fn price_usage(catalogue: &Catalogue, usage: impl IntoIterator<Item = Usage>) -> Priced {
    let mut lines: BTreeMap<LineKey, i64> = BTreeMap::new();
    for u in usage {
        let model = Catalogue::priced_model(&u.model);
        let per_million = catalogue
            .price_at(model, u.unit, u.day)
            .map(|p| p.per_million);
        let key = LineKey {
            workspace_id: u.workspace_id,
            model: u.model,
            unit: u.unit,
            per_million,
        };
        *lines.entry(key).or_default() += u.quantity;
    }
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|(key, quantity)| Line {
            cost: cost(quantity, key.per_million.unwrap_or(0)),
            key,
            quantity,
        })
        .collect();
    Priced {
        total: lines.iter().map(|l| l.cost).sum(),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::DAY_MS;

    #[test]
    fn half_a_cent_rounds_up() {
        assert_eq!(cost(1_000_000, 25), Money(25));
        assert_eq!(cost(20_000, 25), Money(1), "0.5 of a cent is one cent");
        assert_eq!(cost(19_999, 25), Money(0));
        assert_eq!(cost(0, 900), Money(0));
        assert_eq!(cost(i64::MAX / 1_000, 1_000), Money(9_223_372_036_855));
    }

    #[test]
    fn a_price_change_splits_the_line_at_its_date() {
        let mut c = Catalogue::builtin(5);
        c.prices.push(super::super::Price {
            model: "demo-echo".into(),
            unit: Unit::InputTokens,
            per_million: 1_000,
            effective_from: 10 * DAY_MS,
        });
        let c = c.validated().unwrap();
        let usage = |day: i64| Usage {
            workspace_id: "w".into(),
            model: "demo-echo".into(),
            unit: Unit::InputTokens,
            day: day * DAY_MS,
            quantity: 1_000_000,
        };
        let priced = price_usage(&c, [usage(9), usage(10), usage(11)]);
        let costs: Vec<_> = priced.lines.iter().map(|l| (l.quantity, l.cost)).collect();
        assert_eq!(costs, [(1_000_000, Money(10)), (2_000_000, Money(2_000))]);
        assert_eq!(priced.total, Money(2_010));
    }

    #[test]
    fn an_unknown_model_is_a_free_unpriced_line() {
        let c = Catalogue::builtin(5);
        let priced = price_usage(
            &c,
            [Usage {
                workspace_id: "w".into(),
                model: "gpt-9".into(),
                unit: Unit::OutputTokens,
                day: 0,
                quantity: 5,
            }],
        );
        assert_eq!(priced.lines[0].key.per_million, None);
        assert_eq!(priced.total, Money(0));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::domain::calendar::DAY_MS;
    use proptest::prelude::*;

    fn usage() -> impl Strategy<Value = Usage> {
        (
            0..3usize,
            0..5usize,
            0..3usize,
            0..90i64,
            0..2_000_000_000i64,
        )
            .prop_map(|(w, m, u, day, quantity)| Usage {
                workspace_id: format!("ws{w}"),
                model: [
                    "open-mistral-7b",
                    "demo-echo",
                    "mistral-large-latest",
                    "gpt-9",
                    "ft:demo-echo:w:x:1",
                ][m]
                    .into(),
                unit: Unit::ALL[u],
                day: day * DAY_MS,
                quantity,
            })
    }

    fn catalogue() -> Catalogue {
        let mut c = Catalogue::builtin(5);
        c.prices.push(super::super::Price {
            model: "demo-echo".into(),
            unit: Unit::OutputTokens,
            per_million: 37,
            effective_from: 45 * DAY_MS,
        });
        c.validated().unwrap()
    }

    proptest! {
        /// The lines add up to the total, and neither depends on the order of the events
        /// nor on how one quantity was split into events.
        #[test]
        fn lines_add_up_whatever_the_order(
            events in proptest::collection::vec(usage(), 0..60),
            seed in any::<u64>(),
            split in 0..=100i64,
        ) {
            let c = catalogue();
            let priced = price_usage(&c, events.clone());
            prop_assert_eq!(priced.lines.iter().map(|l| l.cost).sum::<Money>(), priced.total);

            let mut shuffled = events.clone();
            let mut state = seed;
            for i in (1..shuffled.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (state >> 33) as usize % (i + 1));
            }
            prop_assert_eq!(&price_usage(&c, shuffled), &priced);

            let mut pieces = Vec::new();
            for e in events {
                let first = e.quantity * split / 100;
                pieces.push(Usage { quantity: first, ..e.clone() });
                pieces.push(Usage { quantity: e.quantity - first, ..e });
            }
            prop_assert_eq!(&price_usage(&c, pieces), &priced);
        }
    }
}
