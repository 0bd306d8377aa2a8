//! The audit log's SQL: appending an entry at the head of its organization's chain,
//! pages and exports by filter (each an index range in the list's order), the chain read
//! back in order for verification, and retention's pruning of a prefix.

use crate::domain::audit::{ActorKind, AuditEntryView, AuditFilter};
use crate::domain::keyset::PageAt;
use sqlx::{AnyConnection, AnyExecutor, AnyPool, Row, any::AnyRow};

/// An entry as stored, every field the chain's hash covers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredEntry {
    pub org_id: String,
    pub seq: i64,
    pub at: i64,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    pub target_label: String,
    pub workspace_id: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub prev_hash: String,
}

const COLUMNS: &str = "a.org_id, a.seq, a.at, a.actor_kind, a.actor_id, a.actor_label, \
    a.action, a.target_kind, a.target_id, a.target_label, a.workspace_id, a.before_json, \
    a.after_json, a.client_ip, a.user_agent, a.request_id, a.prev_hash, a.hash";

fn stored(row: &AnyRow) -> sqlx::Result<(StoredEntry, String)> {
    Ok((
        StoredEntry {
            org_id: row.try_get("org_id")?,
            seq: row.try_get("seq")?,
            at: row.try_get("at")?,
            actor_kind: row.try_get("actor_kind")?,
            actor_id: row.try_get("actor_id")?,
            actor_label: row.try_get("actor_label")?,
            action: row.try_get("action")?,
            target_kind: row.try_get("target_kind")?,
            target_id: row.try_get("target_id")?,
            target_label: row.try_get("target_label")?,
            workspace_id: row.try_get("workspace_id")?,
            before_json: row.try_get("before_json")?,
            after_json: row.try_get("after_json")?,
            client_ip: row.try_get("client_ip")?,
            user_agent: row.try_get("user_agent")?,
            request_id: row.try_get("request_id")?,
            prev_hash: row.try_get("prev_hash")?,
        },
        row.try_get("hash")?,
    ))
}

/// The next link of a chain: its sequence number, its time, and the hash it follows.
pub struct Link {
    pub seq: i64,
    pub at: i64,
    pub prev_hash: String,
}

