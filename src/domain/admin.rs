//! What Admin Settings shows: workspaces, members and effective permissions.

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

/// A date for people: "Nov 27, 2026" (UTC), from milliseconds since the epoch.
pub fn format_date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(86_400_000));
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!("{} {d}, {y}", MONTHS[(m - 1) as usize])
}

/// The exact time, for a tooltip: "2026-11-27 05:01 UTC".
pub fn format_timestamp(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(86_400_000));
    let minutes = ms.rem_euclid(86_400_000) / 60_000;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

/// Days since 1970-01-01 to (year, month, day); Howard Hinnant's algorithm.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_formatted_for_people() {
        assert_eq!(format_date(0), "Jan 1, 1970");
        assert_eq!(format_date(1_795_755_661_000), "Nov 27, 2026");
        assert_eq!(format_timestamp(1_795_755_661_000), "2026-11-27 05:01 UTC");
        assert_eq!(format_date(951_782_400_000), "Feb 29, 2000");
    }
}

/// Members per page in Admin Settings -> Members.
pub const MEMBERS_PER_PAGE: i64 = 50;

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
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
    /// Seats in use (members + pending invitations) and the limit.
    pub seats_used: i64,
    pub seat_limit: i64,
}

impl MembersPage {
    /// "1–50 of 10,000".
    pub fn range_label(&self) -> String {
        if self.total == 0 {
            return "No members".to_owned();
        }
        let first = (self.page - 1) * self.per_page + 1;
        let last = (first + self.members.len() as i64 - 1).max(first);
        format!(
            "{}–{} of {}",
            thousands(first),
            thousands(last),
            thousands(self.total)
        )
    }

    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
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

/// 10000 -> "10,000".
pub fn thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn numbers_and_ranges_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        let page = MembersPage {
            members: vec![],
            total: 10_000,
            page: 200,
            per_page: 50,
            seats_used: 0,
            seat_limit: 10,
        };
        assert_eq!(page.pages(), 200);
        assert_eq!(page.range_label(), "9,951–9,951 of 10,000");
    }
}
