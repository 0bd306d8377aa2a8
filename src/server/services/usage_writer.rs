//! Group commit of what every `/v1` request writes: its line in the request log, its
//! key's "last used", and, for a completion, its day sum. Written one transaction each,
//! those writes were what limited requests through the console (SQLite commits one at a
//! time). Here they queue, and one writer commits all that arrived while it was busy in
//! a single transaction, then tells each waiting request: an answer still leaves only
//! once what it wrote is stored, whichever batch carried it.
//!
//! The holds requests take before they run (usage limits) go through the same writer, in
//! the same transaction as the batch's usage (`usage_store::settle`): one commit per batch
//! for both, the usage stored first, so what it releases can be held again at once.

use crate::server::db::{Db, commit_surely_failed, is_transient};
use crate::server::ids::new_id;
use crate::server::repo::api_keys::{self, UsageEvent};
use crate::server::services::leases::Leases;
use crate::server::services::usage_store::{self, DaySum, Held, Hold};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Most additions one transaction carries.
const BATCH: usize = 1_000;

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
    Release(Hold),
}

enum Job {
    /// What one request writes: its log line, the day sum of a completion it answered,
    /// and the release of its hold.
    Write {
        entries: Vec<Entry>,
        stored: oneshot::Sender<Result<(), String>>,
    },
    /// A hold a request asks for before it runs.
    Hold {
        hold: Hold,
        taken: oneshot::Sender<Result<Held, String>>,
    },
}

/// The handle requests add through; clones share the one writer task. What is queued
/// when the process stops is lost with the requests that wait for it (they get no answer).
#[derive(Clone)]
pub struct UsageWriter {
    jobs: mpsc::Sender<Job>,
    db: Db,
    leases: Arc<Leases>,
}

impl UsageWriter {
    pub fn start(db: Db) -> UsageWriter {
        let (jobs, queue) = mpsc::channel(4 * BATCH);
        tokio::spawn(write_batches(db.clone(), queue));
        let leases = Leases::start(Releaser(jobs.downgrade()));
        UsageWriter { jobs, db, leases }
    }

    /// Admits a request whose own hold would be `ask`, from a lease where one serves
    /// (`leases`): its outcome and the hold its end releases.
    pub async fn admit(&self, ask: Hold) -> Result<(Held, Option<Hold>), String> {
        self.leases.admit(self, ask).await
    }

    /// Queues the release of a hold without waiting for it to be stored (what a lease
    /// gives up; if it is lost, the hold lapses).
    pub fn give_back(&self, hold: Hold) {
        give_back(&self.jobs, hold);
    }

    /// The time on the database's clock.
    pub fn now(&self) -> i64 {
        self.db.now()
    }

    /// Adds `sum` (releasing the hold its request took) and returns once it is committed.
    pub async fn add(&self, sum: DaySum, hold: Option<Hold>) -> Result<(), String> {
        let mut entries = vec![Entry::Sum(sum)];
        entries.extend(hold.map(Entry::Release));
        self.write(entries).await
    }

    /// Releases a hold a request no longer needs (it failed or was refused upstream).
    pub async fn release(&self, hold: Hold) -> Result<(), String> {
        self.write(vec![Entry::Release(hold)]).await
    }

    /// Logs a request (and moves its key's "last used"), with the day sum of the
    /// completion it answered if any and the release of its hold, and returns once all
    /// are committed, together.
    pub async fn log_request(
        &self,
        request: RequestLog,
        completion: Option<DaySum>,
        hold: Option<Hold>,
    ) -> Result<(), String> {
        let mut entries = vec![Entry::Request(request)];
        entries.extend(completion.map(Entry::Sum));
        entries.extend(hold.map(Entry::Release));
        self.write(entries).await
    }

    /// Takes a hold (refused when a cap or rate limit is reached). If the request stops
    /// waiting (its client left), what was granted is released.
    pub async fn hold(&self, hold: Hold) -> Result<Held, String> {
        let (taken, done) = oneshot::channel();
        self.send(Job::Hold {
            hold: hold.clone(),
            taken,
        })
        .await?;
        let mut waiting = Waiting {
            done,
            hold: Some(hold),
            jobs: self.jobs.clone(),
        };
        let outcome = (&mut waiting.done).await;
        waiting.hold = None;
        outcome.map_err(|_| STOPPED.to_owned())?
    }

