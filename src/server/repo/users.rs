use sqlx::AnyExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub last_org_id: Option<String>,
    pub last_workspace_id: Option<String>,
    pub created_at: i64,
    /// When the address was proven; `None` while it is not.
    pub email_verified_at: Option<i64>,
}

const COLUMNS: &str =
    "id, email, name, password_hash, last_org_id, last_workspace_id, created_at, email_verified_at";

pub async fn insert<'e>(db: impl AnyExecutor<'e>, u: &UserRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, last_org_id, last_workspace_id, \
         created_at, email_verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&u.id)
    .bind(&u.email)
    .bind(&u.name)
    .bind(&u.password_hash)
    .bind(&u.last_org_id)
    .bind(&u.last_workspace_id)
    .bind(u.created_at)
    .bind(u.email_verified_at)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn find_by_id<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// `email` must already be normalised (lower-cased).
pub async fn find_by_email<'e>(
    db: impl AnyExecutor<'e>,
    email: &str,
) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE email = $1"))
        .bind(email)
        .fetch_optional(db)
        .await
}

/// Remembers where the user was, to bring them back there at the next sign-in.
pub async fn set_last_location<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    org_id: &str,
    workspace_id: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET last_org_id = $1, last_workspace_id = $2 WHERE id = $3")
        .bind(org_id)
        .bind(workspace_id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Sets the account's address to `email`, proven at `now` (the same address, verified, or
/// a new one). The unique index refuses an address another account has taken since.
pub async fn set_verified_email<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    email: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET email = $1, email_verified_at = $2 WHERE id = $3")
        .bind(email)
        .bind(now)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_password_hash<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
    password_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Takes the account's row lock for the rest of the transaction (the write lock on
/// SQLite): two requests for the same account's links are counted one after the other.
pub async fn lock<'e>(db: impl AnyExecutor<'e>, user_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET email = email WHERE id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}
