//! Usage limits: Admin Settings -> Limits (the caps, the budget planner, the alerts sent),
//! what a workspace's requests are held to (`admit`, `standing`), and the alerts emailed
//! when spend reaches a threshold of a cap.
//!
//! Enforcement: a request that costs money asks the usage writer for a hold of its
//! estimated cost; the hold is taken only while the scope's spend and holds are under its
//! cap, checked on ledger rows locked for the deciding transaction (`usage_store::settle`),
//! so racing requests, in one process or several on one database, cannot all pass. The
//! request's real usage replaces its hold when it is stored. Spend can pass a cap only
//! by what the requests admitted while it was not yet reached cost.

use crate::domain::Error;
use crate::domain::audit::AuditAction;
use crate::domain::billing::limits::{
    CapScope, LimitReached, LimitsPage, MAX_REQUESTS_PER_MINUTE, MAX_TOKENS_PER_MINUTE,
    MICROS_PER_MINOR, MINUTE_MS, OrgLimits, Raise, RateKind, RateWindow, SentAlert, SpendLine,
    WorkspaceLimits, at_cap, check_raise, check_under_org, micros, minor, minute_of, parse_cap,
    parse_rate, parse_thresholds, planner_warnings, projection, thresholds_reached,
};
use crate::domain::billing::{Catalogue, Money};
use crate::domain::calendar::{Period, parse_iso_date};
use crate::domain::paths;
use crate::domain::permissions::Action;
use crate::domain::permissions::Actor;
use crate::domain::roles::OrgRole;
use crate::server::authz::{KeyRefused, OrgActor, WorkspaceActor, require_actor};
use crate::server::db::Db;
use crate::server::email::SpendAlertMail;
use crate::server::error::OrInternal;
use crate::server::ids::new_id;
use crate::server::repo::limits::{self as repo, LedgerRow, LimitsRow};
use crate::server::repo::usage;
use crate::server::repo::{memberships, workspaces};
use crate::server::services::Ports;
use crate::server::services::api_keys::secret_hash;
use crate::server::services::audit::{self, Change, Target};
use crate::server::services::metering;
use crate::server::services::usage_store::{self, DaySum, HOLD_LAPSES_MS, Hold, RateAsk, Refused};
use crate::server::services::usage_writer::UsageWriter;
use std::collections::HashMap;

/// A stored raise: both its amount and its end, or none.
fn raise_of(raised_cap: Option<i64>, raised_until: Option<i64>) -> Option<Raise> {
    Some(Raise {
        cap: Money(raised_cap?),
        until: raised_until?,
    })
}

fn workspace_limits(row: &LimitsRow) -> WorkspaceLimits {
    WorkspaceLimits {
        monthly_cap: row.monthly_cap.map(Money),
        raise: raise_of(row.raised_cap, row.raised_until),
        requests_per_minute: row.requests_per_minute,
        tokens_per_minute: row.tokens_per_minute,
    }
}

fn org_limits(row: Option<&LimitsRow>) -> OrgLimits {
    row.map_or_else(OrgLimits::default, |row| OrgLimits {
        monthly_cap: row.monthly_cap.map(Money),
        thresholds: parse_thresholds(&row.alert_thresholds).unwrap_or_default(),
    })
}

/// The organization's stored cap and thresholds (the defaults when it has none).
async fn stored_org_limits<'e>(
    db: impl sqlx::AnyExecutor<'e>,
    org_id: &str,
) -> Result<OrgLimits, Error> {
    let rows = repo::for_scopes(db, org_id, org_id)
        .await
        .or_internal("reading limits")?;
    Ok(org_limits(rows.first()))
}

/// The caps in force now for a workspace and its organization, and the workspace's
/// rate limits.
struct Caps {
    org: Option<Money>,
    workspace: Option<Money>,
    requests_per_minute: Option<i64>,
    tokens_per_minute: Option<i64>,
}

async fn caps(db: &Db, workspace_id: &str, org_id: &str, now: i64) -> Result<Caps, Error> {
    let rows = repo::for_scopes(&db.pool, workspace_id, org_id)
        .await
        .or_internal("reading usage limits")?;
    let find = |id: &str| rows.iter().find(|r| r.scope_id == id);
    let workspace = find(workspace_id).map(workspace_limits).unwrap_or_default();
    Ok(Caps {
        org: find(org_id).and_then(|r| r.monthly_cap.map(Money)),
        workspace: workspace.cap_at(now),
        requests_per_minute: workspace.requests_per_minute,
        tokens_per_minute: workspace.tokens_per_minute,
    })
}

