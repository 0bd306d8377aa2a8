//! The price catalogue and the plans: what the operator sells, read from `BILLING_FILE`
//! (built-in defaults when unset). A price has an effective date; usage is priced at the
//! price in force when it happened.

use super::Money;
use crate::domain::calendar::parse_iso_date;
use serde::{Deserialize, Serialize};

/// What a model's usage is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    InputTokens,
    OutputTokens,
    TrainingTokens,
}

impl Unit {
    pub const ALL: [Unit; 3] = [Unit::InputTokens, Unit::OutputTokens, Unit::TrainingTokens];

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::InputTokens => "input_tokens",
            Unit::OutputTokens => "output_tokens",
            Unit::TrainingTokens => "training_tokens",
        }
    }

    pub fn parse(text: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Unit::InputTokens => "Input tokens",
            Unit::OutputTokens => "Output tokens",
            Unit::TrainingTokens => "Training tokens",
        }
    }
}

/// The highest price (minor units, per seat or per million tokens) and the most seats a
/// catalogue may name: bounds that keep every amount far inside an i64.
pub const MAX_PRICE: i64 = 1_000_000_000;
pub const MAX_SEATS: i64 = 1_000_000;

/// A model's price for one unit, from a date on: minor units per million tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    pub model: String,
    pub unit: Unit,
    pub per_million: i64,
    /// The first millisecond (UTC) it applies to.
    pub effective_from: i64,
}

/// A plan: seats included, and the monthly price of each seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub included_seats: i64,
    pub seat_price: Money,
    /// Fewest and most seats a subscription of this plan may have.
    pub min_seats: i64,
    pub max_seats: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    /// ISO 4217 code of the installation's one currency.
    pub currency: String,
    pub prices: Vec<Price>,
    pub plans: Vec<Plan>,
    /// The plan a new organization starts on.
    pub default_plan: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("{0}")]
    Invalid(String),
}

fn invalid(message: impl Into<String>) -> CatalogueError {
    CatalogueError::Invalid(message.into())
}

impl Catalogue {
    /// The built-in catalogue: the demo models at list prices, a free plan and a team plan.
    pub fn builtin(default_seats: i64) -> Catalogue {
        let price = |model: &str, unit, per_million| Price {
            model: model.into(),
            unit,
            per_million,
            effective_from: 0,
        };
        let mut prices = Vec::new();
        for (model, input, output, training) in [
            ("open-mistral-7b", 25, 25, 100),
            ("mistral-small-latest", 10, 30, 300),
            ("open-mistral-nemo", 15, 15, 100),
            ("mistral-large-latest", 200, 600, 900),
            ("demo-echo", 10, 20, 100),
        ] {
            prices.push(price(model, Unit::InputTokens, input));
            prices.push(price(model, Unit::OutputTokens, output));
            prices.push(price(model, Unit::TrainingTokens, training));
        }
        Catalogue {
            currency: "USD".into(),
            prices,
            plans: vec![
                Plan {
                    id: "free".into(),
                    name: "Free".into(),
                    included_seats: default_seats,
                    seat_price: Money(0),
                    min_seats: default_seats,
                    max_seats: default_seats,
                },
                Plan {
                    id: "team".into(),
                    name: "Team".into(),
                    included_seats: 0,
                    seat_price: Money(2_000),
                    min_seats: 1,
                    max_seats: 10_000,
                },
            ],
            default_plan: "free".into(),
        }
    }

