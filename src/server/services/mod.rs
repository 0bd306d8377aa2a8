//! Use cases, one function each: authorize, validate, write in one transaction, side effects.
//! Both the console's server functions and (later) the REST API call these.

pub mod accounts;
pub mod shell;
