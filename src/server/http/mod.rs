//! Middleware between the router and the handlers, one concern each.

pub mod bearer;
pub mod body_limits;
pub mod client_address;
pub mod csrf;
pub mod db_gate;
pub mod form_errors;
pub mod metrics;
pub mod request_context;
pub mod security_headers;
pub mod session;
pub mod stall_guard;
pub mod static_files;
