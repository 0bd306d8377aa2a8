//! All SQL lives here, one file per aggregate. Functions take any executor
//! (the pool or an open transaction) and return plain rows.

pub mod api_keys;
pub mod files;
pub mod invitations;
pub mod memberships;
pub mod orgs;
pub mod outbox;
pub mod users;
pub mod workspaces;
