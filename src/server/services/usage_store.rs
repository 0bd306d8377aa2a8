//! How usage is stored, whatever measured it (a completion, a finished fine-tuning job, a
//! data-plane service's report): its day sums and, in the same transaction, its cost in
//! the spend ledger of its workspace and organization, with the release of the holds its
//! requests took. Every writer goes through `settle` (`store` is it without holds), so the
//! ledger always agrees with the day sums; and `settle` is the one place a request's hold
//! is checked against a cap.
//!
//! Rows are locked in one order everywhere: day sums, holds (each its own row), ledger rows
//! by (organization, the organization's own rows before its workspaces', period, scope),
//! then rate windows by workspace. Two console processes therefore never deadlock.

use crate::domain::billing::limits::{CapScope, RateKind, RateWindow, minute_of};
use crate::domain::calendar::Period;
use crate::server::repo::limits::{self, HoldRow, Scope};
use crate::server::repo::usage;
use std::collections::{BTreeMap, HashMap};

pub use crate::server::repo::usage::DaySum;

/// How long a hold may outlive its request: one older than this belongs to no running
/// request (its process was killed) and lapses. Longer than any completion runs.
pub const HOLD_LAPSES_MS: i64 = 15 * 60 * 1000;

/// The most one day sum may cost (micros, $10 million): what a price or report beyond it
/// claims is not believed, and ledger sums stay far inside an i64.
pub const MAX_COST: i64 = 1_000_000_000_000_000;

/// Budget held for a running request that costs money, on each scope that has a cap
/// (micros).
#[derive(Debug, Clone)]
pub struct Hold {
    pub id: String,
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
    /// How many requests of `amount` (and of the rate ask's tokens) it asks room for: 1,
    /// or a lease's (granted in full only far from every limit, `lease_size`).
    pub requests: i64,
    /// Set when releasing it gives back part of a lease rather than a whole hold.
    pub part: Option<LeasePart>,
}

/// What releasing part of a lease gives back: `amount` off the lease's row (a request it
/// admitted has stored its usage, or the lease is given up), and what the lease counted
/// in its rate window and did not use.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeasePart {
    /// The window's minute and its unused (requests, tokens).
    pub unused_rate: Option<(i64, i64, i64)>,
}

impl Hold {
    fn holds_spend(&self) -> bool {
        self.org_cap.is_some() || self.workspace_cap.is_some()
    }

    /// The row of a hold granted for `granted` requests.
    fn row(&self, granted: i64) -> HoldRow {
        HoldRow {
            id: self.id.clone(),
            org_id: self.org_id.clone(),
            workspace_id: self.workspace_id.clone(),
            period: self.period.clone(),
            amount: self.amount.saturating_mul(granted),
            on_org: i64::from(self.org_cap.is_some()),
            on_workspace: i64::from(self.workspace_cap.is_some()),
            taken_at: self.at,
        }
    }

    /// What releasing a grant of `granted` requests that no request received gives back:
    /// all its row holds, and what it counted in its rate window.
    pub fn unclaimed(self, granted: i64) -> Hold {
        let unused_rate = self.rate.map(|r| {
            let tokens = r.tokens.saturating_mul(granted);
            (minute_of(self.at), granted, tokens)
        });
        Hold {
            amount: self.amount.saturating_mul(granted),
            part: Some(LeasePart { unused_rate }),
            ..self
        }
    }

    /// A stored hold, to release (it lapsed).
    pub fn from_row(row: HoldRow) -> Hold {
        Hold {
            id: row.id,
            org_id: row.org_id,
            workspace_id: row.workspace_id,
            period: row.period,
            amount: row.amount,
            // Only whether a scope held matters to a release.
            org_cap: (row.on_org != 0).then_some(0),
            workspace_cap: (row.on_workspace != 0).then_some(0),
            rate: None,
            at: row.taken_at,
            requests: 1,
            part: None,
        }
    }
}

