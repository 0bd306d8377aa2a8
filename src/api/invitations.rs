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
        auth::start_session(&session, &account.user_id, state.db.now()).await?;
        leptos_axum::redirect(&joined_path(&joined));
        Ok(())
    };
    ctx::respond(run.await)
}

/// The invitations waiting for the signed-in person's confirmed address, the organization
/// their address's domain offers, and (`joined`, an organization id) the one they just
/// joined through it.
#[server(prefix = "/api", endpoint = "your_invitations")]
pub async fn get_your_invitations(joined: Option<String>) -> Result<YourInvitations, Error> {
    use crate::server::{auth, services::accepting, services::joining};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        let mut yours = accepting::for_you(&state.db, &user).await?;
        yours.domain_offer = joining::offer(&state.db, &user).await?;
        if let Some(org_id) = joined {
            yours.joined = joining::joined_notice(&state.db, &user, &org_id).await?;
        }
        Ok(yours)
    };
    ctx::respond(run.await)
}

/// Joins (or asks to join) the organization that verified the person's address's domain.
#[server(prefix = "/api", endpoint = "join_by_domain")]
pub async fn join_by_domain(domain_id: String) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::auth;
    use crate::server::services::joining::{self, JoinOutcome};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        match joining::join(&state.ports(), &user, &domain_id).await? {
            JoinOutcome::Joined(joined) => leptos_axum::redirect(&joined_path(&joined)),
            JoinOutcome::Requested => {
                leptos_axum::redirect(&paths::with_param(paths::WELCOME, "requested=1"))
            }
        }
        Ok(())
    };
    ctx::respond(run.await)
}

/// "Not now": the organization of the person's domain is no longer offered.
#[server(prefix = "/api", endpoint = "dismiss_join_offer")]
pub async fn dismiss_join_offer(domain_id: String) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::{auth, services::joining};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        joining::dismiss(&state.ports(), &user, &domain_id).await?;
        leptos_axum::redirect(&paths::with_param(paths::WELCOME, "not_now=1"));
        Ok(())
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
pub(crate) fn joined_path(joined: &crate::server::services::accepting::Joined) -> String {
    use crate::domain::paths;
    match &joined.workspace_id {
        Some(ws) => paths::workspace_home(&joined.org_id, ws),
        None => paths::org_home(&joined.org_id),
    }
}

#[cfg(feature = "ssr")]
use super::ctx;
