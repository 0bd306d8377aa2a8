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
}
