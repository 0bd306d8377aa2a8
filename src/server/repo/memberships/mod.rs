//! Memberships, split by level: `org` (organization members, their search and counts) and
//! `workspace` (workspace members). Callers name them `memberships::...` either way.

mod org;
mod workspace;

pub use org::*;
pub use workspace::*;
