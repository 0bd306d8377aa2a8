use crate::domain::keyset::PageAt;
use sqlx::AnyExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRow {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub role: String,
    pub invited_by: Option<String>,
    pub status: String,
    pub expires_at: i64,
    pub created_at: i64,
}

/// An invitation with the names the invitation page and the list show.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationDetailRow {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub email: String,
    pub role: crate::domain::roles::OrgRole,
    pub inviter_name: Option<String>,
    pub status: String,
    pub expires_at: i64,
    pub created_at: i64,
    pub declined_at: Option<i64>,
}

impl InvitationDetailRow {
    /// Where the invitation stands at `now` (`None` for a status no migration wrote).
    pub fn status_at(&self, now: i64) -> Option<crate::domain::invitations::InvitationStatus> {
        crate::domain::invitations::InvitationStatus::at(
            &self.status,
            self.expires_at,
            self.declined_at,
            now,
        )
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GrantRow {
    pub invitation_id: String,
    pub workspace_id: String,
    pub workspace_name: String,
    pub role: crate::domain::roles::WorkspaceRole,
}

const DETAIL: &str = "SELECT i.id, i.org_id, o.name AS org_name, i.email, i.role, u.name AS inviter_name, \
     i.status, i.expires_at, i.created_at, i.declined_at FROM invitations i \
     JOIN organizations o ON o.id = i.org_id LEFT JOIN users u ON u.id = i.invited_by";

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    inv: &InvitationRow,
    token_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, status, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&inv.id)
    .bind(&inv.org_id)
    .bind(&inv.email)
    .bind(&inv.role)
    .bind(token_hash)
    .bind(&inv.invited_by)
    .bind(&inv.status)
    .bind(inv.expires_at)
    .bind(inv.created_at)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn insert_grant<'e>(
    db: impl AnyExecutor<'e>,
    invitation_id: &str,
    workspace_id: &str,
    role: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO invitation_workspaces (invitation_id, workspace_id, role) VALUES ($1, $2, $3)",
    )
    .bind(invitation_id)
    .bind(workspace_id)
    .bind(role)
    .execute(db)
    .await?;
    Ok(())
}

/// Pending invitations that still hold a seat (not expired).
pub async fn count_pending<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM invitations WHERE org_id = $1 AND status = 'pending' AND expires_at > $2")
        .bind(org_id)
        .bind(now)
        .fetch_one(db)
        .await
}

/// The addresses among `emails` that have an open (pending, even expired) invitation.
pub async fn pending_emails<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    emails: &[String],
) -> sqlx::Result<Vec<String>> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT email FROM invitations WHERE org_id = $1 AND status = 'pending' AND email IN ({})",
        super::placeholders(2, emails.len())
    );
    let mut q = sqlx::query_scalar(&sql).bind(org_id);
    for e in emails {
        q = q.bind(e);
    }
    q.fetch_all(db).await
}

pub async fn find_by_token_hash<'e>(
    db: impl AnyExecutor<'e>,
    token_hash: &str,
) -> sqlx::Result<Option<InvitationDetailRow>> {
    sqlx::query_as(&format!("{DETAIL} WHERE i.token_hash = $1"))
        .bind(token_hash)
        .fetch_optional(db)
        .await
}

/// The invitation, if it belongs to the organization.
pub async fn find_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    id: &str,
) -> sqlx::Result<Option<InvitationDetailRow>> {
    sqlx::query_as(&format!("{DETAIL} WHERE i.id = $1 AND i.org_id = $2"))
        .bind(id)
        .bind(org_id)
        .fetch_optional(db)
        .await
}

/// A page of the organization's invitations, newest first: `limit` rows from where `at`
/// says, read backwards (oldest first) for a `before` page (see `keyset::page_of`).
/// `status` filters by the stored status; `expired` picks pending ones past their time.
pub async fn list<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    filter: Option<&str>,
    at: &PageAt,
    now: i64,
    limit: i64,
) -> sqlx::Result<Vec<InvitationDetailRow>> {
    let condition = match filter {
        Some("pending") => "AND i.status = 'pending' AND i.expires_at > $2",
        Some("expired") => "AND i.status = 'pending' AND i.expires_at <= $2",
        Some("accepted") => "AND i.status = 'accepted' AND $2 = $2",
        Some("revoked") => "AND i.status = 'revoked' AND i.declined_at IS NULL AND $2 = $2",
        Some("declined") => "AND i.status = 'revoked' AND i.declined_at IS NOT NULL AND $2 = $2",
        // Open: not answered yet, whether or not its link has expired (it can be resent).
        _ => "AND i.status = 'pending' AND $2 = $2",
    };
    let (from, dir) = super::newest_first(at, "i", "invitations", "org_id", 4);
    sqlx::query_as(&format!(
        "{DETAIL} WHERE i.org_id = $1 {condition} {from} \
         ORDER BY i.created_at {dir}, i.id {dir} LIMIT $3"
    ))
    .bind(org_id)
    .bind(now)
    .bind(limit)
    .bind(at.cursor().unwrap_or(""))
    .fetch_all(db)
    .await
}

