//! Admin Settings -> Workspaces.

use crate::domain::Error;
use crate::domain::admin::WorkspaceAdminRow;
use leptos::prelude::*;

/// Every workspace of the organization, archived ones included (Admins).
#[server(prefix = "/api", endpoint = "list_workspaces")]
pub async fn list_workspaces(org_id: String) -> Result<Vec<WorkspaceAdminRow>, Error> {
    use crate::server::services::workspaces;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        workspaces::list(&state.db, &actor).await
    };
    ctx::respond(run.await)
}

/// Creates a workspace and goes back to the list (the dialog closes).
#[server(prefix = "/api", endpoint = "create_workspace")]
pub async fn create_workspace(org_id: String, name: String) -> Result<String, Error> {
    use crate::server::services::workspaces;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        let id = workspaces::create(&state.db, &actor, &name).await?;
        leptos_axum::redirect(&crate::domain::paths::settings_workspaces(&org_id));
        Ok(id)
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "rename_workspace")]
pub async fn rename_workspace(
    org_id: String,
    workspace_id: String,
    name: String,
) -> Result<(), Error> {
    use crate::server::services::workspaces;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        workspaces::rename(&state.db, &actor, &workspace_id, &name).await?;
        leptos_axum::redirect(&crate::domain::paths::settings_workspaces(&org_id));
        Ok(())
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "archive_workspace")]
pub async fn archive_workspace(org_id: String, workspace_id: String) -> Result<(), Error> {
    use crate::server::services::workspaces;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        workspaces::archive(&state.db, &actor, &workspace_id).await?;
        leptos_axum::redirect(&crate::domain::paths::settings_workspaces(&org_id));
        Ok(())
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "unarchive_workspace")]
pub async fn unarchive_workspace(org_id: String, workspace_id: String) -> Result<(), Error> {
    use crate::server::services::workspaces;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        workspaces::unarchive(&state.db, &actor, &workspace_id).await?;
        leptos_axum::redirect(&crate::domain::paths::settings_workspaces(&org_id));
        Ok(())
    };
    ctx::respond(run.await)
}

#[cfg(feature = "ssr")]
use super::ctx;
