//! The organization's subscription (plan and seats, which the seat checks read) and its
//! billing details: Admin Settings -> Billing -> Subscription (Admin and Billing roles).

use crate::domain::Error;
use crate::domain::audit::AuditAction;
use crate::domain::billing::{
    BillingDetails, Catalogue, InvoiceStatus, Quote, Subscription, SubscriptionPage,
    SubscriptionStatus, quote_change,
};
use crate::domain::calendar::Period;
use crate::domain::permissions::Action;
use crate::domain::validation;
use crate::server::authz::OrgActor;
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::ids::new_id;
use crate::server::repo::subscriptions::{self as repo, ChangeRow, DetailsRow};
use crate::server::repo::{invitations, invoices, memberships};
use crate::server::services::audit::{self, Change, Target};
use serde_json::json;

pub const MAX_COMPANY: usize = 200;
pub const MAX_ADDRESS: usize = 500;
pub const MAX_TAX_ID: usize = 40;

/// The subscription in force: the stored one, or the catalogue's default plan.
pub async fn current(
    conn: &mut sqlx::AnyConnection,
    catalogue: &Catalogue,
    org_id: &str,
) -> Result<Subscription, Error> {
    Ok(repo::find(conn, org_id)
        .await
        .or_internal("reading a subscription")?
        .map_or_else(
            || catalogue.default_subscription(),
            |r| Subscription {
                plan_id: r.plan_id,
                seats: r.seats,
            },
        ))
}

/// Seats taken: (members, pending unexpired invitations).
pub async fn seats_taken(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    now: i64,
) -> Result<(i64, i64), Error> {
    let members = memberships::count_members(&mut *conn, org_id)
        .await
        .or_internal("counting members")?;
    let pending = invitations::count_pending(&mut *conn, org_id, now)
        .await
        .or_internal("counting invitations")?;
    Ok((members, pending))
}

async fn seats_in_use(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    now: i64,
) -> Result<i64, Error> {
    let (members, pending) = seats_taken(conn, org_id, now).await?;
    Ok(members + pending)
}

pub async fn page(
    db: &Db,
    catalogue: &Catalogue,
    actor: &OrgActor,
) -> Result<SubscriptionPage, Error> {
    actor.require(Action::ViewBilling)?;
    let mut conn = db.pool.acquire().await.or_internal("reading billing")?;
    let current = current(&mut conn, catalogue, &actor.org_id).await?;
    let now = db.now();
    let seats_in_use = seats_in_use(&mut conn, &actor.org_id, now).await?;
    let details = details(&mut conn, &actor.org_id).await?;
    let newest = invoices::list(&mut *conn, &actor.org_id, None, 12)
        .await
        .or_internal("listing invoices")?;
    let overdue = newest
        .iter()
        .any(|i| InvoiceStatus::of(i.issued_at, i.paid_at, now) == InvoiceStatus::Overdue);
    Ok(SubscriptionPage {
        plan_name: catalogue
            .plan(&current.plan_id)
            .map_or_else(|| current.plan_id.clone(), |p| p.name.clone()),
        monthly: catalogue.monthly(&current),
        currency: catalogue.currency.clone(),
        current,
        seats_in_use,
        period: Period::containing(now),
        status: if overdue {
            SubscriptionStatus::PastDue
        } else {
            SubscriptionStatus::Active
        },
        plans: catalogue.plans.clone(),
        details,
        can_manage: actor.require(Action::ManageBilling).is_ok(),
    })
}

fn parse_seats(seats: &str) -> Result<i64, Error> {
    seats
        .trim()
        .parse::<i64>()
        .map_err(|_| Error::invalid("seats", "Seats must be a whole number."))
}

/// What changing to `plan_id` with `seats` would cost now. Reads only.
pub async fn quote(
    db: &Db,
    catalogue: &Catalogue,
    actor: &OrgActor,
    plan_id: &str,
    seats: &str,
) -> Result<Quote, Error> {
    actor.require(Action::ManageBilling)?;
    let seats = parse_seats(seats)?;
    let mut conn = db.pool.acquire().await.or_internal("quoting a change")?;
    let now = db.now();
    let current = current(&mut conn, catalogue, &actor.org_id).await?;
    let in_use = seats_in_use(&mut conn, &actor.org_id, now).await?;
    quote_change(catalogue, &current, plan_id, seats, in_use, now)
}

