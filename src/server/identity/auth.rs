//! Who is making the request: the session's user, resolved against the database.

use crate::domain::Error;
use crate::domain::sessions::TOUCH_EVERY_MS;
use crate::server::error::OrInternal;
use crate::server::http::request_context;
use crate::server::repo::users::{self, UserRow};
use crate::server::session::{
    CLIENT_IP_KEY, SEEN_AT_KEY, STARTED_AT_KEY, USER_AGENT_KEY, USER_ID_KEY,
};
use crate::server::state::AppState;
use tower_sessions::Session;

/// The signed-in user's id, if the session has one.
pub async fn session_user_id(session: &Session) -> Result<Option<String>, Error> {
    session
        .get::<String>(USER_ID_KEY)
        .await
        .or_internal("reading the session")
}

/// The signed-in user, or `Unauthenticated`. A session whose user no longer exists is ended.
pub async fn require_user(state: &AppState, session: &Session) -> Result<UserRow, Error> {
    let Some(id) = session_user_id(session).await? else {
        return Err(Error::Unauthenticated);
    };
    match users::find_by_id(&state.db.pool, &id)
        .await
        .or_internal("loading the session user")?
    {
        Some(user) => {
            seen(session, state.db.now()).await?;
            Ok(user)
        }
        None => {
            session
                .flush()
                .await
                .or_internal("ending an orphaned session")?;
            Err(Error::Unauthenticated)
        }
    }
}

/// Marks the session seen at `now`, at most once every `TOUCH_EVERY_MS`: only then is it
/// changed, and so written back (with its expiry moved on and its cookie renewed). Reading
/// pages keeps a session alive without a database write on every request.
async fn seen(session: &Session, now: i64) -> Result<(), Error> {
    let last: Option<i64> = session
        .get(SEEN_AT_KEY)
        .await
        .or_internal("reading the session")?;
    if last.is_some_and(|last| (0..TOUCH_EVERY_MS).contains(&(now - last))) {
        return Ok(());
    }
    // Its start is set at sign-in (sessions from before that were ended by migration 0023).
    insert(session, SEEN_AT_KEY, now).await
}

async fn insert(session: &Session, key: &str, value: impl serde::Serialize) -> Result<(), Error> {
    session
        .insert(key, value)
        .await
        .or_internal("writing the session")
}

/// Starts a signed-in session under a new id, so a session id planted before
/// sign-in is worthless afterwards; it records when and from where.
pub async fn start_session(session: &Session, user_id: &str, now: i64) -> Result<(), Error> {
    session
        .cycle_id()
        .await
        .or_internal("cycling the session id")?;
    // Nothing of an earlier sign-in in this browser stays with the new one.
    for key in [CLIENT_IP_KEY, USER_AGENT_KEY] {
        session
            .remove_value(key)
            .await
            .or_internal("writing the session")?;
    }
    insert(session, USER_ID_KEY, user_id).await?;
    insert(session, STARTED_AT_KEY, now).await?;
    insert(session, SEEN_AT_KEY, now).await?;
    if let Some(request) = request_context::current() {
        if let Some(ip) = request.client_ip {
            insert(session, CLIENT_IP_KEY, ip).await?;
        }
        if let Some(agent) = request.user_agent {
            insert(session, USER_AGENT_KEY, agent).await?;
        }
    }
    Ok(())
}

/// Ends the session: the row is deleted and the cookie cleared.
pub async fn end_session(session: &Session) -> Result<(), Error> {
    session.flush().await.or_internal("ending the session")
}
