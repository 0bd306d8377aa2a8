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
