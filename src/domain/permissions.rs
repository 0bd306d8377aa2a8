//! THE permission matrix. Every server function, the UI and the REST API ask `can`.
//! Deny by default: an action not granted by a row below is refused.

use super::roles::{OrgRole, WorkspaceRole};
use serde::{Deserialize, Serialize};

/// What someone may want to do. Organization-level actions ignore the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    // Organization
    ViewOrganization,
    RenameOrganization,
    ViewMembers,
    InviteMembers,
    ManageMembers,
    ViewBilling,
    ManageBilling,
    ManageLimits,
    CreateWorkspace,
    ManageWorkspaces,
    ViewAllWorkspaces,
    ViewPermissions,
    ManageDomains,
    ViewAuditLog,
    // Workspace
    UseWorkspace,
    AddWorkspaceResources,
    RunInference,
    ManageWorkspaceMembers,
    CreateApiKey,
    RevokeOwnApiKey,
    RevokeAnyApiKey,
    DeleteWorkspaceResources,
    ViewKeyUsage,
    ViewWorkspaceAudit,
    // Services
    RunTraining,
    ReportUsage,
    IntrospectKeys,
    RecordPayment,
}

/// Whether an action is about the organization, one workspace, or the platform's own
/// services (which no person does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Organization,
    Workspace,
    Service,
}

impl Action {
    pub const ALL: [Action; 28] = [
        Action::ViewOrganization,
        Action::RenameOrganization,
        Action::ViewMembers,
        Action::InviteMembers,
        Action::ManageMembers,
        Action::ViewBilling,
        Action::ManageBilling,
        Action::ManageLimits,
        Action::CreateWorkspace,
        Action::ManageWorkspaces,
        Action::ViewAllWorkspaces,
        Action::ViewPermissions,
        Action::ManageDomains,
        Action::ViewAuditLog,
        Action::UseWorkspace,
        Action::AddWorkspaceResources,
        Action::RunInference,
        Action::ManageWorkspaceMembers,
        Action::CreateApiKey,
        Action::RevokeOwnApiKey,
        Action::RevokeAnyApiKey,
        Action::DeleteWorkspaceResources,
        Action::ViewKeyUsage,
        Action::ViewWorkspaceAudit,
        Action::RunTraining,
        Action::ReportUsage,
        Action::IntrospectKeys,
        Action::RecordPayment,
    ];

    pub fn scope(self) -> Scope {
        match self {
            Action::UseWorkspace
            | Action::AddWorkspaceResources
            | Action::RunInference
            | Action::ManageWorkspaceMembers
            | Action::CreateApiKey
            | Action::RevokeOwnApiKey
            | Action::RevokeAnyApiKey
            | Action::DeleteWorkspaceResources
            | Action::ViewKeyUsage
            | Action::ViewWorkspaceAudit => Scope::Workspace,
            Action::RunTraining
            | Action::ReportUsage
            | Action::IntrospectKeys
            | Action::RecordPayment => Scope::Service,
            _ => Scope::Organization,
        }
    }

    /// Workspace actions that change something in it or spend money: all refused while
    /// it is archived. Revoking a key is not one of them: a leaked key of an archived
    /// workspace can be revoked before it is ever unarchived.
    pub fn changes_workspace(self) -> bool {
        self.scope() == Scope::Workspace
            && !matches!(
                self,
                Action::UseWorkspace
                    | Action::ViewKeyUsage
                    | Action::ViewWorkspaceAudit
                    | Action::RevokeOwnApiKey
                    | Action::RevokeAnyApiKey
            )
    }

    /// What an API key may be used for: the workspace's resources, never who has access.
    pub fn for_api_keys(self) -> bool {
        matches!(
            self,
            Action::UseWorkspace
                | Action::AddWorkspaceResources
                | Action::RunInference
                | Action::DeleteWorkspaceResources
        )
    }

