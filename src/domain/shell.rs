//! What the console shell shows: who is signed in and where they are.

use super::permissions::{Action, Membership, can};
use super::roles::{OrgRole, WorkspaceRole};
use serde::{Deserialize, Serialize};

/// The signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub name: String,
    pub email: String,
    /// Whether the address was proven by a link sent to it.
    pub email_verified: bool,
}

/// One organization in the switcher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSummary {
    pub id: String,
    pub name: String,
    pub role: OrgRole,
}

/// One workspace in the switcher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    pub id: String,
    pub name: String,
    pub is_default: bool,
    /// The actor's own workspace role; `None` when access comes from being organization Admin.
    pub role: Option<WorkspaceRole>,
}

/// Everything the shell needs for one page of the console, loaded in one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShellData {
    pub user: CurrentUser,
    pub orgs: Vec<OrgSummary>,
    pub org: OrgSummary,
    /// The organization's workspaces the actor can see.
    pub workspaces: Vec<WorkspaceSummary>,
    /// The workspace the page is about, when the URL names one.
    pub workspace: Option<WorkspaceSummary>,
    /// Why that workspace's keys get 429 now (its or its organization's spend cap is
    /// reached), as every page of the workspace says it after "Monthly limit reached.".
    pub spend_cap_reached: Option<String>,
    /// Invitations waiting for the person's confirmed address (none while unconfirmed).
    pub invitations_waiting: i64,
}

impl ShellData {
    /// Whether the signed-in user may do `action` here (in the current workspace for
    /// workspace actions). The UI uses it to hide what the server would refuse anyway.
    pub fn can(&self, action: Action) -> bool {
        let ws_role = self.workspace.as_ref().and_then(|w| w.role);
        can(&Membership::in_workspace(self.org.role, ws_role), action)
    }

    /// Whether they may do the workspace action `action` in at least one of the
    /// organization's workspaces (or everywhere, as an organization Admin).
    pub fn can_in_some_workspace(&self, action: Action) -> bool {
        self.workspaces
            .iter()
            .any(|w| can(&Membership::in_workspace(self.org.role, w.role), action))
    }
}

/// Initials for an avatar: the first letters of the first two words.
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if letters.is_empty() {
        "?".to_owned()
    } else {
        letters
    }
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_take_two_words() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("acme"), "A");
        assert_eq!(initials("Ada's Organization"), "AO");
        assert_eq!(initials("  "), "?");
        assert_eq!(initials("élan vital corp"), "ÉV");
    }
}
