//! The console's frame: top bar with the switcher and the user menu, page scaffolds.

mod auth_card;
mod console;
mod create_org;
mod list_body;
mod server_once;
mod switcher;
mod user_menu;
mod workspace_nav;

pub use auth_card::{AuthCard, PlainPage};
pub use console::{ConsolePage, ErrorPanel, ShellRefresh, open_dialog};
pub use create_org::{CREATE_ORGANIZATION, NewOrganizationFields};
pub use list_body::list_body;
pub use server_once::server_once;
pub use workspace_nav::{WorkspaceFrame, WorkspaceNav, WorkspaceSection};
