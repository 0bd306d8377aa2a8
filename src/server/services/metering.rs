//! Metering: what the console counts of its API's use, summed per day (`repo::usage`).
//! Chat completions are counted here when they succeed, fine-tuning when the trainer
//! reports the tokens a job trained on, and other services' usage when they report it.

use crate::domain::Error;
use crate::domain::billing::limits::usage_micros;
use crate::domain::billing::{Catalogue, Unit};
use crate::domain::calendar::{Period, day_start};
use crate::domain::permissions::{Action, Actor};
use crate::server::authz::{WorkspaceActor, require_actor};
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::repo::fine_tuning::{self as jobs, JobRow};
use crate::server::repo::usage;
use crate::server::repo::workspaces;
use crate::server::services::invoicing::LATE_USAGE_MS;
use crate::server::services::usage_store::{self, DaySum};

/// Whether the workspace may use `model` for inference: a base model of the platform, or
/// one of its own fine-tuned models. Another workspace's model is not found.
pub async fn allow_model(
    db: &Db,
    ws: &WorkspaceActor,
    base_models: &[String],
    model: &str,
) -> Result<(), Error> {
    ws.require(Action::RunInference)?;
    if base_models.iter().any(|m| m == model) {
        return Ok(());
    }
    jobs::find_model(&db.pool, &ws.workspace.id, model)
        .await
        .or_internal("loading a model")?
        .map(|_| ())
        .ok_or(Error::NotFound)
}

/// Tokens of one successful chat completion: one request, counted once.
pub struct CompletionUsage {
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

/// The most tokens one completion may count: what an upstream reports beyond it is not
/// believed (and sums stay far inside an i64).
const MAX_TOKENS: i64 = 1_000_000_000;

/// A day sum with its cost at the catalogue's prices of its day.
pub fn priced(catalogue: &Catalogue, mut sum: DaySum) -> DaySum {
    let tokens = [sum.input_tokens, sum.output_tokens, sum.training_tokens];
    sum.cost = usage_micros(catalogue, &sum.model, sum.day, tokens);
    sum
}

/// The day sum of one successful completion: one request, counted once.
pub fn completion_sum(
    catalogue: &Catalogue,
    now: i64,
    ws: &WorkspaceActor,
    model: &str,
    used: &CompletionUsage,
) -> DaySum {
    let sum = DaySum {
        org_id: ws.org.org_id.clone(),
        workspace_id: ws.workspace.id.clone(),
        api_key_id: ws.key_id.clone().unwrap_or_default(),
        model: model.to_owned(),
        day: day_start(now),
        requests: 1,
        input_tokens: used.prompt_tokens.clamp(0, MAX_TOKENS),
        output_tokens: used.completion_tokens.clamp(0, MAX_TOKENS),
        ..DaySum::default()
    };
    priced(catalogue, sum)
}

/// A succeeded job's trained tokens (as its trainer last reported them), counted in the
/// transaction that finishes it: one training request on the day it finished.
pub async fn meter_training(
    conn: &mut sqlx::AnyConnection,
    catalogue: &Catalogue,
    job: &JobRow,
    now: i64,
) -> Result<(), Error> {
    let sum = DaySum {
        org_id: job.org_id.clone(),
        workspace_id: job.workspace_id.clone(),
        api_key_id: job.created_by_key.clone().unwrap_or_default(),
        model: job.model.clone(),
        day: day_start(now),
        requests: 1,
        training_tokens: job.trained_tokens.unwrap_or(0).clamp(0, MAX_TOKENS),
        ..DaySum::default()
    };
    usage_store::store(conn, [&priced(catalogue, sum)], [])
        .await
        .or_internal("metering a fine-tuning job")?;
    Ok(())
}

/// Most events one report may carry.
pub const MAX_EVENTS: usize = 1_000;

/// One event a data-plane service reports (`POST /internal/usage`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ReportedEvent {
    /// Unique per event, chosen by the reporter (at most 200 characters): an event sent
    /// again with the same key is counted once.
    pub idempotency_key: String,
    pub workspace_id: String,
    #[serde(default)]
    pub api_key_id: Option<String>,
    pub model: String,
    /// `input_tokens`, `output_tokens` or `training_tokens`.
    pub unit: String,
    pub quantity: i64,
    /// When it happened (milliseconds since the epoch); the time of receipt when absent.
    #[serde(default)]
    pub timestamp: Option<i64>,
}

