//! The command line: `studio-console [serve]` starts the console; the other commands run on
//! the server machine beside it. Parsed by clap (`studio-console --help`).

use crate::domain::audit::AuditAction;
use crate::domain::calendar::parse_iso_date;
use crate::domain::permissions::Actor;
use crate::domain::roles::OrgRole;
use crate::domain::validation;
use crate::server::config::Config;
use crate::server::db::Db;
use crate::server::email::Mailer;
use crate::server::repo::{memberships, orgs, users};
use crate::server::services::audit::{self, By, Change, Target, Verified};
use crate::server::services::{Ports, invoicing};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "studio-console",
    about = "A self-hosted web console for organizations and workspaces",
    version
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the console (the default). Settings come from the environment (see the README).
    Serve,
    /// Make an existing account a member of an organization with a role, or change their
    /// role: for an organization that lost its admins. The last-admin rule does not apply.
    GrantRole {
        /// The organization's id (org_...).
        #[arg(long)]
        org: String,
        /// The account's email.
        #[arg(long)]
        email: String,
        /// admin, billing or member.
        #[arg(long)]
        role: String,
    },
    /// Check an organization's audit log: every entry's hash against its fields and the
    /// entry before it. Exits non-zero at the first broken link, naming it.
    AuditVerify {
        /// The organization's id (org_...).
        #[arg(long)]
        org: String,
    },
    /// Issue the invoices of the period that has ended (the console also does this every
    /// minute). `--as-of 2026-12-01 --close-early` acts as if it were that day: for demos
    /// and tests only, it closes the current month early, and its later usage and plan
    /// changes go on no invoice.
    ClosePeriods {
        /// A date (YYYY-MM-DD, UTC) to act at instead of now.
        #[arg(long = "as-of")]
        as_of: Option<String>,
        /// Allow an `--as-of` later than now.
        #[arg(long = "close-early")]
        close_early: bool,
    },
    /// Copy the console, while it runs, into a new folder: the SQLite database (a
    /// consistent copy) and the datasets. With PostgreSQL, the datasets only: back the
    /// database up with pg_dump.
    Backup {
        /// The folder to create.
        path: std::path::PathBuf,
    },
    /// Put a backup back, the console stopped: its database at DATABASE_URL and its
    /// datasets in DATA_DIR. Checks the backup first.
    Restore {
        /// The backup's folder.
        path: std::path::PathBuf,
        /// Replace an existing database and datasets (they are kept, renamed).
        #[arg(long)]
        replace: bool,
    },
    /// Record that an invoice was paid (what the payment provider's webhook does).
    MarkPaid {
        /// The invoice's number (INV-...).
        #[arg(long)]
        invoice: String,
        /// The payment's reference: a bank transfer, a receipt number.
        #[arg(long)]
        reference: String,
    },
    /// A stand-in for a GPU cluster: claims queued fine-tuning jobs, reports simulated
    /// progress and completes them. Needs TRAINER_TOKEN.
    DemoTrainer {
        /// The console's address.
        #[arg(long, default_value = "http://127.0.0.1:3000")]
        url: String,
        /// Progress reports per job (1 to 1000).
        #[arg(long, default_value_t = 10)]
        steps: u64,
        /// Milliseconds between reports.
        #[arg(long = "step-ms", default_value_t = 1000)]
        step_ms: u64,
        /// Stop when no job is queued instead of waiting for more.
        #[arg(long)]
        once: bool,
    },
    /// A stand-in for an inference server, NOT a model: answers every chat completion with
    /// a deterministic echo, so completions and their metering can be tried without a GPU.
    /// Point the console's INFERENCE_URL at http://<listen>/v1.
    DemoInference {
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:8000")]
        listen: String,
        /// Milliseconds to wait before each answer, to stand in for a model's latency.
        #[arg(long = "delay-ms", default_value_t = 0)]
        delay_ms: u64,
    },
    /// A stand-in for a DNS server, NOT one: answers TXT questions from a zone file (one
    /// `name text` per line, read at every question), so company domains such as acme.test
    /// can be verified without a public DNS. Point DOMAIN_RESOLVER at <listen>.
    DemoDns {
        /// The address to listen on (UDP and TCP).
        #[arg(long, default_value = "127.0.0.1:5353")]
        listen: String,
        /// The zone file.
        #[arg(long)]
        zone: std::path::PathBuf,
    },
}

/// Runs what the command line asks for.
pub async fn run(cli: Cli) -> Result<(), String> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => crate::server::run().await,
        Command::GrantRole { org, email, role } => grant_role(&org, &email, &role).await,
        Command::DemoTrainer {
            url,
            steps,
            step_ms,
            once,
        } => {
            let options = super::demo_trainer::Options::new(&url, steps, step_ms, once)?;
            super::demo_trainer::run(options).await
        }
        Command::DemoInference { listen, delay_ms } => {
            super::demo_inference::run(&listen, delay_ms).await
        }
        Command::DemoDns { listen, zone } => super::demo_dns::run(&listen, zone).await,
        Command::ClosePeriods { as_of, close_early } => {
            close_periods(as_of.as_deref(), close_early).await
        }
        Command::MarkPaid { invoice, reference } => mark_paid(&invoice, &reference).await,
        Command::AuditVerify { org } => audit_verify(&org).await,
        Command::Backup { path } => {
            let summary = super::backup::backup(&Config::from_env()?, &path).await?;
            report_copy("backed up", &path, &summary);
            Ok(())
        }
        Command::Restore { path, replace } => {
            let summary = super::backup::restore(&Config::from_env()?, &path, replace).await?;
            report_copy("restored from", &path, &summary);
            Ok(())
        }
    }
}

