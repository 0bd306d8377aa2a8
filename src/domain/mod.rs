//! Pure rules of the console, compiled for the server and the browser alike.
//! No I/O here: validation, roles, state rules and the types both sides exchange.

pub mod account_links;
pub mod admin;
pub mod api_keys;
pub mod api_lists;
pub mod audit;
pub mod billing;
pub mod calendar;
pub mod datasets;
pub mod error;
pub mod fine_tuning;
pub mod format;
pub mod invitations;
pub mod keyset;
pub mod org_domains;
pub mod paths;
pub mod permissions;
pub mod roles;
pub mod sessions;
pub mod shell;
pub mod throttle;
pub mod validation;

pub use error::{Error, FieldError};

/// The version of the Terms of Service accepted when creating an organization.
pub const TERMS_VERSION: &str = "2026-01";
