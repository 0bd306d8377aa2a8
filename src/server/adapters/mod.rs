//! The outside world: the database and its clock, email, the inference server, password
//! hashing, ids, the billing file, and internal errors.

pub mod billing_file;
pub mod clock;
pub mod db;
pub mod dns;
pub mod email;
pub mod error;
pub mod ids;
pub mod inference;
pub mod password;
