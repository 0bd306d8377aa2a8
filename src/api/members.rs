//! Admin Settings -> Members, invitations, and a workspace's members.

use crate::domain::Error;
use crate::domain::admin::{MemberSummary, MembersPage, OutboxEntry, WorkspaceMember};
use crate::domain::invitations::{FreshLink, InvitationsPage, InvitePreview};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_members")]
pub async fn list_members(
    org_id: String,
    query: Option<String>,
    after: Option<String>,
    before: Option<String>,
) -> Result<MembersPage, Error> {
    use crate::server::services::members;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        let q = query.unwrap_or_default();
        let at = crate::domain::keyset::PageAt::from_query(after.as_deref(), before.as_deref());
        members::page(&state.db, &actor, &q, &at, &state.config.catalogue).await
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "change_member_role")]
pub async fn change_member_role(
    org_id: String,
    user_id: String,
    role: String,
) -> Result<(), Error> {
    use crate::server::services::members;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        members::change_role(&state.db, &actor, &user_id, &role).await
    };
    ctx::respond(run.await)
}

/// Removes a member; removing oneself is leaving, and goes back to `/`.
#[server(prefix = "/api", endpoint = "remove_member")]
pub async fn remove_member(org_id: String, user_id: String) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::services::members;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        members::remove(&state.db, &actor, &user_id).await?;
        if user_id == actor.user_id {
            leptos_axum::redirect("/");
        } else {
            leptos_axum::redirect(&paths::settings_members(&org_id));
        }
        Ok(())
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "preview_invitations")]
pub async fn preview_invitations(
    org_id: String,
    emails: String,
    role: String,
    workspaces: Option<String>,
) -> Result<InvitePreview, Error> {
    use crate::server::services::invitations::{self, InviteInput};
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        let input = InviteInput {
            emails,
            role,
            workspaces: workspaces.unwrap_or_default(),
        };
        invitations::preview(&state.ports(), &actor, &input).await
    };
    ctx::respond(run.await)
}

/// Sends the invitations and goes to the list of invitations; returns how many were sent.
#[server(prefix = "/api", endpoint = "send_invitations")]
pub async fn send_invitations(
    org_id: String,
    emails: String,
    role: String,
    workspaces: Option<String>,
) -> Result<usize, Error> {
    use crate::server::services::invitations::{self, InviteInput};
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        let input = InviteInput {
            emails,
            role,
            workspaces: workspaces.unwrap_or_default(),
        };
        let sent = invitations::send(&state.ports(), &actor, &input).await?;
        leptos_axum::redirect(&format!(
            "{}?sent={sent}",
            crate::domain::paths::settings_invitations(&org_id)
        ));
        Ok(sent)
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "list_invitations")]
pub async fn list_invitations(
    org_id: String,
    status: Option<String>,
    after: Option<String>,
    before: Option<String>,
) -> Result<InvitationsPage, Error> {
    use crate::server::services::invitations;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        let status = status.as_deref().filter(|s| !s.is_empty());
        let at = crate::domain::keyset::PageAt::from_query(after.as_deref(), before.as_deref());
        invitations::list(&state.db, &actor, status, &at).await
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "resend_invitation")]
pub async fn resend_invitation(org_id: String, invitation_id: String) -> Result<(), Error> {
    use crate::server::services::invitations;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        invitations::resend(&state.ports(), &actor, &invitation_id).await
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "revoke_invitation")]
pub async fn revoke_invitation(org_id: String, invitation_id: String) -> Result<(), Error> {
    use crate::server::services::invitations;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        invitations::revoke(&state.db, &actor, &invitation_id).await
    };
    ctx::respond(run.await)
}

