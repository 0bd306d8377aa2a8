//! Usage limits (`spend_limits`), the spend ledger (`spend_ledger`: spent and held per
//! organization or workspace and period, in micros), alerts sent (`spend_alerts`) and the
//! rate-limit windows (`rate_windows`).

use sqlx::AnyExecutor;

#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct LimitsRow {
    pub scope_id: String,
    pub org_id: String,
    pub monthly_cap: Option<i64>,
    pub raised_cap: Option<i64>,
    pub raised_until: Option<i64>,
    pub requests_per_minute: Option<i64>,
    pub tokens_per_minute: Option<i64>,
    pub alert_thresholds: String,
}

const COLUMNS: &str = "scope_id, org_id, monthly_cap, raised_cap, raised_until, \
    requests_per_minute, tokens_per_minute, alert_thresholds";

/// The limits of a workspace and of its organization, whichever are stored (one lookup).
pub async fn for_scopes<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    org_id: &str,
) -> sqlx::Result<Vec<LimitsRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM spend_limits WHERE scope_id IN ($1, $2)"
    ))
    .bind(workspace_id)
    .bind(org_id)
    .fetch_all(db)
    .await
}

/// Every stored limit of an organization: its own row and its workspaces'.
pub async fn in_org<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<Vec<LimitsRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM spend_limits WHERE org_id = $1"
    ))
    .bind(org_id)
    .fetch_all(db)
    .await
}

pub async fn save<'e>(db: impl AnyExecutor<'e>, row: &LimitsRow, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO spend_limits (scope_id, org_id, monthly_cap, raised_cap, raised_until, \
         requests_per_minute, tokens_per_minute, alert_thresholds, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (scope_id) DO UPDATE SET \
         monthly_cap = excluded.monthly_cap, raised_cap = excluded.raised_cap, \
         raised_until = excluded.raised_until, requests_per_minute = excluded.requests_per_minute, \
         tokens_per_minute = excluded.tokens_per_minute, \
         alert_thresholds = excluded.alert_thresholds, updated_at = excluded.updated_at",
    )
    .bind(&row.scope_id)
    .bind(&row.org_id)
    .bind(row.monthly_cap)
    .bind(row.raised_cap)
    .bind(row.raised_until)
    .bind(row.requests_per_minute)
    .bind(row.tokens_per_minute)
    .bind(&row.alert_thresholds)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LedgerRow {
    pub scope_id: String,
    pub spent: i64,
    /// Held for requests still running.
    pub reserved: i64,
}

impl LedgerRow {
    /// Spent and held together.
    pub fn used(&self) -> i64 {
        self.spent.saturating_add(self.reserved.max(0))
    }
}

/// The ledger of a workspace and its organization for a period.
pub async fn ledger_for<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    org_id: &str,
    period: &str,
) -> sqlx::Result<Vec<LedgerRow>> {
    sqlx::query_as(
        "SELECT scope_id, spent, reserved FROM spend_ledger \
         WHERE scope_id IN ($1, $2) AND period = $3",
    )
    .bind(workspace_id)
    .bind(org_id)
    .bind(period)
    .fetch_all(db)
    .await
}

/// The ledger of an organization and all its workspaces for a period.
pub async fn ledger_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    period: &str,
) -> sqlx::Result<Vec<LedgerRow>> {
    sqlx::query_as(
        "SELECT scope_id, spent, reserved FROM spend_ledger \
         WHERE period = $1 AND org_id = $2",
    )
    .bind(period)
    .bind(org_id)
    .fetch_all(db)
    .await
}

/// One ledger row: an organization (`scope_id` = `org_id`) or a workspace, in a period.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub scope_id: &'a str,
    pub org_id: &'a str,
    pub period: &'a str,
}

/// Adds spend to a scope's period and releases a hold (both in micros).
pub async fn add<'e>(
    db: impl AnyExecutor<'e>,
    at: Scope<'_>,
    spent: i64,
    released: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO spend_ledger (scope_id, period, org_id, spent) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (scope_id, period) DO UPDATE SET \
         spent = spend_ledger.spent + excluded.spent, \
         reserved = CASE WHEN spend_ledger.reserved > $5 THEN spend_ledger.reserved - $5 ELSE 0 END",
    )
    .bind(at.scope_id)
    .bind(at.period)
    .bind(at.org_id)
    .bind(spent)
    .bind(released)
    .execute(db)
    .await?;
    Ok(())
}

