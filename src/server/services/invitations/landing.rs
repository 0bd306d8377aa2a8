//! What an invitation link shows.

use super::*;

/// What the invitation link shows. Unknown tokens are `NotFound`.
pub async fn landing(
    db: &Db,
    token: &str,
    viewer: Option<&UserRow>,
) -> Result<InvitationLanding, Error> {
    let inv = invitations::find_by_token_hash(&db.pool, &token_hash(token))
        .await
        .or_internal("loading an invitation")?
        .ok_or(Error::NotFound)?;
    let status = inv.status_at(db.now()).unwrap_or(InvitationStatus::Revoked);
    let workspaces = list_grants(db, &inv.id)
        .await?
        .into_iter()
        .map(|g| g.workspace_name)
        .collect();
    Ok(InvitationLanding {
        org_name: inv.org_name,
        invited_by: inv.inviter_name,
        email: inv.email,
        role: inv.role,
        workspaces,
        status,
        signed_in_as: viewer.map(|u| u.email.clone()),
    })
}