/// A fresh invite link to copy (the previous link stops working).
#[server(prefix = "/api", endpoint = "invitation_link")]
pub async fn get_invitation_link(
    org_id: String,
    invitation_id: String,
) -> Result<FreshLink, Error> {
    use crate::server::services::invitations;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        let url = invitations::fresh_link(&state.ports(), &actor, &invitation_id).await?;
        Ok(FreshLink { invitation_id, url })
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "list_outbox")]
pub async fn list_outbox(org_id: String) -> Result<Vec<OutboxEntry>, Error> {
    use crate::server::services::invitations;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        invitations::outbox(&state.db, &actor).await
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "list_workspace_members")]
pub async fn list_workspace_members(
    org_id: String,
    workspace_id: String,
) -> Result<Vec<WorkspaceMember>, Error> {
    use crate::server::services::workspace_members;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        workspace_members::list(&state.db, &actor, &workspace_id).await
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "workspace_member_candidates")]
pub async fn workspace_member_candidates(
    org_id: String,
    workspace_id: String,
    query: Option<String>,
) -> Result<Vec<MemberSummary>, Error> {
    use crate::server::services::workspace_members;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        workspace_members::candidates(&state.db, &actor, &workspace_id, &query.unwrap_or_default())
            .await
    };
    ctx::respond(run.await)
}

/// Adds the chosen members (`user_ids[0]`, `user_ids[1]`, ... in the form) and goes
/// back to the list.
#[server(prefix = "/api", endpoint = "add_workspace_members")]
pub async fn add_workspace_members(
    org_id: String,
    workspace_id: String,
    user_ids: Option<Vec<String>>,
    role: String,
) -> Result<usize, Error> {
    use crate::server::services::workspace_members;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        let ids = user_ids.unwrap_or_default();
        let added = workspace_members::add(&state.db, &actor, &workspace_id, &ids, &role).await?;
        leptos_axum::redirect(&crate::domain::paths::workspace_members(
            &org_id,
            &workspace_id,
        ));
        Ok(added)
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "change_workspace_role")]
pub async fn change_workspace_role(
    org_id: String,
    workspace_id: String,
    user_id: String,
    role: String,
) -> Result<(), Error> {
    use crate::server::services::workspace_members;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        workspace_members::change_role(&state.db, &actor, &workspace_id, &user_id, &role).await
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "remove_workspace_member")]
pub async fn remove_workspace_member(
    org_id: String,
    workspace_id: String,
    user_id: String,
) -> Result<(), Error> {
    use crate::server::services::workspace_members;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        workspace_members::remove(&state.db, &actor, &workspace_id, &user_id).await
    };
    ctx::respond(run.await)
}

#[cfg(feature = "ssr")]
use super::ctx;

/// Admin Settings -> Members -> Requests: people asking to join through a verified domain.
#[server(prefix = "/api", endpoint = "join_requests")]
pub async fn get_join_requests(
    org_id: String,
) -> Result<crate::domain::org_domains::JoinRequestsPage, Error> {
    use crate::server::services::joining;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        joining::requests(&state.ports(), &actor).await
    };
    ctx::respond(run.await)
}

#[server(prefix = "/api", endpoint = "approve_join_request")]
pub async fn approve_join_request(org_id: String, request_id: String) -> Result<(), Error> {
    answer_join_request(org_id, request_id, true).await
}

#[server(prefix = "/api", endpoint = "decline_join_request")]
pub async fn decline_join_request(org_id: String, request_id: String) -> Result<(), Error> {
    answer_join_request(org_id, request_id, false).await
}

/// Answers a request and goes back to the list, which says what was done.
#[cfg(feature = "ssr")]
async fn answer_join_request(
    org_id: String,
    request_id: String,
    approve: bool,
) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::services::joining;
    let run = async {
        let (state, actor) = ctx::org_actor(&org_id).await?;
        joining::answer(&state.ports(), &actor, &request_id, approve).await?;
        let done = if approve { "approved" } else { "declined" };
        leptos_axum::redirect(&format!(
            "{}?done={done}&request={}",
            paths::settings_join_requests(&org_id),
            paths::query_value(&request_id)
        ));
        Ok(())
    };
    ctx::respond(run.await)
}
