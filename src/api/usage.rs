//! Usage and cost: Workspace -> Usage and Admin Settings -> Billing.

use crate::domain::Error;
use crate::domain::billing::UsageReport;
use leptos::prelude::*;

/// The workspace's usage in `period` ("2026-11"; the current month when empty).
#[server(prefix = "/api", endpoint = "workspace_usage")]
pub async fn get_workspace_usage(
    org_id: String,
    workspace_id: String,
    period: Option<String>,
) -> Result<UsageReport, Error> {
    use crate::server::services::usage;
    let run = async {
        let (state, ws) = ctx::workspace_actor(&org_id, &workspace_id).await?;
        let period = usage::period(&state.db, period.as_deref())?;
        usage::workspace_report(&state.db, &state.config.catalogue, &ws, period).await
    };
    ctx::respond(run.await)
}

/// The organization's usage and cost in `period`, by workspace, model and day.
#[server(prefix = "/api", endpoint = "org_usage")]
pub async fn get_org_usage(org_id: String, period: Option<String>) -> Result<UsageReport, Error> {
    use crate::server::services::usage;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        let period = usage::period(&state.db, period.as_deref())?;
        usage::org_report(&state.db, &state.config.catalogue, &actor, period).await
    };
    ctx::respond(run.await)
}

#[cfg(feature = "ssr")]
use super::ctx;