/// What a request counts against its workspace's rate limits.
#[derive(Debug, Clone, Copy)]
pub struct RateAsk {
    /// Estimated tokens of one request.
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

/// What asking for a hold came to: refused or not, for how many requests (the hold's
/// `requests`, or 1 near a limit), and the rate window after it.
#[derive(Debug, Clone, Copy)]
pub struct Held {
    pub refused: Option<Refused>,
    pub granted: i64,
    pub window: Option<RateWindow>,
}

/// A ledger row's key, in lock order: the organization's own rows (all periods) before
/// its workspaces' rows.
type LedgerKey<'a> = (&'a str, bool, &'a str, &'a str);

fn org_key(h: &Hold) -> LedgerKey<'_> {
    (&h.org_id, false, &h.period, &h.org_id)
}

fn workspace_key(h: &Hold) -> LedgerKey<'_> {
    (&h.org_id, true, &h.period, &h.workspace_id)
}

fn scope<'a>(key: &LedgerKey<'a>) -> Scope<'a> {
    Scope {
        scope_id: key.3,
        org_id: key.0,
        period: key.2,
    }
}

/// Stores day sums (merged first) and their cost, and releases holds, on `conn` (the
/// caller's transaction); how many holds it released. A hold released before (or lapsed)
/// is not released again.
pub async fn store<'a>(
    conn: &mut sqlx::AnyConnection,
    sums: impl IntoIterator<Item = &'a DaySum>,
    releases: impl IntoIterator<Item = &'a Hold>,
) -> sqlx::Result<usize> {
    settle(conn, sums, releases, &[]).await.map(|s| s.released)
}

/// Adds the cost of usage to the ledger rows of its workspace and organization (the
/// ledger's part of `store`, for usage without holds).
pub async fn count_spend<'s>(
    conn: &mut sqlx::AnyConnection,
    sums: impl IntoIterator<Item = &'s DaySum>,
) -> sqlx::Result<()> {
    let sums: Vec<&DaySum> = sums.into_iter().collect();
    let periods = periods_of(&sums);
    for (key, row) in &ledger_changes(&sums, &periods, &[]) {
        limits::add(&mut *conn, scope(key), row.spent, row.released).await?;
    }
    Ok(())
}

/// What a batch changes on one ledger row: spend added, holds released, holds taken; and,
/// while holds are decided, what the row has used (spent and held).
#[derive(Default)]
struct LedgerRow {
    spent: i64,
    released: i64,
    added: i64,
    used: i64,
}

/// What a batch came to: each new hold's outcome, in the order given, and how many of
/// the holds to release were still there (and so released).
pub struct Settled {
    pub held: Vec<Held>,
    pub released: usize,
}

