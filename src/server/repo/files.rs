use crate::domain::api_lists::ListRequest;
use crate::domain::keyset::PageAt;
use sqlx::AnyExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileRow {
    pub id: String,
    pub org_id: String,
    pub workspace_id: String,
    pub filename: String,
    pub purpose: String,
    pub bytes: i64,
    pub line_count: i64,
    pub created_by_key: Option<String>,
    pub created_by_user: Option<String>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, org_id, workspace_id, filename, purpose, bytes, line_count, created_by_key, created_by_user, created_at";

/// Inserts the file unless its workspace is archived (false then): an upload that was
/// streaming while the workspace was archived is not kept.
pub async fn insert<'e>(db: impl AnyExecutor<'e>, f: &FileRow) -> sqlx::Result<bool> {
    let done = sqlx::query(&format!(
        "INSERT INTO files ({COLUMNS}) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 \
         WHERE EXISTS (SELECT 1 FROM workspaces WHERE id = $3 AND archived_at IS NULL)"
    ))
    .bind(&f.id)
    .bind(&f.org_id)
    .bind(&f.workspace_id)
    .bind(&f.filename)
    .bind(&f.purpose)
    .bind(f.bytes)
    .bind(f.line_count)
    .bind(&f.created_by_key)
    .bind(&f.created_by_user)
    .bind(f.created_at)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Names containing the pattern `$2`, unless it is null.
const SEARCH: &str = "AND ($2 IS NULL OR LOWER(filename) LIKE LOWER($2) ESCAPE '\\')";

/// A page of the workspace's files (`limit` + 1 rows, to know whether more follow), after
/// the cursor (created_at, id) if given, whose names contain `search` if given.
pub async fn page<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    list: &ListRequest,
    cursor: Option<(i64, &str)>,
    search: Option<&str>,
) -> sqlx::Result<Vec<FileRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM files WHERE workspace_id = $1 {SEARCH}{}",
        super::page_clause(list, cursor.is_some(), 3)
    );
    let mut query = sqlx::query_as(&sql)
        .bind(workspace_id)
        .bind(search.map(super::contains_pattern));
    if let Some((at, id)) = cursor {
        query = query.bind(at).bind(id);
    }
    query
        .bind(list.limit + 1)
        .bind(list.offset)
        .fetch_all(db)
        .await
}

/// How many files the workspace has whose names contain `search`, if given.
pub async fn count<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    search: Option<&str>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM files WHERE workspace_id = $1 {SEARCH}"
    ))
    .bind(workspace_id)
    .bind(search.map(super::contains_pattern))
    .fetch_one(db)
    .await
}

/// The creation time of the workspace's file `id` (a list cursor), if there is one.
pub async fn created_at<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    id: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT created_at FROM files WHERE workspace_id = $1 AND id = $2")
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The file, if it belongs to that workspace.
pub async fn find<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    id: &str,
) -> sqlx::Result<Option<FileRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM files WHERE workspace_id = $1 AND id = $2"
    ))
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Deletes a file's row; `false` when it was gone already.
pub async fn delete<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM files WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A download link: which file, made by which key.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub file_id: String,
    pub key_id: String,
    pub workspace_id: String,
}

/// Keeps a download link (its token's hash) to a file until `expires_at`, and forgets the
/// workspace's links that have expired; how many links of the workspace are live now.
pub async fn insert_link(
    conn: &mut sqlx::AnyConnection,
    token_hash: &str,
    link: &LinkRow,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<i64> {
    sqlx::query("DELETE FROM file_links WHERE workspace_id = $1 AND expires_at <= $2")
        .bind(&link.workspace_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO file_links (token_hash, file_id, key_id, workspace_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(&link.file_id)
    .bind(&link.key_id)
    .bind(&link.workspace_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    sqlx::query_scalar("SELECT COUNT(*) FROM file_links WHERE workspace_id = $1")
        .bind(&link.workspace_id)
        .fetch_one(&mut *conn)
        .await
}

/// The link with this token's hash, while it lasts.
pub async fn find_link<'e>(
    db: impl AnyExecutor<'e>,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<Option<LinkRow>> {
    sqlx::query_as(
        "SELECT file_id, key_id, workspace_id FROM file_links \
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// A dataset with the name of the key or person that uploaded it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileWithCreator {
    pub id: String,
    pub filename: String,
    pub bytes: i64,
    pub line_count: i64,
    pub key_name: Option<String>,
    pub user_name: Option<String>,
    pub created_at: i64,
}

/// The workspace's newest datasets, with their uploaders, in one query.
pub async fn list_with_creators<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    at: &PageAt,
    limit: i64,
) -> sqlx::Result<Vec<FileWithCreator>> {
    let (from, dir) = super::newest_first(at, "f", "files", "workspace_id", 3);
    sqlx::query_as(&format!(
        "SELECT f.id, f.filename, f.bytes, f.line_count, k.name AS key_name, u.name AS user_name, f.created_at \
         FROM files f LEFT JOIN api_keys k ON k.id = f.created_by_key LEFT JOIN users u ON u.id = f.created_by_user \
         WHERE f.workspace_id = $1 {from} ORDER BY f.created_at {dir}, f.id {dir} LIMIT $2",
    ))
    .bind(workspace_id)
    .bind(limit)
    .bind(at.cursor().unwrap_or(""))
    .fetch_all(db)
    .await
}

/// Which of `ids` have a row in the workspace (the stored files a sweep keeps).
pub async fn existing_ids<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    ids: &[String],
) -> sqlx::Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks = super::placeholders(2, ids.len());
    let sql = format!("SELECT id FROM files WHERE workspace_id = $1 AND id IN ({marks})");
    let mut query = sqlx::query_scalar(&sql).bind(workspace_id);
    for id in ids {
        query = query.bind(id);
    }
    query.fetch_all(db).await
}