    /// A column heading for the effective-permissions table.
    pub fn short_label(self) -> &'static str {
        match self {
            Action::UseWorkspace => "Use",
            Action::AddWorkspaceResources => "Upload and train",
            Action::RunInference => "Use models",
            Action::ViewKeyUsage => "Usage by key",
            Action::ViewWorkspaceAudit => "Audit log",
            Action::CreateApiKey => "Create keys",
            Action::RevokeOwnApiKey => "Revoke own keys",
            Action::RevokeAnyApiKey => "Revoke any key",
            Action::ManageWorkspaceMembers => "Manage members",
            Action::DeleteWorkspaceResources => "Delete datasets and models",
            other => other.label(),
        }
    }

    /// What people read in the effective-permissions view.
    pub fn label(self) -> &'static str {
        match self {
            Action::ViewOrganization => "View the organization",
            Action::RenameOrganization => "Rename the organization",
            Action::ViewMembers => "See the organization's members",
            Action::InviteMembers => "Invite members",
            Action::ManageMembers => "Change roles and remove members",
            Action::ViewBilling => "See billing",
            Action::ManageBilling => "Manage billing",
            Action::ManageLimits => "Set spend limits and rate limits",
            Action::CreateWorkspace => "Create workspaces",
            Action::ManageWorkspaces => "Rename, archive and unarchive workspaces",
            Action::ViewAllWorkspaces => "See every workspace",
            Action::ViewPermissions => "See everyone's effective permissions",
            Action::ManageDomains => "Verify company domains and choose who joins through them",
            Action::ViewAuditLog => "Read the organization's audit log",
            Action::ViewWorkspaceAudit => "Read the audit log of the workspace",
            Action::UseWorkspace => "Open the workspace and use its resources",
            Action::AddWorkspaceResources => "Upload datasets, start and cancel fine-tuning jobs",
            Action::RunInference => "Use models (chat completions, which cost money)",
            Action::ViewKeyUsage => "See the workspace's usage and cost by API key",
            Action::ManageWorkspaceMembers => "Add and remove workspace members",
            Action::CreateApiKey => "Create API keys",
            Action::RevokeOwnApiKey => "Revoke their own API keys",
            Action::RevokeAnyApiKey => "Revoke anyone's API keys",
            Action::DeleteWorkspaceResources => "Delete the workspace's datasets and models",
            Action::RunTraining => "Claim and run fine-tuning jobs (the trainer service)",
            Action::ReportUsage => "Report usage metered elsewhere (data-plane services)",
            Action::IntrospectKeys => {
                "Check a key's standing: budget and rate limits (data-plane services)"
            }
            Action::RecordPayment => "Record invoice payments (the payment provider)",
        }
    }
}

/// Someone's standing in an organization and, for workspace actions, in one workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub org_role: OrgRole,
    /// Their own role in the workspace at hand, if they are a member of it.
    pub workspace_role: Option<WorkspaceRole>,
    /// The workspace at hand is archived: it is read-only for everyone.
    pub workspace_archived: bool,
}

impl Membership {
    pub fn org(org_role: OrgRole) -> Self {
        Membership {
            org_role,
            workspace_role: None,
            workspace_archived: false,
        }
    }

    pub fn in_workspace(org_role: OrgRole, workspace_role: Option<WorkspaceRole>) -> Self {
        Membership {
            org_role,
            workspace_role,
            workspace_archived: false,
        }
    }

    /// The same standing in a workspace that is (or is not) archived.
    pub fn archived(self, workspace_archived: bool) -> Self {
        Membership {
            workspace_archived,
            ..self
        }
    }

    /// The workspace role that counts: organization Admins are Admin of every workspace.
    pub fn effective_workspace_role(&self) -> Option<WorkspaceRole> {
        if self.org_role == OrgRole::Admin {
            Some(WorkspaceRole::Admin)
        } else {
            self.workspace_role
        }
    }
}

/// The matrix for people. One row per action; anything not listed is denied.
pub fn can(m: &Membership, action: Action) -> bool {
    use Action::*;
    use OrgRole as O;
    use WorkspaceRole as W;
    let org = m.org_role;
    let ws = m.effective_workspace_role();
    if m.workspace_archived && action.changes_workspace() {
        return false;
    }
    match action {
        ViewOrganization => true,
        RenameOrganization | ViewMembers | InviteMembers | ManageMembers => org == O::Admin,
        ViewBilling | ManageBilling | ManageLimits => matches!(org, O::Admin | O::Billing),
        CreateWorkspace | ManageWorkspaces | ViewAllWorkspaces | ViewPermissions
        | ManageDomains | ViewAuditLog => org == O::Admin,
        UseWorkspace | AddWorkspaceResources | RunInference | CreateApiKey | RevokeOwnApiKey => {
            ws.is_some()
        }
        ManageWorkspaceMembers
        | RevokeAnyApiKey
        | DeleteWorkspaceResources
        | ViewKeyUsage
        | ViewWorkspaceAudit => ws == Some(W::Admin),
        RunTraining | ReportUsage | IntrospectKeys | RecordPayment => false,
    }
}

