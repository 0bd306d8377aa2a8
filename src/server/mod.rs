//! Everything that runs only on the server. A request's path through it: `app/` (config,
//! state, the router, `run`) hands it to the `http/` middleware (tracing, compression,
//! security headers, then for the console: the cross-site guard, the session, body bounds,
//! form errors, the stall guard) and on to one of three doors: `rest/` (the `/v1` API and
//! the trainer, authenticated by a header), the Leptos pages and server functions
//! (`crate::api`), or `console/` (uploads, downloads, the no-JavaScript pages). Each finds
//! who is acting through `identity/` and calls one use case in `services/`, which reads and
//! writes through `repo/` (all SQL) and the `adapters/` (database, email, passwords, ids,
//! errors). `programs/` are the operator commands and the demo trainer.

pub mod adapters;
pub mod app;
pub mod console;
pub mod http;
pub mod identity;
pub mod programs;
pub mod repo;
pub mod rest;
pub mod services;

// Short paths for what every layer uses.
pub use adapters::{db, email, error, ids, password};
pub use app::{config, router, run, state};
pub use config::Config;
pub use http::session;
pub use identity::{auth, authz};
pub use state::AppState;
