//! How usage is stored, whatever measured it (a completion, a finished fine-tuning job, a
//! data-plane service's report): its day sums and, in the same transaction, its cost in
//! the spend ledger of its workspace and organization, with the release of the holds its
//! requests took. Every writer goes through `store`, so the ledger always agrees with the
//! day sums; and `take_hold` is the one place a request's hold is checked against a cap.
//!
//! Rows are written in key order (day sums, then ledger rows, the organization's before
//! its workspaces'), so two console processes lock them in the same order and never
//! deadlock.

use crate::domain::billing::limits::{CapScope, MINUTE_MS, RateKind, RateWindow, minute_of};
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
    /// The workspace's rate limits, when it has any: the request and its estimated
    /// tokens are counted in the minute's window.
    pub rate: Option<RateAsk>,
    pub at: i64,
}

/// What a request counts against its workspace's rate limits.
#[derive(Debug, Clone, Copy)]
pub struct RateAsk {
    pub tokens: i64,
    pub requests_per_minute: Option<i64>,
    pub tokens_per_minute: Option<i64>,
}

/// Why a hold was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Cap(CapScope),
    Rate(RateKind),
}

/// What asking for a hold came to: refused or not, and the rate window after it.
#[derive(Debug, Clone, Copy)]
pub struct Held {
    pub refused: Option<Refused>,
    pub window: Option<RateWindow>,
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

/// Takes holds (sorted by organization and workspace): first every hold's spend on the
/// ledger, then every rate window, so that rows are locked in the same order as `store`
/// locks them (ledger rows, then windows) and two processes never deadlock. A request
/// refused by a rate limit gives back its spend hold (rows this transaction has locked).
pub async fn take_holds(
    conn: &mut sqlx::AnyConnection,
    holds: &[&Hold],
) -> sqlx::Result<Vec<Held>> {
    let mut outcomes = Vec::with_capacity(holds.len());
    for h in holds {
        outcomes.push(Held {
            refused: take_spend(&mut *conn, h).await?.map(Refused::Cap),
            window: None,
        });
    }
    let mut by_workspace: Vec<usize> = (0..holds.len()).collect();
    by_workspace.sort_by_key(|&i| &holds[i].workspace_id);
    for i in by_workspace {
        let (h, outcome) = (holds[i], &mut outcomes[i]);
        let Some(rate) = h.rate.filter(|_| outcome.refused.is_none()) else {
            continue;
        };
        let minute = minute_of(h.at);
        let (rpm, tpm) = (rate.requests_per_minute, rate.tokens_per_minute);
        let counted = limits::count_request(
            &mut *conn,
            &h.workspace_id,
            minute,
            rate.tokens,
            rpm.unwrap_or(i64::MAX),
            tpm.unwrap_or(i64::MAX),
        )
        .await?;
        let (requests, tokens) = match counted {
            Some(counts) => counts,
            None => {
                let (requests, tokens) =
                    limits::window(&mut *conn, &h.workspace_id, minute).await?;
                let kind = if rpm.is_some_and(|l| requests >= l) {
                    RateKind::Requests
                } else {
                    RateKind::Tokens
                };
                outcome.refused = Some(Refused::Rate(kind));
                give_back(&mut *conn, h).await?;
                (requests, tokens)
            }
        };
        outcome.window = Some(RateWindow {
            requests_per_minute: rpm,
            tokens_per_minute: tpm,
            requests,
            tokens,
            resets_at: minute + MINUTE_MS,
        });
    }
    Ok(outcomes)
}

fn scopes(h: &Hold) -> (Scope<'_>, Scope<'_>) {
    let org = Scope {
        scope_id: &h.org_id,
        org_id: &h.org_id,
        period: &h.period,
    };
    let workspace = Scope {
        scope_id: &h.workspace_id,
        ..org
    };
    (org, workspace)
}

/// Takes a hold on the organization's ledger row, then the workspace's, each only while
/// its spend and holds are under its cap; `Some(scope)` names the cap that is reached
/// (and nothing is held).
async fn take_spend(conn: &mut sqlx::AnyConnection, h: &Hold) -> sqlx::Result<Option<CapScope>> {
    let stale_before = h.at - HOLD_LAPSES_MS;
    let (org, workspace) = scopes(h);
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

/// Gives back a spend hold taken in this transaction.
async fn give_back(conn: &mut sqlx::AnyConnection, h: &Hold) -> sqlx::Result<()> {
    let (org, workspace) = scopes(h);
    if h.org_cap.is_some() {
        limits::add(&mut *conn, org, 0, h.amount).await?;
    }
    if h.workspace_cap.is_some() {
        limits::add(&mut *conn, workspace, 0, h.amount).await?;
    }
    Ok(())
}
