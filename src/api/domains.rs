//! Admin Settings -> Domains: company domains, their TXT check, and who joins through them.
//! Each change goes back to the page (`?done=`), which reads the domains again.

use crate::domain::Error;
use crate::domain::org_domains::{DomainsPage, GrantField};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "domains")]
pub async fn get_domains(org_id: String) -> Result<DomainsPage, Error> {
    use crate::server::services::org_domains;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        org_domains::page(&state.ports(), &actor).await
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "add_domain")]
pub async fn add_domain(org_id: String, domain: String) -> Result<(), Error> {
    use crate::server::services::org_domains;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        let id = org_domains::add(&state.ports(), &actor, &domain).await?;
        done(&org_id, "added", &id);
        Ok(())
    };
    ctx::respond(run.await)
}

/// Checks the domain's TXT record now. A check that did not find the record is no error:
/// the page shows what it found on the domain, where it stays until the next check.
#[server(prefix = "/api", endpoint = "check_domain")]
pub async fn check_domain(org_id: String, domain_id: String) -> Result<(), Error> {
    use crate::server::services::org_domains;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        org_domains::check(&state.ports(), &actor, &domain_id).await?;
        done(&org_id, "checked", &domain_id);
        Ok(())
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "remove_domain")]
pub async fn remove_domain(org_id: String, domain_id: String) -> Result<(), Error> {
    use crate::server::services::org_domains;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        org_domains::remove(&state.ports(), &actor, &domain_id).await?;
        done(&org_id, "removed", &domain_id);
        Ok(())
    };
    ctx::respond(run.await)
}

/// A verified domain's join mode, the role people get, and the workspaces they are added
/// to (`grants[i][workspace_id]` and `grants[i][role]`, an empty role for none).
#[server(prefix = "/api", endpoint = "save_domain_join")]
pub async fn save_domain_join(
    org_id: String,
    domain_id: String,
    join_mode: String,
    join_role: String,
    grants: Option<Vec<GrantField>>,
) -> Result<(), Error> {
    use crate::server::services::org_domains::{self, JoinSettings};
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        let form = JoinSettings {
            mode: &join_mode,
            role: &join_role,
            grants: grants.as_deref().unwrap_or_default(),
        };
        org_domains::save_join(&state.ports(), &actor, &domain_id, &form).await?;
        done(&org_id, "saved", &domain_id);
        Ok(())
    };
    ctx::respond(run.await)
}

/// Back to the page, which says what was done to which domain. The time makes every
/// answer's address new, so the page reads the domains again even after the same action
/// twice (a second "Check now").
#[cfg(feature = "ssr")]
fn done(org_id: &str, what: &str, domain_id: &str) {
    use crate::domain::paths;
    let page = paths::settings_domains(org_id);
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    leptos_axum::redirect(&format!(
        "{page}?done={what}&domain={}&at={at}",
        paths::query_value(domain_id)
    ));
}

#[cfg(feature = "ssr")]
use super::ctx;
