//! Account -> Sessions: one's own signed-in sessions, ending one or all the others.
//! Both forms work without JavaScript: they redirect back to the account page.

use crate::domain::Error;
use crate::domain::sessions::SessionsPage;
use leptos::prelude::*;

/// The signed-in person's live sessions, this one marked.
#[server(prefix = "/api", endpoint = "sessions")]
pub async fn get_sessions() -> Result<SessionsPage, Error> {
    use crate::server::{auth, services::sessions, session::id_hash};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        let current = session.id().map(|id| id_hash(&id));
        let lifetimes = state.config.sessions;
        Ok(SessionsPage {
            sessions: sessions::list(&state.db, &user.id, current.as_deref()).await?,
            idle_days: lifetimes.idle_ms / crate::domain::calendar::DAY_MS,
            max_days: lifetimes.max_ms / crate::domain::calendar::DAY_MS,
        })
    };
    ctx::respond(run.await)
}

/// Signs out one session of one's own (this one too, if it is the one named).
#[server(prefix = "/api", endpoint = "end_session")]
pub async fn end_session(id: String) -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::{auth, services::sessions};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        sessions::end(&state.db, &user.id, &id).await?;
        leptos_axum::redirect(&paths::with_param(paths::ACCOUNT, "ended=one#sessions"));
        Ok(())
    };
    ctx::respond(run.await)
}

/// Signs out every other session of one's own.
#[server(prefix = "/api", endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<(), Error> {
    use crate::domain::paths;
    use crate::server::{auth, services::sessions, session::id_hash};
    let run = async {
        let (state, session) = (ctx::state()?, ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        let current = session
            .id()
            .map(|id| id_hash(&id))
            .ok_or(Error::Unauthenticated)?;
        sessions::end_others(&state.db, &user.id, &current).await?;
        leptos_axum::redirect(&paths::with_param(paths::ACCOUNT, "ended=others#sessions"));
        Ok(())
    };
    ctx::respond(run.await)
}

#[cfg(feature = "ssr")]
use super::ctx;
