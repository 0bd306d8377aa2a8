//! Invoices: closing a period (one invoice per organization and period, whichever console
//! process gets there first), reading them, and recording their payment.

use super::Ports;
use super::audit::{self, By, Change as AuditChange, Target};
use super::subscriptions;
use crate::domain::Error;
use crate::domain::audit::AuditAction;
use crate::domain::billing::invoice::{number, total};
use crate::domain::billing::{
    BillingDetails, Catalogue, Change, Invoice, InvoiceLine, InvoiceStatus, InvoiceSummary,
    InvoicesPage, LineKind, Money, Subscription, due_at, invoice_lines, price_rows,
};
use crate::domain::calendar::Period;
use crate::domain::format::format_date;
use crate::domain::paths;
use crate::domain::permissions::{Action, Actor};
use crate::domain::roles::OrgRole;
use crate::server::authz::{OrgActor, require_actor};
use crate::server::db::Db;
use crate::server::email::InvoiceMail;
use crate::server::error::OrInternal;
use crate::server::ids::new_id;
use crate::server::repo::invoices::{self as repo, InvoiceRow, LineRow};
use crate::server::repo::subscriptions as subs;
use crate::server::repo::{memberships, orgs, usage, workspaces};
use serde_json::json;
use std::collections::HashMap;

/// Invoices a page of the list shows.
pub const INVOICES_PER_PAGE: i64 = 24;

/// What closing a period did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closed {
    Issued(String),
    AlreadyIssued(String),
}

/// Issues `org_id`'s invoice for `period`, once: under the organization's lock, a second
/// caller (another process, a retry) finds the first one's invoice and issues nothing.
pub async fn close_period(
    ports: &Ports<'_>,
    org_id: &str,
    period: Period,
) -> Result<Closed, Error> {
    let db = ports.db;
    let catalogue = &ports.config.catalogue;
    let mut tx = db.pool.begin().await.or_internal("starting an invoice")?;
    if !orgs::lock(&mut *tx, org_id)
        .await
        .or_internal("locking the organization")?
    {
        return Err(Error::NotFound);
    }
    if let Some(done) = repo::find_for_period(&mut *tx, org_id, &period.key())
        .await
        .or_internal("finding an invoice")?
    {
        return Ok(Closed::AlreadyIssued(done.number));
    }
    let at_start = subscription_at(&mut tx, catalogue, org_id, period.start).await?;
    let changes = subs::changes_between(&mut *tx, org_id, period.start, period.end)
        .await
        .or_internal("reading plan changes")?
        .into_iter()
        .map(|c| Change {
            at: c.changed_at,
            from: Subscription {
                plan_id: c.from_plan,
                seats: c.from_seats,
            },
            to: Subscription {
                plan_id: c.plan_id,
                seats: c.seats,
            },
            prorated: Money(c.prorated),
        })
        .collect::<Vec<_>>();
    let rows = super::usage::day_rows(
        usage::for_org(&mut *tx, org_id, period.start, period.end)
            .await
            .or_internal("reading usage")?,
    );
    let names: HashMap<String, String> = workspaces::names_in_org(&mut *tx, org_id)
        .await
        .or_internal("naming workspaces")?
        .into_iter()
        .collect();
    let lines = invoice_lines(
        catalogue,
        period,
        &at_start,
        &changes,
        &price_rows(catalogue, &rows),
        |id| {
            names
                .get(id)
                .cloned()
                .unwrap_or_else(|| "Deleted workspace".into())
        },
    );
    let details = subscriptions::details(&mut tx, org_id).await?;
    let now = db.now();
    let invoice = InvoiceRow {
        id: new_id("inv"),
        org_id: org_id.to_owned(),
        period: period.key(),
        number: number(
            repo::next_number(&mut *tx)
                .await
                .or_internal("numbering an invoice")?,
        ),
        currency: catalogue.currency.clone(),
        total: total(&lines).0,
        issued_at: now,
        bill_email: details.email.clone(),
        bill_company: details.company_name,
        bill_address: details.address,
        bill_tax_id: details.tax_id,
        paid_at: None,
        payment_ref: None,
    };
    repo::insert(&mut *tx, &invoice)
        .await
        .or_internal("writing an invoice")?;
    for (position, line) in lines.iter().enumerate() {
        let row = LineRow {
            position: position as i64,
            kind: line.kind.as_str().into(),
            description: line.description.clone(),
            quantity: line.quantity,
            unit: line.unit.clone(),
            unit_price: line.unit_price.0,
            amount: line.amount.0,
        };
        repo::insert_line(&mut *tx, &invoice.id, &row)
            .await
            .or_internal("writing an invoice line")?;
    }
    let change = AuditChange::new(
        AuditAction::InvoiceIssued,
        Target::named("invoice", &invoice.id, &invoice.number),
    )
    .after(json!({ "period": invoice.period, "total_minor_units": invoice.total, "currency": invoice.currency }));
    audit::record(&mut tx, org_id, By::System, change, now).await?;
    // Nothing to pay, nothing to email: the invoice is listed all the same.
    let recipients = match invoice.total {
        0 => Vec::new(),
        _ => recipients(&mut tx, org_id, &details.email).await?,
    };
    let org_name = super::orgs::name(&mut *tx, org_id).await?;
    let link = format!(
        "{}{}",
        ports.config.public_url,
        paths::invoice(org_id, &invoice.number)
    );
    let (label, total_text, due) = (
        period.label(),
        Money(invoice.total).format(&invoice.currency),
        format_date(due_at(now)),
    );
    let mut emails = Vec::new();
    for to in &recipients {
        let mail = InvoiceMail {
            org_id,
            to,
            org_name: &org_name,
            number: &invoice.number,
            period: &label,
            total: &total_text,
            due: &due,
            link: &link,
        };
        let recorded = ports
            .mailer
            .record_invoice(&mut tx, now, mail)
            .await
            .map_err(|e| crate::server::error::internal("recording an invoice email", e))?;
        emails.push(recorded);
    }
    tx.commit().await.or_internal("committing an invoice")?;
    for email in emails {
        ports.mailer.send(db, email);
    }
    Ok(Closed::Issued(invoice.number))
}

