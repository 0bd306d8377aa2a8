//! Who is making the request: the session's user, resolved against the database.

use crate::domain::Error;
use crate::server::error::OrInternal;
use crate::server::repo::users::{self, UserRow};
use crate::server::session::USER_ID_KEY;
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
        Some(user) => Ok(user),
        None => {
            session
                .flush()
                .await
                .or_internal("ending an orphaned session")?;
            Err(Error::Unauthenticated)
        }
    }
}

/// Starts a signed-in session under a new id, so a session id planted before
/// sign-in is worthless afterwards.
pub async fn start_session(session: &Session, user_id: &str) -> Result<(), Error> {
    session
        .cycle_id()
        .await
        .or_internal("cycling the session id")?;
    session
        .insert(USER_ID_KEY, user_id)
        .await
        .or_internal("writing the session")
}

/// Ends the session: the row is deleted and the cookie cleared.
pub async fn end_session(session: &Session) -> Result<(), Error> {
    session.flush().await.or_internal("ending the session")
}
