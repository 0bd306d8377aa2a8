//! Inviting people: preview, send, resend, revoke, a fresh link, the landing page.
//! Accepting is in `accepting`.
//! Seats: every member and every pending invitation takes one; writes that could
//! exceed the limit hold the organization's lock (see `repo::orgs::lock`).

use crate::domain::Error;
use crate::domain::admin::{OutboxEntry, format_timestamp};
use crate::domain::invitations::{
    Batch, InvitationLanding, InvitationStatus, InvitationView, InvitePreview, Rejected,
    WorkspaceGrant, parse_batch, parse_workspace_roles, seats, seats_free,
};
use crate::domain::permissions::Action;
use crate::domain::roles::{OrgRole, WorkspaceRole};
use crate::server::authz::OrgActor;
use crate::server::db::{Db, now_ms};
use crate::server::email::Invitation as InvitationEmail;
use crate::server::error::{OrInternal, internal};
use crate::server::ids::new_id;
use crate::server::repo::users::UserRow;
use crate::server::repo::{
    invitation_sends, invitations, memberships, orgs, outbox, users, workspaces,
};
use crate::server::state::AppState;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// What the invite form sends.
pub struct InviteInput {
    /// Addresses separated by commas, spaces or new lines.
    pub emails: String,
    pub role: String,
    /// `workspace_id:role` pairs, comma-separated.
    pub workspaces: String,
}

/// A new secret token (256 random bits) and its hash, the only form stored.
fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn link(state: &AppState, token: &str) -> String {
    format!("{}/invite/{token}", state.config.public_url)
}

fn valid_for_ms(state: &AppState) -> i64 {
    state.config.invite_valid_days * 86_400_000
}

/// Seats of the organization: (members, pending unexpired invitations, limit).
/// Run it on the transaction that holds the organization's lock.
pub(super) async fn seat_usage(
    state: &AppState,
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    now: i64,
) -> Result<(i64, i64, i64), Error> {
    let members = memberships::count_members(&mut *conn, org_id)
        .await
        .or_internal("counting members")?;
    let pending = invitations::count_pending(&mut *conn, org_id, now)
        .await
        .or_internal("counting invitations")?;
    let limit = orgs::seat_limit(&mut *conn, org_id)
        .await
        .or_internal("reading the seat limit")?
        .unwrap_or(state.config.seat_limit);
    Ok((members, pending, limit))
}

/// Checks role, workspaces and addresses; rejects malformed addresses by address.
async fn read_request(
    db: &Db,
    actor: &OrgActor,
    input: &InviteInput,
) -> Result<(OrgRole, Vec<WorkspaceGrant>, Batch), Error> {
    let role = OrgRole::parse(&input.role).ok_or_else(|| Error::invalid("role", "Choose a role."));
    let pairs =
        parse_workspace_roles(&input.workspaces).map_err(|m| Error::invalid("workspaces", m));
    let batch = parse_batch(&input.emails)
        .map_err(|m| Error::invalid("emails", m))
        .and_then(|b| {
            if b.valid.is_empty() && b.rejected.is_empty() {
                Err(Error::invalid(
                    "emails",
                    "Enter at least one email address.",
                ))
            } else {
                Ok(b)
            }
        });
    Error::all_valid([
        role.as_ref().err(),
        pairs.as_ref().err(),
        batch.as_ref().err(),
    ])?;
    let (role, pairs, batch) = (role?, pairs?, batch?);
    let mut grants = Vec::with_capacity(pairs.len());
    for (workspace_id, ws_role) in pairs {
        let ws = workspaces::find_in_org(&db.pool, &actor.org_id, &workspace_id)
            .await
            .or_internal("checking an invited workspace")?
            .filter(|w| w.archived_at.is_none())
            .ok_or_else(|| {
                Error::invalid(
                    "workspaces",
                    "One of the chosen workspaces no longer exists.",
                )
            })?;
        grants.push(WorkspaceGrant {
            workspace_id: ws.id,
            workspace_name: ws.name,
            role: ws_role,
        });
    }
    Ok((role, grants, batch))
}

/// Splits the valid addresses into those to invite and those that are members or
/// already invited.
async fn sort_out(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    batch: Batch,
) -> Result<(Vec<String>, Vec<Rejected>), Error> {
    let members = memberships::member_emails(&mut *conn, org_id, &batch.valid)
        .await
        .or_internal("checking existing members")?;
    let invited = invitations::pending_emails(&mut *conn, org_id, &batch.valid)
        .await
        .or_internal("checking open invitations")?;
    let mut rejected = batch.rejected;
    let mut to_send = Vec::new();
    for email in batch.valid {
        if members.contains(&email) {
            rejected.push(Rejected {
                email,
                reason: "Already a member of this organization.".into(),
            });
        } else if invited.contains(&email) {
            rejected.push(Rejected {
                email,
                reason: "Already invited: resend the invitation instead.".into(),
            });
        } else {
            to_send.push(email);
        }
    }
    Ok((to_send, rejected))
}

