//! Reading the audit log: pages for Admin Settings -> Audit log, exports of a filtered
//! view, and retention. An organization Admin reads the whole organization's log; a
//! workspace Admin the entries of the workspaces they administer.

use crate::domain::Error;
use crate::domain::audit::{AuditEntryView, AuditFilter, AuditPage, FilterChoice, visible};
use crate::domain::calendar::DAY_MS;
use crate::domain::format::format_timestamp;
use crate::domain::keyset::PageAt;
use crate::domain::permissions::{Action, Membership, can};
use crate::domain::roles::WorkspaceRole;
use crate::domain::sessions::device;
use crate::server::authz::OrgActor;
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::repo::{audit as repo, memberships, users, workspaces};
use crate::server::services::console_pages::read_page;
use futures_util::stream::{self, Stream, StreamExt};

/// Whose entries a viewer may read, and the filter narrowed to them.
async fn scope(
    db: &Db,
    actor: &OrgActor,
    filter: &mut AuditFilter,
) -> Result<(bool, Vec<FilterChoice>), Error> {
    let mut all = workspaces::names_in_org(&db.pool, &actor.org_id)
        .await
        .or_internal("listing workspaces")?;
    all.sort_by(|a, b| a.1.cmp(&b.1));
    if actor.require(Action::ViewAuditLog).is_ok() {
        let choices = all
            .into_iter()
            .map(|(id, label)| FilterChoice { id, label })
            .collect();
        return Ok((true, choices));
    }
    let roles = memberships::workspace_roles_in_org(&db.pool, &actor.org_id, &actor.user_id)
        .await
        .or_internal("reading workspace roles")?;
    let may_read = |workspace_id: &str| {
        let role = roles
            .iter()
            .find(|(w, _)| w == workspace_id)
            .and_then(|(_, r)| WorkspaceRole::parse(r));
        can(
            &Membership::in_workspace(actor.org_role, role),
            Action::ViewWorkspaceAudit,
        )
    };
    let choices: Vec<FilterChoice> = all
        .into_iter()
        .filter(|(id, _)| may_read(id))
        .map(|(id, label)| FilterChoice { id, label })
        .collect();
    let Some(first) = choices.first() else {
        return Err(Error::Forbidden);
    };
    // One workspace at a time, and only one they administer.
    if !filter
        .workspace
        .as_ref()
        .is_some_and(|w| choices.iter().any(|c| &c.id == w))
    {
        filter.workspace = Some(first.id.clone());
    }
    Ok((false, choices))
}

/// The actor and target filters as typed: an email names a person (one that names no
/// one matches nothing); anything else is taken as an id.
async fn resolve_people(db: &Db, filter: &mut AuditFilter) -> Result<(), Error> {
    for typed in [&mut filter.actor, &mut filter.target] {
        if let Some(text) = typed.clone()
            && text.contains('@')
        {
            let user = users::find_by_email(&db.pool, &text.to_lowercase())
                .await
                .or_internal("finding the person a filter names")?;
            *typed = Some(user.map_or_else(|| "-".to_owned(), |u| u.id));
        }
    }
    Ok(())
}

/// What a page and an export both start from.
struct Narrowed {
    whole_organization: bool,
    workspaces: Vec<FilterChoice>,
    /// The filter narrowed to what the viewer may read, as typed (for the page's form).
    shown: AuditFilter,
    /// The same with the people it names as ids, for the query.
    query: AuditFilter,
    /// Its dates as a range of the chain.
    range: (Option<i64>, Option<i64>),
}

async fn narrow(db: &Db, actor: &OrgActor, mut filter: AuditFilter) -> Result<Narrowed, Error> {
    let (whole_organization, workspaces) = scope(db, actor, &mut filter).await?;
    let shown = filter.clone();
    resolve_people(db, &mut filter).await?;
    let range = repo::seq_range(&db.pool, &actor.org_id, filter.from, filter.until)
        .await
        .or_internal("reading the audit log")?;
    Ok(Narrowed {
        whole_organization,
        workspaces,
        shown,
        query: filter,
        range,
    })
}

/// A page of the log, newest first, from where `at` says.
pub async fn page(
    db: &Db,
    actor: &OrgActor,
    filter: AuditFilter,
    at: &PageAt,
) -> Result<AuditPage, Error> {
    let narrowed = narrow(db, actor, filter).await?;
    let (org_id, filter, range) = (&actor.org_id, &narrowed.query, narrowed.range);
    let (entries, neighbours) = read_page(
        at,
        "reading the audit log",
        |at, limit| async move { repo::page(&db.pool, org_id, filter, range, &at, limit).await },
        |e| e.seq.to_string(),
    )
    .await?;
    // The page names the browser and platform; the whole user agent is in the exports.
    let entries = entries
        .into_iter()
        .map(|mut e| {
            e.user_agent = e.user_agent.map(|ua| device(Some(&ua)));
            e
        })
        .collect();
    Ok(AuditPage {
        entries,
        neighbours,
        filter: narrowed.shown,
        workspaces: narrowed.workspaces,
        whole_organization: narrowed.whole_organization,
    })
}

