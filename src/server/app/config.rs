//! Configuration from the environment (documented in the README).

use crate::domain::billing::{Catalogue, Unit};
use crate::domain::invitations::{
    DEFAULT_EMAILS_PER_DAY, DEFAULT_RESENDS, DEFAULT_SEAT_LIMIT, DEFAULT_VALIDITY_DAYS,
};
use leptos::config::LeptosOptions;
use std::net::SocketAddr;

/// Settings read once at start-up. `Debug` shows no secret (see below).
#[derive(Clone)]
pub struct Config {
    /// `sqlite://...` (default `sqlite://data/console.db`) or `postgres://...`.
    pub database_url: String,
    pub site_addr: SocketAddr,
    /// Adds `Secure` to the session cookie; set it behind HTTPS.
    pub cookie_secure: bool,
    /// Where cargo-leptos put the compiled site (css, js, wasm, public files).
    pub site_root: String,
    pub output_name: String,
    /// The console's address as people reach it, for links in emails.
    pub public_url: String,
    /// `smtp://host:port` (or `smtps://user:pass@host`); without it emails only go to the outbox.
    pub smtp_url: Option<String>,
    /// An extra trusted root certificate (PEM) for the relay's TLS (`SMTP_CA_FILE`).
    pub smtp_ca_file: Option<std::path::PathBuf>,
    /// The From of every email.
    pub mail_from: String,
    /// Seats of an organization that has no limit of its own.
    pub seat_limit: i64,
    /// How long an invitation link works.
    pub invite_valid_days: i64,
    /// Invitation emails (first sends and resends) an organization may send in 24 hours.
    pub invite_emails_per_day: i64,
    /// How many times one invitation may be sent again.
    pub invite_resends: i64,
    /// The base models `/v1/models` lists.
    pub base_models: Vec<String>,
    /// Where uploaded datasets are stored.
    pub data_dir: std::path::PathBuf,
    /// The largest upload accepted, in bytes.
    pub max_upload_bytes: u64,
    /// The longest line of a dataset, in bytes (`MAX_LINE_BYTES`).
    pub max_line_bytes: u64,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The secret the trainer service presents (`TRAINER_TOKEN`, at least 16 characters);
    /// without it the trainer endpoints refuse everyone.
    pub trainer_token: Option<String>,
    /// The OpenAI-compatible server chat completions go to (`INFERENCE_URL`, an http://
    /// address ending in `/v1`); without it `/v1/chat/completions` answers 503.
    pub inference_url: Option<String>,
    /// The upstream's bearer token, if it wants one (`INFERENCE_API_KEY`).
    pub inference_api_key: Option<String>,
    /// The secret data-plane services present to `POST /internal/usage` (`USAGE_TOKEN`, at
    /// least 16 characters); without it the endpoint refuses everyone.
    pub usage_token: Option<String>,
    /// The secret a payment provider presents to `POST /internal/billing/payments`
    /// (`PAYMENTS_TOKEN`, at least 16 characters); unset refuses every caller.
    pub payments_token: Option<String>,
    /// What Prometheus presents to read `/metrics` (METRICS_TOKEN); unset, `/metrics` is off.
    pub metrics_token: Option<String>,
    /// Log lines as JSON objects (LOG_FORMAT=json), for a log collector.
    pub json_logs: bool,
    /// Prices and plans (`BILLING_FILE`; the built-in catalogue when unset).
    pub catalogue: Catalogue,
    /// Where company domains' TXT records are read (`DOMAIN_RESOLVER`, default the system's).
    pub dns: crate::server::adapters::dns::DnsSettings,
    /// How long audit entries are kept (`AUDIT_RETENTION_DAYS`; unset: for ever).
    pub audit_retention_days: Option<u32>,
    /// The keys that seal the audit chain (`AUDIT_KEYS`, `id:secret,...`; the first seals).
    pub audit_keys: crate::server::services::audit::AuditKeys,
    /// How long a stopping server lets requests in flight finish (`SHUTDOWN_GRACE_SECS`,
    /// default 30).
    pub shutdown_grace: std::time::Duration,
    /// Sessions end after this long without a request, and this long after sign-in
    /// whatever happens (`SESSION_IDLE_DAYS`, `SESSION_MAX_DAYS`).
    pub sessions: crate::domain::sessions::SessionLifetimes,
}