/// Locks a scope's ledger row for the period (creating it empty) and reads it:
/// (spent, reserved). Holds are decided on these figures while the row stays locked.
pub async fn lock_ledger(
    conn: &mut sqlx::AnyConnection,
    at: Scope<'_>,
) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "INSERT INTO spend_ledger (scope_id, period, org_id) VALUES ($1, $2, $3) \
         ON CONFLICT (scope_id, period) DO UPDATE SET reserved = spend_ledger.reserved \
         RETURNING spent, reserved",
    )
    .bind(at.scope_id)
    .bind(at.period)
    .bind(at.org_id)
    .fetch_one(&mut *conn)
    .await
}

/// Adds spend, releases holds and adds holds on a scope's row, locked (`lock_ledger`) in
/// this transaction (micros).
pub async fn settle_row(
    conn: &mut sqlx::AnyConnection,
    at: Scope<'_>,
    spent: i64,
    released: i64,
    added: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE spend_ledger SET spent = spent + $3, \
         reserved = CASE WHEN reserved > $4 THEN reserved - $4 ELSE 0 END + $5 \
         WHERE scope_id = $1 AND period = $2",
    )
    .bind(at.scope_id)
    .bind(at.period)
    .bind(spent)
    .bind(released)
    .bind(added)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HoldRow {
    pub id: String,
    pub org_id: String,
    pub workspace_id: String,
    pub period: String,
    pub amount: i64,
    pub on_org: i64,
    pub on_workspace: i64,
    pub taken_at: i64,
}

/// Rows per statement when many are written or deleted at once.
const CHUNK: usize = 100;

