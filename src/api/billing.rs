//! Admin Settings -> Billing: the subscription (plan, seats, billing details) and invoices.

use crate::domain::Error;
use crate::domain::billing::{InvoicesPage, Quote, SubscriptionPage};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "subscription")]
pub async fn get_subscription(org_id: String) -> Result<SubscriptionPage, Error> {
    use crate::server::services::subscriptions;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        subscriptions::page(&state.db, &state.config.catalogue, &actor).await
    };
    ctx::respond(run.await)
}

/// What moving to `plan` with `seats` would cost now; changes nothing.
#[server(prefix = "/api", endpoint = "subscription_quote")]
pub async fn get_subscription_quote(
    org_id: String,
    plan: String,
    seats: String,
) -> Result<Quote, Error> {
    use crate::server::services::subscriptions;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        subscriptions::quote(&state.db, &state.config.catalogue, &actor, &plan, &seats).await
    };
    ctx::respond(run.await)
}

/// Confirms a quoted change (`quoted`: the prorated amount shown, in minor units), then
/// shows the subscription as it now is.
#[server(prefix = "/api", endpoint = "change_subscription")]
pub async fn change_subscription(
    org_id: String,
    plan: String,
    seats: String,
    quoted: i64,
) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::services::subscriptions;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        subscriptions::change(
            &state.db,
            &state.config.catalogue,
            &actor,
            &plan,
            &seats,
            quoted,
        )
        .await?;
        leptos_axum::redirect(&format!(
            "{}?changed=1",
            paths::billing_subscription(&org_id)
        ));
        Ok(())
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "save_billing_details")]
pub async fn save_billing_details(
    org_id: String,
    email: String,
    company_name: String,
    address: String,
    tax_id: String,
) -> Result<(), Error> {
    use crate::domain::billing::BillingDetails;
    use crate::server::services::subscriptions;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        let details = BillingDetails {
            email,
            company_name,
            address,
            tax_id,
        };
        subscriptions::save_details(&state.db, &actor, &details).await
    };
    ctx::respond(run.await)
}

/// A page of the organization's invoices, newest first.
#[server(prefix = "/api", endpoint = "invoices")]
pub async fn get_invoices(org_id: String, before: Option<String>) -> Result<InvoicesPage, Error> {
    use crate::server::services::invoicing;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        invoicing::list(&state.db, &actor, before.as_deref()).await
    };
    ctx::respond(run.await)
}

#[cfg(feature = "ssr")]
use super::ctx;
