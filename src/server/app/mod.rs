//! Wiring: configuration, the shared state, the router, and starting the server.

pub mod config;
pub mod router;
pub mod state;

use crate::server::services::audit;
use crate::server::{db, session};
use config::Config;
use state::AppState;

/// Starts the console: configuration, database, migrations, router, then serve until stopped.
pub async fn run() -> Result<(), String> {
    let config = Config::from_env()?;
    start_logging(config.json_logs);
    if config.audit_keys.is_empty() {
        tracing::warn!(
            "AUDIT_KEYS is not set: the audit chain shows changes, but whoever can write the database can recompute it"
        );
    }
    audit::use_keys(config.audit_keys.clone());
    for model in config.unpriced_base_models() {
        tracing::warn!("base model {model} has no price in the catalogue: its usage costs nothing");
    }
    let db = db::Db::connect(&config.database_url).await.map_err(|e| {
        format!(
            "cannot open the database {}: {e}",
            config.redacted_database_url()
        )
    })?;
    db.migrate()
        .await
        .map_err(|e| format!("cannot migrate the database: {e}"))?;
    audit::check_keys_cover_heads(&db).await?;
    match audit::seal_unsealed_heads(&db).await {
        Ok(0) => {}
        Ok(n) => tracing::info!("began sealing the audit log of {n} organizations"),
        Err(e) => return Err(format!("cannot seal the audit log: {e}")),
    }
    warn_of_unsold_plans(&db, &config).await;
    crate::server::services::limits::fill_ledger(&db, &config.catalogue)
        .await
        .map_err(|e| format!("cannot count this month's spend: {e}"))?;
    let state = AppState::new(db, config)?;
    if state.db.backend == db::Backend::Postgres {
        state.db_gate.watch(state.config.database_url.clone());
    }
    session::spawn_expired_cleanup(state.db.clone(), state.config.audit_retention_days);
    spawn_period_closer(state.clone());
    spawn_domain_checker(state.clone());
    spawn_dataset_sweeper(state.clone());

    let (addr, grace) = (state.config.site_addr, state.config.shutdown_grace);
    let app = router::build(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!("console listening on http://{addr}");
    // Connection info gives throttles the client's address.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    serve_until_stopped(listener, app, grace).await
}

/// Log lines on standard output, as text, or with LOG_FORMAT=json one JSON object per line; a
/// request's lines carry its id (the `req` span, also the `x-request-id` header).
fn start_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        logs.json()
            .with_current_span(true)
            .with_span_list(false)
            .init();
    } else {
        logs.init();
    }
}

/// Serves until SIGTERM or Ctrl-C, then stops accepting connections and lets the requests
/// in flight finish, for `grace` at most: a request still running then (a long stream) is
/// cut, so that a deploy never waits for ever. Either way the process exits 0.
async fn serve_until_stopped(
    listener: tokio::net::TcpListener,
    app: axum::extract::connect_info::IntoMakeServiceWithConnectInfo<
        axum::Router,
        std::net::SocketAddr,
    >,
    grace: std::time::Duration,
) -> Result<(), String> {
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!(
            "stopping: no new connections; finishing the requests in flight (up to {} s)",
            grace.as_secs()
        );
        let _ = stopping.send(());
    });
    tokio::select! {
        served = server => served.map_err(|e| format!("server error: {e}")),
        () = async {
            if stopped.await.is_ok() {
                tokio::time::sleep(grace).await;
            } else {
                std::future::pending::<()>().await;
            }
        } => {
            tracing::warn!("stopped with requests still running after {} s (SHUTDOWN_GRACE_SECS)", grace.as_secs());
            // At once: dropping the runtime would wait for blocking work (password hashes).
            std::process::exit(0)
        }
    }
}

/// Plans organizations are on that the catalogue no longer has: their seats cost nothing
/// until they move to a plan it sells.
async fn warn_of_unsold_plans(db: &db::Db, config: &Config) {
    match crate::server::repo::subscriptions::plans_in_use(&db.pool).await {
        Ok(plans) => {
            for plan in plans.iter().filter(|p| config.catalogue.plan(p).is_none()) {
                tracing::warn!(
                    "organizations are on plan {plan:?}, which the catalogue does not have: their seats are not charged"
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not list the plans in use"),
    }
}

/// Every minute: issues the invoices of an ended period, sends the spend alerts due,
/// forgets old rate windows and releases lapsed holds.
/// Several console processes may all run it: each invoice is issued once
/// (`invoicing::close_period`), each alert sent once (`limits::send_alerts`).
fn spawn_period_closer(state: AppState) {
    use crate::server::services::{invoicing, limits};
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            let ports = state.ports();
            match invoicing::close_due(&ports).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("issued {n} invoices"),
                Err(e) => tracing::warn!(error = %e, "could not close the billing period"),
            }
            if let Err(e) = limits::send_alerts(&ports).await {
                tracing::warn!(error = %e, "could not send spend alerts");
            }
            if let Err(e) = limits::forget_old_windows(&state.db).await {
                tracing::warn!(error = %e, "could not forget old rate windows");
            }
            if let Err(e) = limits::lapse_holds(&state.db).await {
                tracing::warn!(error = %e, "could not release lapsed holds");
            }
        }
    });
}

/// Every ten minutes: checks again the verified domains due for their daily check. A task
/// of its own: its DNS lookups (up to 5 s each) must not hold up invoices and alerts.
fn spawn_domain_checker(state: AppState) {
    use crate::server::services::org_domains;
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            match org_domains::recheck_due(&state.ports()).await {
                Ok(0) => {}
                Ok(n) => tracing::warn!("{n} verified domains lapsed: their TXT record is gone"),
                Err(e) => tracing::warn!(error = %e, "could not check verified domains again"),
            }
        }
    });
}

/// At start and then every hour: removes the upload debris a crash left behind.
fn spawn_dataset_sweeper(state: AppState) {
    use crate::server::services::dataset_sweep;
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            match dataset_sweep::sweep(&state.db, &state.config, dataset_sweep::SETTLED).await {
                Ok(dataset_sweep::Swept {
                    partials: 0,
                    orphans: 0,
                }) => {}
                Ok(swept) => tracing::warn!(
                    partials = swept.partials,
                    orphans = swept.orphans,
                    "swept the files folder"
                ),
                Err(e) => tracing::warn!(error = %e, "could not sweep the files folder"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