/// The refusal of what costs money at a cap.
fn refusal(reached: LimitReached) -> Error {
    Error::SpendCapReached {
        message: reached.message(),
        limit: reached.scope.as_str().to_owned(),
        until: reached.until,
    }
}

/// Spent and held this period per scope of a workspace (its own and its organization's).
async fn used(
    db: &Db,
    workspace_id: &str,
    org_id: &str,
    period: Period,
) -> Result<impl Fn(&str) -> i64 + use<>, Error> {
    let ledger = repo::ledger_for(&db.pool, workspace_id, org_id, &period.key())
        .await
        .or_internal("reading spend")?;
    Ok(move |id: &str| {
        ledger
            .iter()
            .find(|r| r.scope_id == id)
            .map_or(0, LedgerRow::used)
    })
}

/// What a request that costs money may cost at most: in micros, and in tokens.
#[derive(Debug, Clone, Copy)]
pub struct Ask {
    pub cost: i64,
    pub tokens: i64,
}

/// An admitted request: the hold to release when it ends (`None`: nothing is capped),
/// and its workspace's rate window (`None`: no rate limits).
pub struct Admitted {
    pub hold: Option<Hold>,
    pub window: Option<RateWindow>,
}

pub enum Admission {
    Admitted(Box<Admitted>),
    /// A rate limit is reached; the window says until when.
    RateLimited(RateWindow, RateKind),
}

/// Admits a request that may cost up to `ask`: a hold of its cost on every capped scope
/// and a count in the workspace's rate window, or `SpendCapReached` naming the cap that
/// is reached, or `RateLimited`. Changing a limit takes effect at the next request in
/// every process: each admission reads the limits.
pub async fn admit(
    db: &Db,
    writer: &UsageWriter,
    ws: &WorkspaceActor,
    ask: Ask,
) -> Result<Admission, Error> {
    let now = db.now();
    let caps = caps(db, &ws.workspace.id, &ws.org.org_id, now).await?;
    let rated = caps.requests_per_minute.is_some() || caps.tokens_per_minute.is_some();
    if caps.org.is_none() && caps.workspace.is_none() && !rated {
        return Ok(Admission::Admitted(Box::new(Admitted {
            hold: None,
            window: None,
        })));
    }
    let period = Period::containing(now);
    let hold = Hold {
        id: new_id("hold"),
        org_id: ws.org.org_id.clone(),
        workspace_id: ws.workspace.id.clone(),
        period: period.key(),
        amount: ask.cost.max(0),
        org_cap: caps.org.map(micros),
        workspace_cap: caps.workspace.map(micros),
        rate: rated.then_some(RateAsk {
            tokens: ask.tokens.max(0),
            requests_per_minute: caps.requests_per_minute,
            tokens_per_minute: caps.tokens_per_minute,
        }),
        at: now,
        requests: 1,
        part: None,
    };
    let (held, hold) = writer
        .admit(hold)
        .await
        .map_err(|e| crate::server::error::internal("holding a request's cost", e))?;
    match held.refused {
        None => Ok(Admission::Admitted(Box::new(Admitted {
            hold,
            window: held.window,
        }))),
        Some(Refused::Cap(scope)) => Err(refusal(LimitReached {
            scope,
            cap: match scope {
                CapScope::Organization => caps.org,
                CapScope::Workspace => caps.workspace,
            }
            .unwrap_or_default(),
            until: period.end,
        })),
        Some(Refused::Rate(kind)) => match held.window {
            Some(window) => Ok(Admission::RateLimited(window, kind)),
            None => Err(crate::server::error::internal(
                "holding a request's cost",
                "a rate refusal without its window",
            )),
        },
    }
}

/// The cap a workspace has reached, if any (its own or its organization's), as its spend
/// and running requests' holds stand now: for the banner and for what costs money without
/// a hold of its own (a new fine-tuning job, billed when it finishes).
pub async fn standing(
    db: &Db,
    workspace_id: &str,
    org_id: &str,
) -> Result<Option<LimitReached>, Error> {
    let now = db.now();
    let caps = caps(db, workspace_id, org_id, now).await?;
    if caps.org.is_none() && caps.workspace.is_none() {
        return Ok(None);
    }
    let period = Period::containing(now);
    let used = used(db, workspace_id, org_id, period).await?;
    Ok(cap_reached(&caps, &used, workspace_id, org_id, period))
}

