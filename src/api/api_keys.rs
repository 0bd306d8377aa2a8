//! Workspace -> API keys.

use crate::domain::Error;
use crate::domain::api_keys::{ApiKeysPage, CreatedKey};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_api_keys")]
pub async fn list_api_keys(
    org_id: String,
    workspace_id: String,
    after: Option<String>,
    before: Option<String>,
) -> Result<ApiKeysPage, Error> {
    use crate::server::services::api_keys;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        let at = crate::domain::keyset::PageAt::from_query(after.as_deref(), before.as_deref());
        api_keys::list(&state.db, &actor, &workspace_id, &at).await
    };
    ctx::respond(run.await)
}

/// Creates a key and returns it with its secret: the only time the secret is shown.
#[server(prefix = "/api", endpoint = "create_api_key")]
pub async fn create_api_key(
    org_id: String,
    workspace_id: String,
    name: String,
    expiry: String,
    expires_on: Option<String>,
) -> Result<CreatedKey, Error> {
    use crate::server::services::api_keys;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        api_keys::create(
            &state.db,
            &actor,
            &workspace_id,
            &name,
            &expiry,
            expires_on.as_deref(),
        )
        .await
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "revoke_api_key")]
pub async fn revoke_api_key(
    org_id: String,
    workspace_id: String,
    key_id: String,
) -> Result<(), Error> {
    use crate::server::services::api_keys;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        api_keys::revoke(&state.db, &actor, &workspace_id, &key_id).await
    };
    ctx::respond(run.await)
}

#[cfg(feature = "ssr")]
use super::ctx;
