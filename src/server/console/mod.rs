//! The console's plain HTTP routes beside its pages: dataset uploads and downloads, the
//! usage CSV, and the no-JavaScript pages that show a new secret once.

pub mod audit;
pub mod billing;
pub mod files;
pub mod forms;

use crate::domain::Error;
use crate::server::authz::OrgActor;
use crate::server::state::AppState;
use tower_sessions::Session;

/// The signed-in user acting in organization `org` (the console routes' `ctx::org_actor`).
async fn org_actor(state: &AppState, session: &Session, org: &str) -> Result<OrgActor, Error> {
    let user = crate::server::auth::require_user(state, session).await?;
    OrgActor::resolve(&state.db, &user.id, org).await
}