/// The cap that `used` (spent and held per scope) has reached: the organization's first.
fn cap_reached(
    caps: &Caps,
    used: &impl Fn(&str) -> i64,
    workspace_id: &str,
    org_id: &str,
    period: Period,
) -> Option<LimitReached> {
    [
        (CapScope::Organization, caps.org, org_id),
        (CapScope::Workspace, caps.workspace, workspace_id),
    ]
    .into_iter()
    .find(|(_, cap, id)| at_cap(*cap, used(id)))
    .map(|(scope, cap, _)| LimitReached {
        scope,
        cap: cap.unwrap_or_default(),
        until: period.end,
    })
}

/// Refuses what costs money in a workspace at a cap.
pub async fn require_under_cap(db: &Db, ws: &WorkspaceActor) -> Result<(), Error> {
    match standing(db, &ws.workspace.id, &ws.org.org_id).await? {
        Some(reached) => Err(refusal(reached)),
        None => Ok(()),
    }
}

fn spent_of(ledger: &[LedgerRow], scope_id: &str) -> i64 {
    ledger
        .iter()
        .find(|r| r.scope_id == scope_id)
        .map_or(0, |r| r.spent)
}

/// Admin Settings -> Limits.
pub async fn page(ports: &Ports<'_>, actor: &OrgActor) -> Result<LimitsPage, Error> {
    actor.require(Action::ManageLimits)?;
    let db = ports.db;
    let currency = ports.config.catalogue.currency.clone();
    let now = db.now();
    let period = Period::containing(now);
    let mut conn = db.pool.acquire().await.or_internal("reading limits")?;
    let stored = repo::in_org(&mut *conn, &actor.org_id)
        .await
        .or_internal("reading limits")?;
    let ledger = repo::ledger_in_org(&mut *conn, &actor.org_id, &period.key())
        .await
        .or_internal("reading spend")?;
    let mut names = workspaces::active_names_in_org(&mut *conn, &actor.org_id)
        .await
        .or_internal("listing workspaces")?;
    names.sort_by_key(|(_, name)| name.to_lowercase());
    let org_name = super::orgs::name(&mut *conn, &actor.org_id).await?;
    let alerts = repo::alerts_in_org(&mut *conn, &actor.org_id, 20)
        .await
        .or_internal("reading alerts")?;
    drop(conn);
    let by_scope: HashMap<&str, &LimitsRow> =
        stored.iter().map(|r| (r.scope_id.as_str(), r)).collect();
    let org = org_limits(by_scope.get(actor.org_id.as_str()).copied());
    let line = |id: &str, name: String, limits: WorkspaceLimits, cap: Option<Money>| {
        let spent = minor(spent_of(&ledger, id));
        SpendLine {
            id: id.to_owned(),
            name,
            spent,
            projected: projection(spent, period, now),
            cap,
            limits,
        }
    };
    let org_line = line(
        &actor.org_id,
        org_name.clone(),
        WorkspaceLimits::default(),
        org.monthly_cap,
    );
    let workspaces: Vec<SpendLine> = names
        .into_iter()
        .map(|(id, name)| {
            let limits = by_scope
                .get(id.as_str())
                .map(|r| workspace_limits(r))
                .unwrap_or_default();
            let cap = limits.cap_at(now);
            line(&id, name, limits, cap)
        })
        .collect();
    let warnings = planner_warnings(org.monthly_cap, &org_line, &workspaces, &currency);
    let scope_name = |id: &str| {
        if id == actor.org_id {
            "The organization".to_owned()
        } else {
            workspaces
                .iter()
                .find(|w| w.id == id)
                .map_or("An archived workspace".to_owned(), |w| w.name.clone())
        }
    };
    let alerts = alerts
        .iter()
        .map(|a| SentAlert {
            scope_name: scope_name(&a.scope_id),
            threshold: a.threshold,
            cap: Money(a.cap),
            sent_at: a.sent_at,
        })
        .collect();
    Ok(LimitsPage {
        currency,
        period,
        now,
        org,
        org_line,
        workspaces,
        warnings,
        alerts,
        can_manage: true,
    })
}