/// Who gets the invoice email: the billing email, or, until one is set, the
/// organization's Billing members, or its Admins when it has none.
async fn recipients(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    billing_email: &str,
) -> Result<Vec<String>, Error> {
    if !billing_email.is_empty() {
        return Ok(vec![billing_email.to_owned()]);
    }
    for role in [OrgRole::Billing, OrgRole::Admin] {
        let emails = memberships::emails_with_role(&mut *conn, org_id, role.as_str(), 5)
            .await
            .or_internal("finding who is billed")?;
        if !emails.is_empty() {
            return Ok(emails);
        }
    }
    Ok(Vec::new())
}

/// The subscription in force at `at`: what the first change since then changed from, or
/// the current one when nothing changed since.
async fn subscription_at(
    conn: &mut sqlx::AnyConnection,
    catalogue: &Catalogue,
    org_id: &str,
    at: i64,
) -> Result<Subscription, Error> {
    match subs::first_change_since(&mut *conn, org_id, at)
        .await
        .or_internal("reading plan changes")?
    {
        Some(c) => Ok(Subscription {
            plan_id: c.from_plan,
            seats: c.from_seats,
        }),
        None => subscriptions::current(conn, catalogue, org_id).await,
    }
}

/// How long after a period ends usage may still be reported for it (`metering::ingest`);
/// the period is invoiced after that.
pub const LATE_USAGE_MS: i64 = 3_600_000;

/// Closes the period that ended last (more than `LATE_USAGE_MS` ago) for every
/// organization that existed in it and has no invoice for it yet, if billing had begun by
/// its end. The console runs it every minute; it is cheap when all are done.
/// One organization that fails is logged and retried next time, after the others.
pub async fn close_due(ports: &Ports<'_>) -> Result<usize, Error> {
    let period = Period::containing(ports.db.now() - LATE_USAGE_MS).previous();
    let since = repo::billing_since(&ports.db.pool)
        .await
        .or_internal("reading when billing began")?;
    if period.end <= since {
        return Ok(0);
    }
    let (mut issued, mut after) = (0, String::new());
    loop {
        let due =
            repo::orgs_without_invoice(&ports.db.pool, &period.key(), period.end, &after, 100)
                .await
                .or_internal("finding periods to close")?;
        let Some(last) = due.last() else {
            return Ok(issued);
        };
        after = last.clone();
        for org_id in &due {
            match close_period(ports, org_id, period).await {
                Ok(Closed::Issued(_)) => issued += 1,
                Ok(Closed::AlreadyIssued(_)) => {}
                Err(e) => tracing::warn!(error = %e, org = %org_id, "could not issue an invoice"),
            }
        }
    }
}

fn summary(row: &InvoiceRow, now: i64) -> Result<InvoiceSummary, Error> {
    Ok(InvoiceSummary {
        number: row.number.clone(),
        period: Period::from_key(&row.period)
            .ok_or_else(|| crate::server::error::internal("an invoice", "bad period"))?,
        total: Money(row.total),
        currency: row.currency.clone(),
        issued_at: row.issued_at,
        paid_at: row.paid_at,
        status: InvoiceStatus::of(row.issued_at, row.paid_at, now),
    })
}

