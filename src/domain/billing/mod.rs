//! Billing's rules: the price catalogue and plans, what usage costs, seats and proration.
//! Money is an integer number of minor units (cents) of the installation's one currency.

mod catalogue;
mod cost;
pub mod invoice;
pub mod limits;
mod money;
mod proration;
mod report;
mod subscription;

pub use catalogue::effective_date;
pub use catalogue::{Catalogue, CatalogueError, Plan, Price, Unit};
pub use cost::{Line, LineKey, Priced, Usage, cost, price_usage};
pub use invoice::{
    BillingDetails, Change, Invoice, InvoiceLine, InvoiceStatus, InvoiceSummary, InvoicesPage,
    LineKind, PAYMENT_TERMS_DAYS, due_at, invoice_lines,
};
pub use money::Money;
pub use proration::prorate;
pub use report::{Day, DayRow, Group, Names, Sums, UsageReport, price_rows, report, row_cost};
pub use subscription::{Quote, Subscription, SubscriptionPage, SubscriptionStatus, quote_change};
