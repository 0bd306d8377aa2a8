//! Invitation rules: reading a batch of addresses, the life of an invitation, seats.

use super::roles::{OrgRole, WorkspaceRole};
use super::validation;
use serde::{Deserialize, Serialize};

/// Most addresses one submission may hold.
pub const MAX_BATCH: usize = 100;
/// Most bytes the address field may hold: 100 addresses of the longest kind, with
/// separators. A longer text is refused before it is read.
pub const MAX_BATCH_CHARS: usize = MAX_BATCH * 256;
/// Most workspaces one invitation may add people to.
pub const MAX_WORKSPACE_GRANTS: usize = 100;
/// How long an invitation link works, unless configured otherwise.
pub const DEFAULT_VALIDITY_DAYS: i64 = 7;
/// Invitation emails an organization may send in 24 hours, unless configured otherwise.
pub const DEFAULT_EMAILS_PER_DAY: i64 = 500;
/// Times one invitation may be sent again, unless configured otherwise.
pub const DEFAULT_RESENDS: i64 = 5;
/// Seats of an organization, unless configured otherwise.
pub const DEFAULT_SEAT_LIMIT: i64 = 10;

/// An address of a batch that won't be invited, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    pub email: String,
    pub reason: String,
}

/// A batch split into addresses to invite (normalised, each once) and rejected ones.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Batch {
    pub valid: Vec<String>,
    pub rejected: Vec<Rejected>,
}

/// Splits what the admin typed (commas, semicolons, spaces or new lines between
/// addresses), normalises each address and reports the malformed ones by address.
/// Duplicates within the batch count once. The bounds are checked first, so a huge body
/// costs one length check, and duplicates are found in linear time.
pub fn parse_batch(raw: &str) -> Result<Batch, String> {
    let too_many = || format!("At most {MAX_BATCH} addresses per submission.");
    if raw.len() > MAX_BATCH_CHARS {
        return Err(too_many());
    }
    let tokens: Vec<&str> = raw
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .take(MAX_BATCH + 1)
        .collect();
    if tokens.len() > MAX_BATCH {
        return Err(too_many());
    }
    let mut batch = Batch::default();
    let mut seen = std::collections::HashSet::new();
    for token in tokens {
        match validation::email("emails", token) {
            Ok(email) => {
                if seen.insert(email.clone()) {
                    batch.valid.push(email);
                }
            }
            Err(_) => batch.rejected.push(Rejected {
                email: token.to_owned(),
                reason: "Not a valid email address.".to_owned(),
            }),
        }
    }
    Ok(batch)
}

/// Where an invitation stands. `Expired` is not stored: it is a pending one past its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStatus {
    Pending,
    Expired,
    Accepted,
    Revoked,
    /// Closed by the invitee (stored as revoked, with when it was declined).
    Declined,
}

impl InvitationStatus {
    /// From the stored status, expiry and when it was declined (a declined invitation is
    /// stored as revoked).
    pub fn at(stored: &str, expires_at: i64, declined_at: Option<i64>, now: i64) -> Option<Self> {
        match (stored, declined_at) {
            (_, Some(_)) => Some(Self::Declined),
            ("pending", None) if expires_at <= now => Some(Self::Expired),
            ("pending", None) => Some(Self::Pending),
            ("accepted", None) => Some(Self::Accepted),
            ("revoked", None) => Some(Self::Revoked),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Expired => "Expired",
            Self::Accepted => "Accepted",
            Self::Revoked => "Revoked",
            Self::Declined => "Declined",
        }
    }

    /// The filter value in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Expired => "expired",
            Self::Accepted => "accepted",
            Self::Revoked => "revoked",
            Self::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Expired,
            Self::Accepted,
            Self::Revoked,
            Self::Declined,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// A pending or expired invitation can be sent again (with a fresh link).
    pub fn can_resend(self) -> bool {
        matches!(self, Self::Pending | Self::Expired)
    }
}

/// Seats still free: every member and every pending (unexpired) invitation takes one.
pub fn seats_free(limit: i64, members: i64, pending: i64) -> i64 {
    (limit - members - pending).max(0)
}

/// "1 seat" / "3 seats".
pub fn seats(n: i64) -> String {
    if n == 1 {
        "1 seat".to_owned()
    } else {
        format!("{n} seats")
    }
}

/// A workspace an invitation grants, with the role in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceGrant {
    pub workspace_id: String,
    pub workspace_name: String,
    pub role: WorkspaceRole,
}

/// A new link for an invitation (the earlier ones stop working), with the invitation it is
/// for: a page shows it only beside that invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreshLink {
    pub invitation_id: String,
    pub url: String,
}

/// A page of Admin Settings -> Members -> Invitations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationsPage {
    pub invitations: Vec<InvitationView>,
    /// Where the pages of newer and older invitations start.
    pub neighbours: super::keyset::Neighbours,
}

/// An invitation as Admin Settings -> Members lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    pub role: OrgRole,
    pub workspaces: Vec<WorkspaceGrant>,
    pub invited_by: Option<String>,
    pub status: InvitationStatus,
    pub created_at: i64,
    pub expires_at: i64,
}

/// What the admin confirms before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitePreview {
    /// Addresses that will get an invitation.
    pub to_send: Vec<String>,
    /// Malformed addresses, existing members and addresses already invited.
    pub rejected: Vec<Rejected>,
    pub role: OrgRole,
    pub workspaces: Vec<WorkspaceGrant>,
    pub seats_free: i64,
}

