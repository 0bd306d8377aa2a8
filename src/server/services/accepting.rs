//! Accepting an invitation: as the signed-in person it was sent to, or by creating the
//! account through the link. Either way one transaction writes everything, and it holds the
//! organization's lock while it checks the link: a link replaced by "Resend" or revoked while
//! this request waited for the lock no longer works.

use super::accounts::{self, NewAccount, SignUp};
use super::invitations::{seat_usage, token_hash};
use crate::domain::Error;
use crate::domain::invitations::InvitationStatus;
use crate::server::db::is_unique_violation;
use crate::server::error::{OrInternal, internal};
use crate::server::repo::invitations::InvitationDetailRow;
use crate::server::repo::users::UserRow;
use crate::server::repo::{invitations, memberships, orgs, users, workspaces};
use crate::server::services::Ports;

/// Where accepting took the user: the organization and the first invited workspace.
pub struct Joined {
    pub org_id: String,
    pub workspace_id: Option<String>,
}

/// Accepts the invitation as `user`, whose email must be the invited one. A second accept
/// (or two at once) creates nothing more.
pub async fn accept(ports: &Ports<'_>, token: &str, user: &UserRow) -> Result<Joined, Error> {
    let inv = find(ports, token).await?;
    let mut tx = ports
        .db
        .pool
        .begin()
        .await
        .or_internal("starting to accept an invitation")?;
    let joined = accept_in(ports, &mut tx, &inv, token, &user.id, &user.email).await?;
    tx.commit()
        .await
        .or_internal("committing an accepted invitation")?;
    Ok(joined)
}

/// Creates the account of the invited address (the email is the invitation's, not
/// typed) and accepts, in one transaction: a refused acceptance leaves no account.
pub async fn sign_up_and_accept(
    ports: &Ports<'_>,
    token: &str,
    name: String,
    password: String,
) -> Result<(NewAccount, Joined), Error> {
    let db = ports.db;
    let inv = find(ports, token).await?;
    let email = inv.email.clone();
    let prepared = accounts::prepare(
        db,
        SignUp {
            name,
            email: email.clone(),
            password,
        },
    )
    .await?;
    let mut tx = db.pool.begin().await.or_internal("starting sign-up")?;
    let now = ports.db.now();
    let account = accounts::create(&mut tx, prepared, now).await?;
    let joined = accept_in(ports, &mut tx, &inv, token, &account.user_id, &email).await?;
    // The invitation's link went to this address (or an admin of the organization handed
    // it over, vouching for it): the address needs no further proof.
    users::set_verified_email(&mut *tx, &account.user_id, &email, now)
        .await
        .or_internal("recording a verified email")?;
    match tx.commit().await {
        Err(e) if is_unique_violation(&e) => Err(accounts::duplicate_email()),
        Err(e) => Err(internal("committing sign-up through an invitation", e)),
        Ok(()) => Ok((account, joined)),
    }
}

/// Why a pending-looking invitation could not be accepted, read inside the lock.
async fn refusal(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    id: &str,
    hash: &str,
    now: i64,
) -> Result<Error, Error> {
    let still_this_link = invitations::find_by_token_hash(&mut *conn, hash)
        .await
        .or_internal("reloading an invitation")?
        .is_some();
    let fresh = invitations::find_in_org(&mut *conn, org_id, id)
        .await
        .or_internal("reloading an invitation")?
        .ok_or(Error::NotFound)?;
    let status = InvitationStatus::at(&fresh.status, fresh.expires_at, now)
        .unwrap_or(InvitationStatus::Revoked);
    let message = match status {
        InvitationStatus::Accepted => "This invitation has already been used.",
        InvitationStatus::Expired => "This invitation has expired. Ask an admin to send it again.",
        InvitationStatus::Pending if !still_this_link => {
            "This link was replaced by a newer one: use the link in the latest email."
        }
        _ => "This invitation was revoked. Ask an admin for a new one.",
    };
    Ok(Error::conflict("invitation", message))
}

/// The invitation a link names, read before the transaction (which must write first:
/// on SQLite a transaction that read before another writer committed cannot write).
async fn find(ports: &Ports<'_>, token: &str) -> Result<InvitationDetailRow, Error> {
    invitations::find_by_token_hash(&ports.db.pool, &token_hash(token))
        .await
        .or_internal("loading an invitation")?
        .ok_or(Error::NotFound)
}

async fn accept_in(
    ports: &Ports<'_>,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    inv: &InvitationDetailRow,
    token: &str,
    user_id: &str,
    user_email: &str,
) -> Result<Joined, Error> {
    let hash = token_hash(token);
    if inv.email != user_email {
        return Err(Error::conflict(
            "invitation",
            format!(
                "This invitation is for {}, but you are signed in as {user_email}.",
                inv.email
            ),
        ));
    }
    let now = ports.db.now();
    orgs::lock(&mut **tx, &inv.org_id)
        .await
        .or_internal("locking the organization")?;
    let grants = invitations::grants(&mut **tx, std::slice::from_ref(&inv.id))
        .await
        .or_internal("loading invited workspaces")?;
    // The link is checked again here, under the lock: pending, unexpired, and still this link.
    if !invitations::mark_accepted(&mut **tx, &inv.id, &hash, user_id, now)
        .await
        .or_internal("accepting an invitation")?
    {
        return Err(refusal(tx, &inv.org_id, &inv.id, &hash, now).await?);
    }
    memberships::add_org_member_if_absent(&mut **tx, &inv.org_id, user_id, inv.role.as_str(), now)
        .await
        .or_internal("adding the new member")?;
    let mut first_workspace = None;
    for g in &grants {
        let active = workspaces::find_in_org(&mut **tx, &inv.org_id, &g.workspace_id)
            .await
            .or_internal("checking an invited workspace")?
            .is_some_and(|w| w.archived_at.is_none());
        if active {
            memberships::add_workspace_member_if_absent(
                &mut **tx,
                &g.workspace_id,
                user_id,
                g.role.as_str(),
                now,
            )
            .await
            .or_internal("adding a workspace membership")?;
            first_workspace.get_or_insert_with(|| g.workspace_id.clone());
        }
    }
    // The invitation held a seat, so accepting never needs a new one; the check guards
    // against a limit lowered since.
    let (members, pending, limit) = seat_usage(ports, tx, &inv.org_id, now).await?;
    if members + pending > limit {
        return Err(Error::LimitReached(format!(
            "{} has no free seat left. Ask an admin to free one.",
            inv.org_name
        )));
    }
    users::set_last_location(&mut **tx, user_id, &inv.org_id, first_workspace.as_deref())
        .await
        .or_internal("remembering the new organization")?;
    Ok(Joined {
        org_id: inv.org_id.clone(),
        workspace_id: first_workspace,
    })
}