/// Records holds taken, many rows per statement.
pub async fn insert_holds(conn: &mut sqlx::AnyConnection, rows: &[HoldRow]) -> sqlx::Result<()> {
    for chunk in rows.chunks(CHUNK) {
        let values = (0..chunk.len())
            .map(|i| format!("({})", super::placeholders(8 * i + 1, 8)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO spend_holds (id, org_id, workspace_id, period, amount, on_org, \
             on_workspace, taken_at) VALUES {values}"
        );
        let mut query = sqlx::query(&sql);
        for h in chunk {
            query = query
                .bind(&h.id)
                .bind(&h.org_id)
                .bind(&h.workspace_id)
                .bind(&h.period)
                .bind(h.amount)
                .bind(h.on_org)
                .bind(h.on_workspace)
                .bind(h.taken_at);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Forgets holds, locking them in id order; the ids and amounts of those that were still
/// there (a hold released or lapsed before is not released twice).
pub async fn delete_holds(
    conn: &mut sqlx::AnyConnection,
    ids: &[&str],
) -> sqlx::Result<Vec<(String, i64)>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    let mut deleted = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "DELETE FROM spend_holds WHERE id IN \
             (SELECT id FROM spend_holds WHERE id IN ({}) ORDER BY id{}) RETURNING id, amount",
            super::placeholders(1, chunk.len()),
            super::lock_rows(conn),
        );
        let mut query = sqlx::query_as(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        deleted.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(deleted)
}

/// Takes `amount` off a lease's hold (deleting it when nothing is left); what it gave
/// back: all of `amount`, less what the hold no longer had, nothing when it is gone.
pub async fn shrink_hold(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    amount: i64,
) -> sqlx::Result<i64> {
    let left: Option<i64> = sqlx::query_scalar(
        "UPDATE spend_holds SET amount = amount - $2 WHERE id = $1 RETURNING amount",
    )
    .bind(id)
    .bind(amount)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(left) = left else {
        return Ok(0);
    };
    if left <= 0 {
        sqlx::query("DELETE FROM spend_holds WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(amount + left.min(0))
}

/// Holds taken before `before`, oldest first.
pub async fn holds_before<'e>(
    db: impl AnyExecutor<'e>,
    before: i64,
    limit: i64,
) -> sqlx::Result<Vec<HoldRow>> {
    sqlx::query_as(
        "SELECT id, org_id, workspace_id, period, amount, on_org, on_workspace, taken_at \
         FROM spend_holds WHERE taken_at < $1 ORDER BY taken_at LIMIT $2",
    )
    .bind(before)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Claims the one-time fill of the ledger from the day sums (true for the one process
/// that gets it; it fills in the same transaction).
pub async fn claim_fill<'e>(db: impl AnyExecutor<'e>, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE counters SET value = $1 WHERE name = 'spend_ledger_filled' AND value = 0",
    )
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A capped scope's spend this period, for the alerts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CappedSpend {
    pub scope_id: String,
    pub org_id: String,
    pub spent: i64,
    pub monthly_cap: Option<i64>,
    pub raised_cap: Option<i64>,
    pub raised_until: Option<i64>,
}

/// Every scope with a cap and some spend in the period.
pub async fn capped_spend<'e>(
    db: impl AnyExecutor<'e>,
    period: &str,
) -> sqlx::Result<Vec<CappedSpend>> {
    sqlx::query_as(
        "SELECT l.scope_id, l.org_id, l.spent, s.monthly_cap, s.raised_cap, s.raised_until \
         FROM spend_ledger l JOIN spend_limits s ON s.scope_id = l.scope_id \
         WHERE l.period = $1 AND s.monthly_cap IS NOT NULL AND l.spent > 0",
    )
    .bind(period)
    .fetch_all(db)
    .await
}

/// Records an alert; false when it was sent before.
pub async fn insert_alert<'e>(
    db: impl AnyExecutor<'e>,
    scope_id: &str,
    org_id: &str,
    period: &str,
    threshold: i64,
    cap: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO spend_alerts (scope_id, period, threshold, org_id, cap, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (scope_id, period, threshold) DO NOTHING",
    )
    .bind(scope_id)
    .bind(period)
    .bind(threshold)
    .bind(org_id)
    .bind(cap)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AlertRow {
    pub scope_id: String,
    pub threshold: i64,
    pub cap: i64,
    pub sent_at: i64,
}

/// The organization's newest alerts.
pub async fn alerts_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    limit: i64,
) -> sqlx::Result<Vec<AlertRow>> {
    sqlx::query_as(
        "SELECT scope_id, threshold, cap, sent_at FROM spend_alerts WHERE org_id = $1 \
         ORDER BY sent_at DESC, scope_id, threshold LIMIT $2",
    )
    .bind(org_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Locks a workspace's rate window for `minute` (creating it empty) and reads its counts:
/// (requests, tokens). Requests are admitted on these figures while the row stays locked.
pub async fn lock_window(
    conn: &mut sqlx::AnyConnection,
    workspace_id: &str,
    minute: i64,
) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "INSERT INTO rate_windows (workspace_id, minute, requests, tokens) VALUES ($1, $2, 0, 0) \
         ON CONFLICT (workspace_id, minute) DO UPDATE SET requests = rate_windows.requests \
         RETURNING requests, tokens",
    )
    .bind(workspace_id)
    .bind(minute)
    .fetch_one(&mut *conn)
    .await
}

/// Counts requests and tokens in a window locked (`lock_window`) in this transaction.
pub async fn add_to_window(
    conn: &mut sqlx::AnyConnection,
    workspace_id: &str,
    minute: i64,
    requests: i64,
    tokens: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE rate_windows SET requests = requests + $3, tokens = tokens + $4 \
         WHERE workspace_id = $1 AND minute = $2",
    )
    .bind(workspace_id)
    .bind(minute)
    .bind(requests)
    .bind(tokens)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The workspace's counts in the window for `minute`.
pub async fn window<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    minute: i64,
) -> sqlx::Result<(i64, i64)> {
    let found: Option<(i64, i64)> = sqlx::query_as(
        "SELECT requests, tokens FROM rate_windows WHERE workspace_id = $1 AND minute = $2",
    )
    .bind(workspace_id)
    .bind(minute)
    .fetch_optional(db)
    .await?;
    Ok(found.unwrap_or((0, 0)))
}

/// Forgets windows that ended before `before`.
pub async fn prune_windows<'e>(db: impl AnyExecutor<'e>, before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM rate_windows WHERE minute < $1")
        .bind(before)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
