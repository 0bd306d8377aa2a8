//! Joining an organization through a verified company domain: the offer a person with a
//! confirmed address at the domain sees ("Join Acme", "Ask to join Acme", "Not now"),
//! automatic joins, and the requests Admins approve or decline. Every join holds the
//! organization's lock while it checks the seats, as accepting an invitation does.

use super::accepting::Joined;
use super::invitations::seat_usage;
use crate::domain::Error;
use crate::domain::audit::AuditAction;
use crate::domain::org_domains::{
    JoinMode, JoinOffer, JoinRequestView, JoinRequestsPage, JoinedNotice, MAX_REQUESTS_SHOWN,
    email_domain,
};
use crate::domain::paths;
use crate::domain::permissions::Action;
use crate::server::authz::OrgActor;
use crate::server::db::Db;
use crate::server::email::JoinAnswerMail;
use crate::server::error::{OrInternal, internal};
use crate::server::ids::new_id;
use crate::server::repo::org_domains::{self, OpenDomainRow};
use crate::server::repo::users::UserRow;
use crate::server::repo::{invitations, join_requests, memberships, orgs, users};
use crate::server::services::Ports;
use crate::server::services::audit::{self, By, Change, Target};
use serde_json::json;

/// The domain of the person's address, once the address is confirmed: anyone can type
/// an address at sign-up, so an unconfirmed one is offered nothing.
fn confirmed_domain(user: &UserRow) -> Option<String> {
    user.email_verified_at?;
    email_domain(&user.email)
}

async fn open_domain(db: &Db, user: &UserRow) -> Result<Option<OpenDomainRow>, Error> {
    let Some(domain) = confirmed_domain(user) else {
        return Ok(None);
    };
    org_domains::offered_to(&db.pool, &domain, &user.id)
        .await
        .or_internal("looking for an organization at the address's domain")
}

/// What the person's domain offers them, if anything.
pub async fn offer(db: &Db, user: &UserRow) -> Result<Option<JoinOffer>, Error> {
    let Some(row) = open_domain(db, user).await? else {
        return Ok(None);
    };
    // With approval, what an Admin may give is theirs to say: not read, not shown.
    let workspaces = match row.join_mode {
        JoinMode::Approval => Vec::new(),
        _ => org_domains::workspaces_of(&db.pool, &row.id)
            .await
            .or_internal("listing the workspaces of a domain")?,
    };
    Ok(Some(JoinOffer {
        workspaces: workspaces
            .iter()
            .map(|w| format!("{} ({})", w.name, w.role.label()))
            .collect(),
        domain_id: row.id,
        domain: row.domain,
        org_name: row.org_name,
        mode: row.join_mode,
        role: row.join_role,
        requested: row.requested > 0,
    }))
}

/// Whether the person has an offer they have not answered (for the console's banner).
pub async fn offered(db: &Db, user: &UserRow) -> Result<bool, Error> {
    Ok(open_domain(db, user)
        .await?
        .is_some_and(|row| row.requested == 0 && row.join_mode != JoinMode::Automatic))
}

/// Invitations and offers waiting for the person's answer (the console's banner, and where
/// sign-in leads).
pub async fn answers_waiting(db: &Db, user: &UserRow) -> Result<i64, Error> {
    let invitations = super::accepting::waiting(db, user).await?;
    Ok(invitations + i64::from(offered(db, user).await?))
}

/// Where the person goes after the sign-in or confirmation that may have joined them
/// automatically: "You joined Acme" when it did, the welcome page when invitations or an
/// offer wait, else `otherwise`.
pub async fn next_page(
    ports: &Ports<'_>,
    user: &UserRow,
    otherwise: String,
) -> Result<String, Error> {
    if let Some(JoinOutcome::Joined(joined)) = join_automatically(ports, user).await {
        let param = format!("joined={}", paths::query_value(&joined.org_id));
        return Ok(paths::with_param(paths::WELCOME, &param));
    }
    if answers_waiting(ports.db, user).await? > 0 {
        return Ok(paths::WELCOME.to_owned());
    }
    Ok(otherwise)
}

/// How asking to join ended.
pub enum JoinOutcome {
    Joined(Joined),
    /// The request waits for an Admin (the domain asks for approval, or no seat is free).
    Requested,
}

