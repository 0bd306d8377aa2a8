//! What Admin Settings shows: workspaces, members and effective permissions.

use super::keyset::Neighbours;
use super::permissions::Action;
use super::roles::{OrgRole, WorkspaceRole};
use serde::{Deserialize, Serialize};

/// A row of Admin Settings -> Workspaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceAdminRow {
    pub id: String,
    pub name: String,
    pub is_default: bool,
    pub archived: bool,
    pub member_count: i64,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
}

/// A member of the organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSummary {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: OrgRole,
}

/// Whether one action is allowed, and what it takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub action: Action,
    pub allowed: bool,
}

/// A member's permissions in one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceGrants {
    pub workspace_id: String,
    pub workspace_name: String,
    pub archived: bool,
    /// Their own role in the workspace, if any.
    pub role: Option<WorkspaceRole>,
    /// The role that counts (organization Admins are Admin everywhere).
    pub effective_role: Option<WorkspaceRole>,
    pub grants: Vec<Grant>,
}

/// Everything one member may do in the organization and in each of its workspaces,
/// derived from the permission matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectivePermissions {
    pub member: MemberSummary,
    pub organization: Vec<Grant>,
    pub workspaces: Vec<WorkspaceGrants>,
}

/// A row of Admin Settings -> Members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: OrgRole,
    /// Names of the (active) workspaces they belong to.
    pub workspaces: Vec<String>,
    pub joined_at: i64,
    /// Their working API keys in the organization: they stop working if they leave.
    pub working_keys: i64,
}

/// One page of members matching a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersPage {
    pub members: Vec<MemberRow>,
    /// Members matching the search, all pages.
    pub total: i64,
    /// Where the page's first row is in the whole list (1-based).
    pub first: i64,
    /// Where the pages before and after it start.
    pub neighbours: Neighbours,
    /// Seats in use (members + pending invitations) and the limit.
    pub seats_used: i64,
    pub seat_limit: i64,
    /// Pending invitations (they are listed on their own page).
    pub pending_invitations: i64,
}

impl MembersPage {
    /// "51–100 of 10,000".
    pub fn range_label(&self) -> String {
        if self.total == 0 {
            return "No members".to_owned();
        }
        let last = self.first + (self.members.len() as i64).max(1) - 1;
        format!(
            "{}–{} of {}",
            super::format::thousands(self.first),
            super::format::thousands(last),
            super::format::thousands(self.total)
        )
    }
}

/// A workspace's member, for the workspace Members tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceMember {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: WorkspaceRole,
    pub org_role: OrgRole,
}

/// One email of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub to: String,
    pub subject: String,
    pub created_at: i64,
    /// "Sent", "Not sent: <error>", or "Recorded" when no SMTP server is configured.
    pub delivery: String,
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn page_ranges_read_well() {
        let member = MemberRow {
            user_id: "usr_1".into(),
            name: "Ada".into(),
            email: "ada@example.com".into(),
            role: OrgRole::Member,
            workspaces: vec![],
            joined_at: 0,
            working_keys: 0,
        };
        let mut page = MembersPage {
            members: vec![member.clone(), member],
            total: 10_000,
            first: 9_999,
            neighbours: Neighbours::default(),
            seats_used: 0,
            seat_limit: 10,
            pending_invitations: 0,
        };
        assert_eq!(page.range_label(), "9,999–10,000 of 10,000");
        page.total = 0;
        assert_eq!(page.range_label(), "No members");
    }
}