/// One batch of the writer, on `conn` (its transaction): day sums (merged first) and
/// their cost, the release of the holds their requests took, and new holds. Rows are
/// locked in the module's one order. Holds are decided on the ledger rows and rate windows
/// read once: every row the batch needs is locked and read, then each hold is checked in
/// the order given (the writer sorts them by organization and workspace) against what the
/// batch's usage and the holds before it left, and each row is written once. A hold is refused when a cap it is under is reached
/// (spend and holds at or above it) or when its workspace's window is full; each hold
/// taken is recorded, so that it can lapse.
pub async fn settle<'a>(
    conn: &mut sqlx::AnyConnection,
    sums: impl IntoIterator<Item = &'a DaySum>,
    releases: impl IntoIterator<Item = &'a Hold>,
    holds: &[&'a Hold],
) -> sqlx::Result<Settled> {
    let merged = merge(sums);
    for s in merged.values() {
        usage::add(&mut *conn, s).await?;
    }
    let releases: Vec<&Hold> = releases.into_iter().collect();
    let released = release(conn, &releases).await?;
    let sums: Vec<&DaySum> = merged.values().collect();
    let periods = periods_of(&sums);
    let mut ledger = ledger_changes(&sums, &periods, &released);
    let mut windows = unused_rate(&releases);
    for h in holds {
        if h.org_cap.is_some() {
            ledger.entry(org_key(h)).or_default();
        }
        if h.workspace_cap.is_some() {
            ledger.entry(workspace_key(h)).or_default();
        }
        if h.rate.is_some() {
            windows
                .entry((&h.workspace_id, minute_of(h.at)))
                .or_default();
        }
    }
    if holds.is_empty() {
        for (key, row) in &ledger {
            limits::add(&mut *conn, scope(key), row.spent, row.released).await?;
        }
    } else {
        for (key, row) in ledger.iter_mut() {
            let (spent, reserved) = limits::lock_ledger(&mut *conn, scope(key)).await?;
            let held = reserved.saturating_sub(row.released).max(0);
            row.used = spent.saturating_add(row.spent).saturating_add(held);
        }
    }
    for ((workspace_id, minute), row) in windows.iter_mut() {
        let counts = limits::lock_window(&mut *conn, workspace_id, *minute).await?;
        // What leases give back cannot take a window below what it counts.
        row.added = (-row.added.0.min(counts.0), -row.added.1.min(counts.1));
        row.counts = (counts.0 + row.added.0, counts.1 + row.added.1);
    }
    let mut outcomes = Vec::with_capacity(holds.len());
    let mut taken = Vec::new();
    for h in holds {
        let outcome = decide(h, &mut ledger, &mut windows);
        if outcome.refused.is_none() && h.holds_spend() {
            taken.push(h.row(outcome.granted));
        }
        outcomes.push(outcome);
    }
    if !holds.is_empty() {
        for (key, row) in &ledger {
            if (row.spent, row.released, row.added) != (0, 0, 0) {
                limits::settle_row(&mut *conn, scope(key), row.spent, row.released, row.added)
                    .await?;
            }
        }
    }
    for ((workspace_id, minute), row) in &windows {
        if row.added != (0, 0) {
            let (requests, tokens) = row.added;
            limits::add_to_window(&mut *conn, workspace_id, *minute, requests, tokens).await?;
        }
    }
    limits::insert_holds(&mut *conn, &taken).await?;
    Ok(Settled {
        held: outcomes,
        released: released.len(),
    })
}

/// What the leases given up among `releases` counted in their rate windows and did not
/// use, per window, as `added` (to be taken off once the window is locked).
fn unused_rate<'a>(releases: &[&'a Hold]) -> BTreeMap<(&'a str, i64), WindowRow> {
    let mut windows: BTreeMap<(&str, i64), WindowRow> = BTreeMap::new();
    for h in releases {
        if let Some((minute, requests, tokens)) = h.part.and_then(|p| p.unused_rate)
            && (requests, tokens) != (0, 0)
        {
            let row = windows.entry((&h.workspace_id, minute)).or_default();
            row.added = (row.added.0 + requests, row.added.1.saturating_add(tokens));
        }
    }
    windows
}

/// Day sums merged per (workspace, key, model, day).
fn merge<'a>(
    sums: impl IntoIterator<Item = &'a DaySum>,
) -> BTreeMap<(&'a str, &'a str, &'a str, i64), DaySum> {
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
        m.cost = m.cost.saturating_add(s.cost).min(MAX_COST);
    }
    merged
}

