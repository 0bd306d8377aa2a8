//! The integration suite: one test binary (the server is linked once, and its route list
//! built once), one module per feature. Every test runs on SQLite and on PostgreSQL
//! (`backend_tests!`); narrow a run with a filter, e.g.
//! `cargo test --features ssr --test integration accounts::sqlite::`.
//! `upload_memory` stays a binary of its own: it measures its process's memory.

#[path = "../common/mod.rs"]
#[macro_use]
mod common;

mod account_links;
mod accounts;
mod api_keys;
mod audit;
mod authz_matrix;
mod backup;
mod billing;
mod domains;
mod files;
mod fine_tuning;
mod invitee;
mod joining;
mod leases;
mod limits;
mod members;
mod metering;
mod metrics;
mod orgs;
mod pages;
mod rules_model;
mod sdk_compat;
mod sessions;
mod v1_matrix;
mod workspace_resources;
mod writers;
