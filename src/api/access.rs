//! Admin Settings -> Permissions.

use crate::domain::Error;
use crate::domain::admin::{EffectivePermissions, MemberSummary};
use leptos::prelude::*;

/// The organization's members, to pick whose permissions to show (Admins).
#[server(prefix = "/api", endpoint = "list_permission_members")]
pub async fn list_permission_members(org_id: String) -> Result<Vec<MemberSummary>, Error> {
    use crate::server::services::access;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        access::members(&state.db, &actor).await
    };
    ctx::respond(run.await)
}

/// What one member may do in the organization and each workspace (Admins).
#[server(prefix = "/api", endpoint = "effective_permissions")]
pub async fn get_effective_permissions(
    org_id: String,
    user_id: String,
) -> Result<EffectivePermissions, Error> {
    use crate::server::services::access;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        access::effective(&state.db, &actor, &user_id).await
    };
    ctx::respond(run.await)
}

#[cfg(feature = "ssr")]
use super::ctx;