/// What sending would do, without doing it.
pub async fn preview(
    state: &AppState,
    actor: &OrgActor,
    input: &InviteInput,
) -> Result<InvitePreview, Error> {
    actor.require(Action::InviteMembers)?;
    let db = &state.db;
    let (role, grants, batch) = read_request(db, actor, input).await?;
    let mut conn = db
        .pool
        .acquire()
        .await
        .or_internal("opening a connection")?;
    let (to_send, rejected) = sort_out(&mut conn, &actor.org_id, batch).await?;
    let now = now_ms();
    let (members, pending, limit) = seat_usage(state, &mut conn, &actor.org_id, now).await?;
    Ok(InvitePreview {
        to_send,
        rejected,
        role,
        workspaces: grants,
        seats_free: seats_free(limit, members, pending),
    })
}

/// Sends the invitations the preview showed, if they still fit the seats.
/// Returns how many were sent.
pub async fn send(state: &AppState, actor: &OrgActor, input: &InviteInput) -> Result<usize, Error> {
    actor.require(Action::InviteMembers)?;
    let db = &state.db;
    let (role, grants, batch) = read_request(db, actor, input).await?;
    let now = now_ms();
    let mut tx = db.pool.begin().await.or_internal("starting invitations")?;
    if !orgs::lock(&mut *tx, &actor.org_id)
        .await
        .or_internal("locking the organization")?
    {
        return Err(Error::NotFound);
    }
    actor.require_locked(&mut tx, Action::InviteMembers).await?;
    let (to_send, _) = sort_out(&mut tx, &actor.org_id, batch).await?;
    if to_send.is_empty() {
        return Err(Error::invalid(
            "emails",
            "Everyone in this list is already a member or invited.",
        ));
    }
    let (members, pending, limit) = seat_usage(state, &mut tx, &actor.org_id, now).await?;
    let free = seats_free(limit, members, pending);
    let needed = to_send.len() as i64;
    if needed > free {
        return Err(Error::LimitReached(format!(
            "These invitations need {}, but only {} of {} {} free. Remove some addresses or free seats first.",
            seats(needed),
            seats(free),
            limit,
            if free == 1 { "is" } else { "are" }
        )));
    }
    check_daily_emails(state, &mut tx, &actor.org_id, needed, now).await?;
    let expires_at = now + valid_for_ms(state);
    let mut created = Vec::with_capacity(to_send.len());
    for email in to_send {
        let (token, hash) = new_token();
        let row = invitations::InvitationRow {
            id: new_id("inv"),
            org_id: actor.org_id.clone(),
            email,
            role: role.as_str().to_owned(),
            invited_by: Some(actor.user_id.clone()),
            status: "pending".into(),
            expires_at,
            created_at: now,
        };
        invitations::insert(&mut *tx, &row, &hash)
            .await
            .or_internal("inserting an invitation")?;
        invitation_sends::record(&mut *tx, &row.id, &row.org_id, now)
            .await
            .or_internal("counting an invitation email")?;
        for g in &grants {
            invitations::insert_grant(&mut *tx, &row.id, &g.workspace_id, g.role.as_str())
                .await
                .or_internal("inserting an invited workspace")?;
        }
        created.push((row, token));
    }
    tx.commit().await.or_internal("committing invitations")?;

    let sent = created.len();
    for (row, token) in created {
        email_invitation(
            state, actor, &row.id, &row.email, role, &grants, &token, expires_at,
        )
        .await;
    }
    Ok(sent)
}

