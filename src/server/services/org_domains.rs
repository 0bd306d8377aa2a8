//! Admin Settings -> Domains: adding a company domain, proving it with a DNS TXT record,
//! and choosing what people at a verified domain are offered. One domain is verified by
//! one organization at most: the database's unique index on verified domains decides a
//! race, whatever the engine and however many console processes.

use crate::domain::Error;
use crate::domain::audit::AuditAction;
use crate::domain::org_domains::{
    self, DomainView, DomainsPage, GrantField, JoinMode, JoinWorkspace, MAX_DOMAINS_PER_ORG,
    MAX_JOIN_WORKSPACES, WorkspaceChoice, joinable_role, needs_approval,
};
use crate::domain::permissions::Action;
use crate::domain::roles::{OrgRole, WorkspaceRole};
use crate::server::adapters::dns::{self, Lookup};
use crate::server::authz::OrgActor;
use crate::server::db::{Db, is_unique_violation};
use crate::server::error::{OrInternal, internal};
use crate::server::ids::{new_id, random_hex};
use crate::server::repo::org_domains::{self as repo, DomainRow};
use crate::server::repo::workspaces;
use crate::server::services::Ports;
use crate::server::services::audit::{self, By, Change, Target};
use serde_json::json;

pub async fn page(ports: &Ports<'_>, actor: &OrgActor) -> Result<DomainsPage, Error> {
    actor.require(Action::ManageDomains)?;
    let pool = &ports.db.pool;
    let rows = repo::list_in_org(pool, &actor.org_id)
        .await
        .or_internal("listing domains")?;
    let grants = repo::workspaces_in_org(pool, &actor.org_id)
        .await
        .or_internal("listing the workspaces of domains")?;
    let active = workspaces::list_visible(pool, &actor.org_id, &actor.user_id, true)
        .await
        .or_internal("listing workspaces")?;
    let domains = rows
        .into_iter()
        .map(|r| DomainView {
            txt_name: org_domains::txt_name(&r.domain),
            txt_value: org_domains::txt_value(&r.challenge),
            workspaces: grants
                .iter()
                .filter(|g| g.domain_id == r.id)
                .map(|g| JoinWorkspace {
                    workspace_id: g.workspace_id.clone(),
                    name: g.name.clone(),
                    role: g.role,
                })
                .collect(),
            id: r.id,
            domain: r.domain,
            created_at: r.created_at,
            verified_at: r.verified_at,
            checked_at: r.checked_at,
            check_outcome: r.check_outcome,
            join_mode: r.join_mode,
            join_role: r.join_role,
        })
        .collect();
    Ok(DomainsPage {
        domains,
        workspaces: active
            .into_iter()
            .map(|w| WorkspaceChoice {
                id: w.id,
                name: w.name,
            })
            .collect(),
    })
}

fn taken(domain: &str) -> String {
    format!(
        "{domain} is verified by another organization. A domain belongs to one organization: \
         ask its Admins, or add another domain."
    )
}

/// Adds a domain, waiting for its TXT record. Returns its id.
pub async fn add(ports: &Ports<'_>, actor: &OrgActor, input: &str) -> Result<String, Error> {
    actor.require(Action::ManageDomains)?;
    let domain = org_domains::normalize(input).map_err(|m| Error::invalid("domain", m))?;
    let now = ports.db.now();
    // Under the organization's lock, so that the count holds with parallel adds.
    let mut tx = actor
        .begin_locked(ports.db, Action::ManageDomains, "starting to add a domain")
        .await?;
    let held = repo::count_in_org(&mut *tx, &actor.org_id)
        .await
        .or_internal("counting domains")?;
    if held >= MAX_DOMAINS_PER_ORG {
        return Err(Error::LimitReached(format!(
            "An organization can hold at most {MAX_DOMAINS_PER_ORG} domains. Remove one first."
        )));
    }
    if repo::verified_elsewhere(&mut *tx, &domain, &actor.org_id)
        .await
        .or_internal("checking who holds a domain")?
    {
        return Err(Error::conflict("domain", taken(&domain)));
    }
    let row = DomainRow {
        id: new_id("dom"),
        org_id: actor.org_id.clone(),
        domain: domain.clone(),
        challenge: random_hex(16),
        created_at: now,
        verified_at: None,
        checked_at: None,
        check_outcome: None,
        failed_checks: 0,
        join_mode: JoinMode::Off,
        join_role: OrgRole::Member,
    };
    match repo::insert(&mut *tx, &row, &actor.user_id).await {
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::conflict(
                "domain",
                format!("{domain} is already on this organization's list."),
            ));
        }
        other => other.or_internal("adding a domain")?,
    }
    let change = Change::new(
        AuditAction::DomainAdded,
        Target::named("domain", &row.id, &domain),
    );
    audit::record(&mut tx, &actor.org_id, actor.into(), change, now).await?;
    tx.commit().await.or_internal("committing a new domain")?;
    Ok(row.id)
}