    async fn write(&self, entries: Vec<Entry>) -> Result<(), String> {
        let (stored, done) = oneshot::channel();
        self.send(Job::Write { entries, stored }).await?;
        done.await.map_err(|_| STOPPED.to_owned())?
    }

    async fn send(&self, job: Job) -> Result<(), String> {
        self.jobs.send(job).await.map_err(|_| STOPPED.to_owned())
    }
}

const STOPPED: &str = "the usage writer has stopped";

/// Queues a release at once (nothing to wait for, so nothing a cancelled request could
/// leave half done), or, when the queue is full, from a task of its own.
fn give_back(jobs: &mpsc::Sender<Job>, hold: Hold) {
    let (stored, _) = oneshot::channel();
    let entries = vec![Entry::Release(hold)];
    if let Err(mpsc::error::TrySendError::Full(job)) = jobs.try_send(Job::Write { entries, stored })
    {
        let jobs = jobs.clone();
        tokio::spawn(async move { jobs.send(job).await });
    }
}

/// Gives holds back without keeping the writer running (for a task that outlives it).
pub struct Releaser(mpsc::WeakSender<Job>);

impl Releaser {
    pub fn give_back(&self, hold: Hold) {
        if let Some(jobs) = self.0.upgrade() {
            give_back(&jobs, hold);
        }
    }
}

/// A request waiting for its hold. Dropped before it read the answer (the request was
/// cancelled after the writer answered), it releases what was granted.
struct Waiting {
    done: oneshot::Receiver<Result<Held, String>>,
    /// `None` once the answer is read.
    hold: Option<Hold>,
    jobs: mpsc::Sender<Job>,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some(hold) = self.hold.take()
            && let Ok(Ok(held)) = self.done.try_recv()
            && held.refused.is_none()
        {
            give_back(&self.jobs, hold.unclaimed(held.granted));
        }
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
        let (mut writes, mut holds): (Writes, Holds) = (Vec::new(), Vec::new());
        for job in batch {
            match job {
                Job::Write { entries, stored } => writes.push((entries, stored)),
                Job::Hold { hold, taken } => holds.push((hold, taken)),
            }
        }
        settle_batch(&db, writes, holds).await;
    }
}

type Writes = Vec<(Vec<Entry>, oneshot::Sender<Result<(), String>>)>;
type Holds = Vec<(Hold, oneshot::Sender<Result<Held, String>>)>;

/// Times a batch is tried when it fails for a reason that may pass (busy, deadlock, no
/// connection), and the wait before the second try (doubled before each next).
const ATTEMPTS: u32 = 3;
const FIRST_RETRY_MS: u64 = 20;

/// The batch in one transaction, holds taken in key order (organization, then
/// workspace). A batch that failed for a reason that may pass is tried again whole; one
/// the database refused (a bad entry) is split, each request's entries and each hold on
/// their own, so that it fails only its own request. A commit whose answer was lost is
/// never tried again (it may have been stored): its requests get the error, though their
/// usage may be counted; the holds it may have taken are released.
async fn settle_batch(db: &Db, writes: Writes, mut holds: Holds) {
    holds.sort_by(|(a, _), (b, _)| (&a.org_id, &a.workspace_id).cmp(&(&b.org_id, &b.workspace_id)));
    let all: Vec<&Hold> = holds.iter().map(|(h, _)| h).collect();
    let mut attempt = 1;
    let mut unsure = false;
    let error = loop {
        match commit(db, writes.iter().flat_map(|(entries, _)| entries), &all).await {
            Ok(outcomes) => {
                for (_, stored) in writes {
                    let _ = stored.send(Ok(()));
                }
                answer_holds(db, holds, outcomes).await;
                return;
            }
            Err(Failed::Unsure(e)) => {
                unsure = true;
                break e;
            }
            Err(Failed::RolledBack(e)) if !is_transient(&e) => {
                settle_one_by_one(db, writes, holds).await;
                return;
            }
            Err(Failed::RolledBack(e)) if attempt == ATTEMPTS => break e,
            Err(Failed::RolledBack(_)) => {
                tokio::time::sleep(Duration::from_millis(FIRST_RETRY_MS << (attempt - 1))).await;
                attempt += 1;
            }
        }
    };
    tracing::warn!(error = %error, attempts = attempt, "a batch of usage could not be stored");
    let error = error.to_string();
    for (_, stored) in writes {
        let _ = stored.send(Err(error.clone()));
    }
    let mut taken_maybe = Vec::new();
    for (hold, taken) in holds {
        let _ = taken.send(Err(error.clone()));
        taken_maybe.push(Entry::Release(hold));
    }
    // Holds that may have been taken though no request got them: released whole (their
    // rows, if they exist, say how much), rather than left to lapse.
    if unsure && let Err(e) = commit(db, taken_maybe.iter(), &[]).await {
        tracing::warn!(error = %e, "could not release the holds of a batch whose commit was lost");
    }
}

