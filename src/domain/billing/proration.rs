//! Proration: a change of plan or seats during a period costs (or credits) the change in
//! monthly price for the part of the period that is left, rounded half away from zero to
//! the minor unit.

use super::Money;
use crate::domain::calendar::Period;

/// The prorated amount of a `monthly_change` made at `at` in `period`.
pub fn prorate(monthly_change: Money, period: Period, at: i64) -> Money {
    let at = at.clamp(period.start, period.end);
    let left = (period.end - at) as i128;
    let length = (period.end - period.start) as i128;
    let exact = monthly_change.0 as i128 * left;
    // Half away from zero: a credit rounds like the charge it undoes.
    let half = length / 2;
    let rounded = if exact >= 0 {
        (exact + half) / length
    } else {
        -((-exact + half) / length)
    };
    Money(rounded as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{DAY_MS, parse_iso_date};

    #[test]
    fn proration_is_exact_to_the_minor_unit() {
        let nov = Period::containing(parse_iso_date("2026-11-01").unwrap());
        // 30 days; 2 seats at $20 added with 15 days left: exactly $20.
        let mid = nov.start + 15 * DAY_MS;
        assert_eq!(prorate(Money(4_000), nov, mid), Money(2_000));
        assert_eq!(prorate(Money(-4_000), nov, mid), Money(-2_000));
        // At the very start the whole month, at the end nothing.
        assert_eq!(prorate(Money(4_000), nov, nov.start), Money(4_000));
        assert_eq!(prorate(Money(4_000), nov, nov.end), Money(0));
        // $10 with 1 of 30 days left: 33.33… cents is 33; $10.05: 33.5 is 34.
        assert_eq!(prorate(Money(1_000), nov, nov.end - DAY_MS), Money(33));
        assert_eq!(prorate(Money(1_005), nov, nov.end - DAY_MS), Money(34));
        assert_eq!(prorate(Money(-1_005), nov, nov.end - DAY_MS), Money(-34));
    }
}
