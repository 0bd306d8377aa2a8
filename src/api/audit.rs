//! Admin Settings -> Audit log: a page of the organization's log (or, for a workspace
//! Admin, of the workspaces they administer) by the filters in the page's URL.

// The page's URL, field by field: one argument each (the attribute can't reach the
// client function `#[server]` generates, so it is the file's).
#![allow(clippy::too_many_arguments)]

use crate::domain::Error;
use crate::domain::audit::AuditPage;
use leptos::prelude::*;

/// The filters and cursor come as the page's URL has them; a bad one is an error naming
/// its field.
#[server(prefix = "/api", endpoint = "audit_log")]
pub async fn get_audit_log(
    org_id: String,
    actor: Option<String>,
    target: Option<String>,
    action: Option<String>,
    workspace: Option<String>,
    from: Option<String>,
    until: Option<String>,
    after: Option<String>,
    before: Option<String>,
) -> Result<AuditPage, Error> {
    use crate::domain::audit::AuditFilter;
    use crate::domain::keyset::PageAt;
    use crate::server::services::audit;
    let run = async {
        let (state, org_actor) = ctx::org_actor(&org_id).await?;
        let filter = AuditFilter::parse(
            actor.as_deref(),
            target.as_deref(),
            action.as_deref(),
            workspace.as_deref(),
            from.as_deref(),
            until.as_deref(),
        )?;
        let at = PageAt::from_query(after.as_deref(), before.as_deref());
        audit::page(&state.db, &org_actor, filter, &at).await
    };
    ctx::respond(run.await)
}

#[cfg(feature = "ssr")]
use super::ctx;
