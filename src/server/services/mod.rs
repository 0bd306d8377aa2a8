//! Use cases, one function each: authorize, validate, write in one transaction, side effects.
//! Both the console's server functions and (later) the REST API call these.

pub mod access;
pub mod accounts;
pub mod api_keys;
pub mod datasets;
pub mod fine_tuning;
pub mod invitations;
pub mod members;
pub mod orgs;
pub mod shell;
pub mod workspace_members;
pub mod workspace_resources;
pub mod workspaces;
