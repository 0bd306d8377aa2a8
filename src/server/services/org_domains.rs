//! Admin Settings -> Domains: adding a company domain, proving it with a DNS TXT record,
//! and choosing what people at a verified domain are offered. One domain is verified by
//! one organization at most: the database's unique index on verified domains decides a
//! race, whatever the engine and however many console processes.

use crate::domain::Error;
use crate::domain::org_domains::{
    self, DomainView, DomainsPage, GrantField, JoinMode, JoinWorkspace, MAX_DOMAINS_PER_ORG,
    MAX_JOIN_WORKSPACES, WorkspaceChoice, joinable_role,
};
use crate::domain::permissions::Action;
use crate::domain::roles::{OrgRole, WorkspaceRole};
use crate::server::adapters::dns::{self, Lookup};
use crate::server::authz::OrgActor;
use crate::server::db::is_unique_violation;
use crate::server::error::{OrInternal, internal};
use crate::server::ids::{new_id, random_hex};
use crate::server::repo::org_domains::{self as repo, DomainRow};
use crate::server::repo::{orgs, workspaces};
use crate::server::services::Ports;

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
    let mut tx = ports
        .db
        .pool
        .begin()
        .await
        .or_internal("starting to add a domain")?;
    // Under the organization's lock, so that the count holds with parallel adds.
    orgs::lock(&mut *tx, &actor.org_id)
        .await
        .or_internal("locking the organization")?;
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
        Err(Lookup::Failed(why)) => Some(format!(
            "The DNS lookup failed ({why}). Check again in a moment."
        )),
    }
}

/// Looks for the domain's TXT record now; verifies the domain when it carries the
/// organization's value. Every check is recorded, with what it found.
pub async fn check(ports: &Ports<'_>, actor: &OrgActor, id: &str) -> Result<(), Error> {
    actor.require(Action::ManageDomains)?;
    let pool = &ports.db.pool;
    let row = repo::find_in_org(pool, &actor.org_id, id)
        .await
        .or_internal("loading a domain")?
        .ok_or(Error::NotFound)?;
    if row.verified_at.is_some() {
        return Ok(());
    }
    let name = org_domains::txt_name(&row.domain);
    let want = org_domains::txt_value(&row.challenge);
    let found = dns::txt_records(&ports.config.dns, &name).await;
    let now = ports.db.now();
    let failure = match check_failure(&name, &want, found) {
        Some(failure) => failure,
        None => match repo::mark_verified(pool, &actor.org_id, id, now).await {
            Ok(_) => return Ok(()),
            Err(e) if is_unique_violation(&e) => taken(&row.domain),
            Err(e) => return Err(internal("verifying a domain", e)),
        },
    };
    repo::record_failed_check(pool, &actor.org_id, id, now, &failure)
        .await
        .or_internal("recording a domain check")?;
    Err(Error::conflict("domain", failure))
}

pub async fn remove(ports: &Ports<'_>, actor: &OrgActor, id: &str) -> Result<(), Error> {
    actor.require(Action::ManageDomains)?;
    match repo::delete(&ports.db.pool, &actor.org_id, id)
        .await
        .or_internal("removing a domain")?
    {
        true => Ok(()),
        false => Err(Error::NotFound),
    }
}

/// What the join settings form sent.
pub struct JoinSettings<'a> {
    pub mode: &'a str,
    pub role: &'a str,
    pub grants: &'a [GrantField],
}

fn read_grants(fields: &[GrantField]) -> Result<Vec<(String, WorkspaceRole)>, Error> {
    let mut out: Vec<(String, WorkspaceRole)> = Vec::new();
    for f in fields.iter().filter(|f| !f.role.is_empty()) {
        let role = WorkspaceRole::parse(&f.role)
            .ok_or_else(|| Error::invalid("grants", "Choose a workspace role."))?;
        if !out.iter().any(|(w, _)| *w == f.workspace_id) {
            out.push((f.workspace_id.clone(), role));
        }
    }
    if out.len() > MAX_JOIN_WORKSPACES {
        return Err(Error::invalid(
            "grants",
            format!("Choose at most {MAX_JOIN_WORKSPACES} workspaces."),
        ));
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
    let mut tx = ports
        .db
        .pool
        .begin()
        .await
        .or_internal("starting to save join settings")?;
    orgs::lock(&mut *tx, &actor.org_id)
        .await
        .or_internal("locking the organization")?;
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
    }
}