/// Records and sends one invitation email. A failure is logged: the invitation
/// exists and its link can be copied from the console.
#[allow(clippy::too_many_arguments)]
async fn email_invitation(
    state: &AppState,
    actor: &OrgActor,
    invitation_id: &str,
    to: &str,
    role: OrgRole,
    grants: &[WorkspaceGrant],
    token: &str,
    expires_at: i64,
) {
    let names = async {
        let org = orgs::find_by_id(&state.db.pool, &actor.org_id)
            .await
            .ok()
            .flatten();
        let inviter = users::find_by_id(&state.db.pool, &actor.user_id)
            .await
            .ok()
            .flatten();
        (
            org.map(|o| o.name).unwrap_or_default(),
            inviter.map(|u| u.name).unwrap_or_else(|| "An admin".into()),
        )
    };
    let (org_name, inviter) = names.await;
    let workspace_names = grants
        .iter()
        .map(|g| g.workspace_name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mail = InvitationEmail {
        org_id: &actor.org_id,
        invitation_id,
        to,
        org_name: &org_name,
        inviter: &inviter,
        role: role.label(),
        workspaces: &workspace_names,
        link: &link(state, token),
        expires: &format_timestamp(expires_at),
    };
    if let Err(e) = state.mailer.send_invitation(&state.db, mail).await {
        internal("emailing an invitation", e);
    }
}

/// The organization's invitations (all but accepted ones, or one status), newest first.
pub async fn list(
    db: &Db,
    actor: &OrgActor,
    filter: Option<&str>,
) -> Result<Vec<InvitationView>, Error> {
    actor.require(Action::InviteMembers)?;
    let now = now_ms();
    let rows = invitations::list(&db.pool, &actor.org_id, filter, now, 200)
        .await
        .or_internal("listing invitations")?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let grants = invitations::grants(&db.pool, &ids)
        .await
        .or_internal("listing invited workspaces")?;
    rows.into_iter()
        .map(|r| {
            let status = InvitationStatus::at(&r.status, r.expires_at, now)
                .ok_or_else(|| internal("reading an invitation status", &r.status))?;
            let role = OrgRole::parse(&r.role)
                .ok_or_else(|| internal("reading an invitation role", &r.role))?;
            let workspaces = grants
                .iter()
                .filter(|g| g.invitation_id == r.id)
                .filter_map(|g| {
                    Some(WorkspaceGrant {
                        workspace_id: g.workspace_id.clone(),
                        workspace_name: g.workspace_name.clone(),
                        role: WorkspaceRole::parse(&g.role)?,
                    })
                })
                .collect();
            Ok(InvitationView {
                id: r.id,
                email: r.email,
                role,
                workspaces,
                invited_by: r.inviter_name,
                status,
                created_at: r.created_at,
                expires_at: r.expires_at,
            })
        })
        .collect()
}

const DAY_MS: i64 = 86_400_000;

/// Refuses `needed` more invitation emails when they would pass the organization's daily
/// cap (`INVITE_EMAILS_PER_DAY`). Run it under the organization's lock.
async fn check_daily_emails(
    state: &AppState,
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    needed: i64,
    now: i64,
) -> Result<(), Error> {
    let cap = state.config.invite_emails_per_day;
    let sent = invitation_sends::count_for_org_since(&mut *conn, org_id, now - DAY_MS)
        .await
        .or_internal("counting invitation emails")?;
    if sent + needed > cap {
        return Err(Error::LimitReached(format!(
            "An organization can send {cap} invitation emails a day; {sent} went out in the \
             last 24 hours, so {} more can be sent now. Try again later.",
            (cap - sent).max(0)
        )));
    }
    Ok(())
}

/// Whether a renewal sends an email (Resend) or only makes a link to copy.
#[derive(PartialEq)]
enum Renewal {
    Email,
    LinkOnly,
}

/// Gives a pending or expired invitation a new link (the old one dies) and a new
/// validity period. Re-opening an expired one takes a seat again, so it is checked; an
/// email counts against the caps.
async fn renew(
    state: &AppState,
    actor: &OrgActor,
    invitation_id: &str,
    renewal: Renewal,
) -> Result<(invitations::InvitationDetailRow, String, i64), Error> {
    actor.require(Action::InviteMembers)?;
    let now = now_ms();
    let mut tx = state
        .db
        .pool
        .begin()
        .await
        .or_internal("starting to renew an invitation")?;
    orgs::lock(&mut *tx, &actor.org_id)
        .await
        .or_internal("locking the organization")?;
    actor.require_locked(&mut tx, Action::InviteMembers).await?;
    let inv = invitations::find_in_org(&mut *tx, &actor.org_id, invitation_id)
        .await
        .or_internal("loading an invitation")?
        .ok_or(Error::NotFound)?;
    let status =
        InvitationStatus::at(&inv.status, inv.expires_at, now).unwrap_or(InvitationStatus::Revoked);
    if !status.can_resend() {
        return Err(Error::conflict(
            "invitation",
            format!(
                "This invitation was {}; send a new one instead.",
                status.label().to_lowercase()
            ),
        ));
    }
    if status == InvitationStatus::Expired {
        let (members, pending, limit) = seat_usage(state, &mut tx, &actor.org_id, now).await?;
        if seats_free(limit, members, pending) < 1 {
            return Err(Error::LimitReached(format!(
                "All {limit} seats are taken: free one before resending."
            )));
        }
    }
    if renewal == Renewal::Email {
        let cap = state.config.invite_resends;
        let sent = invitation_sends::count_for_invitation(&mut *tx, &inv.id)
            .await
            .or_internal("counting an invitation's emails")?;
        if sent > cap {
            let times = match cap {
                0 => "It may not be sent again".to_owned(),
                1 => "It was already sent again once, the limit".to_owned(),
                n => format!("It was already sent again {n} times, the limit"),
            };
            return Err(Error::LimitReached(format!(
                "{times}. Use \"Copy link\" to pass it on yourself, or revoke it and invite again."
            )));
        }
        check_daily_emails(state, &mut tx, &actor.org_id, 1, now).await?;
        invitation_sends::record(&mut *tx, &inv.id, &actor.org_id, now)
            .await
            .or_internal("counting an invitation email")?;
    }
    let (token, hash) = new_token();
    let expires_at = now + valid_for_ms(state);
    invitations::renew(&mut *tx, &inv.id, &hash, expires_at)
        .await
        .or_internal("renewing an invitation")?;
    tx.commit()
        .await
        .or_internal("committing a renewed invitation")?;
    Ok((inv, token, expires_at))
}

/// Sends the invitation again with a new link.
pub async fn resend(state: &AppState, actor: &OrgActor, invitation_id: &str) -> Result<(), Error> {
    let (inv, token, expires_at) = renew(state, actor, invitation_id, Renewal::Email).await?;
    let role =
        OrgRole::parse(&inv.role).ok_or_else(|| internal("reading an invited role", &inv.role))?;
    let grants = list_grants(&state.db, &inv.id).await?;
    email_invitation(
        state, actor, &inv.id, &inv.email, role, &grants, &token, expires_at,
    )
    .await;
    Ok(())
}

/// A fresh link for the admin to pass on by hand (the emailed one stops working:
/// links are stored only as hashes, so an old one can't be shown again).
pub async fn fresh_link(
    state: &AppState,
    actor: &OrgActor,
    invitation_id: &str,
) -> Result<String, Error> {
    let (_, token, _) = renew(state, actor, invitation_id, Renewal::LinkOnly).await?;
    Ok(link(state, &token))
}

async fn list_grants(db: &Db, invitation_id: &str) -> Result<Vec<WorkspaceGrant>, Error> {
    Ok(invitations::grants(&db.pool, &[invitation_id.to_owned()])
        .await
        .or_internal("loading invited workspaces")?
        .into_iter()
        .filter_map(|g| {
            Some(WorkspaceGrant {
                workspace_id: g.workspace_id,
                workspace_name: g.workspace_name,
                role: WorkspaceRole::parse(&g.role)?,
            })
        })
        .collect())
}

pub async fn revoke(db: &Db, actor: &OrgActor, invitation_id: &str) -> Result<(), Error> {
    actor.require(Action::InviteMembers)?;
    invitations::find_in_org(&db.pool, &actor.org_id, invitation_id)
        .await
        .or_internal("loading an invitation")?
        .ok_or(Error::NotFound)?;
    if invitations::revoke(&db.pool, invitation_id)
        .await
        .or_internal("revoking an invitation")?
    {
        Ok(())
    } else {
        Err(Error::conflict(
            "invitation",
            "This invitation is no longer pending.",
        ))
    }
}

/// The organization's latest emails.
pub async fn outbox(db: &Db, actor: &OrgActor) -> Result<Vec<OutboxEntry>, Error> {
    actor.require(Action::InviteMembers)?;
    let rows = outbox::latest(&db.pool, &actor.org_id, 20)
        .await
        .or_internal("reading the outbox")?;
    Ok(rows
        .into_iter()
        .map(|r| OutboxEntry {
            to: r.to_email,
            subject: r.subject,
            created_at: r.created_at,
            delivery: match (r.sent_at, r.error) {
                (_, Some(e)) => format!("Not sent: {e}"),
                (Some(_), None) => "Sent".into(),
                (None, None) => "Recorded".into(),
            },
        })
        .collect())
}

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
    let status = InvitationStatus::at(&inv.status, inv.expires_at, now_ms())
        .unwrap_or(InvitationStatus::Revoked);
    let workspaces = list_grants(db, &inv.id)
        .await?
        .into_iter()
        .map(|g| g.workspace_name)
        .collect();
    Ok(InvitationLanding {
        org_name: inv.org_name,
        invited_by: inv.inviter_name,
        email: inv.email,
        role: OrgRole::parse(&inv.role)
            .ok_or_else(|| internal("reading an invited role", &inv.role))?,
        workspaces,
        status,
        signed_in_as: viewer.map(|u| u.email.clone()),
    })
}
