//! An amount of money in minor units (cents), and how it reads.

use serde::{Deserialize, Serialize};

/// Integer minor units of the installation's currency; never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Money(pub i64);

impl Money {
    /// "$1,234.56" for USD, "€0.07" for EUR, "12.00 CHF" for other codes (two decimals).
    pub fn format(self, currency: &str) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let units = super::super::format::thousands((abs / 100) as i64);
        let cents = abs % 100;
        match currency {
            "USD" => format!("{sign}${units}.{cents:02}"),
            "EUR" => format!("{sign}€{units}.{cents:02}"),
            "GBP" => format!("{sign}£{units}.{cents:02}"),
            code => format!("{sign}{units}.{cents:02} {code}"),
        }
    }
}

impl Money {
    /// What a person types: "1234.56", "1,234.5", "$20" or "20 EUR" (at most two decimals,
    /// never negative); `None` for anything else.
    pub fn parse(text: &str) -> Option<Money> {
        let digits: String = text
            .trim()
            .trim_start_matches(['$', '€', '£'])
            .trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .chars()
            .filter(|&c| c != ',' && c != ' ')
            .collect();
        let (units, cents) = match digits.split_once('.') {
            Some((u, c)) if !c.is_empty() && c.len() <= 2 => (u, c),
            Some(_) => return None,
            None => (digits.as_str(), ""),
        };
        let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if units.is_empty() || units.len() > 15 || !all_digits(units) || !all_digits(cents) {
            return None;
        }
        let cents = format!("{cents:0<2}").parse::<i64>().ok()?;
        Some(Money(units.parse::<i64>().ok()? * 100 + cents))
    }

    /// "1234.56": the amount as a form field shows it.
    pub fn plain(self) -> String {
        format!("{}.{:02}", self.0 / 100, (self.0 % 100).abs())
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::Money;

    #[test]
    fn amounts_read_well() {
        assert_eq!(Money(123_456).format("USD"), "$1,234.56");
        assert_eq!(Money(7).format("EUR"), "€0.07");
        assert_eq!(Money(-250).format("USD"), "-$2.50");
        assert_eq!(Money(1200).format("CHF"), "12.00 CHF");
    }

    #[test]
    fn typed_amounts_parse_to_minor_units() {
        for (text, cents) in [
            ("20", 2000),
            ("1,234.5", 123_450),
            ("$0.07", 7),
            ("€ 12.30", 1230),
            ("99 EUR", 9900),
            ("0", 0),
        ] {
            assert_eq!(Money::parse(text), Some(Money(cents)), "{text}");
        }
        for bad in [
            "",
            "-5",
            "1.234",
            "abc",
            "1e9",
            ".5",
            "12.",
            "9999999999999999",
        ] {
            assert_eq!(Money::parse(bad), None, "{bad}");
        }
        assert_eq!(Money(123_450).plain(), "1234.50");
    }
}
