//! One file per route.

mod admin_settings;
mod landing;
mod not_found;
mod org_home;
mod sign_in;
mod sign_up;
mod welcome;
mod workspace_home;

pub use admin_settings::AdminSettingsPage;
pub use landing::Landing;
pub use not_found::NotFound;
pub use org_home::OrgHome;
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
pub use welcome::WelcomePage;
pub use workspace_home::WorkspaceHome;