pub async fn list(db: &Db, actor: &OrgActor, before: Option<&str>) -> Result<InvoicesPage, Error> {
    actor.require(Action::ViewBilling)?;
    let before = before.filter(|b| !b.is_empty());
    if before.is_some_and(|b| Period::from_key(b).is_none()) {
        return Err(Error::invalid("before", "a month such as 2026-11"));
    }
    let mut rows = repo::list(&db.pool, &actor.org_id, before, INVOICES_PER_PAGE + 1)
        .await
        .or_internal("listing invoices")?;
    let more = rows.len() as i64 > INVOICES_PER_PAGE;
    rows.truncate(INVOICES_PER_PAGE as usize);
    let now = db.now();
    Ok(InvoicesPage {
        next: more
            .then(|| rows.last().map(|r| r.period.clone()))
            .flatten(),
        invoices: rows
            .iter()
            .map(|r| summary(r, now))
            .collect::<Result<_, _>>()?,
    })
}

/// One invoice of the organization, whole; another organization's is not found.
pub async fn find(db: &Db, actor: &OrgActor, number: &str) -> Result<Invoice, Error> {
    actor.require(Action::ViewBilling)?;
    let row = repo::find_by_number(&db.pool, number)
        .await
        .or_internal("loading an invoice")?
        .filter(|r| r.org_id == actor.org_id)
        .ok_or(Error::NotFound)?;
    let lines = repo::lines(&db.pool, &row.id)
        .await
        .or_internal("loading invoice lines")?
        .into_iter()
        .map(|l| InvoiceLine {
            kind: LineKind::parse(&l.kind).unwrap_or(LineKind::Usage),
            description: l.description,
            quantity: l.quantity,
            unit: l.unit,
            unit_price: Money(l.unit_price),
            amount: Money(l.amount),
        })
        .collect();
    let org_name = super::orgs::name(&db.pool, &row.org_id).await?;
    Ok(Invoice {
        summary: summary(&row, db.now())?,
        org_name,
        bill_to: BillingDetails {
            email: row.bill_email,
            company_name: row.bill_company,
            address: row.bill_address,
            tax_id: row.bill_tax_id,
        },
        payment_ref: row.payment_ref,
        lines,
    })
}

pub const MAX_PAYMENT_REF: usize = 200;

/// Records that invoice `number` was paid: `amount` (minor units) must be its total; none
/// means the operator vouches for the whole total. Sending the same payment again is
/// accepted and changes nothing; a different one for a paid invoice is a conflict.
pub async fn record_payment(
    db: &Db,
    actor: &Actor,
    number: &str,
    amount: Option<i64>,
    reference: &str,
) -> Result<InvoiceSummary, Error> {
    require_actor(actor, Action::RecordPayment)?;
    let reference = reference.trim();
    if reference.is_empty()
        || reference.chars().count() > MAX_PAYMENT_REF
        || reference.chars().any(char::is_control)
    {
        return Err(Error::invalid(
            "reference",
            format!("The payment's reference is required (at most {MAX_PAYMENT_REF} characters)."),
        ));
    }
    let row = repo::find_by_number(&db.pool, number.trim())
        .await
        .or_internal("loading an invoice")?
        .ok_or(Error::NotFound)?;
    if let Some(paid) = amount.filter(|&a| a != row.total) {
        return Err(Error::invalid(
            "amount",
            format!(
                "Invoice {} is {} ({} minor units); a payment of {paid} does not settle it.",
                row.number,
                Money(row.total).format(&row.currency),
                row.total
            ),
        ));
    }
    let now = db.now();
    let mut tx = db.pool.begin().await.or_internal("recording a payment")?;
    let marked = repo::mark_paid(&mut *tx, &row.id, now, reference)
        .await
        .or_internal("recording a payment")?;
    if marked {
        let by = match actor {
            Actor::PaymentProvider => By::Service("Payment provider"),
            _ => By::Operator,
        };
        let change = AuditChange::new(
            AuditAction::InvoicePaid,
            Target::named("invoice", &row.id, &row.number),
        )
        .after(json!({ "reference": reference, "total_minor_units": row.total }));
        audit::record(&mut tx, &row.org_id, by, change, now).await?;
    }
    tx.commit().await.or_internal("recording a payment")?;
    if !marked {
        let again = repo::find_by_number(&db.pool, &row.number)
            .await
            .or_internal("loading an invoice")?
            .ok_or(Error::NotFound)?;
        if again.payment_ref.as_deref() != Some(reference) {
            return Err(Error::conflict(
                "number",
                format!(
                    "Invoice {} is already paid (reference {}).",
                    row.number,
                    again.payment_ref.unwrap_or_default()
                ),
            ));
        }
        return summary(&again, now);
    }
    let paid = InvoiceRow {
        paid_at: Some(now),
        payment_ref: Some(reference.to_owned()),
        ..row
    };
    summary(&paid, now)
}