/// What a check of the TXT record found, when it was not the organization's value.
fn check_failure(name: &str, want: &str, found: Result<Vec<String>, Lookup>) -> Option<String> {
    match found {
        Ok(texts) if texts.iter().any(|t| t.trim() == want) => None,
        Ok(texts) if !texts.is_empty() => Some(format!(
            "{name} has a TXT record, but not this organization's value. Check that the record \
             says exactly {want}, then check again."
        )),
        Ok(_) | Err(Lookup::NoRecord) => Some(format!(
            "No TXT record at {name} yet. DNS changes can take a few minutes to be seen: check \
             again later."
        )),
        Err(Lookup::Timeout) => {
            Some("The DNS server did not answer in time. Check again in a moment.".to_owned())
        }
        Err(Lookup::Failed(why)) => {
            // The resolver's words may name the server's own network: logged, not shown.
            tracing::warn!(error = %why, "a domain's TXT lookup failed");
            Some("The DNS lookup failed. Check again in a moment.".to_owned())
        }
    }
}

/// How a check went. Not finding the record is no error: the page shows what was found.
#[derive(Debug, PartialEq, Eq)]
pub enum CheckOutcome {
    Verified,
    /// Not verified, and why (also recorded on the domain).
    NotVerified(String),
}

/// Looks for the domain's TXT record now; verifies the domain when it carries the
/// organization's value. Every check is recorded, with what it found.
pub async fn check(ports: &Ports<'_>, actor: &OrgActor, id: &str) -> Result<CheckOutcome, Error> {
    actor.require(Action::ManageDomains)?;
    let pool = &ports.db.pool;
    let row = repo::find_in_org(pool, &actor.org_id, id)
        .await
        .or_internal("loading a domain")?
        .ok_or(Error::NotFound)?;
    if row.verified_at.is_some() {
        return Ok(CheckOutcome::Verified);
    }
    let name = org_domains::txt_name(&row.domain);
    let want = org_domains::txt_value(&row.challenge);
    let found = dns::txt_records(&ports.config.dns, &name).await;
    let now = ports.db.now();
    let failure = match check_failure(&name, &want, found) {
        Some(failure) => failure,
        None if verify_found(ports.db, actor, &row, now).await? => {
            return Ok(CheckOutcome::Verified);
        }
        None => taken(&row.domain),
    };
    repo::record_failed_check(pool, &actor.org_id, id, now, &failure)
        .await
        .or_internal("recording a domain check")?;
    Ok(CheckOutcome::NotVerified(failure))
}

/// Marks a domain whose record was found verified, with its audit entry. `false`:
/// another organization verified it first (the unique index on verified domains).
async fn verify_found(db: &Db, actor: &OrgActor, row: &DomainRow, now: i64) -> Result<bool, Error> {
    let mut tx = db.pool.begin().await.or_internal("verifying a domain")?;
    match repo::mark_verified(&mut *tx, &actor.org_id, &row.id, now).await {
        Err(e) if is_unique_violation(&e) => return Ok(false),
        Err(e) => return Err(internal("verifying a domain", e)),
        // Verified meanwhile by a check of this organization: nothing to record.
        Ok(false) => return Ok(true),
        Ok(true) => {}
    }
    let change = Change::new(
        AuditAction::DomainVerified,
        Target::named("domain", &row.id, &row.domain),
    );
    audit::record(&mut tx, &actor.org_id, actor.into(), change, now).await?;
    tx.commit().await.or_internal("verifying a domain")?;
    Ok(true)
}

/// Verified domains checked at most this many at a time.
const RECHECKS_PER_RUN: i64 = 20;
/// Daily checks in a row that must fail (whatever the failure: a missing record, a wrong
/// one, a DNS server that never answers) before a domain lapses. One bad day of DNS does
/// not lock people out; a domain whose new holder makes lookups fail does not stay
/// verified for ever.
pub const LAPSE_AFTER_FAILED_CHECKS: i64 = 3;

