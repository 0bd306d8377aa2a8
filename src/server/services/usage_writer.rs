//! Group commit of completions' usage. Every successful completion adds to its day sum
//! before its answer goes out; written one transaction each, those writes were what
//! limited completions through the console (SQLite commits one at a time). Here they
//! queue, and one writer commits all that arrived while it was busy in a single
//! transaction, then tells each waiting request: an answer still leaves only once its
//! usage is stored, whichever batch carried it.

use crate::server::db::Db;
use crate::server::repo::usage::{self, Metered};
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};

/// Most additions one transaction carries.
const BATCH: usize = 1_000;

/// One addition to a day sum, owned (it crosses to the writer task).
#[derive(Debug, Clone, Default)]
pub struct DaySum {
    pub org_id: String,
    pub workspace_id: String,
    pub api_key_id: String,
    pub model: String,
    pub day: i64,
    pub requests: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub training_tokens: i64,
}

struct Job {
    sum: DaySum,
    stored: oneshot::Sender<Result<(), String>>,
}

/// The handle requests add through; clones share the one writer, which stops when the
/// last handle is gone.
#[derive(Clone)]
pub struct UsageWriter {
    jobs: mpsc::Sender<Job>,
    db: Db,
}

impl UsageWriter {
    pub fn start(db: Db) -> UsageWriter {
        let (jobs, queue) = mpsc::channel(4 * BATCH);
        tokio::spawn(write_batches(db.clone(), queue));
        UsageWriter { jobs, db }
    }

    /// The time on the database's clock.
    pub fn now(&self) -> i64 {
        self.db.now()
    }

    /// Adds `sum` and returns once it is committed.
    pub async fn add(&self, sum: DaySum) -> Result<(), String> {
        let (stored, done) = oneshot::channel();
        self.jobs
            .send(Job { sum, stored })
            .await
            .map_err(|_| "the usage writer has stopped".to_owned())?;
        done.await
            .map_err(|_| "the usage writer has stopped".to_owned())?
    }
}

async fn write_batches(db: Db, mut queue: mpsc::Receiver<Job>) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let outcome = commit(&db, batch.iter().map(|j| &j.sum))
            .await
            .map_err(|e| e.to_string());
        for job in batch {
            let _ = job.stored.send(outcome.clone());
        }
    }
}

/// One transaction: the batch's additions to the same day sum merged first.
async fn commit<'a>(db: &Db, sums: impl Iterator<Item = &'a DaySum>) -> sqlx::Result<()> {
    let mut merged: HashMap<(&str, &str, &str, i64), DaySum> = HashMap::new();
    for s in sums {
        let m = merged
            .entry((&s.workspace_id, &s.api_key_id, &s.model, s.day))
            .or_insert_with(|| DaySum {
                requests: 0,
                input_tokens: 0,
                output_tokens: 0,
                training_tokens: 0,
                ..s.clone()
            });
        m.requests += s.requests;
        m.input_tokens += s.input_tokens;
        m.output_tokens += s.output_tokens;
        m.training_tokens += s.training_tokens;
    }
    let mut tx = db.pool.begin().await?;
    for s in merged.values() {
        let metered = Metered {
            org_id: &s.org_id,
            workspace_id: &s.workspace_id,
            api_key_id: &s.api_key_id,
            model: &s.model,
            day: s.day,
            requests: s.requests,
            input_tokens: s.input_tokens,
            output_tokens: s.output_tokens,
            training_tokens: s.training_tokens,
        };
        usage::add(&mut *tx, &metered).await?;
    }
    tx.commit().await
}