/// Takes the next `count` links of the organization's chain, made at `now` (or at the
/// previous entry's time, if a clock put that later): the first one's sequence number
/// and the hash it follows. The head's row stays locked (PostgreSQL) or the database's
/// write lock held (SQLite) until the transaction ends, so links are taken one after
/// another.
pub async fn take_links(
    conn: &mut AnyConnection,
    org_id: &str,
    now: i64,
    count: i64,
) -> sqlx::Result<Link> {
    let bump = "UPDATE audit_heads SET seq = seq + $3, at = CASE WHEN at > $2 THEN at ELSE $2 END \
                WHERE org_id = $1 RETURNING seq, at, hash";
    let link = |row: AnyRow| -> sqlx::Result<Link> {
        let last: i64 = row.try_get("seq")?;
        Ok(Link {
            seq: last - count + 1,
            at: row.try_get("at")?,
            prev_hash: row.try_get("hash")?,
        })
    };
    let bumped = sqlx::query(bump)
        .bind(org_id)
        .bind(now)
        .bind(count)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(row) = bumped {
        return link(row);
    }
    sqlx::query(
        "INSERT INTO audit_heads (org_id, seq, hash) VALUES ($1, 0, '') \
         ON CONFLICT (org_id) DO NOTHING",
    )
    .bind(org_id)
    .execute(&mut *conn)
    .await?;
    link(
        sqlx::query(bump)
            .bind(org_id)
            .bind(now)
            .bind(count)
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// Writes an entry on a link taken by `take_links`.
pub async fn insert_entry(
    conn: &mut AnyConnection,
    entry: &StoredEntry,
    hash: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (org_id, seq, at, actor_kind, actor_id, actor_label, action, \
         target_kind, target_id, target_label, workspace_id, before_json, after_json, \
         client_ip, user_agent, request_id, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(&entry.org_id)
    .bind(entry.seq)
    .bind(entry.at)
    .bind(&entry.actor_kind)
    .bind(&entry.actor_id)
    .bind(&entry.actor_label)
    .bind(&entry.action)
    .bind(&entry.target_kind)
    .bind(&entry.target_id)
    .bind(&entry.target_label)
    .bind(&entry.workspace_id)
    .bind(&entry.before_json)
    .bind(&entry.after_json)
    .bind(&entry.client_ip)
    .bind(&entry.user_agent)
    .bind(&entry.request_id)
    .bind(&entry.prev_hash)
    .bind(hash)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves the chain's head (taken by `take_links`) onto the newest entry written.
pub async fn move_head(conn: &mut AnyConnection, org_id: &str, hash: &str) -> sqlx::Result<()> {
    let moved = sqlx::query("UPDATE audit_heads SET hash = $2 WHERE org_id = $1")
        .bind(org_id)
        .bind(hash)
        .execute(&mut *conn)
        .await?;
    match moved.rows_affected() {
        1 => Ok(()),
        _ => Err(sqlx::Error::RowNotFound),
    }
}

/// The first and last sequence numbers of entries made in [from, until): the date range
/// becomes a range of the chain, which the list's own order serves (an entry's time is
/// never before the one's before it: `take_links`).
pub async fn seq_range(
    pool: &AnyPool,
    org_id: &str,
    from: Option<i64>,
    until: Option<i64>,
) -> sqlx::Result<(Option<i64>, Option<i64>)> {
    let low = match from {
        Some(from) => sqlx::query_scalar::<_, i64>(
            "SELECT seq FROM audit_log WHERE org_id = $1 AND at >= $2 ORDER BY at, seq LIMIT 1",
        )
        .bind(org_id)
        .bind(from)
        .fetch_optional(pool)
        .await?
        .or(Some(i64::MAX)),
        None => None,
    };
    let high = match until {
        Some(until) => sqlx::query_scalar::<_, i64>(
            "SELECT seq FROM audit_log WHERE org_id = $1 AND at < $2 \
             ORDER BY at DESC, seq DESC LIMIT 1",
        )
        .bind(org_id)
        .bind(until)
        .fetch_optional(pool)
        .await?
        .or(Some(0)),
        None => None,
    };
    Ok((low, high))
}

/// Entries matching `filter` (and in `seq_range`), newest first from where `at` says,
/// at most `limit`; with the names of their workspaces.
pub async fn page(
    pool: &AnyPool,
    org_id: &str,
    filter: &AuditFilter,
    seq_range: (Option<i64>, Option<i64>),
    at: &PageAt,
    limit: i64,
) -> sqlx::Result<Vec<AuditEntryView>> {
    let mut sql = format!(
        "SELECT {COLUMNS}, w.name AS workspace_name FROM audit_log a \
         LEFT JOIN workspaces w ON w.id = a.workspace_id WHERE a.org_id = $1"
    );
    enum Value<'v> {
        Text(&'v str),
        Number(i64),
    }
    let cursor = at.cursor().and_then(|c| c.parse::<i64>().ok());
    let past_cursor = if at.reads_backwards() {
        "a.seq >"
    } else {
        "a.seq <"
    };
    let conditions = [
        ("a.actor_id =", filter.actor.as_deref().map(Value::Text)),
        ("a.target_id =", filter.target.as_deref().map(Value::Text)),
        ("a.action =", filter.action.as_deref().map(Value::Text)),
        (
            "a.workspace_id =",
            filter.workspace.as_deref().map(Value::Text),
        ),
        ("a.seq >=", seq_range.0.map(Value::Number)),
        ("a.seq <=", seq_range.1.map(Value::Number)),
        ("a.at >=", filter.from.map(Value::Number)),
        ("a.at <", filter.until.map(Value::Number)),
        (past_cursor, cursor.map(Value::Number)),
    ];
    let mut values = Vec::new();
    for (condition, value) in conditions {
        if let Some(value) = value {
            values.push(value);
            sql.push_str(&format!(" AND {condition} ${}", values.len() + 1));
        }
    }
    let order = if at.reads_backwards() { "ASC" } else { "DESC" };
    sql.push_str(&format!(" ORDER BY a.seq {order} LIMIT {limit}"));
    let mut query = sqlx::query(&sql).bind(org_id);
    for value in values {
        query = match value {
            Value::Text(v) => query.bind(v),
            Value::Number(v) => query.bind(v),
        };
    }
    let rows = query.fetch_all(pool).await?;
    rows.iter().map(view).collect()
}

fn view(row: &AnyRow) -> sqlx::Result<AuditEntryView> {
    let (e, _) = stored(row)?;
    Ok(AuditEntryView {
        seq: e.seq,
        at: e.at,
        actor_kind: ActorKind::parse(&e.actor_kind).unwrap_or(ActorKind::System),
        actor_id: e.actor_id,
        actor_label: e.actor_label,
        action: e.action,
        target_kind: e.target_kind,
        target_id: e.target_id,
        target_label: e.target_label,
        workspace_id: e.workspace_id,
        workspace_name: row.try_get("workspace_name")?,
        before: e.before_json,
        after: e.after_json,
        client_ip: e.client_ip,
        user_agent: e.user_agent,
        request_id: e.request_id,
    })
}

/// The head of an organization's chain: (last seq, last hash, pruned seq, pruned hash).
pub async fn head<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
) -> sqlx::Result<Option<(i64, String, i64, String)>> {
    let row =
        sqlx::query("SELECT seq, hash, pruned_seq, pruned_hash FROM audit_heads WHERE org_id = $1")
            .bind(org_id)
            .fetch_optional(db)
            .await?;
    row.map(|r| {
        Ok((
            r.try_get("seq")?,
            r.try_get("hash")?,
            r.try_get("pruned_seq")?,
            r.try_get("pruned_hash")?,
        ))
    })
    .transpose()
}

/// Up to `limit` stored entries after `after_seq`, in chain order, with their hashes.
pub async fn chain_after<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    after_seq: i64,
    limit: i64,
) -> sqlx::Result<Vec<(StoredEntry, String)>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM audit_log a WHERE a.org_id = $1 AND a.seq > $2 \
         ORDER BY a.seq LIMIT {limit}"
    ))
    .bind(org_id)
    .bind(after_seq)
    .fetch_all(db)
    .await?;
    rows.iter().map(stored).collect()
}