/// Looks again at the TXT record of verified domains last checked a day ago or more. A
/// domain whose record is not found three days in a row is no longer verified and lets
/// no one in: whoever holds the domain now may not be the company. Several console
/// processes may run it: each domain is claimed by moving its check time first.
/// Returns how many domains lapsed.
pub async fn recheck_due(ports: &Ports<'_>) -> Result<usize, Error> {
    let pool = &ports.db.pool;
    let now = ports.db.now();
    let due = repo::verified_due(pool, now - org_domains::RECHECK_EVERY_MS, RECHECKS_PER_RUN)
        .await
        .or_internal("listing domains to check again")?;
    let mut lapsed = 0;
    for row in due {
        if !repo::claim_recheck(pool, &row.id, row.checked_at, now)
            .await
            .or_internal("claiming a domain check")?
        {
            continue;
        }
        let name = org_domains::txt_name(&row.domain);
        let want = org_domains::txt_value(&row.challenge);
        let found = dns::txt_records(&ports.config.dns, &name).await;
        let failure = check_failure(&name, &want, found);
        let failed = repo::record_recheck(pool, &row.id, failure.as_deref())
            .await
            .or_internal("recording a domain check")?;
        if let Some(failure) = failure.filter(|_| failed >= LAPSE_AFTER_FAILED_CHECKS) {
            let outcome = format!(
                "Verification lapsed: {LAPSE_AFTER_FAILED_CHECKS} daily checks in a row did not \
                 find this organization's record. {failure} Until it is verified again no one \
                 joins through this domain."
            );
            let mut tx = pool
                .begin()
                .await
                .or_internal("ending a domain's verification")?;
            repo::lapse(&mut *tx, &row.id, &outcome)
                .await
                .or_internal("ending a domain's verification")?;
            let change = Change::new(
                AuditAction::DomainLapsed,
                Target::named("domain", &row.id, &row.domain),
            )
            .after(json!({ "failed_checks": failed }));
            audit::record(&mut tx, &row.org_id, By::System, change, now).await?;
            tx.commit()
                .await
                .or_internal("ending a domain's verification")?;
            tracing::warn!(domain = %row.domain, org = %row.org_id, "a verified domain lost its TXT record");
            lapsed += 1;
        }
    }
    Ok(lapsed)
}

pub async fn remove(ports: &Ports<'_>, actor: &OrgActor, id: &str) -> Result<(), Error> {
    actor.require(Action::ManageDomains)?;
    let mut tx = actor
        .begin_locked(ports.db, Action::ManageDomains, "removing a domain")
        .await?;
    let Some(row) = repo::find_in_org(&mut *tx, &actor.org_id, id)
        .await
        .or_internal("loading a domain")?
    else {
        return Err(Error::NotFound);
    };
    if !repo::delete(&mut *tx, &actor.org_id, id)
        .await
        .or_internal("removing a domain")?
    {
        return Err(Error::NotFound);
    }
    let change = Change::new(
        AuditAction::DomainRemoved,
        Target::named("domain", id, &row.domain),
    )
    .before(json!({ "verified": row.verified_at.is_some(), "join_mode": row.join_mode.as_str() }));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, ports.db.now()).await?;
    tx.commit().await.or_internal("removing a domain")
}

/// What the join settings form sent.
pub struct JoinSettings<'a> {
    pub mode: &'a str,
    pub role: &'a str,
    pub grants: &'a [GrantField],
}

/// Rows the join form may send: one per workspace, bounded before anything is read.
const MAX_GRANT_FIELDS: usize = 1000;

fn read_grants(fields: &[GrantField]) -> Result<Vec<(String, WorkspaceRole)>, Error> {
    let too_many = || {
        Error::invalid(
            "grants",
            format!("Choose at most {MAX_JOIN_WORKSPACES} workspaces."),
        )
    };
    if fields.len() > MAX_GRANT_FIELDS {
        return Err(too_many());
    }
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<(String, WorkspaceRole)> = Vec::new();
    for f in fields.iter().filter(|f| !f.role.is_empty()) {
        let role = WorkspaceRole::parse(&f.role)
            .ok_or_else(|| Error::invalid("grants", "Choose a workspace role."))?;
        if !seen.insert(f.workspace_id.as_str()) {
            return Err(Error::invalid("grants", "A workspace is listed twice."));
        }
        if out.len() == MAX_JOIN_WORKSPACES {
            return Err(too_many());
        }
        out.push((f.workspace_id.clone(), role));
    }
    Ok(out)
}

