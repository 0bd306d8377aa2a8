//! Subscriptions: an organization's plan and seats, what they cost a month, and what a
//! change costs for the rest of the period (quoted before it is confirmed).

use super::{BillingDetails, Catalogue, Money, Plan, prorate};
use crate::domain::Error;
use crate::domain::calendar::{DAY_MS, Period, day_start};
use serde::{Deserialize, Serialize};

/// An organization's plan and seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub plan_id: String,
    pub seats: i64,
}

/// Active, or past due while an invoice is unpaid past its payment terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubscriptionStatus {
    Active,
    PastDue,
}

impl SubscriptionStatus {
    pub fn label(self) -> &'static str {
        match self {
            SubscriptionStatus::Active => "Active",
            SubscriptionStatus::PastDue => "Past due",
        }
    }
}

impl Plan {
    /// Seats an organization on this plan starts with.
    pub fn default_seats(&self) -> i64 {
        self.included_seats.max(self.min_seats)
    }

    /// The monthly price of `seats` seats: those beyond the included ones at the seat price.
    pub fn monthly(&self, seats: i64) -> Money {
        Money((seats - self.included_seats).max(0) * self.seat_price.0)
    }
}

impl Catalogue {
    /// What an organization without a stored subscription has.
    pub fn default_subscription(&self) -> Subscription {
        let seats = self.plan(&self.default_plan).map_or(1, Plan::default_seats);
        Subscription {
            plan_id: self.default_plan.clone(),
            seats,
        }
    }

    /// The monthly price of a subscription (nothing for a plan no longer sold).
    pub fn monthly(&self, sub: &Subscription) -> Money {
        self.plan(&sub.plan_id)
            .map_or(Money(0), |p| p.monthly(sub.seats))
    }
}

/// What Admin Settings -> Billing -> Subscription shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionPage {
    pub current: Subscription,
    pub plan_name: String,
    pub monthly: Money,
    pub currency: String,
    pub seats_in_use: i64,
    pub period: Period,
    pub status: SubscriptionStatus,
    pub plans: Vec<Plan>,
    pub details: BillingDetails,
    pub can_manage: bool,
}

/// What a change of plan or seats costs, shown before it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub to: Subscription,
    pub plan_name: String,
    pub monthly_before: Money,
    pub monthly_after: Money,
    /// The change in monthly price for the days left in the period, today included: charged
    /// (or credited, when negative) on this period's invoice.
    pub prorated: Money,
    pub days_left: i64,
    pub period: Period,
}

/// Quotes moving from `current` to `plan_id` with `seats` at `now`, with `in_use` seats
/// taken (members and pending invitations). Prorated by whole days, so a quote holds all
/// day: what is confirmed is what was shown.
pub fn quote_change(
    catalogue: &Catalogue,
    current: &Subscription,
    plan_id: &str,
    seats: i64,
    in_use: i64,
    now: i64,
) -> Result<Quote, Error> {
    let plan = catalogue
        .plan(plan_id)
        .ok_or_else(|| Error::invalid("plan", "Choose one of the plans listed."))?;
    if seats < plan.min_seats || seats > plan.max_seats {
        let range = if plan.min_seats == plan.max_seats {
            format!(
                "exactly {} seats; choose another plan for more",
                plan.min_seats
            )
        } else {
            format!("{} to {} seats", plan.min_seats, plan.max_seats)
        };
        return Err(Error::invalid(
            "seats",
            format!("The {} plan has {range}.", plan.name),
        ));
    }
    if seats < in_use {
        return Err(Error::invalid(
            "seats",
            format!(
                "{in_use} seats are in use (members and pending invitations): choose at least \
                 {in_use}, or remove members or revoke invitations first."
            ),
        ));
    }
    if current.plan_id == plan_id && current.seats == seats {
        return Err(Error::invalid(
            "seats",
            "That is the current plan and seat count.",
        ));
    }
    let period = Period::containing(now);
    let today = day_start(now);
    let monthly_before = catalogue.monthly(current);
    let monthly_after = plan.monthly(seats);
    Ok(Quote {
        to: Subscription {
            plan_id: plan.id.clone(),
            seats,
        },
        plan_name: plan.name.clone(),
        monthly_before,
        monthly_after,
        prorated: prorate(Money(monthly_after.0 - monthly_before.0), period, today),
        days_left: (period.end - today) / DAY_MS,
        period,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::parse_iso_date;

    fn free() -> Subscription {
        Subscription {
            plan_id: "free".into(),
            seats: 5,
        }
    }

    #[test]
    fn a_change_is_prorated_by_the_days_left_today_included() {
        let c = Catalogue::builtin(5);
        // 2026-11-27 15:00: 4 of 30 days left (27, 28, 29, 30).
        let now = parse_iso_date("2026-11-27").unwrap() + 15 * 3_600_000;
        let q = quote_change(&c, &free(), "team", 12, 3, now).unwrap();
        assert_eq!(q.monthly_before, Money(0));
        assert_eq!(q.monthly_after, Money(24_000));
        assert_eq!(q.days_left, 4);
        assert_eq!(q.prorated, Money(3_200), "$240 × 4/30");
        // Back down the same day: the credit undoes the charge exactly.
        let team = q.to.clone();
        let back = quote_change(&c, &team, "team", 6, 3, now).unwrap();
        assert_eq!(back.prorated, Money(-1_600));
    }

    #[test]
    fn seats_below_use_or_outside_the_plan_are_refused_on_the_seats_field() {
        let c = Catalogue::builtin(5);
        let now = parse_iso_date("2026-11-02").unwrap();
        for (plan, seats, in_use, says) in [
            ("team", 2, 3, "3 seats are in use"),
            ("team", 0, 0, "1 to 10000 seats"),
            ("free", 6, 0, "exactly 5 seats"),
            ("free", 5, 0, "current plan"),
        ] {
            let Err(Error::Invalid(fields)) = quote_change(&c, &free(), plan, seats, in_use, now)
            else {
                panic!("{plan} {seats} accepted");
            };
            assert_eq!(fields[0].field, "seats");
            assert!(fields[0].message.contains(says), "{}", fields[0].message);
        }
        let Err(Error::Invalid(fields)) = quote_change(&c, &free(), "gold", 5, 0, now) else {
            panic!("unknown plan accepted");
        };
        assert_eq!(fields[0].field, "plan");
    }
}