/// Seconds a stopping server waits for requests in flight.
pub const DEFAULT_SHUTDOWN_GRACE_SECS: i64 = 30;

/// 100 MB.
pub const DEFAULT_MAX_UPLOAD: i64 = 100 * 1024 * 1024;

/// Base models when `BASE_MODELS` is not set.
pub const DEFAULT_BASE_MODELS: &str = "mistral-small-latest,open-mistral-7b,open-mistral-nemo";

fn model_list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .collect()
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/console.db";

/// A service's shared secret: at least 16 characters, or not set.
fn secret(value: Option<String>, name: &str) -> Result<Option<String>, String> {
    match value {
        Some(t) if t.trim().len() < 16 => Err(format!("{name}: use at least 16 characters")),
        other => Ok(other.map(|t| t.trim().to_owned())),
    }
}

use crate::domain::sessions;

impl Config {
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let site_addr = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let site_addr = site_addr.parse().map_err(|_| {
            format!("LEPTOS_SITE_ADDR={site_addr:?} is not an address like 127.0.0.1:3000")
        })?;
        let cookie_secure = match var("COOKIE_SECURE").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => return Err(format!("COOKIE_SECURE={other:?}: use true or false")),
        };
        let number = |name: &str, default: i64, min: i64| -> Result<i64, String> {
            match var(name) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= min)
                    .ok_or_else(|| format!("{name}={v:?}: use a whole number of at least {min}")),
            }
        };
        let seat_limit = number("SEAT_LIMIT", DEFAULT_SEAT_LIMIT, 1)?;
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            site_addr,
            cookie_secure,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            output_name: var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|| "studio-console".into()),
            public_url: var("PUBLIC_URL")
                .unwrap_or_else(|| format!("http://{site_addr}"))
                .trim_end_matches('/')
                .to_owned(),
            smtp_url: var("SMTP_URL"),
            smtp_ca_file: var("SMTP_CA_FILE").map(Into::into),
            mail_from: var("MAIL_FROM")
                .unwrap_or_else(|| "Studio Console <no-reply@localhost>".into()),
            seat_limit,
            invite_valid_days: number("INVITE_VALID_DAYS", DEFAULT_VALIDITY_DAYS, 1)?,
            invite_emails_per_day: number("INVITE_EMAILS_PER_DAY", DEFAULT_EMAILS_PER_DAY, 1)?,
            invite_resends: number("INVITE_RESENDS", DEFAULT_RESENDS, 0)?,
            base_models: model_list(
                &var("BASE_MODELS").unwrap_or_else(|| DEFAULT_BASE_MODELS.into()),
            ),
            data_dir: var("DATA_DIR").unwrap_or_else(|| "data".into()).into(),
            max_upload_bytes: number("MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD, 1)? as u64,
            max_line_bytes: number(
                "MAX_LINE_BYTES",
                crate::domain::datasets::DEFAULT_MAX_LINE_BYTES as i64,
                1,
            )? as u64,
            trusted_proxies: var("TRUSTED_PROXIES")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| {
                    a.parse()
                        .map_err(|_| format!("TRUSTED_PROXIES: {a:?} is not an IP address"))
                })
                .collect::<Result<_, _>>()?,
            trainer_token: secret(var("TRAINER_TOKEN"), "TRAINER_TOKEN")?,
            inference_url: match var("INFERENCE_URL") {
                Some(url) if !url.starts_with("http://") => {
                    return Err(format!(
                        "INFERENCE_URL={url:?}: use an http:// address such as http://127.0.0.1:8000/v1"
                    ));
                }
                other => other.map(|u| u.trim().trim_end_matches('/').to_owned()),
            },
            inference_api_key: var("INFERENCE_API_KEY").map(|k| k.trim().to_owned()),
            usage_token: secret(var("USAGE_TOKEN"), "USAGE_TOKEN")?,
            payments_token: secret(var("PAYMENTS_TOKEN"), "PAYMENTS_TOKEN")?,
            metrics_token: secret(var("METRICS_TOKEN"), "METRICS_TOKEN")?,
            json_logs: match var("LOG_FORMAT").as_deref() {
                None | Some("text") => false,
                Some("json") => true,
                Some(other) => return Err(format!("LOG_FORMAT={other:?}: use text or json")),
            },
            catalogue: match var("BILLING_FILE") {
                Some(path) => crate::server::adapters::billing_file::load(&path)?,
                None => Catalogue::builtin(seat_limit),
            },
            dns: crate::server::adapters::dns::DnsSettings {
                resolver: var("DOMAIN_RESOLVER")
                    .map(|a| resolver_address(&a))
                    .transpose()?,
                ..Default::default()
            },
            audit_retention_days: match var("AUDIT_RETENTION_DAYS") {
                None => None,
                Some(_) => Some(number("AUDIT_RETENTION_DAYS", 0, 1)?.min(u32::MAX as i64) as u32),
            },
            shutdown_grace: std::time::Duration::from_secs(number(
                "SHUTDOWN_GRACE_SECS",
                DEFAULT_SHUTDOWN_GRACE_SECS,
                0,
            )? as u64),
            audit_keys: crate::server::services::audit::AuditKeys::parse(
                &var("AUDIT_KEYS").unwrap_or_default(),
            )?,
            sessions: crate::domain::sessions::SessionLifetimes::days(
                number("SESSION_IDLE_DAYS", sessions::DEFAULT_IDLE_DAYS, 1)?,
                number("SESSION_MAX_DAYS", sessions::DEFAULT_MAX_DAYS, 1)?,
            )?,
        })
    }

    /// Base models `/v1/models` offers that the catalogue has no input price for.
    pub fn unpriced_base_models(&self) -> Vec<&str> {
        let now = i64::MAX;
        self.base_models
            .iter()
            .map(String::as_str)
            .filter(|m| self.catalogue.price_at(m, Unit::InputTokens, now).is_none())
            .collect()
    }

    /// Settings for tests and tools: the given database, defaults for the rest.
    pub fn for_database(database_url: &str) -> Self {
        Config {
            database_url: database_url.to_owned(),
            site_addr: "127.0.0.1:3000".parse().expect("literal address"),
            cookie_secure: false,
            site_root: "target/site".into(),
            output_name: "studio-console".into(),
            public_url: "http://127.0.0.1:3000".into(),
            smtp_url: None,
            smtp_ca_file: None,
            mail_from: "Studio Console <no-reply@localhost>".into(),
            seat_limit: DEFAULT_SEAT_LIMIT,
            invite_valid_days: DEFAULT_VALIDITY_DAYS,
            invite_emails_per_day: DEFAULT_EMAILS_PER_DAY,
            invite_resends: DEFAULT_RESENDS,
            base_models: model_list(DEFAULT_BASE_MODELS),
            data_dir: "data".into(),
            max_upload_bytes: DEFAULT_MAX_UPLOAD as u64,
            max_line_bytes: crate::domain::datasets::DEFAULT_MAX_LINE_BYTES,
            trusted_proxies: Vec::new(),
            trainer_token: None,
            inference_url: None,
            inference_api_key: None,
            usage_token: None,
            payments_token: None,
            metrics_token: None,
            json_logs: false,
            catalogue: Catalogue::builtin(DEFAULT_SEAT_LIMIT),
            dns: Default::default(),
            audit_retention_days: None,
            audit_keys: Default::default(),
            shutdown_grace: std::time::Duration::from_secs(DEFAULT_SHUTDOWN_GRACE_SECS as u64),
            sessions: Default::default(),
        }
    }

    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name(self.output_name.as_str())
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(self.site_addr)
            .hash_files(built_with_hashes())
            .build()
    }

    /// The database URL without a password, for messages.
    pub fn redacted_database_url(&self) -> String {
        redact_url(&self.database_url)
    }
}

