//! Accepting an invitation: as the signed-in person it was sent to, by creating the account
//! through the link, or from the console by a confirmed address (which may also decline).
//! Every way, one transaction writes everything, and it holds the organization's lock while
//! it checks the invitation: a link replaced by "Resend" or an invitation revoked while this
//! request waited for the lock no longer works.

use super::accounts::{self, NewAccount, SignUp};
use super::invitations::{seat_usage, token_hash};
use crate::domain::Error;
use crate::domain::audit::AuditAction;
use crate::domain::invitations::{
    InvitationForYou, InvitationStatus, MAX_SHOWN_TO_INVITEE, YourInvitations,
};
use crate::server::db::is_unique_violation;
use crate::server::error::{OrInternal, internal};
use crate::server::repo::invitations::InvitationDetailRow;
use crate::server::repo::users::UserRow;
use crate::server::repo::{invitations, join_requests, memberships, orgs, users, workspaces};
use crate::server::services::Ports;
use crate::server::services::audit::{self, By, Change, Target};
use serde_json::json;

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
    let proof = Proof::Link(token_hash(token));
    let joined = accept_in(ports, &mut tx, &inv, proof, &user.id, &user.email).await?;
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
    let account = accounts::create(&mut tx, prepared, ports.db.now()).await?;
    let proof = Proof::Link(token_hash(token));
    let joined = accept_in(ports, &mut tx, &inv, proof, &account.user_id, &email).await?;
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
    proof: &Proof,
    now: i64,
) -> Result<Error, Error> {
    let still_this_link = match proof {
        Proof::Link(hash) => invitations::find_by_token_hash(&mut *conn, hash)
            .await
            .or_internal("reloading an invitation")?
            .is_some(),
        Proof::ConfirmedAddress => true,
    };
    let fresh = invitations::find_in_org(&mut *conn, org_id, id)
        .await
        .or_internal("reloading an invitation")?
        .ok_or(Error::NotFound)?;
    let status = fresh.status_at(now).unwrap_or(InvitationStatus::Revoked);
    let message = match status {
        InvitationStatus::Accepted => "This invitation has already been used.",
        InvitationStatus::Expired => "This invitation has expired. Ask an admin to send it again.",
        InvitationStatus::Pending if !still_this_link => {
            "This link was replaced by a newer one: use the link in the latest email."
        }
        InvitationStatus::Declined => "You declined this invitation.",
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

/// What shows that the person accepting is the one invited.
enum Proof {
    /// The hash of the invitation's link (emailed to the address, or handed over by an
    /// admin), which must still be its current one.
    Link(String),
    /// The signed-in person's confirmed address is the invited one.
    ConfirmedAddress,
}

async fn accept_in(
    ports: &Ports<'_>,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    inv: &InvitationDetailRow,
    proof: Proof,
    user_id: &str,
    user_email: &str,
) -> Result<Joined, Error> {
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
    let accepted = match &proof {
        Proof::Link(hash) => {
            invitations::mark_accepted(&mut **tx, &inv.id, hash, user_id, now).await
        }
        Proof::ConfirmedAddress => {
            invitations::mark_accepted_by_invitee(&mut **tx, &inv.id, user_email, user_id, now)
                .await
        }
    };
    if !accepted.or_internal("accepting an invitation")? {
        return Err(refusal(tx, &inv.org_id, &inv.id, &proof, now).await?);
    }
    // An invitation's link confirms no address: an admin's "Copy link" hands it to anyone,
    // and anyone may create an organization and invite any address.
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
    join_requests::close(&mut **tx, &inv.org_id, user_id, "joined", None, now)
        .await
        .or_internal("closing a request to join")?;
    let workspaces: Vec<_> = grants
        .iter()
        .map(|g| json!({ "workspace_id": g.workspace_id, "role": g.role.as_str() }))
        .collect();
    let change = Change::new(
        AuditAction::MemberJoined,
        Target::named("member", user_id, user_email),
    )
    .after(json!({ "role": inv.role.as_str(), "invitation": inv.id, "workspaces": workspaces }));
    audit::record(tx, &inv.org_id, By::Person(user_id), change, now).await?;
    Ok(Joined {
        org_id: inv.org_id.clone(),
        workspace_id: first_workspace,
    })
}

/// Invitations are only answered from the console by a confirmed address: anyone can type
/// an address at sign-up.
fn require_confirmed(user: &UserRow) -> Result<(), Error> {
    match user.email_verified_at {
        Some(_) => Ok(()),
        None => Err(Error::conflict(
            "invitation",
            "Confirm your email address first: open the link we emailed you.",
        )),
    }
}

/// How many invitations wait for the person's address (none until it is confirmed).
pub async fn waiting(db: &crate::server::db::Db, user: &UserRow) -> Result<i64, Error> {
    if user.email_verified_at.is_none() {
        return Ok(0);
    }
    invitations::count_pending_for_email(&db.pool, &user.email, db.now())
        .await
        .or_internal("counting invitations waiting")
}

/// The invitations waiting for the person's address: none shown until it is confirmed.
pub async fn for_you(db: &crate::server::db::Db, user: &UserRow) -> Result<YourInvitations, Error> {
    let email_verified = user.email_verified_at.is_some();
    let mut shown = Vec::new();
    if email_verified {
        let rows =
            invitations::pending_for_email(&db.pool, &user.email, db.now(), MAX_SHOWN_TO_INVITEE)
                .await
                .or_internal("listing invitations to an address")?;
        let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
        let grants = invitations::grants(&db.pool, &ids)
            .await
            .or_internal("listing invited workspaces")?;
        shown = rows
            .into_iter()
            .map(|r| InvitationForYou {
                workspaces: grants
                    .iter()
                    .filter(|g| g.invitation_id == r.id)
                    .map(|g| format!("{} ({})", g.workspace_name, g.role.label()))
                    .collect(),
                id: r.id,
                org_name: r.org_name,
                invited_by: r.inviter_name,
                role: r.role,
                expires_at: r.expires_at,
            })
            .collect();
    }
    Ok(YourInvitations {
        name: user.name.clone(),
        email_verified,
        email: user.email.clone(),
        invitations: shown,
        domain_offer: None,
        joined: None,
    })
}

/// Accepts, from the console, an invitation to the person's confirmed address. Another
/// address's invitation is "not found".
pub async fn accept_as_invitee(
    ports: &Ports<'_>,
    invitation_id: &str,
    user: &UserRow,
) -> Result<Joined, Error> {
    require_confirmed(user)?;
    let inv = invitations::find_for_email(&ports.db.pool, invitation_id, &user.email)
        .await
        .or_internal("loading an invitation")?
        .ok_or(Error::NotFound)?;
    let mut tx = ports
        .db
        .pool
        .begin()
        .await
        .or_internal("starting to accept an invitation")?;
    let joined = accept_in(
        ports,
        &mut tx,
        &inv,
        Proof::ConfirmedAddress,
        &user.id,
        &user.email,
    )
    .await?;
    tx.commit()
        .await
        .or_internal("committing an accepted invitation")?;
    Ok(joined)
}

/// Declines an invitation to the person's confirmed address: it closes, and its seat is
/// free again. Another address's invitation is "not found".
pub async fn decline(ports: &Ports<'_>, invitation_id: &str, user: &UserRow) -> Result<(), Error> {
    require_confirmed(user)?;
    let now = ports.db.now();
    let mut tx = ports
        .db
        .pool
        .begin()
        .await
        .or_internal("declining an invitation")?;
    if invitations::decline(&mut *tx, invitation_id, &user.id, &user.email, now)
        .await
        .or_internal("declining an invitation")?
    {
        let inv = invitations::find_for_email(&mut *tx, invitation_id, &user.email)
            .await
            .or_internal("loading an invitation")?
            .ok_or(Error::NotFound)?;
        let target = Target::named("invitation", &inv.id, &inv.email);
        let change = Change::new(AuditAction::InvitationDeclined, target)
            .before(json!({ "status": "pending" }))
            .after(json!({ "status": "declined" }));
        audit::record(&mut tx, &inv.org_id, By::Person(&user.id), change, now).await?;
        return tx.commit().await.or_internal("declining an invitation");
    }
    drop(tx);
    let inv = invitations::find_for_email(&ports.db.pool, invitation_id, &user.email)
        .await
        .or_internal("loading an invitation")?
        .ok_or(Error::NotFound)?;
    let status = inv.status_at(now).unwrap_or(InvitationStatus::Revoked);
    Err(Error::conflict(
        "invitation",
        format!(
            "This invitation is {} already.",
            status.label().to_lowercase()
        ),
    ))
}