/// Sets a verified domain's join mode, the organization role people get and the
/// workspaces they are added to.
pub async fn save_join(
    ports: &Ports<'_>,
    actor: &OrgActor,
    id: &str,
    form: &JoinSettings<'_>,
) -> Result<(), Error> {
    actor.require(Action::ManageDomains)?;
    let mode = JoinMode::parse(form.mode)
        .ok_or_else(|| Error::invalid("join_mode", "Choose how people at this domain join."));
    let role = OrgRole::parse(form.role)
        .filter(|r| joinable_role(*r))
        .ok_or_else(|| {
            Error::invalid(
                "join_role",
                "Choose Member or Billing: Admins are invited one by one.",
            )
        });
    let grants = read_grants(form.grants);
    Error::all_valid([
        mode.as_ref().err(),
        role.as_ref().err(),
        grants.as_ref().err(),
    ])?;
    let (mode, role, grants) = (mode?, role?, grants?);
    let workspace_roles: Vec<WorkspaceRole> = grants.iter().map(|(_, r)| *r).collect();
    if mode != JoinMode::Approval && needs_approval(role, &workspace_roles) {
        let field = if role == OrgRole::Member {
            "grants"
        } else {
            "join_role"
        };
        return Err(Error::invalid(
            field,
            "The Billing role and a workspace's Admin role are only given with an Admin's \
             approval: choose \"Ask an Admin\", or Member and Contributor.",
        ));
    }
    let row = repo::find_in_org(&ports.db.pool, &actor.org_id, id)
        .await
        .or_internal("loading a domain")?
        .ok_or(Error::NotFound)?;
    if row.verified_at.is_none() {
        return Err(Error::conflict(
            "join_mode",
            "Verify the domain before choosing who joins through it.",
        ));
    }
    let mut tx = actor
        .begin_locked(
            ports.db,
            Action::ManageDomains,
            "starting to save join settings",
        )
        .await?;
    for (workspace_id, _) in &grants {
        workspaces::find_in_org(&mut *tx, &actor.org_id, workspace_id)
            .await
            .or_internal("checking a workspace")?
            .filter(|w| w.archived_at.is_none())
            .ok_or_else(|| {
                Error::invalid("grants", "One of the chosen workspaces no longer exists.")
            })?;
    }
    if !repo::set_join(&mut *tx, &actor.org_id, id, mode, role)
        .await
        .or_internal("saving join settings")?
    {
        return Err(Error::NotFound);
    }
    repo::clear_workspaces(&mut *tx, id)
        .await
        .or_internal("saving join settings")?;
    for (workspace_id, ws_role) in &grants {
        repo::add_workspace(&mut *tx, id, workspace_id, *ws_role)
            .await
            .or_internal("saving join settings")?;
    }
    let workspaces: Vec<_> = grants
        .iter()
        .map(|(w, r)| json!({ "workspace_id": w, "role": r.as_str() }))
        .collect();
    let change = Change::new(
        AuditAction::DomainJoiningChanged,
        Target::named("domain", id, &row.domain),
    )
    .before(json!({ "join_mode": row.join_mode.as_str(), "join_role": row.join_role.as_str() }))
    .after(
        json!({ "join_mode": mode.as_str(), "join_role": role.as_str(), "workspaces": workspaces }),
    );
    audit::record(&mut tx, &actor.org_id, actor.into(), change, ports.db.now()).await?;
    tx.commit().await.or_internal("committing join settings")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_says_what_it_found() {
        let want = "studio-console-verification=abc";
        let name = "_studio-console-challenge.acme.test";
        assert_eq!(
            check_failure(name, want, Ok(vec![format!(" {want} ")])),
            None
        );
        let other = check_failure(name, want, Ok(vec!["v=spf1 -all".into()])).unwrap();
        assert!(other.contains("not this organization's value"), "{other}");
        let none = check_failure(name, want, Err(Lookup::NoRecord)).unwrap();
        assert!(none.starts_with("No TXT record"), "{none}");
        assert_eq!(check_failure(name, want, Ok(vec![])), Some(none));
        let slow = check_failure(name, want, Err(Lookup::Timeout)).unwrap();
        assert!(slow.contains("did not answer in time"), "{slow}");
    }

    #[test]
    fn grants_leave_out_workspaces_without_a_role_and_refuse_unknown_roles() {
        let field = |w: &str, r: &str| GrantField {
            workspace_id: w.into(),
            role: r.into(),
        };
        let grants = read_grants(&[field("ws_a", "contributor"), field("ws_b", "")]).unwrap();
        assert_eq!(
            grants,
            vec![("ws_a".to_owned(), WorkspaceRole::Contributor)]
        );
        assert!(read_grants(&[field("ws_a", "owner")]).is_err());
        assert!(read_grants(&[field("ws_a", "admin"), field("ws_a", "contributor")]).is_err());
        let many: Vec<GrantField> = (0..=MAX_JOIN_WORKSPACES)
            .map(|i| field(&format!("ws_{i}"), "contributor"))
            .collect();
        assert!(read_grants(&many).is_err());
        let flood = vec![field("ws_a", ""); MAX_GRANT_FIELDS + 1];
        assert!(read_grants(&flood).is_err(), "bounded before reading");
    }
}
