//! Invoices: at the end of each period, one per organization, with its seat line (the plan
//! in force when the period began), the prorated changes made during it, and its usage
//! lines per workspace, model and unit. Lines are computed once and stored: a later price
//! change never alters an issued invoice.

use super::{Catalogue, Money, Priced, Subscription};
use crate::domain::calendar::{DAY_MS, Period, iso_date};
use crate::domain::format::thousands;
use serde::{Deserialize, Serialize};

/// Days after issue an open invoice falls due.
pub const PAYMENT_TERMS_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineKind {
    Seats,
    Proration,
    Usage,
}

impl LineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Seats => "seats",
            LineKind::Proration => "proration",
            LineKind::Usage => "usage",
        }
    }

    pub fn parse(text: &str) -> Option<LineKind> {
        [LineKind::Seats, LineKind::Proration, LineKind::Usage]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub kind: LineKind,
    pub description: String,
    pub quantity: i64,
    /// What the quantity counts: "seat", "change", or a usage unit ("input_tokens", ...).
    pub unit: String,
    /// Per seat, per change, or per million tokens.
    pub unit_price: Money,
    pub amount: Money,
}

impl InvoiceLine {
    /// "12 seats", "1,234,567 input tokens".
    pub fn quantity_text(&self) -> String {
        match self.kind {
            LineKind::Proration => String::new(),
            LineKind::Seats => format!("{} seats", thousands(self.quantity)),
            LineKind::Usage => format!(
                "{} {}",
                thousands(self.quantity),
                self.unit.replace('_', " ")
            ),
        }
    }

    /// "$20.00 / seat", "$2.00 / M tokens".
    pub fn unit_price_text(&self, currency: &str) -> String {
        match self.kind {
            LineKind::Proration => String::new(),
            LineKind::Seats => format!("{} / seat", self.unit_price.format(currency)),
            LineKind::Usage => format!("{} / M tokens", self.unit_price.format(currency)),
        }
    }
}

/// Who is billed, as the organization's Admins or Billing members wrote it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingDetails {
    pub email: String,
    pub company_name: String,
    pub address: String,
    pub tax_id: String,
}

/// A confirmed change of plan or seats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub at: i64,
    pub from: Subscription,
    pub to: Subscription,
    pub prorated: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvoiceStatus {
    Open,
    Overdue,
    Paid,
}

impl InvoiceStatus {
    pub fn of(issued_at: i64, paid_at: Option<i64>, now: i64) -> InvoiceStatus {
        match paid_at {
            Some(_) => InvoiceStatus::Paid,
            None if now >= due_at(issued_at) => InvoiceStatus::Overdue,
            None => InvoiceStatus::Open,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InvoiceStatus::Open => "Open",
            InvoiceStatus::Overdue => "Overdue",
            InvoiceStatus::Paid => "Paid",
        }
    }
}

pub fn due_at(issued_at: i64) -> i64 {
    issued_at + PAYMENT_TERMS_DAYS * DAY_MS
}

/// An invoice in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    pub number: String,
    pub period: Period,
    pub total: Money,
    pub currency: String,
    pub issued_at: i64,
    pub paid_at: Option<i64>,
    pub status: InvoiceStatus,
}

/// A page of the organization's invoices, newest first, and where the next page starts
/// (the `before` of the next request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicesPage {
    pub invoices: Vec<InvoiceSummary>,
    pub next: Option<String>,
}

/// An issued invoice, whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub summary: InvoiceSummary,
    pub org_name: String,
    pub bill_to: BillingDetails,
    pub payment_ref: Option<String>,
    pub lines: Vec<InvoiceLine>,
}