/// Organizations with entries made before `cutoff`: one index probe per organization.
pub async fn prunable<'e>(db: impl AnyExecutor<'e>, cutoff: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT h.org_id FROM audit_heads h WHERE EXISTS \
         (SELECT 1 FROM audit_log a WHERE a.org_id = h.org_id AND a.at < $1)",
    )
    .bind(cutoff)
    .fetch_all(db)
    .await
}

/// Whether the organization has any entry (a chain without a head is broken).
pub async fn any_entry<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM audit_log WHERE org_id = $1 LIMIT 1")
            .bind(org_id)
            .fetch_optional(db)
            .await?;
    Ok(found.is_some())
}

/// Deletes the organization's entries up to and including the last one made before
/// `cutoff` (a prefix of its chain) and records where the chain restarts. Returns how
/// many were deleted.
pub async fn prune_prefix(
    conn: &mut AnyConnection,
    org_id: &str,
    cutoff: i64,
) -> sqlx::Result<u64> {
    // The head first: it holds the chain's lock while the prefix goes.
    sqlx::query("UPDATE audit_heads SET pruned_seq = pruned_seq WHERE org_id = $1")
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    let last = sqlx::query(
        "SELECT seq, hash FROM audit_log WHERE org_id = $1 AND at < $2 ORDER BY seq DESC LIMIT 1",
    )
    .bind(org_id)
    .bind(cutoff)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(last) = last else { return Ok(0) };
    let (seq, hash): (i64, String) = (last.try_get("seq")?, last.try_get("hash")?);
    sqlx::query("UPDATE audit_heads SET pruned_seq = $2, pruned_hash = $3 WHERE org_id = $1")
        .bind(org_id)
        .bind(seq)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query("DELETE FROM audit_log WHERE org_id = $1 AND seq <= $2")
        .bind(org_id)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

/// The name people know an object by, for the kinds that have one.
pub async fn label_of(
    conn: &mut AnyConnection,
    kind: &str,
    id: &str,
) -> sqlx::Result<Option<String>> {
    let sql = match kind {
        "member" => "SELECT email FROM users WHERE id = $1",
        "workspace" => "SELECT name FROM workspaces WHERE id = $1",
        "api_key" => "SELECT name FROM api_keys WHERE id = $1",
        "invitation" => "SELECT email FROM invitations WHERE id = $1",
        "organization" => "SELECT name FROM organizations WHERE id = $1",
        "domain" => "SELECT domain FROM org_domains WHERE id = $1",
        _ => return Ok(None),
    };
    sqlx::query_scalar(sql).bind(id).fetch_optional(conn).await
}

/// The heads of every organization's chain: (org, link).
pub async fn heads<'e>(db: impl AnyExecutor<'e>) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT org_id, hash FROM audit_heads WHERE seq > 0")
        .fetch_all(db)
        .await
}

/// Locks the organization's head for this transaction if its link does not start with
/// `sealed_prefix` (it is still unsealed): `false` when another process sealed it first.
pub async fn lock_unsealed_head(
    conn: &mut AnyConnection,
    org_id: &str,
    sealed_prefix: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE audit_heads SET seq = seq WHERE org_id = $1 AND seq > 0 AND hash NOT LIKE $2",
    )
    .bind(org_id)
    .bind(format!("{sealed_prefix}%"))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
