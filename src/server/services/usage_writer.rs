//! Group commit of what every `/v1` request writes: its line in the request log, its
//! key's "last used", and, for a completion, its day sum. Written one transaction each,
//! those writes were what limited requests through the console (SQLite commits one at a
//! time). Here they queue, and one writer commits all that arrived while it was busy in
//! a single transaction, then tells each waiting request: an answer still leaves only
//! once what it wrote is stored, whichever batch carried it.

use crate::server::db::Db;
use crate::server::ids::new_id;
use crate::server::repo::api_keys::{self, UsageEvent};
use crate::server::repo::usage::{self, Metered};
use std::collections::BTreeMap;
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

/// One `/v1` request for the request log, owned.
#[derive(Debug, Clone, Default)]
pub struct RequestLog {
    pub key_id: String,
    pub workspace_id: String,
    pub org_id: String,
    pub method: String,
    pub endpoint: String,
    pub status: i64,
    pub bytes_in: i64,
    pub bytes_out: i64,
    pub duration_ms: i64,
    pub at: i64,
}

enum Entry {
    Sum(DaySum),
    Request(RequestLog),
}

/// What one request writes: its log line, and the day sum of a completion it answered.
struct Job {
    entries: Vec<Entry>,
    stored: oneshot::Sender<Result<(), String>>,
}

/// The handle requests add through; clones share the one writer task. What is queued
/// when the process stops is lost with the requests that wait for it (they get no answer).
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
        self.write(vec![Entry::Sum(sum)]).await
    }

    /// Logs a request (and moves its key's "last used"), with the day sum of the
    /// completion it answered if any, and returns once both are committed, together.
    pub async fn log_request(
        &self,
        request: RequestLog,
        completion: Option<DaySum>,
    ) -> Result<(), String> {
        let mut entries = vec![Entry::Request(request)];
        entries.extend(completion.map(Entry::Sum));
        self.write(entries).await
    }

    async fn write(&self, entries: Vec<Entry>) -> Result<(), String> {
        let (stored, done) = oneshot::channel();
        self.jobs
            .send(Job { entries, stored })
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
        if commit(&db, batch.iter().flat_map(|j| &j.entries))
            .await
            .is_ok()
        {
            for job in batch {
                let _ = job.stored.send(Ok(()));
            }
            continue;
        }
        // Something in the batch failed (or the database was busy): each entry on its
        // own, so one bad entry fails only its own request.
        for job in batch {
            let outcome = commit(&db, job.entries.iter())
                .await
                .map_err(|e| e.to_string());
            let _ = job.stored.send(outcome);
        }
    }
}

/// One transaction: the batch's additions to the same day sum merged first, and each key
/// touched once. Rows are written in key order, so two writers (two console processes)
/// lock them in the same order and never deadlock.
async fn commit<'a>(db: &Db, entries: impl Iterator<Item = &'a Entry>) -> sqlx::Result<()> {
    let mut merged: BTreeMap<(&str, &str, &str, i64), DaySum> = BTreeMap::new();
    let mut requests = Vec::new();
    let mut last_used: BTreeMap<&str, i64> = BTreeMap::new();
    for entry in entries {
        let s = match entry {
            Entry::Request(r) => {
                requests.push(r);
                let at = last_used.entry(&r.key_id).or_insert(r.at);
                *at = (*at).max(r.at);
                continue;
            }
            Entry::Sum(s) => s,
        };
        let m = merged
            .entry((&s.workspace_id, &s.api_key_id, &s.model, s.day))
            .or_insert_with(|| DaySum {
                requests: 0,
                input_tokens: 0,
                output_tokens: 0,
                training_tokens: 0,
                ..s.clone()
            });
        m.requests = m.requests.saturating_add(s.requests);
        m.input_tokens = m.input_tokens.saturating_add(s.input_tokens);
        m.output_tokens = m.output_tokens.saturating_add(s.output_tokens);
        m.training_tokens = m.training_tokens.saturating_add(s.training_tokens);
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
    for r in requests {
        let event = UsageEvent {
            key_id: &r.key_id,
            workspace_id: &r.workspace_id,
            org_id: &r.org_id,
            method: &r.method,
            endpoint: &r.endpoint,
            status: r.status,
            bytes_in: r.bytes_in,
            bytes_out: r.bytes_out,
            duration_ms: r.duration_ms,
        };
        api_keys::record_usage(&mut *tx, &new_id("use"), &event, r.at).await?;
    }
    for (key_id, at) in last_used {
        api_keys::touch(&mut *tx, key_id, at).await?;
    }
    tx.commit().await
}
