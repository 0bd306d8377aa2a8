//! The organization's members: the list, role changes, removal and leaving.
//! The last Admin can be neither demoted, removed nor leave; the check and the write
//! hold the organization's lock, so two racing requests can't both pass it.

use crate::domain::Error;
use crate::domain::admin::{MemberRow, MembersPage};
use crate::domain::audit::AuditAction;
use crate::domain::billing::Catalogue;
use crate::domain::keyset::PageAt;
use crate::domain::permissions::Action;
use crate::domain::roles::OrgRole;
use crate::server::authz::OrgActor;
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::repo::{api_keys, memberships};
use crate::server::services::audit::{self, Change, Target};
use crate::server::services::console_pages::read_page;
use crate::server::services::subscriptions;
use serde_json::json;

/// The longest member search.
pub const MAX_QUERY_CHARS: usize = 200;

/// A page of members whose name or email contains `query`, by name, from where `at`
/// says. Every query is an index range or a count, whatever the page.
pub async fn page(
    db: &Db,
    actor: &OrgActor,
    query: &str,
    at: &PageAt,
    catalogue: &Catalogue,
) -> Result<MembersPage, Error> {
    actor.require(Action::ViewMembers)?;
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::invalid(
            "query",
            format!("Search with at most {MAX_QUERY_CHARS} characters."),
        ));
    }
    let pattern = (!query.trim().is_empty()).then(|| memberships::like_pattern(query.trim()));
    let pattern = pattern.as_deref();
    let org_id = &actor.org_id;
    let (rows, neighbours) = read_page(
        at,
        "listing members",
        |at, limit| async move {
            memberships::page_members(&db.pool, org_id, pattern, &at, limit).await
        },
        |r| r.user_id.clone(),
    )
    .await?;
    // The rest on one connection, taken only now: a request never holds one connection
    // while it waits for another (under load, every request would hold one and wait).
    let mut conn = db.pool.acquire().await.or_internal("listing members")?;
    let (all_members, pending) =
        subscriptions::seats_taken(&mut conn, &actor.org_id, db.now()).await?;
    let total = match pattern {
        None => all_members,
        Some(_) => memberships::count_matching(&mut *conn, &actor.org_id, pattern)
            .await
            .or_internal("counting members")?,
    };
    let first = match (&neighbours.before, rows.first()) {
        (Some(_), Some(top)) => {
            memberships::count_before(&mut *conn, &actor.org_id, pattern, &top.user_id)
                .await
                .or_internal("counting members")?
                + 1
        }
        _ => 1,
    };
    let ids: Vec<String> = rows.iter().map(|r| r.user_id.clone()).collect();
    let names = memberships::workspace_names_of(&mut *conn, &actor.org_id, &ids)
        .await
        .or_internal("listing members' workspaces")?;
    let keys = api_keys::working_counts_by_creator(&mut *conn, &actor.org_id, &ids, db.now())
        .await
        .or_internal("counting members' keys")?;
    let members = rows
        .into_iter()
        .map(|r| {
            let role = r.role;
            let workspaces = names
                .iter()
                .filter(|(u, _)| *u == r.user_id)
                .map(|(_, n)| n.clone())
                .collect();
            let working_keys = keys
                .iter()
                .find(|(u, _)| *u == r.user_id)
                .map_or(0, |(_, n)| *n);
            Ok(MemberRow {
                working_keys,
                user_id: r.user_id,
                name: r.name,
                email: r.email,
                role,
                workspaces,
                joined_at: r.created_at,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let seat_limit = subscriptions::current(&mut conn, catalogue, &actor.org_id)
        .await?
        .seats;
    Ok(MembersPage {
        members,
        total,
        first,
        neighbours,
        seats_used: all_members + pending,
        seat_limit,
        pending_invitations: pending,
    })
}

fn last_admin(org_name_hint: &str) -> Error {
    Error::LimitReached(format!(
        "{org_name_hint} must keep at least one Admin. Make someone else Admin first."
    ))
}

/// Changes a member's organization role.
pub async fn change_role(
    db: &Db,
    actor: &OrgActor,
    user_id: &str,
    role: &str,
) -> Result<(), Error> {
    actor.require(Action::ManageMembers)?;
    let role = OrgRole::parse(role).ok_or_else(|| Error::invalid("role", "Choose a role."))?;
    let mut tx = actor
        .begin_locked(db, Action::ManageMembers, "starting a role change")
        .await?;
    let current = memberships::org_role(&mut *tx, &actor.org_id, user_id)
        .await
        .or_internal("reading a role")?
        .ok_or(Error::NotFound)?;
    if current == role {
        // Nothing changes, and nothing is recorded.
        return Ok(());
    }
    if current == OrgRole::Admin && role != OrgRole::Admin {
        let admins = memberships::count_admins(&mut *tx, &actor.org_id)
            .await
            .or_internal("counting admins")?;
        if admins <= 1 {
            return Err(last_admin("The organization"));
        }
    }
    memberships::set_org_role(&mut *tx, &actor.org_id, user_id, role.as_str())
        .await
        .or_internal("changing a role")?;
    let change = Change::new(
        AuditAction::MemberRoleChanged,
        Target::new("member", user_id),
    )
    .before(json!({ "role": current.as_str() }))
    .after(json!({ "role": role.as_str() }));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, db.now()).await?;
    tx.commit().await.or_internal("committing a role change")
}

/// Removes a member (or, for oneself, leaves): their workspace memberships go too, the
/// API keys they created are revoked, and their sessions lose the organization at the
/// next request (every request resolves membership afresh).
pub async fn remove(db: &Db, actor: &OrgActor, user_id: &str) -> Result<(), Error> {
    if user_id != actor.user_id {
        actor.require(Action::ManageMembers)?;
    }
    let mut tx = actor.begin_in_org(db, "starting a removal").await?;
    if user_id != actor.user_id {
        actor.require_locked(&mut tx, Action::ManageMembers).await?;
    }
    let current = memberships::org_role(&mut *tx, &actor.org_id, user_id)
        .await
        .or_internal("reading a role")?
        .ok_or(Error::NotFound)?;
    if current == OrgRole::Admin {
        let admins = memberships::count_admins(&mut *tx, &actor.org_id)
            .await
            .or_internal("counting admins")?;
        if admins <= 1 {
            return Err(last_admin(if user_id == actor.user_id {
                "You are the last Admin: the organization"
            } else {
                "The organization"
            }));
        }
    }
    // Named while they are still a member.
    let leaving = user_id == actor.user_id;
    let action = if leaving {
        AuditAction::MemberLeft
    } else {
        AuditAction::MemberRemoved
    };
    let label = audit::label_of(&mut tx, "member", user_id)
        .await?
        .unwrap_or_default();
    memberships::delete_workspace_memberships_in_org(&mut *tx, &actor.org_id, user_id)
        .await
        .or_internal("removing workspace memberships")?;
    // Their keys stay dead even if they are invited back.
    api_keys::revoke_for_departure(&mut tx, &actor.org_id, None, user_id, db.now())
        .await
        .or_internal("revoking a departing member's keys")?;
    memberships::delete_org_member(&mut *tx, &actor.org_id, user_id)
        .await
        .or_internal("removing a member")?;
    // Whoever leaves or is removed is not brought back by the organization's domain.
    super::joining::stop_offering(&mut tx, &actor.org_id, user_id, db.now()).await?;
    let change = Change::new(action, Target::named("member", user_id, label))
        .before(json!({ "role": current.as_str() }));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, db.now()).await?;
    tx.commit().await.or_internal("committing a removal")
}