/// Whether the site's files are named by their hashes: cargo-leptos builds the server with
/// `LEPTOS_HASH_FILES=true` (`hash-files` in Cargo.toml) and lists the hashes in `hash.txt`
/// beside the binary. Tests and a plain `cargo build` use the plain names.
fn built_with_hashes() -> bool {
    option_env!("LEPTOS_HASH_FILES") == Some("true")
}

/// `DOMAIN_RESOLVER`: `ip:port`, or an IP address alone for port 53.
fn resolver_address(raw: &str) -> Result<SocketAddr, String> {
    let raw = raw.trim();
    raw.parse::<SocketAddr>()
        .or_else(|_| {
            raw.parse::<std::net::IpAddr>()
                .map(|ip| SocketAddr::new(ip, 53))
        })
        .map_err(|_| {
            format!("DOMAIN_RESOLVER={raw:?}: use a DNS server's address, such as 127.0.0.1:53")
        })
}

/// A URL without its credentials (`scheme://***@host...`).
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Logged at start-up and in panics: the database and SMTP credentials and the trainer
/// token are never printed.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("site_addr", &self.site_addr)
            .field("cookie_secure", &self.cookie_secure)
            .field("site_root", &self.site_root)
            .field("output_name", &self.output_name)
            .field("public_url", &self.public_url)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("smtp_ca_file", &self.smtp_ca_file)
            .field("mail_from", &self.mail_from)
            .field("seat_limit", &self.seat_limit)
            .field("invite_valid_days", &self.invite_valid_days)
            .field("invite_emails_per_day", &self.invite_emails_per_day)
            .field("invite_resends", &self.invite_resends)
            .field("base_models", &self.base_models)
            .field("data_dir", &self.data_dir)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("max_line_bytes", &self.max_line_bytes)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("trainer_token", &self.trainer_token.as_ref().map(|_| "***"))
            .field("inference_url", &self.inference_url)
            .field(
                "inference_api_key",
                &self.inference_api_key.as_ref().map(|_| "***"),
            )
            .field("usage_token", &self.usage_token.as_ref().map(|_| "***"))
            .field(
                "payments_token",
                &self.payments_token.as_ref().map(|_| "***"),
            )
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .field("json_logs", &self.json_logs)
            .field("catalogue", &self.catalogue.currency)
            .field("audit_retention_days", &self.audit_retention_days)
            .field("audit_keys", &self.audit_keys)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("sessions", &self.sessions)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue_prices_every_default_base_model() {
        let c = Config::for_database("sqlite::memory:");
        assert_eq!(c.unpriced_base_models(), Vec::<&str>::new());
    }

    #[test]
    fn redacts_credentials() {
        let c = Config::for_database("postgres://u:secret@db:5432/x");
        assert_eq!(c.redacted_database_url(), "postgres://***@db:5432/x");
        let c = Config::for_database("sqlite://data/console.db");
        assert_eq!(c.redacted_database_url(), "sqlite://data/console.db");
    }

    #[test]
    fn debug_shows_no_secret() {
        let mut c = Config::for_database("postgres://u:dbsecret@db:5432/x");
        c.smtp_url = Some("smtp://mailer:smtpsecret@mail.example:587".into());
        c.trainer_token = Some("trainersecret-0123456789".into());
        let shown = format!("{c:?}");
        for secret in ["dbsecret", "smtpsecret", "trainersecret"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("mail.example:587"), "{shown}");
    }
}
