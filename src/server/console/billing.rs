//! Billing's plain routes (Admin and Billing roles): `GET /o/{org}/settings/billing/usage.csv
//! ?period=2026-11`, a period's usage as CSV, one row per day, workspace and model; and
//! `GET /o/{org}/settings/billing/invoices/{number}`, an invoice as a printable page.

use crate::domain::Error;
use crate::domain::billing::{Invoice, due_at};
use crate::domain::format::format_date;
use crate::domain::paths;
use crate::server::http::static_files::stylesheet_href;
use crate::server::services::{invoicing, usage};
use crate::server::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/o/{org}/settings/billing/usage.csv", get(usage_csv))
        .route(
            "/o/{org}/settings/billing/invoices/{number}",
            get(invoice_page),
        )
}

#[derive(serde::Deserialize)]
struct Which {
    period: Option<String>,
}

async fn usage_csv(
    State(state): State<AppState>,
    session: Session,
    Path(org): Path<String>,
    Query(which): Query<Which>,
) -> Response {
    let run = async {
        let actor = super::org_actor(&state, &session, &org).await?;
        let period = usage::period(&state.db, which.period.as_deref())?;
        let csv = usage::org_csv(&state.db, &state.config.catalogue, &actor, period).await?;
        Ok::<_, Error>((period, csv))
    };
    match run.await {
        Ok((period, csv)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"usage-{}.csv\"", period.key()),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            csv,
        )
            .into_response(),
        Err(e) => refused(e),
    }
}

pub(super) fn refused(e: Error) -> Response {
    match e {
        Error::Unauthenticated => Redirect::to(paths::SIGN_IN).into_response(),
        e => {
            let status =
                StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, e.to_string()).into_response()
        }
    }
}

/// One printed row of an invoice.
struct PrintedLine {
    description: String,
    quantity: String,
    unit_price: String,
    amount: String,
}

#[derive(Template)]
#[template(path = "invoice.html")]
struct PrintedInvoice {
    stylesheet: String,
    number: String,
    org_name: String,
    period: String,
    issued: String,
    due: String,
    status: &'static str,
    paid: Option<String>,
    bill_company: String,
    bill_address: String,
    bill_email: String,
    bill_tax_id: String,
    lines: Vec<PrintedLine>,
    total: String,
    back: String,
}

impl PrintedInvoice {
    fn new(org_id: &str, i: Invoice, stylesheet: String) -> PrintedInvoice {
        let currency = i.summary.currency.clone();
        PrintedInvoice {
            stylesheet,
            number: i.summary.number.clone(),
            org_name: i.org_name,
            period: i.summary.period.label(),
            issued: format_date(i.summary.issued_at),
            due: format_date(due_at(i.summary.issued_at)),
            status: i.summary.status.label(),
            paid: i.summary.paid_at.map(|at| {
                let reference = i.payment_ref.unwrap_or_default();
                format!("{} (reference {reference})", format_date(at))
            }),
            bill_company: i.bill_to.company_name,
            bill_address: i.bill_to.address,
            bill_email: i.bill_to.email,
            bill_tax_id: i.bill_to.tax_id,
            lines: i
                .lines
                .iter()
                .map(|l| PrintedLine {
                    description: l.description.clone(),
                    quantity: l.quantity_text(),
                    unit_price: l.unit_price_text(&currency),
                    amount: l.amount.format(&currency),
                })
                .collect(),
            total: i.summary.total.format(&currency),
            back: paths::billing_invoices(org_id),
        }
    }
}

async fn invoice_page(
    State(state): State<AppState>,
    session: Session,
    Path((org, number)): Path<(String, String)>,
) -> Response {
    let run = async {
        let actor = super::org_actor(&state, &session, &org).await?;
        invoicing::find(&state.db, &actor, &number).await
    };
    match run.await {
        Ok(invoice) => {
            match PrintedInvoice::new(&org, invoice, stylesheet_href(&state.leptos_options))
                .render()
            {
                Ok(html) => (
                    [(header::CACHE_CONTROL, "no-store")],
                    axum::response::Html(html),
                )
                    .into_response(),
                Err(e) => refused(crate::server::error::internal("printing an invoice", e)),
            }
        }
        Err(e) => refused(e),
    }
}
