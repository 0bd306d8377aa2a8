//! `POST /internal/billing/payments`: what a payment provider's webhook calls when an
//! invoice is paid, authenticated by `PAYMENTS_TOKEN` (`Authorization: Bearer <token>`).
//! The body is `{"invoice": "INV-000042", "amount": 2050, "reference": "pi_123"}` (amount
//! in minor units, the invoice's total). The same payment sent again is accepted once.

use super::ApiError;
use crate::domain::billing::InvoiceSummary;
use crate::domain::permissions::Actor;
use crate::server::http::bearer::bearer_is;
use crate::server::services::invoicing;
use crate::server::state::AppState;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/internal/billing/payments", post(record))
        .layer(DefaultBodyLimit::max(16 * 1024))
        .layer(axum::middleware::from_fn_with_state(state, require_token))
}

async fn require_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match bearer_is(req.headers(), state.config.payments_token.as_deref()) {
        true => next.run(req).await,
        false => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "invalid_payments_token",
            "Missing or wrong payments token.",
        )
        .into_response(),
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Payment {
    invoice: String,
    amount: i64,
    reference: String,
}

async fn record(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<Json<InvoiceSummary>, ApiError> {
    let payment: Payment = serde_json::from_slice(&body)
        .map_err(|e| ApiError::invalid("invoice", format!("not a payment: {e}")))?;
    Ok(Json(
        invoicing::record_payment(
            &state.db,
            &Actor::PaymentProvider,
            &payment.invoice,
            Some(payment.amount),
            &payment.reference,
        )
        .await?,
    ))
}
