//! One's own sessions: the list on Account -> Sessions, ending one, ending all the others.
//! A session is named by its public id; the secret id and its hash never leave the server.

use crate::domain::Error;
use crate::domain::sessions::{SessionView, device};
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::repo::sessions as repo;

/// The user's live sessions, last seen first; `current` is the hash of the one asking.
pub async fn list(
    db: &Db,
    user_id: &str,
    current: Option<&str>,
) -> Result<Vec<SessionView>, Error> {
    let rows = repo::live_for_user(&db.pool, user_id, db.now())
        .await
        .or_internal("listing sessions")?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(SessionView {
                // Sessions from before they were listed have no public id until signed in again.
                id: r.public_id?,
                device: device(r.user_agent.as_deref()),
                client_ip: r.client_ip,
                started_at: r.started_at,
                seen_at: r.seen_at,
                expires_at: r.expires_at,
                current: Some(r.id_hash.as_str()) == current,
            })
        })
        .collect())
}

/// Ends one of the user's sessions (another person's, or none, is "not found").
pub async fn end(db: &Db, user_id: &str, public_id: &str) -> Result<(), Error> {
    if public_id.len() > 64 {
        return Err(Error::NotFound);
    }
    match repo::end_one(&db.pool, user_id, public_id)
        .await
        .or_internal("ending a session")?
    {
        true => Ok(()),
        false => Err(Error::NotFound),
    }
}

/// Ends every session of the user but `current`. Returns how many ended.
pub async fn end_others(db: &Db, user_id: &str, current: &str) -> Result<u64, Error> {
    repo::end_for_user(&db.pool, user_id, Some(current))
        .await
        .or_internal("ending other sessions")
}