/// What the invitation page shows to whoever opens the link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationLanding {
    pub org_name: String,
    pub invited_by: Option<String>,
    pub email: String,
    pub role: OrgRole,
    pub workspaces: Vec<String>,
    pub status: InvitationStatus,
    /// The signed-in visitor's email, if someone is signed in.
    pub signed_in_as: Option<String>,
}

/// `workspace_id:role` pairs, comma-separated, as the invite form sends them; at most
/// `MAX_WORKSPACE_GRANTS`.
pub fn parse_workspace_roles(raw: &str) -> Result<Vec<(String, WorkspaceRole)>, String> {
    let too_many = || format!("At most {MAX_WORKSPACE_GRANTS} workspaces per invitation.");
    if raw.len() > MAX_WORKSPACE_GRANTS * 64 {
        return Err(too_many());
    }
    let mut out: Vec<(String, WorkspaceRole)> = Vec::new();
    for pair in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if out.len() == MAX_WORKSPACE_GRANTS {
            return Err(too_many());
        }
        let (id, role) = pair
            .split_once(':')
            .ok_or_else(|| format!("\"{pair}\" is not workspace:role"))?;
        let role = WorkspaceRole::parse(role)
            .ok_or_else(|| format!("\"{role}\" is not a workspace role"))?;
        if !out.iter().any(|(w, _)| w == id) {
            out.push((id.to_owned(), role));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_split_on_any_separator_and_report_bad_addresses() {
        let b = parse_batch(
            "ada@example.com, BOB@example.com;carol@example.com\n dave@example\n\tada@EXAMPLE.com  eve@x.io",
        )
        .unwrap();
        assert_eq!(
            b.valid,
            [
                "ada@example.com",
                "bob@example.com",
                "carol@example.com",
                "eve@x.io"
            ]
        );
        assert_eq!(b.rejected.len(), 1);
        assert_eq!(b.rejected[0].email, "dave@example");
        assert!(parse_batch(" ,\n ").unwrap().valid.is_empty());
    }

    #[test]
    fn a_batch_is_bounded_before_it_is_read() {
        let hundred: Vec<String> = (0..MAX_BATCH)
            .map(|i| format!("p{i}@example.com"))
            .collect();
        assert_eq!(
            parse_batch(&hundred.join(",")).unwrap().valid.len(),
            MAX_BATCH
        );
        let over = format!("{},x@example.com", hundred.join(","));
        assert!(parse_batch(&over).unwrap_err().contains("At most 100"));
        // A 2 MB body of one address repeated (10^10 comparisons before) is refused at once.
        let huge = "a@example.com,".repeat(150_000);
        assert!(parse_batch(&huge).unwrap_err().contains("At most 100"));
        let many = (0..=MAX_WORKSPACE_GRANTS).map(|i| format!("ws_{i}:contributor"));
        let many = many.collect::<Vec<_>>().join(",");
        assert!(
            parse_workspace_roles(&many)
                .unwrap_err()
                .contains("At most 100")
        );
    }

    #[test]
    fn expiry_is_derived_from_time() {
        assert_eq!(
            InvitationStatus::at("pending", 100, None, 99),
            Some(InvitationStatus::Pending)
        );
        assert_eq!(
            InvitationStatus::at("pending", 100, None, 100),
            Some(InvitationStatus::Expired)
        );
        assert_eq!(
            InvitationStatus::at("revoked", 100, None, 200),
            Some(InvitationStatus::Revoked)
        );
        assert_eq!(
            InvitationStatus::at("accepted", 100, None, 200),
            Some(InvitationStatus::Accepted)
        );
        assert_eq!(InvitationStatus::at("weird", 0, None, 0), None);
        assert_eq!(
            InvitationStatus::at("revoked", 100, Some(50), 200),
            Some(InvitationStatus::Declined)
        );
        assert!(InvitationStatus::Expired.can_resend() && !InvitationStatus::Accepted.can_resend());
    }

    #[test]
    fn seats_count_members_and_pending_invitations() {
        assert_eq!(seats_free(10, 3, 2), 5);
        assert_eq!(seats_free(10, 9, 3), 0);
        assert_eq!(seats(1), "1 seat");
        assert_eq!(seats(0), "0 seats");
    }

    #[test]
    fn workspace_roles_are_read_from_pairs() {
        let got = parse_workspace_roles("ws_a:contributor, ws_b:admin,ws_a:admin").unwrap();
        assert_eq!(
            got,
            [
                ("ws_a".to_owned(), WorkspaceRole::Contributor),
                ("ws_b".to_owned(), WorkspaceRole::Admin)
            ]
        );
        assert!(parse_workspace_roles("ws_a").is_err());
        assert!(parse_workspace_roles("ws_a:owner").is_err());
        assert_eq!(parse_workspace_roles("").unwrap(), []);
    }
}

/// An invitation waiting for the signed-in person's confirmed address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationForYou {
    pub id: String,
    pub org_name: String,
    pub invited_by: Option<String>,
    pub role: OrgRole,
    /// "Research (Admin)", in name order.
    pub workspaces: Vec<String>,
    pub expires_at: i64,
}

/// Most invitations shown to one person at once (the newest).
pub const MAX_SHOWN_TO_INVITEE: i64 = 20;

/// What the welcome page and the console's prompt show a person about invitations to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YourInvitations {
    pub name: String,
    /// Invitations are only shown to a confirmed address.
    pub email_verified: bool,
    pub email: String,
    pub invitations: Vec<InvitationForYou>,
    /// The organization that verified the address's domain and offers to let them join.
    pub domain_offer: Option<crate::domain::org_domains::JoinOffer>,
    /// The organization they just joined through their domain, to say so.
    pub joined: Option<crate::domain::org_domains::JoinedNotice>,
}
