//! Server functions: thin. Each takes the session and state, calls one service and
//! maps the outcome. No SQL and no permission logic here.

pub mod access;
pub mod account;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod domains;
mod error;
pub mod invitations;
pub mod limits;
pub mod members;
pub mod orgs;
pub mod sessions;
pub mod shell;
pub mod usage;
pub mod workspace_resources;
pub mod workspaces;

#[cfg(feature = "ssr")]
pub(crate) mod ctx {
    //! What every server function needs from the request.

    use crate::domain::Error;
    use crate::server::AppState;
    use crate::server::authz::OrgActor;
    use crate::server::error::internal;
    use axum::http::{Method, StatusCode, header, request::Parts};
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;
    use tower_sessions::Session;

    pub fn state() -> Result<AppState, Error> {
        use_context::<AppState>()
            .ok_or_else(|| internal("server function", "no AppState in context"))
    }

    pub async fn session() -> Result<Session, Error> {
        leptos_axum::extract::<Session>()
            .await
            .map_err(|e| internal("extracting the session", e))
    }

    /// The client's address, for throttles (see `server::http::client_address`; "unknown" when
    /// the server runs without connection info, as in tests).
    pub async fn client_address() -> String {
        let peer = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .await
            .ok()
            .map(|info| info.0.ip());
        let forwarded = use_context::<Parts>().and_then(|parts| {
            let value = parts.headers.get("x-forwarded-for")?.to_str().ok()?;
            Some(value.to_owned())
        });
        let trusted = state()
            .map(|s| s.config.trusted_proxies.clone())
            .unwrap_or_default();
        crate::server::http::client_address::client_address(peer, forwarded.as_deref(), &trusted)
    }

    /// The signed-in user acting in organization `org_id`.
    pub async fn org_actor(org_id: &str) -> Result<(AppState, OrgActor), Error> {
        let (state, session) = (state()?, session().await?);
        let user = crate::server::auth::require_user(&state, &session).await?;
        let actor = OrgActor::resolve(&state.db, &user.id, org_id).await?;
        Ok((state, actor))
    }

    /// The signed-in user in a workspace they may use ("not found" otherwise).
    pub async fn workspace_actor(
        org_id: &str,
        workspace_id: &str,
    ) -> Result<(AppState, crate::server::authz::WorkspaceActor), Error> {
        let (state, actor) = org_actor(org_id).await?;
        let ws =
            crate::server::services::workspace_resources::member(&state.db, &actor, workspace_id)
                .await?;
        Ok((state, ws))
    }

    /// Gives an error response the status that fits it. A plain HTML form post
    /// (no JavaScript) is left alone: it must stay a redirect back to the form,
    /// which carries the error in its URL.
    pub fn respond<T>(result: Result<T, Error>) -> Result<T, Error> {
        if let Err(err) = &result {
            let plain_form_post = use_context::<Parts>().is_some_and(|parts| {
                parts.method == Method::POST
                    && parts
                        .headers
                        .get(header::ACCEPT)
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|v| v.contains("text/html"))
            });
            if !plain_form_post
                && let (Some(options), Ok(status)) = (
                    use_context::<ResponseOptions>(),
                    StatusCode::from_u16(err.status_code()),
                )
            {
                options.set_status(status);
                if let Error::TooManyAttempts { retry_after_secs } = err {
                    options.insert_header(
                        header::RETRY_AFTER,
                        header::HeaderValue::from(*retry_after_secs),
                    );
                }
            }
        }
        result
    }
}
