//! The operator's price catalogue and plans (`BILLING_FILE`, TOML). Unset: the built-in
//! catalogue. An example, with every field:
//!
//! ```toml
//! currency = "USD"              # ISO 4217; amounts below are in its minor unit (cents)
//! default_plan = "free"
//!
//! [[plans]]
//! id = "team"
//! name = "Team"
//! seat_price = 2000             # per seat and month
//! included_seats = 0            # seats that cost nothing
//! min_seats = 1
//! max_seats = 500
//!
//! [[prices]]
//! model = "open-mistral-7b"
//! unit = "input_tokens"         # input_tokens, output_tokens or training_tokens
//! per_million = 25              # per million tokens
//! effective = "2026-01-01"      # from this UTC day on (optional: always)
//! ```

use crate::domain::billing::{Catalogue, Money, Plan, Price, Unit, effective_date};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    currency: String,
    default_plan: String,
    plans: Vec<PlanEntry>,
    #[serde(default)]
    prices: Vec<PriceEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanEntry {
    id: String,
    name: String,
    seat_price: i64,
    #[serde(default)]
    included_seats: i64,
    #[serde(default = "one")]
    min_seats: i64,
    #[serde(default = "many")]
    max_seats: i64,
}

fn one() -> i64 {
    1
}

fn many() -> i64 {
    10_000
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceEntry {
    model: String,
    unit: Unit,
    per_million: i64,
    effective: Option<String>,
}

/// The catalogue in `path`, checked; the message names the file and what is wrong.
pub fn load(path: &str) -> Result<Catalogue, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("BILLING_FILE {path}: {e}"))?;
    parse(&text).map_err(|e| format!("BILLING_FILE {path}: {e}"))
}

pub fn parse(text: &str) -> Result<Catalogue, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut prices = Vec::with_capacity(file.prices.len());
    for p in file.prices {
        prices.push(Price {
            effective_from: match &p.effective {
                Some(date) => effective_date(date).map_err(|e| e.to_string())?,
                None => 0,
            },
            model: p.model,
            unit: p.unit,
            per_million: p.per_million,
        });
    }
    let plans = file
        .plans
        .into_iter()
        .map(|p| Plan {
            id: p.id,
            name: p.name,
            included_seats: p.included_seats,
            seat_price: Money(p.seat_price),
            min_seats: p.min_seats,
            max_seats: p.max_seats,
        })
        .collect();
    Catalogue {
        currency: file.currency,
        prices,
        plans,
        default_plan: file.default_plan,
    }
    .validated()
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::domain::billing::Unit;

    const EXAMPLE: &str = r#"
currency = "EUR"
default_plan = "team"

[[plans]]
id = "team"
name = "Team"
seat_price = 1500

[[prices]]
model = "m"
unit = "output_tokens"
per_million = 40
effective = "2026-12-01"
"#;

    #[test]
    fn the_documented_file_reads() {
        let c = parse(EXAMPLE).unwrap();
        assert_eq!((c.currency.as_str(), c.plans[0].min_seats), ("EUR", 1));
        let dec = crate::domain::calendar::parse_iso_date("2026-12-01").unwrap();
        assert!(c.price_at("m", Unit::OutputTokens, dec - 1).is_none());
        assert_eq!(
            c.price_at("m", Unit::OutputTokens, dec)
                .unwrap()
                .per_million,
            40
        );
    }

    #[test]
    fn mistakes_are_named() {
        let typo = EXAMPLE.replace("per_million", "per_milion");
        assert!(parse(&typo).unwrap_err().contains("per_milion"));
        let unit = EXAMPLE.replace("output_tokens", "words");
        assert!(parse(&unit).unwrap_err().contains("words"));
        let date = EXAMPLE.replace("2026-12-01", "2026-13-01");
        assert!(parse(&date).unwrap_err().contains("2026-13-01"));
    }
}