/// The organization's cap and alert thresholds, as typed. A cap below a workspace's is
/// refused, naming the workspace.
pub async fn save_org(
    ports: &Ports<'_>,
    actor: &OrgActor,
    monthly_cap: &str,
    thresholds: &str,
) -> Result<(), Error> {
    actor.require(Action::ManageLimits)?;
    let currency = &ports.config.catalogue.currency;
    let cap = parse_cap("monthly_cap", monthly_cap);
    let thresholds = parse_thresholds(thresholds);
    Error::all_valid([cap.as_ref().err(), thresholds.as_ref().err()])?;
    let (cap, thresholds) = (cap?, thresholds?);
    let db = ports.db;
    let now = db.now();
    let mut tx = actor
        .begin_locked(db, Action::ManageLimits, "saving limits")
        .await?;
    let stored = repo::in_org(&mut *tx, &actor.org_id)
        .await
        .or_internal("reading limits")?;
    let names = workspaces::active_names_in_org(&mut *tx, &actor.org_id)
        .await
        .or_internal("listing workspaces")?;
    for (id, name) in &names {
        if let Some(row) = stored.iter().find(|r| &r.scope_id == id) {
            let limits = workspace_limits(row);
            let highest = limits.monthly_cap.max(limits.raise_at(now).map(|r| r.cap));
            if let (Some(highest), Some(cap)) = (highest, cap)
                && highest > cap
            {
                return Err(Error::invalid(
                    "monthly_cap",
                    format!(
                        "{name} has a limit of {}: lower it first, or set the organization's to at least that",
                        highest.format(currency)
                    ),
                ));
            }
        }
    }
    let row = LimitsRow {
        scope_id: actor.org_id.clone(),
        org_id: actor.org_id.clone(),
        monthly_cap: cap.map(|c| c.0),
        alert_thresholds: thresholds
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(","),
        ..LimitsRow::default()
    };
    repo::save(&mut *tx, &row, now)
        .await
        .or_internal("saving limits")?;
    let before = stored.iter().find(|r| r.scope_id == actor.org_id);
    let change = Change::new(
        AuditAction::OrgLimitsChanged,
        Target::new("organization", &actor.org_id),
    )
    .before(before.map_or(serde_json::Value::Null, limit_fields))
    .after(limit_fields(&row));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, now).await?;
    tx.commit().await.or_internal("saving limits")
}

/// A row's limits as an audit entry shows them (money in minor units).
fn limit_fields(row: &LimitsRow) -> serde_json::Value {
    serde_json::json!({
        "monthly_cap": row.monthly_cap,
        "raised_cap": row.raised_cap,
        "raised_until": row.raised_until,
        "requests_per_minute": row.requests_per_minute,
        "tokens_per_minute": row.tokens_per_minute,
        "alert_thresholds": row.alert_thresholds,
    })
}

/// A workspace's limits as typed in its form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct WorkspaceLimitsForm {
    pub monthly_cap: String,
    pub raise_cap: String,
    /// "2026-12-15": the raise ends when that day begins (UTC).
    pub raise_until: String,
    pub requests_per_minute: String,
    pub tokens_per_minute: String,
}

fn read_form(form: &WorkspaceLimitsForm, now: i64) -> Result<WorkspaceLimits, Error> {
    let cap = parse_cap("monthly_cap", &form.monthly_cap);
    let raise_cap = parse_cap("raise_cap", &form.raise_cap);
    let raise_until = match form.raise_until.trim() {
        "" => Ok(None),
        text => parse_iso_date(text)
            .map(Some)
            .ok_or_else(|| Error::invalid("raise_until", "a date such as 2026-12-15")),
    };
    let rpm = parse_rate(
        "requests_per_minute",
        &form.requests_per_minute,
        MAX_REQUESTS_PER_MINUTE,
    );
    let tpm = parse_rate(
        "tokens_per_minute",
        &form.tokens_per_minute,
        MAX_TOKENS_PER_MINUTE,
    );
    Error::all_valid([
        cap.as_ref().err(),
        raise_cap.as_ref().err(),
        raise_until.as_ref().err(),
        rpm.as_ref().err(),
        tpm.as_ref().err(),
    ])?;
    let raise = match (raise_cap?, raise_until?) {
        (None, None) => None,
        (Some(cap), Some(until)) => Some(Raise { cap, until }),
        (Some(_), None) => {
            return Err(Error::invalid("raise_until", "the day the raise ends"));
        }
        (None, Some(_)) => {
            return Err(Error::invalid("raise_cap", "the raised limit"));
        }
    };
    let limits = WorkspaceLimits {
        monthly_cap: cap?,
        raise,
        requests_per_minute: rpm?,
        tokens_per_minute: tpm?,
    };
    if let Some(raise) = limits.raise {
        check_raise(raise, limits.monthly_cap, now)?;
    }
    Ok(limits)
}