/// What a report did: events counted, and events already counted before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Ingested {
    pub counted: usize,
    pub duplicates: usize,
}

/// Counts a batch in one transaction: every event is checked first (a bad one refuses the
/// whole batch, named by its index), then each new idempotency key is counted once.
pub async fn ingest(
    db: &Db,
    catalogue: &Catalogue,
    actor: &Actor,
    events: &[ReportedEvent],
) -> Result<Ingested, Error> {
    require_actor(actor, Action::ReportUsage)?;
    if events.is_empty() || events.len() > MAX_EVENTS {
        return Err(Error::invalid(
            "events",
            format!("send 1 to {MAX_EVENTS} events per report"),
        ));
    }
    let now = db.now();
    // The earliest time still open: the month an hour ago is in (the one before has been
    // or is being invoiced).
    let open_since = Period::containing(now - LATE_USAGE_MS).start;
    let mut checked = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        let field = |name: &str| format!("events[{i}].{name}");
        if e.idempotency_key.trim().is_empty() || e.idempotency_key.len() > 200 {
            return Err(Error::invalid(
                &field("idempotency_key"),
                "1 to 200 characters",
            ));
        }
        let unit = Unit::parse(&e.unit).ok_or_else(|| {
            Error::invalid(
                &field("unit"),
                "input_tokens, output_tokens or training_tokens",
            )
        })?;
        if !(0..=1_000_000_000_000).contains(&e.quantity) {
            return Err(Error::invalid(&field("quantity"), "0 to 10^12"));
        }
        if e.api_key_id.as_ref().is_some_and(|k| k.len() > 64) {
            return Err(Error::invalid(
                &field("api_key_id"),
                "at most 64 characters",
            ));
        }
        if e.model.trim().is_empty() || e.model.len() > 256 {
            return Err(Error::invalid(&field("model"), "1 to 256 characters"));
        }
        let at = e.timestamp.unwrap_or(now);
        if at > now + 3_600_000 {
            return Err(Error::invalid(&field("timestamp"), "not in the future"));
        }
        if at < open_since {
            return Err(Error::invalid(
                &field("timestamp"),
                "in a month already invoiced (usage may be reported until an hour after its month ends)",
            ));
        }
        let ws = workspaces::find_by_id(&db.pool, &e.workspace_id)
            .await
            .or_internal("loading a workspace")?
            .ok_or_else(|| Error::invalid(&field("workspace_id"), "no such workspace"))?;
        checked.push((e, unit, ws.org_id, day_start(at)));
    }
    let mut tx = db
        .pool
        .begin()
        .await
        .or_internal("starting a transaction")?;
    let mut done = Ingested {
        counted: 0,
        duplicates: 0,
    };
    // Receipts are inserted in key order, so that two reports sharing keys lock them in
    // the same order (stable: of one key sent twice, the first is counted).
    checked.sort_by(|a, b| a.0.idempotency_key.cmp(&b.0.idempotency_key));
    let mut sums = Vec::with_capacity(checked.len());
    for (e, unit, org_id, day) in &checked {
        if !usage::first_receipt(&mut *tx, &e.idempotency_key, org_id, now)
            .await
            .or_internal("recording a usage receipt")?
        {
            done.duplicates += 1;
            continue;
        }
        let quantity = |u: Unit| if *unit == u { e.quantity } else { 0 };
        let sum = DaySum {
            org_id: org_id.clone(),
            workspace_id: e.workspace_id.clone(),
            api_key_id: e.api_key_id.clone().unwrap_or_default(),
            model: e.model.clone(),
            day: *day,
            requests: 1,
            input_tokens: quantity(Unit::InputTokens),
            output_tokens: quantity(Unit::OutputTokens),
            training_tokens: quantity(Unit::TrainingTokens),
            cost: 0,
        };
        sums.push(priced(catalogue, sum));
        done.counted += 1;
    }
    usage_store::store(&mut tx, &sums, [])
        .await
        .or_internal("metering reported usage")?;
    tx.commit().await.or_internal("committing usage")?;
    Ok(done)
}
