//! Creating and renaming organizations.

use crate::domain::Error;
use leptos::prelude::*;

/// Creates an organization (name + Terms of Service) and opens its Default workspace.
#[server(prefix = "/api", endpoint = "create_organization")]
pub async fn create_organization(name: String, accept_tos: Option<String>) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::{auth, services::orgs};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        let accepted = accept_tos
            .as_deref()
            .is_some_and(|v| v == "on" || v == "true");
        let created = orgs::create(&state.db, &user.id, &name, accepted).await?;
        leptos_axum::redirect(&paths::workspace_home(
            &created.org_id,
            &created.workspace_id,
        ));
        Ok(())
    };
    ctx::respond(run.await)
}

/// Renames the organization (Admins).
#[server(prefix = "/api", endpoint = "rename_organization")]
pub async fn rename_organization(org_id: String, name: String) -> Result<(), Error> {
    use crate::server::services::orgs;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        orgs::rename(&state.db, &actor, &name).await
    };
    ctx::respond(run.await)
}

#[cfg(feature = "ssr")]
use super::ctx;
