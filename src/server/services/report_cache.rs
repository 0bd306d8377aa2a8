//! Usage reports (an organization's, a workspace's), kept between views. Building one
//! reads a day sum per workspace, model (and key) — thousands of rows in a busy month;
//! checking that a kept one is still right sends one row back: the sum of the month's
//! requests, which every metered event raises. A kept report is reused while that sum, the day, the
//! names it shows and the prices are what they were, so it is never stale, whichever
//! console process metered. A report missing when many ask for it at once (a busy page
//! just after usage arrived) is built by one of them while the others wait for it.

use crate::domain::billing::UsageReport;
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

/// Reports kept at most (one per scope and month); beyond, one is dropped for each new one.
const CAPACITY: usize = 256;

/// What a kept report was built from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Basis {
    /// The organization, or the workspace and whether keys are shown.
    pub scope: String,
    pub period_start: i64,
    pub today: i64,
    pub requests: i64,
    /// A digest of the workspace names and the prices.
    pub inputs: u64,
}

/// The digest of what else a report depends on.
pub fn digest(parts: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// Kept reports by (scope, month), with what each was built from.
type Kept = HashMap<(String, i64), (Basis, Arc<UsageReport>)>;

fn kept() -> &'static Mutex<Kept> {
    static KEPT: OnceLock<Mutex<Kept>> = OnceLock::new();
    KEPT.get_or_init(Default::default)
}

/// The kept report for `basis`, or one built later (it counts more requests: usage
/// only ever adds to a month).
fn get(basis: &Basis) -> Option<Arc<UsageReport>> {
    let kept = kept().lock().ok()?;
    kept.get(&(basis.scope.clone(), basis.period_start))
        .filter(|(b, _)| {
            let later = Basis {
                requests: b.requests,
                ..basis.clone()
            };
            *b == later && b.requests >= basis.requests
        })
        .map(|(_, r)| r.clone())
}

fn put(basis: Basis, report: Arc<UsageReport>) {
    if let Ok(mut kept) = kept().lock() {
        if kept.len() >= CAPACITY
            && let Some(any) = kept.keys().next().cloned()
        {
            kept.remove(&any);
        }
        kept.insert((basis.scope.clone(), basis.period_start), (basis, report));
    }
}

/// Builds of one (scope, month) take turns, through one of these gates (picked by a
/// hash, so unrelated builds rarely share one): whoever waited finds the report kept, as
/// it was asked for or later.
fn gate(basis: &Basis) -> &'static tokio::sync::Mutex<()> {
    static GATES: OnceLock<Vec<tokio::sync::Mutex<()>>> = OnceLock::new();
    let gates = GATES.get_or_init(|| (0..64).map(|_| tokio::sync::Mutex::new(())).collect());
    let at = digest(&(&basis.scope, basis.period_start)) as usize % gates.len();
    &gates[at]
}

/// The kept report for `basis`, or the one `build` makes, kept for next time.
pub async fn kept_or_built<E>(
    basis: Basis,
    build: impl std::future::Future<Output = Result<UsageReport, E>>,
) -> Result<UsageReport, E> {
    if let Some(kept) = get(&basis) {
        return Ok((*kept).clone());
    }
    let _turn = gate(&basis).lock().await;
    if let Some(kept) = get(&basis) {
        return Ok((*kept).clone());
    }
    let built = build.await?;
    put(basis, Arc::new(built.clone()));
    Ok(built)
}
