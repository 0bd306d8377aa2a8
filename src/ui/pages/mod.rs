//! One file per route.

mod account;
mod account_links;
mod account_sessions;
mod api_keys;
mod invite;
mod landing;
mod not_found;
mod org_home;
mod resources;
mod settings;
mod sign_in;
mod sign_up;
mod terms;
mod usage;
mod welcome;
mod workspace_home;
mod workspace_members;

pub use account::AccountPage;
pub use account_links::{ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage};
pub use api_keys::ApiKeysPage;
pub use invite::InvitationPage;
pub use landing::Landing;
pub use not_found::NotFound;
pub use org_home::OrgHome;
pub use resources::{DatasetsPage, FineTuningPage, ModelsPage};
pub use settings::{
    BillingInvoicesPage, BillingSubscriptionPage, SettingsAuditPage, SettingsBillingPage,
    SettingsDomainsPage, SettingsGeneralPage, SettingsIndex, SettingsInvitationsPage,
    SettingsJoinRequestsPage, SettingsLimitsPage, SettingsMembersPage, SettingsPermissionsPage,
    SettingsWorkspacesPage,
};
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
pub use terms::TermsPage;
pub use usage::WorkspaceUsagePage;
pub use welcome::WelcomePage;
pub use workspace_home::WorkspaceHome;
pub use workspace_members::WorkspaceMembersPage;
