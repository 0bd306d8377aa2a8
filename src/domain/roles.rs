//! Organization and workspace roles.

use serde::{Deserialize, Serialize};

/// A member's role in an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgRole {
    Admin,
    Billing,
    Member,
}

/// A member's role in a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WorkspaceRole {
    Admin,
    Contributor,
}

impl OrgRole {
    pub const ALL: [OrgRole; 3] = [OrgRole::Admin, OrgRole::Billing, OrgRole::Member];

    /// The value stored in the database and sent in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::Admin => "admin",
            OrgRole::Billing => "billing",
            OrgRole::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            OrgRole::Admin => "Admin",
            OrgRole::Billing => "Billing",
            OrgRole::Member => "Member",
        }
    }
}

impl WorkspaceRole {
    pub const ALL: [WorkspaceRole; 2] = [WorkspaceRole::Admin, WorkspaceRole::Contributor];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkspaceRole::Admin => "admin",
            WorkspaceRole::Contributor => "contributor",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            WorkspaceRole::Admin => "Admin",
            WorkspaceRole::Contributor => "Contributor",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_form() {
        for r in OrgRole::ALL {
            assert_eq!(OrgRole::parse(r.as_str()), Some(r));
        }
        for r in WorkspaceRole::ALL {
            assert_eq!(WorkspaceRole::parse(r.as_str()), Some(r));
        }
        assert_eq!(OrgRole::parse("owner"), None);
        assert_eq!(WorkspaceRole::parse("Admin"), None);
    }
}
