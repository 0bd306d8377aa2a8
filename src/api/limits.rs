//! Admin Settings -> Limits: spend caps, temporary raises, rate limits, alert thresholds.

use crate::domain::Error;
use crate::domain::billing::limits::LimitsPage;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "limits")]
pub async fn get_limits(org_id: String) -> Result<LimitsPage, Error> {
    use crate::server::services::limits;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        limits::page(&state.ports(), &actor).await
    };
    ctx::respond(run.await)
}

/// The organization's monthly cap (blank: none) and alert thresholds ("50, 80, 100").
#[server(prefix = "/api", endpoint = "save_org_limits")]
pub async fn save_org_limits(
    org_id: String,
    monthly_cap: String,
    thresholds: String,
) -> Result<(), Error> {
    use crate::server::services::limits;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        limits::save_org(&state.ports(), &actor, &monthly_cap, &thresholds).await?;
        saved(&org_id);
        Ok(())
    };
    ctx::respond(run.await)
}

/// A workspace's monthly cap, temporary raise (amount and the day it ends) and rate
/// limits; blank fields are no limit.
#[server(prefix = "/api", endpoint = "save_workspace_limits")]
pub async fn save_workspace_limits(
    org_id: String,
    workspace_id: String,
    monthly_cap: String,
    raise_cap: String,
    raise_until: String,
    requests_per_minute: String,
    tokens_per_minute: String,
) -> Result<(), Error> {
    use crate::server::services::limits::{self, WorkspaceLimitsForm};
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        let form = WorkspaceLimitsForm {
            monthly_cap,
            raise_cap,
            raise_until,
            requests_per_minute,
            tokens_per_minute,
        };
        limits::save_workspace(&state.ports(), &actor, &workspace_id, &form).await?;
        saved(&org_id);
        Ok(())
    };
    ctx::respond(run.await)
}

/// Back to the page, which reads the limits again and says they are saved.
#[cfg(feature = "ssr")]
fn saved(org_id: &str) {
    let page = crate::domain::paths::settings_limits(org_id);
    leptos_axum::redirect(&format!("{page}?saved=1"));
}

#[cfg(feature = "ssr")]
use super::ctx;