/// Joins (or asks to join) the organization whose verified domain is the person's.
/// Another domain's id, or one that offers nothing, is "not found".
pub async fn join(
    ports: &Ports<'_>,
    user: &UserRow,
    domain_id: &str,
) -> Result<JoinOutcome, Error> {
    let Some(row) = open_domain(ports.db, user)
        .await?
        .filter(|r| r.id == domain_id)
    else {
        return Err(match confirmed_domain(user) {
            None => Error::conflict(
                "domain",
                "Confirm your email address first: open the link we emailed you.",
            ),
            Some(_) => Error::NotFound,
        });
    };
    join_through(ports, user, &row).await
}

/// Joins the organization of the person's domain if it takes people automatically (at
/// sign-in, and when the address is confirmed). Best effort: the sign-in or confirmation
/// it follows stands whatever happens here (a failure is logged; the offer stays).
pub async fn join_automatically(ports: &Ports<'_>, user: &UserRow) -> Option<JoinOutcome> {
    let attempt = async {
        match open_domain(ports.db, user).await? {
            Some(row) if row.join_mode == JoinMode::Automatic && row.requested == 0 => {
                Ok(Some(join_through(ports, user, &row).await?))
            }
            _ => Ok::<_, Error>(None),
        }
    };
    attempt.await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, user = %user.id, "an automatic join through a domain failed");
        None
    })
}

/// The verified domain through which the person, as stored now, may join `org_id`: their
/// address confirmed and at the domain, the domain in a join mode, and no "Not now" (nor
/// removal, nor declined request) since. Read under the organization's lock, so that a
/// change of address, mode or verification that landed meanwhile is seen.
async fn joinable_now(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    user_id: &str,
) -> Result<Option<(UserRow, org_domains::DomainRow)>, Error> {
    let Some(user) = users::find_by_id(&mut *conn, user_id)
        .await
        .or_internal("reloading the person")?
    else {
        return Ok(None);
    };
    let Some(domain) = confirmed_domain(&user) else {
        return Ok(None);
    };
    let row = org_domains::verified_in_org(&mut *conn, org_id, &domain)
        .await
        .or_internal("reloading the domain")?
        .filter(|d| d.join_mode != JoinMode::Off);
    let Some(row) = row else {
        return Ok(None);
    };
    if join_requests::dismissed(&mut *conn, user_id, org_id)
        .await
        .or_internal("reading a turned-down offer")?
    {
        return Ok(None);
    }
    Ok(Some((user, row)))
}

/// Seats in use, leaving out the person's own pending invitations to the organization:
/// joining uses the seat they hold.
async fn seats_for(
    ports: &Ports<'_>,
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    email: &str,
    now: i64,
) -> Result<(i64, i64), Error> {
    let (members, pending, limit) = seat_usage(ports, conn, org_id, now).await?;
    let own = invitations::count_pending_in_org_for_email(&mut *conn, org_id, email, now)
        .await
        .or_internal("counting the person's invitations")?;
    Ok((members + pending - own, limit))
}

async fn join_through(
    ports: &Ports<'_>,
    user: &UserRow,
    row: &OpenDomainRow,
) -> Result<JoinOutcome, Error> {
    let now = ports.db.now();
    let mut tx = ports
        .db
        .pool
        .begin()
        .await
        .or_internal("starting to join")?;
    orgs::lock(&mut *tx, &row.org_id)
        .await
        .or_internal("locking the organization")?;
    if memberships::org_role(&mut *tx, &row.org_id, &user.id)
        .await
        .or_internal("reading a membership")?
        .is_some()
    {
        return Ok(JoinOutcome::Joined(Joined {
            org_id: row.org_id.clone(),
            workspace_id: None,
        }));
    }
    // What the domain gives now, not what it gave when the page was read.
    let (user, domain) = joinable_now(&mut tx, &row.org_id, &user.id)
        .await?
        .filter(|(_, d)| d.id == row.id)
        .ok_or(Error::NotFound)?;
    let (in_use, limit) = seats_for(ports, &mut tx, &row.org_id, &user.email, now).await?;
    if domain.join_mode == JoinMode::Approval || in_use >= limit {
        let open = join_requests::open_for_user(&mut *tx, &row.org_id, &user.id)
            .await
            .or_internal("reading a request to join")?;
        if open.is_none() {
            join_requests::insert(
                &mut *tx,
                &new_id("jrq"),
                &row.org_id,
                &user.id,
                &user.email,
                now,
            )
            .await
            .or_internal("recording a request to join")?;
        }
        tx.commit()
            .await
            .or_internal("committing a request to join")?;
        return Ok(JoinOutcome::Requested);
    }
    let by = By::Person(&user.id);
    let joined = add_member(
        &mut tx,
        &row.org_id,
        &domain,
        &user,
        (by, AuditAction::MemberJoined),
        now,
    )
    .await?;
    join_requests::close(&mut *tx, &row.org_id, &user.id, "joined", None, now)
        .await
        .or_internal("closing a request to join")?;
    tx.commit().await.or_internal("committing a join")?;
    Ok(JoinOutcome::Joined(joined))
}

