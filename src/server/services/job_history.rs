//! A job's history, written in the transaction of the change it records: its events
//! (created, started, the trainer's progress messages, the outcome) and the checkpoints
//! its trainer reports.

use crate::domain::Error;
use crate::server::error::OrInternal;
use crate::server::ids::new_id;
use crate::server::repo::job_history::{self, CheckpointRow, EventRow};
use serde_json::{Map, Value};
use sqlx::AnyConnection;

/// Longer messages are cut: an event is a line, not a log file.
const MAX_MESSAGE_CHARS: usize = 1_000;
const MAX_METRICS: usize = 16;
const MAX_METRIC_NAME: usize = 64;

#[derive(Debug, Clone, Copy)]
pub enum Level {
    Info,
    Warn,
    Error,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// Records what happened to the job, `(level, message)` in order: events written together
/// are 1 ms apart, so a list shows them in the order they happened.
pub async fn record(
    conn: &mut AnyConnection,
    job_id: &str,
    now: i64,
    events: &[(Level, &str)],
) -> Result<(), Error> {
    add(conn, job_id, now, events, false).await
}

/// Records a progress message of the trainer (not past `MAX_PER_JOB` events).
pub async fn record_message(
    conn: &mut AnyConnection,
    job_id: &str,
    now: i64,
    message: &str,
) -> Result<(), Error> {
    add(conn, job_id, now, &[(Level::Info, message)], true).await
}

async fn add(
    conn: &mut AnyConnection,
    job_id: &str,
    now: i64,
    events: &[(Level, &str)],
    capped: bool,
) -> Result<(), Error> {
    for (i, (level, message)) in events.iter().enumerate() {
        let event = EventRow {
            id: format!("ftevent-{}", &new_id("e")[2..]),
            job_id: job_id.to_owned(),
            created_at: now + i as i64,
            level: level.as_str().to_owned(),
            message: message.chars().take(MAX_MESSAGE_CHARS).collect(),
        };
        job_history::add_event(&mut *conn, &event, capped)
            .await
            .or_internal("recording a job event")?;
    }
    Ok(())
}

/// A checkpoint as a trainer reports it with its progress:
/// `{"step_number": 100, "metrics": {"train_loss": 0.42, ...}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub step_number: i64,
    /// A JSON object of at most 16 named numbers.
    pub metrics: Value,
}

impl Checkpoint {
    pub fn parse(value: &Value) -> Result<Self, Error> {
        let step_number = value["step_number"]
            .as_i64()
            .filter(|n| (0..=1_000_000_000).contains(n))
            .ok_or_else(|| {
                Error::invalid(
                    "checkpoint.step_number",
                    "Use a whole number from 0 to 1000000000.",
                )
            })?;
        let bad_metrics = || {
            Error::invalid(
                "checkpoint.metrics",
                "Use an object of at most 16 numbers named with a-z, 0-9 and _.",
            )
        };
        let metrics = match &value["metrics"] {
            Value::Null => Map::new(),
            Value::Object(m) => m.clone(),
            _ => return Err(bad_metrics()),
        };
        let named_numbers = metrics.iter().all(|(name, v)| {
            !name.is_empty()
                && name.len() <= MAX_METRIC_NAME
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                && v.as_f64().is_some_and(f64::is_finite)
        });
        if metrics.len() > MAX_METRICS || !named_numbers {
            return Err(bad_metrics());
        }
        Ok(Checkpoint {
            step_number,
            metrics: Value::Object(metrics),
        })
    }
}

/// Keeps the checkpoint of the job whose model would be `model` (once per step, the
/// newest `MAX_PER_JOB`).
pub async fn keep_checkpoint(
    conn: &mut AnyConnection,
    job_id: &str,
    model: &str,
    now: i64,
    c: &Checkpoint,
) -> Result<(), Error> {
    let row = CheckpointRow {
        id: format!("ftckpt-{}", &new_id("c")[2..]),
        job_id: job_id.to_owned(),
        created_at: now,
        step_number: c.step_number,
        model: format!("{model}:ckpt-step-{}", c.step_number),
        metrics: c.metrics.to_string(),
    };
    job_history::add_checkpoint(&mut *conn, &row)
        .await
        .or_internal("keeping a checkpoint")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn checkpoints_are_checked() {
        let ok = Checkpoint::parse(&json!({ "step_number": 10, "metrics": { "train_loss": 0.5 } }));
        assert_eq!(ok.unwrap().metrics, json!({ "train_loss": 0.5 }));
        assert_eq!(
            Checkpoint::parse(&json!({ "step_number": 3 }))
                .unwrap()
                .metrics,
            json!({})
        );
        for (bad, field) in [
            (json!({}), "checkpoint.step_number"),
            (json!({ "step_number": -1 }), "checkpoint.step_number"),
            (
                json!({ "step_number": 1, "metrics": [1] }),
                "checkpoint.metrics",
            ),
            (
                json!({ "step_number": 1, "metrics": { "Loss": 1 } }),
                "checkpoint.metrics",
            ),
            (
                json!({ "step_number": 1, "metrics": { "loss": "low" } }),
                "checkpoint.metrics",
            ),
        ] {
            match Checkpoint::parse(&bad) {
                Err(Error::Invalid(f)) => assert_eq!(f[0].field, field, "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        let many: Map<String, Value> = (0..17).map(|i| (format!("m{i}"), json!(i))).collect();
        assert!(Checkpoint::parse(&json!({ "step_number": 1, "metrics": many })).is_err());
    }
}