/// Each request's entries and each hold in a transaction of its own.
async fn settle_one_by_one(db: &Db, writes: Writes, holds: Holds) {
    for (entries, stored) in writes {
        let outcome = commit(db, entries.iter(), &[]).await;
        let _ = stored.send(outcome.map(|_| ()).map_err(|e| e.to_string()));
    }
    for (hold, taken) in holds {
        match commit(db, std::iter::empty(), &[&hold]).await {
            Ok(outcomes) => answer_holds(db, vec![(hold, taken)], outcomes).await,
            Err(e) => {
                let _ = taken.send(Err(e.to_string()));
            }
        }
    }
}

/// Tells each request what its hold came to. A request that went away while it waited
/// (its client left) cannot release what it was granted: released here at once.
async fn answer_holds(db: &Db, holds: Holds, outcomes: Vec<Held>) {
    let mut orphans = Vec::new();
    for ((hold, taken), outcome) in holds.into_iter().zip(outcomes) {
        if taken.send(Ok(outcome)).is_err() && outcome.refused.is_none() {
            orphans.push(Entry::Release(hold.unclaimed(outcome.granted)));
        }
    }
    if !orphans.is_empty()
        && let Err(e) = commit(db, orphans.iter(), &[]).await
    {
        tracing::warn!(error = %e, "could not release the holds of requests that went away");
    }
}

/// How a transaction failed: rolled back (nothing of it is stored), or its commit was
/// sent and no answer came back (it may be stored).
#[derive(Debug)]
enum Failed {
    RolledBack(sqlx::Error),
    Unsure(sqlx::Error),
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failed::RolledBack(e) | Failed::Unsure(e) => e.fmt(f),
        }
    }
}

impl From<sqlx::Error> for Failed {
    fn from(e: sqlx::Error) -> Failed {
        Failed::RolledBack(e)
    }
}

/// One transaction: the batch's usage and holds (`usage_store::settle`), its request log
/// lines, and each key's "last used" touched once, in key order.
async fn commit<'a>(
    db: &Db,
    entries: impl Iterator<Item = &'a Entry>,
    holds: &[&Hold],
) -> Result<Vec<Held>, Failed> {
    let (mut sums, mut releases, mut requests) = (Vec::new(), Vec::new(), Vec::new());
    let mut last_used: BTreeMap<&str, i64> = BTreeMap::new();
    for entry in entries {
        match entry {
            Entry::Request(r) => {
                requests.push(r);
                let at = last_used.entry(&r.key_id).or_insert(r.at);
                *at = (*at).max(r.at);
            }
            Entry::Sum(s) => sums.push(s),
            Entry::Release(h) => releases.push(h),
        }
    }
    let mut tx = db.pool.begin().await?;
    let outcomes = usage_store::settle(&mut tx, sums, releases, holds)
        .await?
        .held;
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
    match tx.commit().await {
        Ok(()) => Ok(outcomes),
        Err(e) if commit_surely_failed(&e) => Err(Failed::RolledBack(e)),
        Err(e) => Err(Failed::Unsure(e)),
    }
}
