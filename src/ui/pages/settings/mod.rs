//! Admin Settings: one page per section, framed by a shared layout.

mod general;
mod layout;
mod permissions;
mod workspaces;

pub use general::SettingsGeneralPage;
pub use layout::SettingsIndex;
pub use permissions::SettingsPermissionsPage;
pub use workspaces::SettingsWorkspacesPage;