/// The workspaces granted by the given invitations: one query for a whole page.
pub async fn grants<'e>(
    db: impl AnyExecutor<'e>,
    invitation_ids: &[String],
) -> sqlx::Result<Vec<GrantRow>> {
    if invitation_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT g.invitation_id, g.workspace_id, w.name AS workspace_name, g.role FROM invitation_workspaces g \
         JOIN workspaces w ON w.id = g.workspace_id WHERE g.invitation_id IN ({}) ORDER BY w.name",
        super::placeholders(1, invitation_ids.len())
    );
    let mut q = sqlx::query_as(&sql);
    for id in invitation_ids {
        q = q.bind(id);
    }
    q.fetch_all(db).await
}

/// Marks a pending, unexpired invitation accepted, only if `token_hash` is still its link.
/// False when it was not (any more).
pub async fn mark_accepted<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    token_hash: &str,
    user_id: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE invitations SET status = 'accepted', accepted_at = $1, accepted_by = $2 \
         WHERE id = $3 AND status = 'pending' AND expires_at > $1 AND token_hash = $4",
    )
    .bind(now)
    .bind(user_id)
    .bind(id)
    .bind(token_hash)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn revoke<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE invitations SET status = 'revoked' WHERE id = $1 AND status = 'pending'",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a pending invitation a new token and expiry: the old link stops working.
pub async fn renew<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    token_hash: &str,
    expires_at: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE invitations SET token_hash = $1, expires_at = $2 WHERE id = $3 AND status = 'pending'")
        .bind(token_hash)
        .bind(expires_at)
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The newest pending, unexpired invitations to `email`, from any organization.
pub async fn pending_for_email<'e>(
    db: impl AnyExecutor<'e>,
    email: &str,
    now: i64,
    limit: i64,
) -> sqlx::Result<Vec<InvitationDetailRow>> {
    sqlx::query_as(&format!(
        "{DETAIL} WHERE i.email = $1 AND i.status = 'pending' AND i.expires_at > $2 \
         ORDER BY i.created_at DESC, i.id DESC LIMIT $3"
    ))
    .bind(email)
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// How many pending, unexpired invitations wait for `email`.
pub async fn count_pending_for_email<'e>(
    db: impl AnyExecutor<'e>,
    email: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM invitations WHERE email = $1 AND status = 'pending' AND expires_at > $2",
    )
    .bind(email)
    .bind(now)
    .fetch_one(db)
    .await
}

/// The invitation `id` if it was sent to `email` (whatever its state).
pub async fn find_for_email<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    email: &str,
) -> sqlx::Result<Option<InvitationDetailRow>> {
    sqlx::query_as(&format!("{DETAIL} WHERE i.id = $1 AND i.email = $2"))
        .bind(id)
        .bind(email)
        .fetch_optional(db)
        .await
}

/// Marks a pending, unexpired invitation to `email` accepted by its confirmed owner (no
/// link needed). False when it is not pending any more.
pub async fn mark_accepted_by_invitee<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    email: &str,
    user_id: &str,
    now: i64,
) -> sqlx::Result<bool> {
    // The address is checked again here: still the account's, and confirmed.
    let done = sqlx::query(
        "UPDATE invitations SET status = 'accepted', accepted_at = $1, accepted_by = $2 \
         WHERE id = $3 AND email = $4 AND status = 'pending' AND expires_at > $1 \
         AND EXISTS (SELECT 1 FROM users u WHERE u.id = $2 AND u.email = $4 \
                     AND u.email_verified_at IS NOT NULL)",
    )
    .bind(now)
    .bind(user_id)
    .bind(id)
    .bind(email)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Closes a pending, unexpired invitation to `email` as declined by its owner `user_id`
/// (whose confirmed address it must still be). False otherwise.
pub async fn decline<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    user_id: &str,
    email: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE invitations SET status = 'revoked', declined_at = $1 \
         WHERE id = $2 AND email = $3 AND status = 'pending' AND expires_at > $1 \
         AND EXISTS (SELECT 1 FROM users u WHERE u.id = $4 AND u.email = $3 \
                     AND u.email_verified_at IS NOT NULL)",
    )
    .bind(now)
    .bind(id)
    .bind(email)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Pending, unexpired invitations of `email` to `org_id`.
pub async fn count_pending_in_org_for_email<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    email: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM invitations WHERE org_id = $1 AND email = $2 AND status = 'pending' \
         AND expires_at > $3",
    )
    .bind(org_id)
    .bind(email)
    .bind(now)
    .fetch_one(db)
    .await
}

/// Marks `email`'s pending invitations to `org_id` accepted by `user_id`, who joined
/// another way (through the organization's domain): the seat they held is the member's.
pub async fn accept_pending_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    email: &str,
    user_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE invitations SET status = 'accepted', accepted_at = $1, accepted_by = $2 \
         WHERE org_id = $3 AND email = $4 AND status = 'pending'",
    )
    .bind(now)
    .bind(user_id)
    .bind(org_id)
    .bind(email)
    .execute(db)
    .await?;
    Ok(())
}