/// Changes the plan and seats, if the prorated amount is still the `quoted` one the person
/// confirmed. Under the organization's lock, so seats never drop below a member or an
/// invitation added meanwhile, and the prorated line is recorded for the next invoice.
pub async fn change(
    db: &Db,
    catalogue: &Catalogue,
    actor: &OrgActor,
    plan_id: &str,
    seats: &str,
    quoted: i64,
) -> Result<Quote, Error> {
    actor.require(Action::ManageBilling)?;
    let seats = parse_seats(seats)?;
    let mut tx = actor
        .begin_locked(db, Action::ManageBilling, "starting a plan change")
        .await?;
    let now = db.now();
    let current = current(&mut tx, catalogue, &actor.org_id).await?;
    let in_use = seats_in_use(&mut tx, &actor.org_id, now).await?;
    let quote = quote_change(catalogue, &current, plan_id, seats, in_use, now)?;
    if quote.prorated.0 != quoted {
        return Err(Error::conflict(
            "seats",
            format!(
                "The amount for the rest of the period is now {}. Review the change again.",
                quote.prorated.format(&catalogue.currency)
            ),
        ));
    }
    repo::upsert(&mut *tx, &actor.org_id, plan_id, seats, now)
        .await
        .or_internal("saving a subscription")?;
    repo::insert_change(
        &mut *tx,
        &ChangeRow {
            id: new_id("chg"),
            org_id: actor.org_id.clone(),
            changed_at: now,
            changed_by: Some(actor.user_id.clone()),
            from_plan: current.plan_id.clone(),
            from_seats: current.seats,
            plan_id: plan_id.to_owned(),
            seats,
            prorated: quote.prorated.0,
        },
    )
    .await
    .or_internal("recording a plan change")?;
    let change = Change::new(
        AuditAction::SubscriptionChanged,
        Target::new("subscription", &actor.org_id),
    )
    .before(json!({ "plan": current.plan_id, "seats": current.seats }))
    .after(json!({ "plan": plan_id, "seats": seats, "prorated_minor_units": quote.prorated.0 }));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, now).await?;
    tx.commit().await.or_internal("committing a plan change")?;
    Ok(quote)
}

pub async fn details(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
) -> Result<BillingDetails, Error> {
    let row = repo::details(conn, org_id)
        .await
        .or_internal("reading billing details")?
        .unwrap_or_default();
    Ok(BillingDetails {
        email: row.email,
        company_name: row.company_name,
        address: row.address,
        tax_id: row.tax_id,
    })
}

/// Text of a bounded field: trimmed, at most `max` characters, no control characters but
/// newlines where `lines` allows them.
fn bounded(field: &str, label: &str, raw: &str, max: usize, lines: bool) -> Result<String, Error> {
    let text = raw.trim().replace("\r\n", "\n");
    if text
        .chars()
        .any(|c| c.is_control() && !(lines && c == '\n'))
    {
        return Err(Error::invalid(
            field,
            format!("{label} can't contain control characters."),
        ));
    }
    let len = text.chars().count();
    if len > max {
        return Err(Error::invalid(
            field,
            format!("{label} must be at most {max} characters (it has {len})."),
        ));
    }
    Ok(text)
}

/// Saves who is billed. The email is required: invoices go there.
pub async fn save_details(db: &Db, actor: &OrgActor, input: &BillingDetails) -> Result<(), Error> {
    actor.require(Action::ManageBilling)?;
    let email = validation::email("email", &input.email);
    let company = bounded(
        "company_name",
        "Company name",
        &input.company_name,
        MAX_COMPANY,
        false,
    );
    let address = bounded("address", "Address", &input.address, MAX_ADDRESS, true);
    let tax_id = bounded("tax_id", "Tax ID", &input.tax_id, MAX_TAX_ID, false);
    Error::all_valid([
        email.as_ref().err(),
        company.as_ref().err(),
        address.as_ref().err(),
        tax_id.as_ref().err(),
    ])?;
    let row = DetailsRow {
        email: email?,
        company_name: company?,
        address: address?,
        tax_id: tax_id?,
    };
    let mut tx = actor.begin_in_org(db, "saving billing details").await?;
    let before = details(&mut tx, &actor.org_id).await?;
    repo::save_details(&mut *tx, &actor.org_id, &row, db.now())
        .await
        .or_internal("saving billing details")?;
    let fields = |d: &DetailsRow| json!({ "email": d.email, "company_name": d.company_name, "address": d.address, "tax_id": d.tax_id });
    let before = DetailsRow {
        email: before.email,
        company_name: before.company_name,
        address: before.address,
        tax_id: before.tax_id,
    };
    let change = Change::new(
        AuditAction::BillingDetailsChanged,
        Target::new("subscription", &actor.org_id),
    )
    .before(fields(&before))
    .after(fields(&row));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, db.now()).await?;
    tx.commit().await.or_internal("saving billing details")
}
