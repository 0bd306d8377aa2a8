//! Admin Settings: one page per section, framed by a shared layout.

mod audit;
mod billing;
mod domains;
mod general;
mod invitations;
mod invite;
mod join_requests;
mod layout;
mod limits;
mod members;
mod permissions;
mod workspaces;

pub use audit::SettingsAuditPage;
pub use billing::{BillingInvoicesPage, BillingSubscriptionPage, SettingsBillingPage};
pub use domains::SettingsDomainsPage;
pub use general::SettingsGeneralPage;
pub use invitations::SettingsInvitationsPage;
pub use join_requests::SettingsJoinRequestsPage;
pub use layout::SettingsIndex;
pub use limits::SettingsLimitsPage;
pub use members::SettingsMembersPage;
pub use permissions::SettingsPermissionsPage;
pub use workspaces::SettingsWorkspacesPage;
