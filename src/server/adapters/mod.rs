//! The outside world: the database, email, password hashing, ids, and internal errors.

pub mod db;
pub mod email;
pub mod error;
pub mod ids;
pub mod password;
