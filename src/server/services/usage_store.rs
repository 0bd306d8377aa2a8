//! How usage is stored, whatever measured it (a completion, a finished fine-tuning job, a
//! data-plane service's report): its day sums and, in the same transaction, its cost in
//! the spend ledger of its workspace and organization, with the release of the holds its
//! requests took. Every writer goes through `store`, so the ledger always agrees with the
//! day sums; and `take_hold` is the one place a request's hold is checked against a cap.
//!
//! Rows are written in key order (day sums, then ledger rows, the organization's before
//! its workspaces'), so two console processes lock them in the same order and never
//! deadlock.

use crate::domain::billing::limits::CapScope;
use crate::domain::calendar::Period;
use crate::server::repo::limits::{self, Scope};
use crate::server::repo::usage;
use std::collections::BTreeMap;

pub use crate::server::repo::usage::DaySum;

/// How long a hold may outlive its request: one older than this belongs to no running
/// request (its process was killed) and lapses. Longer than any completion runs.
pub const HOLD_LAPSES_MS: i64 = 15 * 60 * 1000;

/// Budget held for a running request that costs money, on each scope that has a cap
/// (micros).
#[derive(Debug, Clone)]
pub struct Hold {
    pub org_id: String,
    pub workspace_id: String,
    /// The period it was taken in ("2026-11").
    pub period: String,
    pub amount: i64,
    /// The caps in force when it was asked for (micros); `None`: that scope holds nothing.
    pub org_cap: Option<i64>,
    pub workspace_cap: Option<i64>,
    pub at: i64,
}

/// A ledger row's key: the organization's row sorts before its workspaces'.
type LedgerKey<'a> = (&'a str, bool, &'a str, String);

/// Stores day sums (merged first) and their cost, and releases holds, on `conn` (the
/// caller's transaction).
pub async fn store<'a>(
    conn: &mut sqlx::AnyConnection,
    sums: impl IntoIterator<Item = &'a DaySum>,
    releases: impl IntoIterator<Item = &'a Hold>,
) -> sqlx::Result<()> {
    let mut merged: BTreeMap<(&str, &str, &str, i64), DaySum> = BTreeMap::new();
    for s in sums {
        let m = merged
            .entry((&s.workspace_id, &s.api_key_id, &s.model, s.day))
            .or_insert_with(|| DaySum {
                requests: 0,
                input_tokens: 0,
                output_tokens: 0,
                training_tokens: 0,
                cost: 0,
                ..s.clone()
            });
        m.requests = m.requests.saturating_add(s.requests);
        m.input_tokens = m.input_tokens.saturating_add(s.input_tokens);
        m.output_tokens = m.output_tokens.saturating_add(s.output_tokens);
        m.training_tokens = m.training_tokens.saturating_add(s.training_tokens);
        m.cost = m.cost.saturating_add(s.cost);
    }
    for s in merged.values() {
        usage::add(&mut *conn, s).await?;
    }
    count_spend(conn, merged.values(), releases).await
}

/// Adds the cost of usage to the ledger rows of its workspace and organization, and
/// releases holds (the ledger's part of `store`).
pub async fn count_spend<'s, 'h>(
    conn: &mut sqlx::AnyConnection,
    sums: impl IntoIterator<Item = &'s DaySum>,
    releases: impl IntoIterator<Item = &'h Hold>,
) -> sqlx::Result<()> {
    // (spent, released) per ledger row.
    let mut ledger: BTreeMap<LedgerKey, (i64, i64)> = BTreeMap::new();
    for s in sums {
        let period = Period::containing(s.day).key();
        for key in [
            (s.org_id.as_str(), false, s.org_id.as_str(), period.clone()),
            (s.org_id.as_str(), true, s.workspace_id.as_str(), period),
        ] {
            let row = ledger.entry(key).or_default();
            row.0 = row.0.saturating_add(s.cost);
        }
    }
    for h in releases {
        if h.org_cap.is_some() {
            let row = ledger
                .entry((&h.org_id, false, &h.org_id, h.period.clone()))
                .or_default();
            row.1 = row.1.saturating_add(h.amount);
        }
        if h.workspace_cap.is_some() {
            let row = ledger
                .entry((&h.org_id, true, &h.workspace_id, h.period.clone()))
                .or_default();
            row.1 = row.1.saturating_add(h.amount);
        }
    }
    for ((org_id, _, scope_id, period), (spent, released)) in &ledger {
        let at = Scope {
            scope_id,
            org_id,
            period,
        };
        limits::add(&mut *conn, at, *spent, *released).await?;
    }
    Ok(())
}

/// Takes a hold on the organization's ledger row, then the workspace's, each only while
/// its spend and holds are under its cap; `Some(scope)` names the cap that is reached
/// (and nothing is held).
pub async fn take_hold(conn: &mut sqlx::AnyConnection, h: &Hold) -> sqlx::Result<Option<CapScope>> {
    let stale_before = h.at - HOLD_LAPSES_MS;
    let org = Scope {
        scope_id: &h.org_id,
        org_id: &h.org_id,
        period: &h.period,
    };
    let workspace = Scope {
        scope_id: &h.workspace_id,
        ..org
    };
    if let Some(cap) = h.org_cap
        && !limits::hold(&mut *conn, org, h.amount, cap, h.at, stale_before).await?
    {
        return Ok(Some(CapScope::Organization));
    }
    if let Some(cap) = h.workspace_cap
        && !limits::hold(&mut *conn, workspace, h.amount, cap, h.at, stale_before).await?
    {
        if h.org_cap.is_some() {
            // Give back what the organization's row held (already locked by this
            // transaction, so the order of locks is kept).
            limits::add(&mut *conn, org, 0, h.amount).await?;
        }
        return Ok(Some(CapScope::Workspace));
    }
    Ok(None)
}