/// Who is acting. A person and an API key are judged by a membership (a key by its
/// creator's, as it is at the time of the request); the services by what they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in person in the console.
    Person(Membership),
    /// A workspace API key, with its creator's current standing in the workspace.
    ApiKey(Membership),
    /// The training service (`TRAINER_TOKEN`).
    Trainer,
    /// A data-plane service (`USAGE_TOKEN`): reports the usage it metered and checks the
    /// keys it serves against the same limits.
    UsageReporter,
    /// A payment provider's webhook recording that an invoice was paid (`PAYMENTS_TOKEN`).
    PaymentProvider,
    /// The console itself or an operator command: background work and cascades. It may do
    /// anything, so it is never built from a request: only code the console runs on its own
    /// (timers, operator commands) may act as it.
    System,
}

/// THE question every service asks, whoever the actor.
pub fn allows(actor: &Actor, action: Action) -> bool {
    match actor {
        Actor::Person(m) => can(m, action),
        Actor::ApiKey(m) => action.for_api_keys() && can(m, action),
        Actor::Trainer => action == Action::RunTraining,
        Actor::UsageReporter => matches!(action, Action::ReportUsage | Action::IntrospectKeys),
        Actor::PaymentProvider => action == Action::RecordPayment,
        Actor::System => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrgRole::*;

    const A: bool = true;
    const X: bool = false;

    /// One row per action: allowed for (org Admin, Billing, Member) with no workspace role.
    #[test]
    fn organization_actions_by_org_role() {
        let table: &[(Action, [bool; 3])] = &[
            (Action::ViewOrganization, [A, A, A]),
            (Action::RenameOrganization, [A, X, X]),
            (Action::ViewMembers, [A, X, X]),
            (Action::InviteMembers, [A, X, X]),
            (Action::ManageMembers, [A, X, X]),
            (Action::ViewBilling, [A, A, X]),
            (Action::ManageBilling, [A, A, X]),
            (Action::ManageLimits, [A, A, X]),
            (Action::CreateWorkspace, [A, X, X]),
            (Action::ManageWorkspaces, [A, X, X]),
            (Action::ViewAllWorkspaces, [A, X, X]),
            (Action::ViewPermissions, [A, X, X]),
            (Action::ManageDomains, [A, X, X]),
            (Action::ViewAuditLog, [A, X, X]),
        ];
        for (action, expected) in table {
            assert_eq!(action.scope(), Scope::Organization, "{action:?}");
            for (role, want) in [Admin, Billing, Member].into_iter().zip(expected) {
                assert_eq!(
                    can(&Membership::org(role), *action),
                    *want,
                    "{role:?} {action:?}"
                );
            }
        }
        let listed: Vec<Action> = table.iter().map(|(a, _)| *a).collect();
        for a in Action::ALL
            .into_iter()
            .filter(|a| a.scope() == Scope::Organization)
        {
            assert!(
                listed.contains(&a),
                "{a:?} has no row in the organization table"
            );
        }
    }

    /// Workspace actions for each (org role, workspace role) pair.
    #[test]
    fn workspace_actions_by_both_roles() {
        use WorkspaceRole::{Admin as WA, Contributor as WC};
        let who: [(OrgRole, Option<WorkspaceRole>); 7] = [
            (Admin, None),
            (Billing, None),
            (Member, None),
            (Billing, Some(WC)),
            (Member, Some(WC)),
            (Member, Some(WA)),
            (Billing, Some(WA)),
        ];
        let table: &[(Action, [bool; 7])] = &[
            (Action::UseWorkspace, [A, X, X, A, A, A, A]),
            (Action::AddWorkspaceResources, [A, X, X, A, A, A, A]),
            (Action::RunInference, [A, X, X, A, A, A, A]),
            (Action::CreateApiKey, [A, X, X, A, A, A, A]),
            (Action::RevokeOwnApiKey, [A, X, X, A, A, A, A]),
            (Action::RevokeAnyApiKey, [A, X, X, X, X, A, A]),
            (Action::ManageWorkspaceMembers, [A, X, X, X, X, A, A]),
            (Action::DeleteWorkspaceResources, [A, X, X, X, X, A, A]),
            (Action::ViewKeyUsage, [A, X, X, X, X, A, A]),
            (Action::ViewWorkspaceAudit, [A, X, X, X, X, A, A]),
        ];
        for (action, expected) in table {
            assert_eq!(action.scope(), Scope::Workspace, "{action:?}");
            for ((org, ws), want) in who.iter().zip(expected) {
                let m = Membership::in_workspace(*org, *ws);
                assert_eq!(can(&m, *action), *want, "{org:?}/{ws:?} {action:?}");
            }
        }
        let listed: Vec<Action> = table.iter().map(|(a, _)| *a).collect();
        for a in Action::ALL
            .into_iter()
            .filter(|a| a.scope() == Scope::Workspace)
        {
            assert!(
                listed.contains(&a),
                "{a:?} has no row in the workspace table"
            );
        }
    }

    #[test]
    fn an_archived_workspace_is_read_only_even_for_admins() {
        let admin = Membership::in_workspace(Admin, None).archived(true);
        assert!(can(&admin, Action::UseWorkspace));
        for a in Action::ALL.into_iter().filter(|a| a.changes_workspace()) {
            assert!(!can(&admin, a), "{a:?} allowed in an archived workspace");
        }
        // Organization actions (unarchiving among them) are not about the workspace, and a
        // leaked key can still be revoked.
        assert!(can(&admin, Action::ManageWorkspaces));
        assert!(can(&admin, Action::RevokeAnyApiKey));
    }

    #[test]
    fn keys_act_with_their_creators_rights_on_resources_only() {
        use WorkspaceRole::{Admin as WA, Contributor as WC};
        let contributor = Actor::ApiKey(Membership::in_workspace(Member, Some(WC)));
        assert!(allows(&contributor, Action::UseWorkspace));
        assert!(allows(&contributor, Action::AddWorkspaceResources));
        assert!(allows(&contributor, Action::RunInference));
        assert!(!allows(&contributor, Action::ViewKeyUsage));
        assert!(!allows(&contributor, Action::DeleteWorkspaceResources));
        let admin = Actor::ApiKey(Membership::in_workspace(Member, Some(WA)));
        assert!(allows(&admin, Action::DeleteWorkspaceResources));
        let org_admin = Actor::ApiKey(Membership::org(Admin));
        for a in [
            Action::CreateApiKey,
            Action::RevokeAnyApiKey,
            Action::ManageWorkspaceMembers,
            Action::InviteMembers,
            Action::RunTraining,
        ] {
            assert!(!allows(&org_admin, a), "a key may not {a:?}");
        }
        // A creator who left the workspace gives their key nothing.
        let gone = Actor::ApiKey(Membership::org(Member));
        assert!(!allows(&gone, Action::UseWorkspace));
    }

    #[test]
    fn the_services_do_their_one_thing_and_no_person_does() {
        for a in Action::ALL {
            assert_eq!(
                allows(&Actor::Trainer, a),
                a == Action::RunTraining,
                "{a:?}"
            );
            assert_eq!(
                allows(&Actor::UsageReporter, a),
                matches!(a, Action::ReportUsage | Action::IntrospectKeys),
                "{a:?}"
            );
            assert_eq!(
                allows(&Actor::PaymentProvider, a),
                a == Action::RecordPayment,
                "{a:?}"
            );
            assert!(allows(&Actor::System, a));
        }
        assert!(!can(&Membership::org(Admin), Action::RunTraining));
        assert!(!can(&Membership::org(Admin), Action::ReportUsage));
        assert!(!can(&Membership::org(Admin), Action::IntrospectKeys));
        assert!(!can(&Membership::org(Admin), Action::RecordPayment));
    }

    #[test]
    fn organization_admins_are_admin_of_every_workspace() {
        let m = Membership::in_workspace(Admin, Some(WorkspaceRole::Contributor));
        assert_eq!(m.effective_workspace_role(), Some(WorkspaceRole::Admin));
        assert_eq!(Membership::org(Member).effective_workspace_role(), None);
    }
}
