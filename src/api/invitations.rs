//! The invitation link: what it shows, accepting it, and signing up through it.

use crate::domain::Error;
use crate::domain::invitations::{InvitationLanding, YourInvitations};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "invitation_landing")]
pub async fn get_invitation_landing(token: String) -> Result<InvitationLanding, Error> {
    use crate::server::{auth, services::invitations};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let viewer = match auth::require_user(&state, &session).await {
            Ok(u) => Some(u),
            Err(Error::Unauthenticated) => None,
            Err(e) => return Err(e),
        };
        invitations::landing(&state.db, &token, viewer.as_ref()).await
    };
    ctx::respond(run.await)
}

/// Accepts as the signed-in user and opens the organization.
#[server(prefix = "/api", endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String) -> Result<(), Error> {
    use crate::server::{auth, services::accepting};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        let joined = accepting::accept(&state.ports(), &token, &user).await?;
        leptos_axum::redirect(&joined_path(&joined));
        Ok(())
    };
    ctx::respond(run.await)
}

/// Creates an account for the invited address (fixed by the invitation), signs in
/// and accepts.
#[server(prefix = "/api", endpoint = "sign_up_invited")]
pub async fn sign_up_invited(token: String, name: String, password: String) -> Result<(), Error> {
    use crate::server::auth;
    use crate::server::services::{accepting, email_verification};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let (account, joined) =
            accepting::sign_up_and_accept(&state.ports(), &token, name, password).await?;
        // An invitation's link proves nothing about the address: it is confirmed as any.
        email_verification::send_after_sign_up(&state.ports(), &account.user_id).await;
        auth::start_session(&session, &account.user_id).await?;
        leptos_axum::redirect(&joined_path(&joined));
        Ok(())
    };
    ctx::respond(run.await)
}

/// The invitations waiting for the signed-in person's confirmed address.
#[server(prefix = "/api", endpoint = "your_invitations")]
pub async fn get_your_invitations() -> Result<YourInvitations, Error> {
    use crate::server::{auth, services::accepting};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        accepting::for_you(&state.db, &user).await
    };
    ctx::respond(run.await)
}

/// Accepts an invitation to the signed-in person's confirmed address (no link needed)
/// and opens the organization.
#[server(prefix = "/api", endpoint = "accept_your_invitation")]
pub async fn accept_your_invitation(invitation_id: String) -> Result<(), Error> {
    use crate::server::{auth, services::accepting};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        let joined = accepting::accept_as_invitee(&state.ports(), &invitation_id, &user).await?;
        leptos_axum::redirect(&joined_path(&joined));
        Ok(())
    };
    ctx::respond(run.await)
}

/// Declines an invitation to the signed-in person's confirmed address.
#[server(prefix = "/api", endpoint = "decline_invitation")]
pub async fn decline_invitation(invitation_id: String) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::{auth, services::accepting};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        accepting::decline(&state.ports(), &invitation_id, &user).await?;
        // The invitation's id in the query: after a second decline the address differs,
        // so the page reads its list again.
        let answer = format!("declined={}", paths::query_value(&invitation_id));
        leptos_axum::redirect(&paths::with_param(paths::WELCOME, &answer));
        Ok(())
    };
    ctx::respond(run.await)
}

#[cfg(feature = "ssr")]
fn joined_path(joined: &crate::server::services::accepting::Joined) -> String {
    use crate::domain::paths;
    match &joined.workspace_id {
        Some(ws) => paths::workspace_home(&joined.org_id, ws),
        None => paths::org_home(&joined.org_id),
    }
}

#[cfg(feature = "ssr")]
use super::ctx;
