//! Shared state handed to every request.

use crate::server::adapters::inference::Inference;
use crate::server::http::db_gate::DbGate;
use crate::server::services::usage_writer::UsageWriter;
use crate::server::{Config, db::Db, email::Mailer};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
    pub mailer: Mailer,
    pub inference: Inference,
    /// Completions' usage, committed in groups.
    pub usage: UsageWriter,
    /// Closed while the database does not answer (watched only by a running server).
    pub db_gate: DbGate,
}

impl AppState {
    /// What the services may reach.
    pub fn ports(&self) -> crate::server::services::Ports<'_> {
        crate::server::services::Ports {
            db: &self.db,
            mailer: &self.mailer,
            config: &self.config,
        }
    }

    /// Fails only on a bad mail setting (`SMTP_URL`, `MAIL_FROM`).
    pub fn new(db: Db, config: Config) -> Result<Self, String> {
        let leptos_options = config.leptos_options();
        let mailer = Mailer::new(
            config.smtp_url.as_deref(),
            config.smtp_ca_file.as_deref(),
            &config.mail_from,
        )?;
        let inference = Inference::new(
            config.inference_url.clone(),
            config.inference_api_key.clone(),
        );
        Ok(AppState {
            usage: UsageWriter::start(db.clone()),
            db,
            inference,
            config: Arc::new(config),
            leptos_options,
            mailer,
            db_gate: DbGate::default(),
        })
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