/// Adds the person with the domain's role, to its active workspaces; their pending
/// invitations to the organization are used up (they held the seat); remembers the
/// organization as where they were last.
/// `entry`: who let them in (themselves, or the Admin who approved) and how, for the
/// audit log.
async fn add_member(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    org_id: &str,
    domain: &org_domains::DomainRow,
    user: &UserRow,
    entry: (By<'_>, AuditAction),
    now: i64,
) -> Result<Joined, Error> {
    let role = domain.join_role.as_str();
    memberships::add_org_member_if_absent(&mut **tx, org_id, &user.id, role, now)
        .await
        .or_internal("adding the new member")?;
    invitations::accept_pending_in_org(&mut **tx, org_id, &user.email, &user.id, now)
        .await
        .or_internal("closing the person's invitations")?;
    let grants = org_domains::workspaces_of(&mut **tx, &domain.id)
        .await
        .or_internal("listing the workspaces of a domain")?;
    for g in &grants {
        memberships::add_workspace_member_if_absent(
            &mut **tx,
            &g.workspace_id,
            &user.id,
            g.role.as_str(),
            now,
        )
        .await
        .or_internal("adding a workspace membership")?;
    }
    let first_workspace = grants.first().map(|g| g.workspace_id.clone());
    users::set_last_location(&mut **tx, &user.id, org_id, first_workspace.as_deref())
        .await
        .or_internal("remembering the new organization")?;
    let workspaces: Vec<_> = grants
        .iter()
        .map(|g| json!({ "workspace_id": g.workspace_id, "role": g.role.as_str() }))
        .collect();
    let (by, action) = entry;
    let change = Change::new(action, Target::named("member", &user.id, &user.email))
        .after(json!({ "role": role, "through_domain": domain.domain, "workspaces": workspaces }));
    audit::record(tx, org_id, by, change, now).await?;
    Ok(Joined {
        org_id: org_id.to_owned(),
        workspace_id: first_workspace,
    })
}

/// "Not now": the organization is no longer offered to the person through their domain.
pub async fn dismiss(ports: &Ports<'_>, user: &UserRow, domain_id: &str) -> Result<(), Error> {
    let row = open_domain(ports.db, user)
        .await?
        .filter(|r| r.id == domain_id)
        .ok_or(Error::NotFound)?;
    let now = ports.db.now();
    let mut tx = ports
        .db
        .pool
        .begin()
        .await
        .or_internal("starting a Not now")?;
    stop_offering(&mut tx, &row.org_id, &user.id, now).await?;
    tx.commit().await.or_internal("committing a Not now")
}

/// The organization is no longer offered to the person through their domain, and their
/// open request to join it (if any) is withdrawn: after "Not now", and when they leave or
/// are removed (an automatic domain must not bring them back).
pub(crate) async fn stop_offering(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    user_id: &str,
    now: i64,
) -> Result<(), Error> {
    join_requests::dismiss(&mut *conn, user_id, org_id, now)
        .await
        .or_internal("ending offers to join")?;
    join_requests::close(&mut *conn, org_id, user_id, "withdrawn", None, now)
        .await
        .or_internal("withdrawing a request to join")?;
    Ok(())
}

/// The organization the person is a member of, named for "You joined ...".
pub async fn joined_notice(
    db: &Db,
    user: &UserRow,
    org_id: &str,
) -> Result<Option<JoinedNotice>, Error> {
    let member = memberships::org_role(&db.pool, org_id, &user.id)
        .await
        .or_internal("reading a membership")?
        .is_some();
    if !member {
        return Ok(None);
    }
    let org = orgs::find_by_id(&db.pool, org_id)
        .await
        .or_internal("loading an organization")?;
    Ok(org.map(|o| JoinedNotice {
        org_name: o.name,
        href: paths::org_home(org_id),
    }))
}

/// Admin Settings -> Members -> Requests.
pub async fn requests(ports: &Ports<'_>, actor: &OrgActor) -> Result<JoinRequestsPage, Error> {
    actor.require(Action::ManageMembers)?;
    let pool = &ports.db.pool;
    let rows = join_requests::open_in_org(pool, &actor.org_id, MAX_REQUESTS_SHOWN)
        .await
        .or_internal("listing requests to join")?;
    let total = join_requests::count_open(pool, &actor.org_id)
        .await
        .or_internal("counting requests to join")?;
    let mut conn = pool.acquire().await.or_internal("reading seats")?;
    let (members, pending, limit) =
        seat_usage(ports, &mut conn, &actor.org_id, ports.db.now()).await?;
    Ok(JoinRequestsPage {
        requests: rows
            .into_iter()
            .map(|r| JoinRequestView {
                id: r.id,
                name: r.name,
                email: r.email,
                created_at: r.created_at,
            })
            .collect(),
        total,
        seats_used: members + pending,
        seat_limit: limit,
    })
}

/// Approves or declines a request; the person is emailed either way. Approving takes a
/// seat, checked under the organization's lock, and holds only while the person's address
/// is still confirmed at a domain this organization verified and lets people join: a
/// request that no longer holds is closed instead. A declined person is not offered the
/// organization again.
pub async fn answer(
    ports: &Ports<'_>,
    actor: &OrgActor,
    request_id: &str,
    approve: bool,
) -> Result<(), Error> {
    actor.require(Action::ManageMembers)?;
    let now = ports.db.now();
    let mut tx = actor
        .begin_locked(
            ports.db,
            Action::ManageMembers,
            "starting to answer a request",
        )
        .await?;
    let Some(request) = join_requests::find_open(&mut *tx, &actor.org_id, request_id)
        .await
        .or_internal("loading a request to join")?
    else {
        let answered = join_requests::exists(&mut *tx, &actor.org_id, request_id)
            .await
            .or_internal("loading a request to join")?;
        return Err(match answered {
            true => Error::conflict("request", "This request was answered already."),
            false => Error::NotFound,
        });
    };
    if approve {
        let member = memberships::org_role(&mut *tx, &actor.org_id, &request.user_id)
            .await
            .or_internal("reading a membership")?
            .is_some();
        if !member {
            let Some((user, domain)) =
                joinable_now(&mut tx, &actor.org_id, &request.user_id).await?
            else {
                join_requests::close(
                    &mut *tx,
                    &actor.org_id,
                    &request.user_id,
                    "withdrawn",
                    Some(&actor.user_id),
                    now,
                )
                .await
                .or_internal("closing a request to join")?;
                tx.commit().await.or_internal("closing a request to join")?;
                return Err(Error::conflict(
                    "request",
                    "This request no longer holds: the person's address is no longer confirmed at a domain this organization verified and lets people join through. It is closed; invite them instead.",
                ));
            };
            let (in_use, limit) =
                seats_for(ports, &mut tx, &actor.org_id, &user.email, now).await?;
            if in_use >= limit {
                return Err(Error::LimitReached(format!(
                    "No seat is free ({in_use} of {limit} in use). Add seats in Billing or remove a member, then approve."
                )));
            }
            let entry = (By::from(actor), AuditAction::JoinRequestApproved);
            add_member(&mut tx, &actor.org_id, &domain, &user, entry, now).await?;
        }
    } else {
        join_requests::dismiss(&mut *tx, &request.user_id, &actor.org_id, now)
            .await
            .or_internal("ending offers to join")?;
        let target = Target::named("member", &request.user_id, &request.email);
        let change = Change::new(AuditAction::JoinRequestDeclined, target);
        audit::record(&mut tx, &actor.org_id, actor.into(), change, now).await?;
    }
    let outcome = if approve { "approved" } else { "declined" };
    join_requests::close(
        &mut *tx,
        &actor.org_id,
        &request.user_id,
        outcome,
        Some(&actor.user_id),
        now,
    )
    .await
    .or_internal("closing a request to join")?;
    let org = orgs::find_by_id(&mut *tx, &actor.org_id)
        .await
        .or_internal("loading the organization")?
        .ok_or(Error::NotFound)?;
    let link = match approve {
        true => format!(
            "{}{}",
            ports.config.public_url,
            paths::org_home(&actor.org_id)
        ),
        false => format!("{}{}", ports.config.public_url, paths::WELCOME),
    };
    // To the address the account has now (`request.email` is read from the account).
    let recorded = ports
        .mailer
        .record_join_answer(
            &mut tx,
            now,
            JoinAnswerMail {
                org_id: &actor.org_id,
                to: &request.email,
                org_name: &org.name,
                approved: approve,
                link: &link,
            },
        )
        .await
        .map_err(|e| internal("recording the answer's email", e))?;
    tx.commit().await.or_internal("committing an answer")?;
    ports.mailer.send(ports.db, recorded);
    Ok(())
}