fn report_copy(done: &str, path: &std::path::Path, summary: &super::backup::Summary) {
    let what = if summary.database {
        "the database and"
    } else {
        "(the database is PostgreSQL: use pg_dump)"
    };
    println!(
        "{done} {}: {what} {} datasets ({} bytes)",
        path.display(),
        summary.files,
        summary.bytes
    );
}

/// The database, migrated, for a command run beside the console, with the audit keys
/// that check the chain.
async fn open_database(config: &Config) -> Result<Db, String> {
    audit::use_keys(config.audit_keys.clone());
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    Ok(db)
}

/// The same, for a command that records in the audit log: refused when its keys would
/// leave a sealed chain unsealed.
async fn open_database_to_record(config: &Config) -> Result<Db, String> {
    let db = open_database(config).await?;
    audit::check_keys_cover_heads(&db).await?;
    Ok(db)
}

async fn close_periods(as_of: Option<&str>, close_early: bool) -> Result<(), String> {
    let config = Config::from_env()?;
    let db = open_database_to_record(&config).await?;
    if let Some(date) = as_of {
        let at = parse_iso_date(date)
            .ok_or_else(|| format!("--as-of {date:?}: use a date such as 2026-12-01"))?;
        if at > db.now() && !close_early {
            return Err(format!(
                "--as-of {date} is in the future: it would invoice this month before it ends. \
                 Add --close-early to do so anyway (demos and tests only)."
            ));
        }
        db.clock.set(at + invoicing::LATE_USAGE_MS);
    }
    let mailer = Mailer::new(
        config.smtp_url.as_deref(),
        config.smtp_ca_file.as_deref(),
        &config.mail_from,
    )?;
    let ports = Ports {
        db: &db,
        mailer: &mailer,
        config: &config,
    };
    let issued = invoicing::close_due(&ports)
        .await
        .map_err(|e| e.to_string())?;
    println!("{issued} invoices issued");
    // Emails go out in the background: give them a moment before the process ends.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    Ok(())
}

async fn mark_paid(invoice: &str, reference: &str) -> Result<(), String> {
    let config = Config::from_env()?;
    let db = open_database_to_record(&config).await?;
    let paid = invoicing::record_payment(&db, &Actor::System, invoice, None, reference)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "{} is paid: {}",
        paid.number,
        paid.total.format(&paid.currency)
    );
    Ok(())
}

async fn audit_verify(org_id: &str) -> Result<(), String> {
    let config = Config::from_env()?;
    let db = open_database(&config).await?;
    match audit::verify(&db, org_id)
        .await
        .map_err(|e| e.to_string())?
    {
        Verified::Intact {
            entries,
            sealed,
            first_seq,
            head_hash,
        } => {
            let last = first_seq + entries as i64 - 1;
            println!(
                "{org_id}: the audit log is intact ({entries} entries, #{first_seq} to #{last}); \
                 entry #{last} hashes to {head_hash}"
            );
            match (sealed, config.audit_keys.is_empty()) {
                (0, true) => println!(
                    "none is sealed: set AUDIT_KEYS so that links cannot be recomputed without the key"
                ),
                (s, _) if s == entries => println!("all {entries} are sealed with AUDIT_KEYS"),
                (s, _) => println!(
                    "{s} of {entries} sealed with AUDIT_KEYS; the first {} were written before a key was set",
                    entries - s
                ),
            }
            Ok(())
        }
        Verified::Empty => {
            println!("{org_id}: no audit log (no such organization, or nothing recorded yet)");
            Ok(())
        }
        Verified::Broken { seq, reason } => Err(format!(
            "{org_id}: the audit log is broken at entry #{seq}: {reason}"
        )),
    }
}

async fn grant_role(org_id: &str, email: &str, role_arg: &str) -> Result<(), String> {
    let email = validation::email("email", email).map_err(|e| e.to_string())?;
    let role = OrgRole::parse(role_arg)
        .ok_or_else(|| format!("--role {role_arg:?}: use admin, billing or member"))?;
    let config = Config::from_env()?;
    let db = open_database_to_record(&config).await?;
    let user = users::find_by_email(&db.pool, &email)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no account with the email {email}"))?;
    orgs::find_by_id(&db.pool, org_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no organization {org_id}"))?;
    let mut tx = db.pool.begin().await.map_err(|e| e.to_string())?;
    orgs::lock(&mut *tx, org_id)
        .await
        .map_err(|e| e.to_string())?;
    let before = memberships::org_role(&mut *tx, org_id, &user.id)
        .await
        .map_err(|e| e.to_string())?;
    memberships::upsert_org_member(&mut *tx, org_id, &user.id, role.as_str(), db.now())
        .await
        .map_err(|e| e.to_string())?;
    let change = Change::new(
        AuditAction::MemberRoleChanged,
        Target::named("member", &user.id, &email),
    )
    .before(serde_json::json!({ "role": before.map(|r| r.as_str()) }))
    .after(serde_json::json!({ "role": role.as_str(), "by_command": "grant-role" }));
    audit::record(&mut tx, org_id, By::Operator, change, db.now())
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    println!("{email} is now {} of {org_id}", role.label());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