/// Saves a workspace's limits: caps no higher than the organization's (the error names
/// the workspace), a raise above the monthly cap for a while.
pub async fn save_workspace(
    ports: &Ports<'_>,
    actor: &OrgActor,
    workspace_id: &str,
    form: &WorkspaceLimitsForm,
) -> Result<(), Error> {
    actor.require(Action::ManageLimits)?;
    let db = ports.db;
    let currency = &ports.config.catalogue.currency;
    let workspace = workspaces::find_in_org(&db.pool, &actor.org_id, workspace_id)
        .await
        .or_internal("loading a workspace")?
        .ok_or(Error::NotFound)?;
    let now = db.now();
    let limits = read_form(form, now)?;
    let mut tx = actor
        .begin_locked(db, Action::ManageLimits, "saving limits")
        .await?;
    let org_cap = stored_org_limits(&mut *tx, &actor.org_id)
        .await?
        .monthly_cap;
    check_under_org(
        "monthly_cap",
        &workspace.name,
        limits.monthly_cap,
        org_cap,
        currency,
    )?;
    check_under_org(
        "raise_cap",
        &workspace.name,
        limits.raise.map(|r| r.cap),
        org_cap,
        currency,
    )?;
    let row = LimitsRow {
        scope_id: workspace.id.clone(),
        org_id: actor.org_id.clone(),
        monthly_cap: limits.monthly_cap.map(|c| c.0),
        raised_cap: limits.raise.map(|r| r.cap.0),
        raised_until: limits.raise.map(|r| r.until),
        requests_per_minute: limits.requests_per_minute,
        tokens_per_minute: limits.tokens_per_minute,
        alert_thresholds: String::new(),
    };
    let before = repo::for_scopes(&mut *tx, &workspace.id, &actor.org_id)
        .await
        .or_internal("reading limits")?
        .into_iter()
        .find(|r| r.scope_id == workspace.id);
    repo::save(&mut *tx, &row, now)
        .await
        .or_internal("saving limits")?;
    let target = Target::named("workspace", &workspace.id, &workspace.name);
    let change = Change::new(AuditAction::WorkspaceLimitsChanged, target)
        .in_workspace(&workspace.id)
        .before(
            before
                .as_ref()
                .map_or(serde_json::Value::Null, limit_fields),
        )
        .after(limit_fields(&row));
    audit::record(&mut tx, &actor.org_id, actor.into(), change, now).await?;
    tx.commit().await.or_internal("saving limits")
}

/// Emails Admins and Billing members once per cap, threshold and period that spend has
/// reached (the outbox entry is written with the alert's record, in one transaction).
/// Runs every minute in each console process; the record makes it once in all of them.
pub async fn send_alerts(ports: &Ports<'_>) -> Result<usize, Error> {
    let db = ports.db;
    let now = db.now();
    let period = Period::containing(now);
    let key = period.key();
    let capped = repo::capped_spend(&db.pool, &key)
        .await
        .or_internal("reading spend")?;
    let currency = &ports.config.catalogue.currency;
    let mut thresholds_of: HashMap<String, Vec<i64>> = HashMap::new();
    let mut sent = 0;
    for row in capped {
        let limits = WorkspaceLimits {
            monthly_cap: row.monthly_cap.map(Money),
            raise: raise_of(row.raised_cap, row.raised_until),
            ..WorkspaceLimits::default()
        };
        let Some(cap) = limits.cap_at(now) else {
            continue;
        };
        if !thresholds_of.contains_key(&row.org_id) {
            let thresholds = stored_org_limits(&db.pool, &row.org_id).await?.thresholds;
            thresholds_of.insert(row.org_id.clone(), thresholds);
        }
        for threshold in thresholds_reached(&thresholds_of[&row.org_id], cap, row.spent) {
            if alert(ports, &row, threshold, cap, period, currency).await? {
                sent += 1;
            }
        }
    }
    Ok(sent)
}

