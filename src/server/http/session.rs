//! Sessions: tower-sessions with a store on our own database that keeps only a
//! SHA-256 hash of each session id, so a leaked table can't be replayed as cookies.

use crate::domain::sessions::SessionLifetimes;
use crate::server::db::{Db, is_unique_violation};
use async_trait::async_trait;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::{self, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "console_session";
/// Session key holding the signed-in user's id.
pub const USER_ID_KEY: &str = "user_id";
/// Session keys of when the person signed in and was last seen (ms, the console's clock),
/// and the address and user agent they signed in from. The store keeps each in a column
/// too, for Account -> Sessions and for the expiry.
pub const STARTED_AT_KEY: &str = "started_at";
pub const SEEN_AT_KEY: &str = "seen_at";
pub const CLIENT_IP_KEY: &str = "client_ip";
pub const USER_AGENT_KEY: &str = "user_agent";

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
    lifetimes: SessionLifetimes,
}

impl DbSessionStore {
    pub fn new(db: Db, lifetimes: SessionLifetimes) -> Self {
        DbSessionStore { db, lifetimes }
    }
}

/// The hash under which a session id is stored.
pub fn id_hash(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// The signed-in user a record names, stored beside it so that an account's sessions can
/// be ended together (`repo::sessions`).
fn user_of(record: &Record) -> Option<&str> {
    record.data.get(USER_ID_KEY).and_then(|v| v.as_str())
}

/// What the store writes of a record.
struct Columns {
    data: String,
    expires_at: i64,
    started_at: Option<i64>,
    seen_at: Option<i64>,
    client_ip: Option<String>,
    user_agent: Option<String>,
}

/// The record's data and its expiry on the console's clock. A signed-in session ends
/// idle or at its absolute limit (`SessionLifetimes`); any other keeps the expiry
/// tower-sessions set from the system clock, moved onto `now` (the same instant in
/// production; in tests, a clock moved months ahead keeps new sessions alive).
fn encode(
    record: &Record,
    now: i64,
    lifetimes: &SessionLifetimes,
) -> session_store::Result<Columns> {
    let data = serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let number = |key: &str| record.data.get(key).and_then(|v| v.as_i64());
    let text = |key: &str| {
        record
            .data
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let (started_at, seen_at) = (number(STARTED_AT_KEY), number(SEEN_AT_KEY));
    let expires_at = match (started_at, seen_at) {
        (Some(started), Some(seen)) => lifetimes.expires_at(started, seen),
        _ => {
            let left = record.expiry_date - OffsetDateTime::now_utc();
            now + left.whole_milliseconds() as i64
        }
    };
    Ok(Columns {
        data,
        expires_at,
        started_at,
        seen_at,
        client_ip: text(CLIENT_IP_KEY),
        user_agent: text(USER_AGENT_KEY),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let c = encode(record, self.db.now(), &self.lifetimes)?;
        // The id Account -> Sessions names it by: not the secret, nor its hash.
        let public_id = crate::server::ids::new_id("ses");
        // Ids are 128 random bits; the loop only guards against the astronomically unlikely.
        loop {
            let res = sqlx::query(
                "INSERT INTO sessions (id_hash, data, expires_at, user_id, public_id, \
                 started_at, seen_at, client_ip, user_agent) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id_hash(&record.id))
            .bind(&c.data)
            .bind(c.expires_at)
            .bind(user_of(record))
            .bind(&public_id)
            .bind(c.started_at)
            .bind(c.seen_at)
            .bind(&c.client_ip)
            .bind(&c.user_agent)
            .execute(&self.db.pool)
            .await;
            match res {
                Ok(_) => return Ok(()),
                Err(e) if is_unique_violation(&e) => record.id = Id::default(),
                Err(e) => return Err(backend(e)),
            }
        }
    }

    /// Updates a session that still exists. New sessions come through `create`; one deleted
    /// meanwhile (signed out everywhere, a password reset) stays deleted, even when a
    /// request that loaded it before finishes after.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let c = encode(record, self.db.now(), &self.lifetimes)?;
        sqlx::query(
            "UPDATE sessions SET data = $1, expires_at = $2, user_id = $3, started_at = $4, \
             seen_at = $5, client_ip = $6, user_agent = $7 WHERE id_hash = $8",
        )
        .bind(c.data)
        .bind(c.expires_at)
        .bind(user_of(record))
        .bind(c.started_at)
        .bind(c.seen_at)
        .bind(c.client_ip)
        .bind(c.user_agent)
        .bind(id_hash(&record.id))
        .execute(&self.db.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = sqlx::query(
            "SELECT data, expires_at FROM sessions WHERE id_hash = $1 AND expires_at > $2",
        )
        .bind(id_hash(id))
        .bind(self.db.now())
        .fetch_optional(&self.db.pool)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let data: String = row.try_get("data").map_err(backend)?;
        let expires_ms: i64 = row.try_get("expires_at").map_err(backend)?;
        // Back onto the system clock, as `encode` moved it off.
        let left = time::Duration::milliseconds(expires_ms - self.db.now());
        let expiry_date = OffsetDateTime::now_utc() + left;
        let data =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash(id))
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(self.db.now())
            .execute(&self.db.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// The session layer: HttpOnly, SameSite=Lax, `Secure` when configured. The cookie lives
/// as long as the idle time and is renewed whenever the session is saved (when it is seen
/// again, `auth::seen`); the server ends it earlier at its absolute limit.
pub fn layer(
    db: Db,
    cookie_secure: bool,
    lifetimes: SessionLifetimes,
) -> SessionManagerLayer<DbSessionStore> {
    let idle = time::Duration::milliseconds(lifetimes.idle_ms);
    SessionManagerLayer::new(DbSessionStore::new(db, lifetimes))
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(cookie_secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

/// Deletes expired sessions, sign-in attempts too old to count, ended account links and
/// audit entries past their retention, every ten minutes for as long as the server runs.
pub fn spawn_expired_cleanup(db: Db, audit_retention_days: Option<u32>) {
    let store = DbSessionStore::new(db.clone(), SessionLifetimes::default());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
            let too_old = db.now() - crate::domain::throttle::SIGN_IN_MEMORY_MS;
            if let Err(e) = crate::server::repo::sign_in_attempts::prune(&db.pool, too_old).await {
                tracing::warn!(error = %e, "could not forget old sign-in attempts");
            }
            // Links that ended a day ago count for no throttle any more.
            let ended = db.now() - 24 * crate::domain::account_links::HOUR_MS;
            if let Err(e) = crate::server::repo::account_links::prune(&db.pool, ended).await {
                tracing::warn!(error = %e, "could not forget ended account links");
            }
            match crate::server::services::audit::prune_expired(&db, audit_retention_days).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(entries = n, "pruned audit entries past retention"),
                Err(e) => tracing::warn!(error = %e, "could not prune the audit log"),
            }
        }
    });
}
