//! Previewing and sending a batch of invitations.

use super::*;

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
    ports: &Ports<'_>,
    actor: &OrgActor,
    input: &InviteInput,
) -> Result<InvitePreview, Error> {
    actor.require(Action::InviteMembers)?;
    let db = ports.db;
    let (role, grants, batch) = read_request(db, actor, input).await?;
    let mut conn = db
        .pool
        .acquire()
        .await
        .or_internal("opening a connection")?;
    let (to_send, rejected) = sort_out(&mut conn, &actor.org_id, batch).await?;
    let now = db.now();
    let (members, pending, limit) = seat_usage(ports, &mut conn, &actor.org_id, now).await?;
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
pub async fn send(
    ports: &Ports<'_>,
    actor: &OrgActor,
    input: &InviteInput,
) -> Result<usize, Error> {
    actor.require(Action::InviteMembers)?;
    let db = ports.db;
    let (role, grants, batch) = read_request(db, actor, input).await?;
    let now = db.now();
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
    let (members, pending, limit) = seat_usage(ports, &mut tx, &actor.org_id, now).await?;
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
    check_daily_emails(ports, &mut tx, &actor.org_id, needed, now).await?;
    let expires_at = now + valid_for_ms(ports);
    let mut created = Vec::with_capacity(to_send.len());
    let mut changes = Vec::with_capacity(to_send.len());
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
        let workspaces: Vec<_> = grants
            .iter()
            .map(|g| json!({ "workspace": g.workspace_name, "role": g.role.as_str() }))
            .collect();
        let target = Target::named("invitation", &row.id, &row.email);
        let change = Change::new(AuditAction::InvitationSent, target)
            .after(json!({ "email": row.email, "role": row.role, "workspaces": workspaces }));
        changes.push(change);
        created.push((row, token));
    }
    audit::record_all(&mut tx, &actor.org_id, actor.into(), changes, now).await?;
    tx.commit().await.or_internal("committing invitations")?;

    let sent = created.len();
    for (row, token) in created {
        email_invitation(
            ports, actor, &row.id, &row.email, role, &grants, &token, expires_at,
        )
        .await;
    }
    Ok(sent)
}