/// The formats an export comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    JsonLines,
}

/// Rows read per step of an export.
const EXPORT_BATCH: i64 = 1_000;

const CSV_HEADER: &str = "seq,time,actor_kind,actor,actor_id,action,target_kind,target,\
target_id,workspace_id,workspace,before,after,client_ip,user_agent,request_id\n";

/// The filtered view, newest first, as a stream of text chunks (a batch of rows each):
/// however long the log, an export holds one batch at a time.
pub async fn export(
    db: &Db,
    actor: &OrgActor,
    filter: AuditFilter,
    format: ExportFormat,
) -> Result<impl Stream<Item = Result<String, std::io::Error>> + use<>, Error> {
    let Narrowed {
        query: filter,
        range,
        ..
    } = narrow(db, actor, filter).await?;
    let (db, org_id) = (db.clone(), actor.org_id.clone());
    let header = (format == ExportFormat::Csv).then(|| CSV_HEADER.to_owned());
    let state = (Some(PageAt::First), header);
    // Fused: a body is polled once more after its end (compression does), which an
    // unfolded stream alone would not survive.
    Ok(stream::unfold(state, move |(at, header)| {
        let (db, org_id, filter) = (db.clone(), org_id.clone(), filter.clone());
        async move {
            if let Some(header) = header {
                return Some((Ok(header), (at, None)));
            }
            let at = at?;
            let rows = match repo::page(&db.pool, &org_id, &filter, range, &at, EXPORT_BATCH).await
            {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::error!(error = %e, "exporting the audit log");
                    return Some((
                        Err(std::io::Error::other("reading the audit log")),
                        (None, None),
                    ));
                }
            };
            if rows.is_empty() {
                return None;
            }
            let next = (rows.len() as i64 == EXPORT_BATCH)
                .then(|| PageAt::After(rows[rows.len() - 1].seq.to_string()));
            let text: String = rows.iter().map(|e| line(e, format)).collect();
            Some((Ok(text), (next, None)))
        }
    })
    .fuse())
}

/// One entry as a line of the export.
fn line(e: &AuditEntryView, format: ExportFormat) -> String {
    match format {
        ExportFormat::JsonLines => {
            let mut text = serde_json::json!({
                "seq": e.seq,
                "time": format_timestamp(e.at),
                "at_ms": e.at,
                "actor_kind": e.actor_kind.as_str(),
                "actor": e.actor_label,
                "actor_id": e.actor_id,
                "action": e.action,
                "target_kind": e.target_kind,
                "target": e.target_label,
                "target_id": e.target_id,
                "workspace_id": e.workspace_id,
                "workspace": e.workspace_name,
                "before": e.before.as_deref().and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok()),
                "after": e.after.as_deref().and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok()),
                "client_ip": e.client_ip,
                "user_agent": e.user_agent,
                "request_id": e.request_id,
            })
            .to_string();
            text.push('\n');
            text
        }
        ExportFormat::Csv => {
            let cell = |v: Option<&str>| {
                crate::server::services::usage::csv_text(&visible(v.unwrap_or("")))
            };
            let cells = [
                e.seq.to_string(),
                cell(Some(&format_timestamp(e.at))),
                cell(Some(e.actor_kind.as_str())),
                cell(Some(&e.actor_label)),
                cell(e.actor_id.as_deref()),
                cell(Some(&e.action)),
                cell(Some(&e.target_kind)),
                cell(Some(&e.target_label)),
                cell(Some(&e.target_id)),
                cell(e.workspace_id.as_deref()),
                cell(e.workspace_name.as_deref()),
                cell(e.before.as_deref()),
                cell(e.after.as_deref()),
                cell(e.client_ip.as_deref()),
                cell(e.user_agent.as_deref()),
                cell(e.request_id.as_deref()),
            ];
            let mut text = cells.join(",");
            text.push('\n');
            text
        }
    }
}

/// Deletes entries older than `retention_days` (none when unset), whole prefixes of each
/// organization's chain, recording where each restarts. Returns how many went.
pub async fn prune_expired(db: &Db, retention_days: Option<u32>) -> Result<u64, Error> {
    let Some(days) = retention_days else {
        return Ok(0);
    };
    let cutoff = db.now() - i64::from(days) * DAY_MS;
    let orgs = repo::prunable(&db.pool, cutoff)
        .await
        .or_internal("finding old audit entries")?;
    let mut pruned = 0;
    for org_id in orgs {
        let mut tx = db.pool.begin().await.or_internal("pruning the audit log")?;
        pruned += repo::prune_prefix(&mut tx, &org_id, cutoff)
            .await
            .or_internal("pruning the audit log")?;
        tx.commit().await.or_internal("pruning the audit log")?;
    }
    Ok(pruned)
}