/// Gives back released holds, locking their rows in one id order: a whole hold's row is
/// deleted, once (a lapse and a late release may race), giving back what it held; the
/// parts of a lease take their amounts off its row, which goes when nothing is left. Each
/// hold (one per lease) with what it gave back: nothing for a hold already gone.
async fn release<'a>(
    conn: &mut sqlx::AnyConnection,
    releases: &[&'a Hold],
) -> sqlx::Result<Vec<(&'a Hold, i64)>> {
    // Per id: the hold, and the sum of its parts (`None`: released whole).
    let mut by_id: BTreeMap<&str, (&Hold, Option<i64>)> = BTreeMap::new();
    for h in releases.iter().filter(|h| h.holds_spend()) {
        let entry = by_id.entry(&h.id).or_insert((h, h.part.map(|_| 0)));
        if let Some(parts) = entry.1.as_mut() {
            *parts = parts.saturating_add(h.amount);
        }
    }
    let mut given = Vec::with_capacity(by_id.len());
    let mut wholes: Vec<&Hold> = Vec::new();
    for (id, (h, parts)) in by_id {
        match parts {
            None => wholes.push(h),
            Some(amount) => {
                // The wholes before it in id order are locked first.
                given.extend(delete_wholes(conn, &mut wholes).await?);
                given.push((h, limits::shrink_hold(&mut *conn, id, amount).await?));
            }
        }
    }
    given.extend(delete_wholes(conn, &mut wholes).await?);
    Ok(given)
}

/// Deletes the rows of `wholes` (in id order), emptying it: each hold still there with
/// what its row held (a hold granted for several requests holds more than `amount`).
async fn delete_wholes<'a>(
    conn: &mut sqlx::AnyConnection,
    wholes: &mut Vec<&'a Hold>,
) -> sqlx::Result<Vec<(&'a Hold, i64)>> {
    if wholes.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = wholes.iter().map(|h| h.id.as_str()).collect();
    let deleted: HashMap<String, i64> = limits::delete_holds(&mut *conn, &ids)
        .await?
        .into_iter()
        .collect();
    Ok(wholes
        .drain(..)
        .filter_map(|h| Some((h, *deleted.get(&h.id)?)))
        .collect())
}

fn periods_of(sums: &[&DaySum]) -> Vec<String> {
    sums.iter()
        .map(|s| Period::containing(s.day).key())
        .collect()
}

