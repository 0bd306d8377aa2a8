//! Inviting people, by concept: `sending` (preview and send a batch), `managing` (the
//! list, resend, a fresh link, revoke, the outbox) and `landing` (what a link shows).
//! Accepting is in `services::accepting`. Shared here: tokens, links, seats, the email.
//! Seats: every member and every pending invitation takes one; writes that could
//! exceed the limit hold the organization's lock (see `repo::orgs::lock`).

use crate::domain::Error;
use crate::domain::admin::OutboxEntry;
use crate::domain::audit::AuditAction;
use crate::domain::format::format_timestamp;
use crate::domain::invitations::{
    Batch, InvitationLanding, InvitationStatus, InvitationView, InvitationsPage, InvitePreview,
    Rejected, WorkspaceGrant, parse_batch, parse_workspace_roles, seats, seats_free,
};
use crate::domain::keyset::PageAt;
use crate::domain::permissions::Action;
use crate::domain::roles::OrgRole;
use crate::server::authz::OrgActor;
use crate::server::db::Db;
use crate::server::email::Invitation as InvitationEmail;
use crate::server::error::{OrInternal, internal};
use crate::server::ids::new_id;
use crate::server::repo::users::UserRow;
use crate::server::repo::{
    invitation_sends, invitations, memberships, orgs, outbox, users, workspaces,
};
use crate::server::services::audit::{self, Change, Target};
use crate::server::services::console_pages::read_page;
use crate::server::services::{Ports, subscriptions};
use serde_json::json;

/// What the invite form sends.
pub struct InviteInput {
    /// Addresses separated by commas, spaces or new lines.
    pub emails: String,
    pub role: String,
    /// `workspace_id:role` pairs, comma-separated.
    pub workspaces: String,
}

pub(super) use crate::server::ids::new_secret as new_token;
pub use crate::server::ids::secret_hash as token_hash;

pub(super) fn link(ports: &Ports<'_>, token: &str) -> String {
    format!("{}/invite/{token}", ports.config.public_url)
}

pub(super) fn valid_for_ms(ports: &Ports<'_>) -> i64 {
    ports.config.invite_valid_days * 86_400_000
}

/// Seats of the organization: (members, pending unexpired invitations, limit).
/// Run it on the transaction that holds the organization's lock.
pub(crate) async fn seat_usage(
    ports: &Ports<'_>,
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    now: i64,
) -> Result<(i64, i64, i64), Error> {
    let (members, pending) = subscriptions::seats_taken(conn, org_id, now).await?;
    let limit = subscriptions::current(conn, &ports.config.catalogue, org_id)
        .await?
        .seats;
    Ok((members, pending, limit))
}

mod landing;
mod managing;
mod sending;

pub use landing::landing;
pub use managing::{fresh_link, list, outbox, resend, revoke};
pub use sending::{preview, send};

pub(super) const DAY_MS: i64 = 86_400_000;

/// Refuses `needed` more invitation emails when they would pass the organization's daily
/// cap (`INVITE_EMAILS_PER_DAY`). Run it under the organization's lock.
pub(super) async fn check_daily_emails(
    ports: &Ports<'_>,
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    needed: i64,
    now: i64,
) -> Result<(), Error> {
    let cap = ports.config.invite_emails_per_day;
    let sent = invitation_sends::count_for_org_since(&mut *conn, org_id, now - DAY_MS)
        .await
        .or_internal("counting invitation emails")?;
    if sent + needed > cap {
        return Err(Error::LimitReached(format!(
            "An organization can send {cap} invitation emails a day; {sent} went out in the \
             last 24 hours, so {} more can be sent now. Try again later.",
            (cap - sent).max(0)
        )));
    }
    Ok(())
}

/// Records and sends one invitation email. A failure is logged: the invitation
/// exists and its link can be copied from the console.
#[allow(clippy::too_many_arguments)]
pub(super) async fn email_invitation(
    ports: &Ports<'_>,
    actor: &OrgActor,
    invitation_id: &str,
    to: &str,
    role: OrgRole,
    grants: &[WorkspaceGrant],
    token: &str,
    expires_at: i64,
) {
    let names = async {
        let org = orgs::find_by_id(&ports.db.pool, &actor.org_id)
            .await
            .ok()
            .flatten();
        let inviter = users::find_by_id(&ports.db.pool, &actor.user_id)
            .await
            .ok()
            .flatten();
        (
            org.map(|o| o.name).unwrap_or_default(),
            inviter.map(|u| u.name).unwrap_or_else(|| "An admin".into()),
        )
    };
    let (org_name, inviter) = names.await;
    let workspace_names = grants
        .iter()
        .map(|g| g.workspace_name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mail = InvitationEmail {
        org_id: &actor.org_id,
        invitation_id,
        to,
        org_name: &org_name,
        inviter: &inviter,
        role: role.label(),
        workspaces: &workspace_names,
        link: &link(ports, token),
        expires: &format_timestamp(expires_at),
    };
    if let Err(e) = ports.mailer.send_invitation(ports.db, mail).await {
        internal("emailing an invitation", e);
    }
}

pub(super) async fn list_grants(
    db: &Db,
    invitation_id: &str,
) -> Result<Vec<WorkspaceGrant>, Error> {
    Ok(invitations::grants(&db.pool, &[invitation_id.to_owned()])
        .await
        .or_internal("loading invited workspaces")?
        .into_iter()
        .map(|g| WorkspaceGrant {
            workspace_id: g.workspace_id,
            workspace_name: g.workspace_name,
            role: g.role,
        })
        .collect())
}
