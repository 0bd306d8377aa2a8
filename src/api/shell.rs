//! The data behind the console shell.

use crate::domain::Error;
use crate::domain::shell::ShellData;
use leptos::prelude::*;

/// The shell for a page of organization `org_id` (and workspace `workspace_id`).
#[server(prefix = "/api", endpoint = "load_shell")]
pub async fn load_shell(org_id: String, workspace_id: Option<String>) -> Result<ShellData, Error> {
    use crate::server::{auth, services::shell};
    let run = async {
        let (state, session) = (super::ctx::state()?, super::ctx::session().await?);
        let user = auth::require_user(&state, &session).await?;
        shell::load(&state.db, &user, &org_id, workspace_id.as_deref()).await
    };
    super::ctx::respond(run.await)
}