/// The lines of `period`'s invoice: `at_start` is the subscription in force when the
/// period began, `changes` those confirmed during it (oldest first), `usage` the period's
/// priced usage, `workspace` names a workspace id.
pub fn invoice_lines(
    catalogue: &Catalogue,
    period: Period,
    at_start: &Subscription,
    changes: &[Change],
    usage: &Priced,
    workspace: impl Fn(&str) -> String,
) -> Vec<InvoiceLine> {
    let plan_name = |id: &str| {
        catalogue
            .plan(id)
            .map_or(id, |p| p.name.as_str())
            .to_owned()
    };
    let mut lines = Vec::new();
    let plan = catalogue.plan(&at_start.plan_id);
    let included = plan.map_or(0, |p| p.included_seats);
    lines.push(InvoiceLine {
        kind: LineKind::Seats,
        description: format!(
            "{} plan, {} seats ({} included), {}",
            plan_name(&at_start.plan_id),
            at_start.seats,
            included.min(at_start.seats),
            period.label()
        ),
        quantity: (at_start.seats - included).max(0),
        unit: "seat".into(),
        unit_price: plan.map_or(Money(0), |p| p.seat_price),
        amount: catalogue.monthly(at_start),
    });
    for c in changes {
        lines.push(InvoiceLine {
            kind: LineKind::Proration,
            description: format!(
                "{}: {} plan, {} seats → {} plan, {} seats, for the rest of {}",
                iso_date(c.at),
                plan_name(&c.from.plan_id),
                c.from.seats,
                plan_name(&c.to.plan_id),
                c.to.seats,
                period.label()
            ),
            quantity: 1,
            unit: "change".into(),
            unit_price: c.prorated,
            amount: c.prorated,
        });
    }
    for line in &usage.lines {
        lines.push(InvoiceLine {
            kind: LineKind::Usage,
            description: format!(
                "{} · {} · {}",
                workspace(&line.key.workspace_id),
                line.key.model,
                line.key.unit.label().to_lowercase()
            ),
            quantity: line.quantity,
            unit: line.key.unit.as_str().into(),
            unit_price: Money(line.key.per_million.unwrap_or(0)),
            amount: line.cost,
        });
    }
    lines
}

/// An invoice's total: the sum of its lines, never below zero (a credit larger than the
/// period's charges is not paid out).
pub fn total(lines: &[InvoiceLine]) -> Money {
    Money(lines.iter().map(|l| l.amount.0).sum::<i64>().max(0))
}

/// "INV-000042".
pub fn number(sequence: i64) -> String {
    format!("INV-{sequence:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::billing::{Unit, Usage, price_usage};
    use crate::domain::calendar::parse_iso_date;

    #[test]
    fn lines_carry_the_plan_at_the_start_the_changes_and_the_usage() {
        let c = Catalogue::builtin(5);
        let nov = Period::containing(parse_iso_date("2026-11-01").unwrap());
        let team = |seats| Subscription {
            plan_id: "team".into(),
            seats,
        };
        let usage = price_usage(
            &c,
            [Usage {
                workspace_id: "w1".into(),
                model: "open-mistral-7b".into(),
                unit: Unit::InputTokens,
                day: nov.start,
                quantity: 2_000_000,
            }],
        );
        let changes = [Change {
            at: nov.start + 15 * DAY_MS,
            from: team(10),
            to: team(12),
            prorated: Money(2_000),
        }];
        let lines = invoice_lines(&c, nov, &team(10), &changes, &usage, |_| "Research".into());
        let amounts: Vec<_> = lines.iter().map(|l| (l.kind, l.amount)).collect();
        assert_eq!(
            amounts,
            [
                (LineKind::Seats, Money(20_000)),
                (LineKind::Proration, Money(2_000)),
                (LineKind::Usage, Money(50)),
            ]
        );
        assert_eq!(
            lines[2].description,
            "Research · open-mistral-7b · input tokens"
        );
        assert_eq!(lines[0].unit_price_text("USD"), "$20.00 / seat");
        assert_eq!(total(&lines), Money(22_050));
    }

    #[test]
    fn a_credit_never_makes_a_negative_total_and_status_follows_payment_and_terms() {
        let line = |amount| InvoiceLine {
            kind: LineKind::Proration,
            description: String::new(),
            quantity: 1,
            unit: "change".into(),
            unit_price: Money(amount),
            amount: Money(amount),
        };
        assert_eq!(total(&[line(500), line(-900)]), Money(0));
        assert_eq!(InvoiceStatus::of(0, None, DAY_MS), InvoiceStatus::Open);
        assert_eq!(
            InvoiceStatus::of(0, None, 30 * DAY_MS),
            InvoiceStatus::Overdue
        );
        assert_eq!(
            InvoiceStatus::of(0, Some(5), 40 * DAY_MS),
            InvoiceStatus::Paid
        );
        assert_eq!(number(42), "INV-000042");
    }
}