async fn alert(
    ports: &Ports<'_>,
    row: &repo::CappedSpend,
    threshold: i64,
    cap: Money,
    period: Period,
    currency: &str,
) -> Result<bool, Error> {
    let db = ports.db;
    let now = db.now();
    let mut tx = db.pool.begin().await.or_internal("recording an alert")?;
    let first = repo::insert_alert(
        &mut *tx,
        &row.scope_id,
        &row.org_id,
        &period.key(),
        threshold,
        cap.0,
        now,
    )
    .await
    .or_internal("recording an alert")?;
    if !first {
        return Ok(false);
    }
    let org_name = super::orgs::name(&mut *tx, &row.org_id).await?;
    let scope_name = if row.scope_id == row.org_id {
        "The organization".to_owned()
    } else {
        let ws = workspaces::find_in_org(&mut *tx, &row.org_id, &row.scope_id)
            .await
            .or_internal("loading a workspace")?;
        format!(
            "Workspace “{}”",
            ws.map_or_else(|| row.scope_id.clone(), |w| w.name)
        )
    };
    let mut recipients = Vec::new();
    for role in [OrgRole::Admin, OrgRole::Billing] {
        recipients.extend(
            memberships::emails_with_role(&mut *tx, &row.org_id, role.as_str(), 50)
                .await
                .or_internal("finding whom to alert")?,
        );
    }
    let link = format!(
        "{}{}",
        ports.config.public_url,
        paths::settings_limits(&row.org_id)
    );
    let (spent, cap_text, label) = (
        minor(row.spent).format(currency),
        cap.format(currency),
        period.label(),
    );
    let mut emails = Vec::new();
    for to in &recipients {
        let mail = SpendAlertMail {
            org_id: &row.org_id,
            to,
            org_name: &org_name,
            scope_name: &scope_name,
            threshold,
            spent: &spent,
            cap: &cap_text,
            period: &label,
            link: &link,
        };
        emails.push(
            ports
                .mailer
                .record_spend_alert(&mut tx, now, mail)
                .await
                .map_err(|e| crate::server::error::internal("recording an alert email", e))?,
        );
    }
    tx.commit().await.or_internal("recording an alert")?;
    for email in emails {
        ports.mailer.send(db, email);
    }
    tracing::info!(scope = %row.scope_id, threshold, "spend alert sent");
    Ok(true)
}

/// Counts the current month's spend into the ledger from the day sums, once: the first
/// time a console with usage limits starts on a database (usage stored after that is
/// counted as it is stored). Earlier months are never enforced, so never counted.
pub async fn fill_ledger(db: &Db, catalogue: &Catalogue) -> Result<(), Error> {
    let now = db.now();
    let period = Period::containing(now);
    let mut tx = db
        .pool
        .begin()
        .await
        .or_internal("filling the spend ledger")?;
    if !repo::claim_fill(&mut *tx, now)
        .await
        .or_internal("filling the spend ledger")?
    {
        return Ok(());
    }
    let sums: Vec<DaySum> = usage::all_between(&mut *tx, period.start, period.end)
        .await
        .or_internal("reading this month's usage")?
        .into_iter()
        .map(|s| metering::priced(catalogue, s))
        .collect();
    usage_store::count_spend(&mut tx, &sums)
        .await
        .or_internal("filling the spend ledger")?;
    tx.commit().await.or_internal("filling the spend ledger")?;
    tracing::info!(
        rows = sums.len(),
        "counted this month's spend into the ledger"
    );
    Ok(())
}

/// Forgets rate windows that ended more than an hour ago (run every minute).
pub async fn forget_old_windows(db: &Db) -> Result<u64, Error> {
    repo::prune_windows(&db.pool, db.now() - 60 * MINUTE_MS)
        .await
        .or_internal("forgetting old rate windows")
}

/// What a gateway that runs elsewhere learns of a key (`POST /internal/keys/introspect`):
/// whether it may serve it now, why not, what budget is left and its rate limits.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Introspection {
    /// Whether requests that cost money may be served now.
    pub active: bool,
    /// "active", "suspended" (a spend cap is reached) or "invalid".
    pub status: &'static str,
    /// Why not: "invalid_api_key", "key_owner_not_member", "workspace_limit_reached",
    /// "organization_limit_reached".
    pub reason: Option<&'static str>,
    pub key_id: Option<String>,
    pub workspace_id: Option<String>,
    pub organization_id: Option<String>,
    /// When a suspension ends by itself (milliseconds since the epoch).
    pub suspended_until: Option<i64>,
    pub currency: String,
    /// Minor units left under each cap this period (`None`: no cap).
    pub workspace_budget_left: Option<i64>,
    pub organization_budget_left: Option<i64>,
    pub rate_limits: Option<RateWindow>,
}

