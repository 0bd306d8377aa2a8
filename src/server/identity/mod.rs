//! Who is acting: the session's user (`auth`), and their standing in an organization and
//! workspace, or an API key's (`authz`), asked of the one permission matrix.

pub mod auth;
pub mod authz;
