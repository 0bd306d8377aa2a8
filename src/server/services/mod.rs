//! Use cases, one function each: authorize, validate, write in one transaction, side effects.
//! Both the console's server functions and (later) the REST API call these.

pub mod accepting;
pub mod access;
pub mod account_links;
pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod console_pages;
pub mod dataset_sweep;
pub mod datasets;
pub mod email_verification;
pub mod file_links;
pub mod fine_tuning;
pub mod invitations;
pub mod invoicing;
pub mod job_history;
pub mod joining;
pub mod leases;
pub mod limits;
pub mod members;
pub mod metering;
pub mod org_domains;
pub mod orgs;
pub mod passwords;
pub mod report_cache;
pub mod sessions;
pub mod shell;
pub mod subscriptions;
pub mod usage;
pub mod usage_store;
pub mod usage_writer;
pub mod workspace_lists;
pub mod workspace_members;
pub mod workspace_resources;
pub mod workspaces;

/// What a use case may reach besides its arguments: the database, the mailer, and the
/// settings. Plain values, not the web server's state: a service can be called from a
/// command, a background task or a test as well as from a request.
pub struct Ports<'a> {
    pub db: &'a crate::server::db::Db,
    pub mailer: &'a crate::server::email::Mailer,
    pub config: &'a crate::server::config::Config,
}

/// Who created a workspace resource (a dataset, a job): one of its keys through `/v1`, or
/// a person in the console. Stored as `created_by_key` / `created_by_user`.
pub enum Creator<'a> {
    Key(&'a str),
    User(&'a str),
}

impl Creator<'_> {
    /// The (`created_by_key`, `created_by_user`) columns.
    pub fn columns(&self) -> (Option<String>, Option<String>) {
        match self {
            Creator::Key(k) => (Some((*k).to_owned()), None),
            Creator::User(u) => (None, Some((*u).to_owned())),
        }
    }
}