impl Introspection {
    fn refused(reason: &'static str, currency: &str) -> Introspection {
        Introspection {
            active: false,
            status: "invalid",
            reason: Some(reason),
            key_id: None,
            workspace_id: None,
            organization_id: None,
            suspended_until: None,
            currency: currency.to_owned(),
            workspace_budget_left: None,
            organization_budget_left: None,
            rate_limits: None,
        }
    }
}

/// A key's standing under the same rules `/v1` enforces; changes nothing.
pub async fn introspect(
    db: &Db,
    currency: &str,
    actor: &Actor,
    secret: &str,
) -> Result<Introspection, Error> {
    require_actor(actor, Action::IntrospectKeys)?;
    let now = db.now();
    let ws = match WorkspaceActor::for_key(db, &secret_hash(secret.trim()), now).await {
        Ok(ws) => ws,
        Err(KeyRefused::Invalid) => {
            return Ok(Introspection::refused("invalid_api_key", currency));
        }
        Err(KeyRefused::OwnerNotMember) => {
            return Ok(Introspection::refused("key_owner_not_member", currency));
        }
        Err(KeyRefused::Failed(e)) => return Err(e),
    };
    let (workspace_id, org_id) = (ws.workspace.id.clone(), ws.org.org_id.clone());
    let caps = caps(db, &workspace_id, &org_id, now).await?;
    let period = Period::containing(now);
    let used = used(db, &workspace_id, &org_id, period).await?;
    let left = |cap: Option<Money>, id: &str| cap.map(|c| minor_left(micros(c) - used(id)));
    let (workspace_left, org_left) = (left(caps.workspace, &workspace_id), left(caps.org, &org_id));
    let reason = cap_reached(&caps, &used, &workspace_id, &org_id, period).map(|r| match r.scope {
        CapScope::Organization => "organization_limit_reached",
        CapScope::Workspace => "workspace_limit_reached",
    });
    let rate_limits = if caps.requests_per_minute.is_some() || caps.tokens_per_minute.is_some() {
        let minute = minute_of(now);
        let counts = repo::window(&db.pool, &workspace_id, minute)
            .await
            .or_internal("reading a rate window")?;
        let limits = (caps.requests_per_minute, caps.tokens_per_minute);
        Some(RateWindow::of_minute(minute, limits, counts))
    } else {
        None
    };
    Ok(Introspection {
        active: reason.is_none(),
        status: if reason.is_none() {
            "active"
        } else {
            "suspended"
        },
        reason,
        key_id: ws.key_id.clone(),
        workspace_id: Some(workspace_id),
        organization_id: Some(org_id),
        suspended_until: reason.map(|_| period.end),
        currency: currency.to_owned(),
        workspace_budget_left: workspace_left,
        organization_budget_left: org_left,
        rate_limits,
    })
}

/// Whole minor units left of `micros` (none below zero; a part of a cent left is not a cent).
fn minor_left(micros: i64) -> i64 {
    micros.max(0) / MICROS_PER_MINOR
}

/// Releases holds whose requests can no longer release them (older than any request
/// runs: their process was killed), oldest first; run every minute.
pub async fn lapse_holds(db: &Db) -> Result<usize, Error> {
    let stale = repo::holds_before(&db.pool, db.now() - HOLD_LAPSES_MS, 1_000)
        .await
        .or_internal("finding lapsed holds")?;
    if stale.is_empty() {
        return Ok(0);
    }
    let holds: Vec<Hold> = stale.into_iter().map(Hold::from_row).collect();
    let mut tx = db
        .pool
        .begin()
        .await
        .or_internal("releasing lapsed holds")?;
    let released = usage_store::store(&mut tx, [], &holds)
        .await
        .or_internal("releasing lapsed holds")?;
    tx.commit().await.or_internal("releasing lapsed holds")?;
    if released > 0 {
        tracing::warn!(count = released, "released holds no request could release");
    }
    Ok(released)
}
