//! Billing's rules: the price catalogue and plans, what usage costs, seats and proration.
//! Money is an integer number of minor units (cents) of the installation's one currency.

mod catalogue;
mod cost;
mod money;
mod proration;
mod report;

pub use catalogue::effective_date;
pub use catalogue::{Catalogue, CatalogueError, Plan, Price, Unit};
pub use cost::{Line, LineKey, Priced, Usage, cost, price_usage};
pub use money::Money;
pub use proration::prorate;
pub use report::{Day, DayRow, Group, Names, Sums, UsageReport, report, row_cost};
