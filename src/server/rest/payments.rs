//! `POST /internal/billing/payments`: what a payment provider's webhook calls when an
//! invoice is paid, authenticated by `PAYMENTS_TOKEN` (`Authorization: Bearer <token>`).
//! The body is `{"invoice": "INV-000042", "amount": 2050, "reference": "pi_123"}` (amount
//! in minor units, the invoice's total). The same payment sent again is accepted once.

use super::ApiError;
use super::machine_secret::{self, MachineSecret};
use crate::domain::billing::InvoiceSummary;
use crate::domain::permissions::Actor;
use crate::server::services::invoicing;
use crate::server::state::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::routing::post;
use axum::{Json, Router};

const PAYMENT_PROVIDER: MachineSecret = MachineSecret {
    setting: |config| config.payments_token.as_deref(),
    code: "invalid_payments_token",
    message: "Missing or wrong payments token.",
};

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/internal/billing/payments", post(record))
        .layer(DefaultBodyLimit::max(16 * 1024))
        .layer(axum::middleware::from_fn_with_state(
            (state, PAYMENT_PROVIDER),
            machine_secret::require,
        ))
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