    /// Checks what an operator wrote: known units, no negative price, one price per model,
    /// unit and date, plans with sane seats, a default plan that exists.
    pub fn validated(mut self) -> Result<Catalogue, CatalogueError> {
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(invalid(format!(
                "currency must be a three-letter code such as USD, not {:?}",
                self.currency
            )));
        }
        for p in &self.prices {
            if !(0..=MAX_PRICE).contains(&p.per_million) || p.model.trim().is_empty() {
                return Err(invalid(format!(
                    "price of {:?} ({}): a model and a price of 0 to {MAX_PRICE} are needed",
                    p.model,
                    p.unit.as_str()
                )));
            }
        }
        self.prices.sort_by(|a, b| {
            (&a.model, a.unit, a.effective_from).cmp(&(&b.model, b.unit, b.effective_from))
        });
        if let Some(w) = self.prices.windows(2).find(|w| {
            (&w[0].model, w[0].unit, w[0].effective_from)
                == (&w[1].model, w[1].unit, w[1].effective_from)
        }) {
            return Err(invalid(format!(
                "{} {} has two prices from the same date",
                w[0].model,
                w[0].unit.as_str()
            )));
        }
        for plan in &self.plans {
            if plan.id.is_empty()
                || !(0..=MAX_PRICE).contains(&plan.seat_price.0)
                || plan.min_seats < 1
                || plan.max_seats < plan.min_seats
                || plan.max_seats > MAX_SEATS
                || !(0..=MAX_SEATS).contains(&plan.included_seats)
            {
                return Err(invalid(format!(
                    "plan {:?}: needs an id, a seat price of 0 to {MAX_PRICE} and \
                     1 <= min_seats <= max_seats <= {MAX_SEATS}",
                    plan.id
                )));
            }
        }
        if self.plan(&self.default_plan).is_none() {
            return Err(invalid(format!(
                "default_plan {:?} is not one of the plans",
                self.default_plan
            )));
        }
        Ok(self)
    }

    pub fn plan(&self, id: &str) -> Option<&Plan> {
        self.plans.iter().find(|p| p.id == id)
    }

    /// The price per million of `model`'s `unit` in force at `at`; none if the model is not
    /// in the catalogue (its usage is then free, and shown as unpriced).
    pub fn price_at(&self, model: &str, unit: Unit, at: i64) -> Option<&Price> {
        self.prices
            .iter()
            .filter(|p| p.model == model && p.unit == unit && p.effective_from <= at)
            .max_by_key(|p| p.effective_from)
    }

    /// A fine-tuned model ("ft:base:workspace:suffix:id") is priced as its base model.
    pub fn priced_model(model: &str) -> &str {
        model
            .strip_prefix("ft:")
            .and_then(|rest| rest.split(':').next())
            .unwrap_or(model)
    }
}

/// Parses "2026-01-01" for the catalogue file's `effective` dates.
pub fn effective_date(text: &str) -> Result<i64, CatalogueError> {
    parse_iso_date(text).ok_or_else(|| invalid(format!("{text:?} is not a date like 2026-01-01")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_price_in_force_is_the_latest_before_the_time() {
        let mut c = Catalogue::builtin(5);
        c.prices.push(Price {
            model: "open-mistral-7b".into(),
            unit: Unit::InputTokens,
            per_million: 30,
            effective_from: 1_000,
        });
        let c = c.validated().unwrap();
        let at = |t| {
            c.price_at("open-mistral-7b", Unit::InputTokens, t)
                .unwrap()
                .per_million
        };
        assert_eq!((at(999), at(1_000), at(5_000)), (25, 30, 30));
        assert!(c.price_at("gpt-9", Unit::InputTokens, 0).is_none());
    }

    #[test]
    fn fine_tuned_models_cost_as_their_base() {
        assert_eq!(
            Catalogue::priced_model("ft:open-mistral-7b:default:faq:ab12"),
            "open-mistral-7b"
        );
        assert_eq!(
            Catalogue::priced_model("open-mistral-7b"),
            "open-mistral-7b"
        );
    }

    #[test]
    fn a_bad_catalogue_is_refused_with_what_is_wrong() {
        let mut c = Catalogue::builtin(5);
        c.default_plan = "gold".into();
        assert!(c.validated().unwrap_err().to_string().contains("gold"));
        let mut c = Catalogue::builtin(5);
        let dup = c.prices[0].clone();
        c.prices.push(dup);
        assert!(
            c.validated()
                .unwrap_err()
                .to_string()
                .contains("two prices")
        );
        let mut c = Catalogue::builtin(5);
        c.currency = "dollars".into();
        assert!(c.validated().is_err());
        assert!(effective_date("2026-02-30").is_err());
    }
}