/// The spend `sums` add (their periods in `periods`) and the holds `released` give back,
/// per ledger row.
fn ledger_changes<'a>(
    sums: &[&'a DaySum],
    periods: &'a [String],
    released: &[(&'a Hold, i64)],
) -> BTreeMap<LedgerKey<'a>, LedgerRow> {
    let mut ledger: BTreeMap<LedgerKey, LedgerRow> = BTreeMap::new();
    for (s, period) in sums.iter().zip(periods) {
        for key in [
            (s.org_id.as_str(), false, period.as_str(), s.org_id.as_str()),
            (
                s.org_id.as_str(),
                true,
                period.as_str(),
                s.workspace_id.as_str(),
            ),
        ] {
            let row = ledger.entry(key).or_default();
            row.spent = row.spent.saturating_add(s.cost).min(MAX_COST);
        }
    }
    for (h, amount) in released {
        let keys = [
            h.org_cap.map(|_| org_key(h)),
            h.workspace_cap.map(|_| workspace_key(h)),
        ];
        for key in keys.into_iter().flatten() {
            let row = ledger.entry(key).or_default();
            row.released = row.released.saturating_add(*amount);
        }
    }
    ledger
}

/// For how many requests a hold asking for `requests` is granted, given each limit's
/// (room left, what one request takes): the most, halving down to `MIN_LEASE`, for which
/// every limit has room for four times as many (a lease far from them all), else one.
fn lease_size(requests: i64, rooms: &[(i64, i64)]) -> i64 {
    let far = |n: i64| {
        rooms
            .iter()
            .all(|&(room, each)| room >= each.saturating_mul(n).saturating_mul(4))
    };
    let mut n = requests;
    while n >= MIN_LEASE {
        if far(n) {
            return n;
        }
        n /= 2;
    }
    1
}

/// The fewest requests a lease is granted for.
pub const MIN_LEASE: i64 = 32;

/// A locked rate window while a batch of holds is decided: its counts and what the batch
/// adds to them.
#[derive(Default)]
struct WindowRow {
    counts: (i64, i64),
    added: (i64, i64),
}

/// One hold, against the rows as the holds before it in the batch left them: refused
/// when a cap it is under is reached or its window is full, else granted for as many of
/// its requests as `lease_size` allows.
fn decide<'a>(
    h: &'a Hold,
    ledger: &mut BTreeMap<LedgerKey<'a>, LedgerRow>,
    windows: &mut BTreeMap<(&'a str, i64), WindowRow>,
) -> Held {
    let refused = |refused, window| Held {
        refused: Some(refused),
        granted: 0,
        window,
    };
    // Each limit's room left, and what one request takes of it.
    let mut rooms: Vec<(i64, i64)> = Vec::new();
    let caps = [
        (h.org_cap, org_key(h), CapScope::Organization),
        (h.workspace_cap, workspace_key(h), CapScope::Workspace),
    ];
    for (cap, key, scope) in &caps {
        if let Some(cap) = cap
            && let Some(row) = ledger.get(key)
        {
            if row.used >= *cap {
                return refused(Refused::Cap(*scope), None);
            }
            rooms.push((cap - row.used, h.amount));
        }
    }
    let mut rate_row = None;
    if let Some(rate) = h.rate {
        let minute = minute_of(h.at);
        let limits = (rate.requests_per_minute, rate.tokens_per_minute);
        let row = windows.entry((&h.workspace_id, minute)).or_default();
        let (requests, tokens) = row.counts;
        let full = if limits.0.is_some_and(|l| requests >= l) {
            Some(RateKind::Requests)
        } else if limits
            .1
            .is_some_and(|l| tokens != 0 && tokens.saturating_add(rate.tokens) > l)
        {
            Some(RateKind::Tokens)
        } else {
            None
        };
        if let Some(kind) = full {
            let window = RateWindow::of_minute(minute, limits, row.counts);
            return refused(Refused::Rate(kind), Some(window));
        }
        rooms.extend(limits.0.map(|l| (l - requests, 1)));
        rooms.extend(limits.1.map(|l| (l - tokens, rate.tokens)));
        rate_row = Some((minute, limits, row));
    }
    let granted = lease_size(h.requests, &rooms);
    let window = rate_row.map(|(minute, limits, row)| {
        let tokens = h.rate.map_or(0, |r| r.tokens).saturating_mul(granted);
        row.counts = (row.counts.0 + granted, row.counts.1.saturating_add(tokens));
        row.added = (row.added.0 + granted, row.added.1.saturating_add(tokens));
        RateWindow::of_minute(minute, limits, row.counts)
    });
    let amount = h.amount.saturating_mul(granted);
    for (cap, key, _) in caps {
        if cap.is_some()
            && let Some(row) = ledger.get_mut(&key)
        {
            row.used = row.used.saturating_add(amount);
            row.added = row.added.saturating_add(amount);
        }
    }
    Held {
        refused: None,
        granted,
        window,
    }
}

#[cfg(test)]
mod tests {
    use super::{MIN_LEASE, lease_size};

    #[test]
    fn a_lease_takes_at_most_a_quarter_of_every_room_or_is_one_request() {
        // Room for 10,000 requests of 2: a quarter is 1,250, so 512 fits whole.
        assert_eq!(lease_size(512, &[(20_000, 2)]), 512);
        // Room for 1,000 requests: 128 is the most of 512, 256, 128 that fits four times.
        assert_eq!(lease_size(512, &[(2_000, 2), (1_000_000, 1)]), 128);
        assert_eq!(lease_size(512, &[(2_048, 2)]), 256);
        // The tightest limit decides: 130 requests left in the minute.
        assert_eq!(lease_size(512, &[(20_000, 2), (130, 1)]), MIN_LEASE);
        // Within four leases of 32 of any limit: one request at a time.
        assert_eq!(lease_size(512, &[(20_000, 2), (127, 1)]), 1);
        assert_eq!(lease_size(32, &[(255, 2)]), 1);
        // A hold for one request is for one request, and nothing limited grants all.
        assert_eq!(lease_size(1, &[(1_000_000, 1)]), 1);
        assert_eq!(lease_size(64, &[]), 64);
    }
}
