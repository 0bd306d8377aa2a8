//! The organization's invitations: the list, resend, a fresh link, revoke, the outbox.

use super::*;

/// A page of the organization's invitations (the open ones: pending, expired or not; or
/// one status),
/// newest first, from where `at` says.
pub async fn list(
    db: &Db,
    actor: &OrgActor,
    filter: Option<&str>,
    at: &PageAt,
) -> Result<InvitationsPage, Error> {
    actor.require(Action::InviteMembers)?;
    let now = db.now();
    let org_id = &actor.org_id;
    let (rows, neighbours) =
        read_page(
            at,
            "listing invitations",
            |at, limit| async move {
                invitations::list(&db.pool, org_id, filter, &at, now, limit).await
            },
            |r| r.id.clone(),
        )
        .await?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let grants = invitations::grants(&db.pool, &ids)
        .await
        .or_internal("listing invited workspaces")?;
    rows.into_iter()
        .map(|r| {
            let status = r
                .status_at(now)
                .ok_or_else(|| internal("reading an invitation status", &r.status))?;
            let role = r.role;
            let workspaces = grants
                .iter()
                .filter(|g| g.invitation_id == r.id)
                .map(|g| WorkspaceGrant {
                    workspace_id: g.workspace_id.clone(),
                    workspace_name: g.workspace_name.clone(),
                    role: g.role,
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
        .collect::<Result<Vec<_>, Error>>()
        .map(|invitations| InvitationsPage {
            invitations,
            neighbours,
        })
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
    ports: &Ports<'_>,
    actor: &OrgActor,
    invitation_id: &str,
    renewal: Renewal,
) -> Result<(invitations::InvitationDetailRow, String, i64), Error> {
    actor.require(Action::InviteMembers)?;
    let now = ports.db.now();
    let mut tx = actor
        .begin_locked(
            ports.db,
            Action::InviteMembers,
            "starting to renew an invitation",
        )
        .await?;
    let inv = invitations::find_in_org(&mut *tx, &actor.org_id, invitation_id)
        .await
        .or_internal("loading an invitation")?
        .ok_or(Error::NotFound)?;
    let status = inv.status_at(now).unwrap_or(InvitationStatus::Revoked);
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
        let (members, pending, limit) = seat_usage(ports, &mut tx, &actor.org_id, now).await?;
        if seats_free(limit, members, pending) < 1 {
            return Err(Error::LimitReached(format!(
                "All {limit} seats are taken: free one before resending."
            )));
        }
    }
    if renewal == Renewal::Email {
        let cap = ports.config.invite_resends;
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
        check_daily_emails(ports, &mut tx, &actor.org_id, 1, now).await?;
        invitation_sends::record(&mut *tx, &inv.id, &actor.org_id, now)
            .await
            .or_internal("counting an invitation email")?;
    }
    let (token, hash) = new_token();
    let expires_at = now + valid_for_ms(ports);
    invitations::renew(&mut *tx, &inv.id, &hash, expires_at)
        .await
        .or_internal("renewing an invitation")?;
    let by = match renewal {
        Renewal::Email => "email",
        Renewal::LinkOnly => "link",
    };
    let change = Change::new(
        AuditAction::InvitationResent,
        Target::named("invitation", &inv.id, &inv.email),
    )
    .before(json!({ "expires_at": inv.expires_at }))
    .after(json!({ "expires_at": expires_at, "sent_as": by }));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, now).await?;
    tx.commit()
        .await
        .or_internal("committing a renewed invitation")?;
    Ok((inv, token, expires_at))
}

/// Sends the invitation again with a new link.
pub async fn resend(ports: &Ports<'_>, actor: &OrgActor, invitation_id: &str) -> Result<(), Error> {
    let (inv, token, expires_at) = renew(ports, actor, invitation_id, Renewal::Email).await?;
    let role = inv.role;
    let grants = list_grants(ports.db, &inv.id).await?;
    email_invitation(
        ports, actor, &inv.id, &inv.email, role, &grants, &token, expires_at,
    )
    .await;
    Ok(())
}

/// A fresh link for the admin to pass on by hand (the emailed one stops working:
/// links are stored only as hashes, so an old one can't be shown again).
pub async fn fresh_link(
    ports: &Ports<'_>,
    actor: &OrgActor,
    invitation_id: &str,
) -> Result<String, Error> {
    let (_, token, _) = renew(ports, actor, invitation_id, Renewal::LinkOnly).await?;
    Ok(link(ports, &token))
}

pub async fn revoke(db: &Db, actor: &OrgActor, invitation_id: &str) -> Result<(), Error> {
    actor.require(Action::InviteMembers)?;
    let inv = invitations::find_in_org(&db.pool, &actor.org_id, invitation_id)
        .await
        .or_internal("loading an invitation")?
        .ok_or(Error::NotFound)?;
    let mut tx = db
        .pool
        .begin()
        .await
        .or_internal("revoking an invitation")?;
    if invitations::revoke(&mut *tx, invitation_id)
        .await
        .or_internal("revoking an invitation")?
    {
        let target = Target::named("invitation", &inv.id, &inv.email);
        let change = Change::new(AuditAction::InvitationRevoked, target)
            .before(json!({ "status": "pending" }))
            .after(json!({ "status": "revoked" }));
        audit::record(&mut tx, &actor.org_id, actor.into(), change, db.now()).await?;
        tx.commit().await.or_internal("revoking an invitation")
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
