//! Budget leases (usage limits): far from its caps and rate limits, a process takes room
//! for many requests in one hold and admits requests from it in memory, so a request that
//! costs money does not wait for a commit before it runs. A lease is for 32 requests,
//! doubled (up to 512) each time one runs out while busy; the ledger grants it only while
//! every limit has room for four times as much, halving it down to 32, and within four
//! leases of 32 of a limit it grants one request at a time (`usage_store::lease_size`), so
//! the last of a budget is shared exactly between processes, as without leases.
//!
//! A request admitted from a lease gives its part back when its usage is stored, in the
//! same transaction. A lease is given up, and what it did not use released, when it runs
//! out, when the limits it was granted under change (every admission reads them, so a
//! change still takes effect at the next request), when the period or the rate window's
//! minute turns, and at the latest `LEASE_LIFE` after it was granted, so that room an idle
//! process leased comes back within a second or two. A process killed with a lease leaves
//! a hold that lapses like any other (`usage_store::HOLD_LAPSES_MS`).

use crate::domain::billing::limits::RateWindow;
use crate::server::ids::new_id;
use crate::server::services::usage_store::{Held, Hold, LeasePart, MIN_LEASE};
use crate::server::services::usage_writer::{Releaser, UsageWriter};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::time::Instant;

/// The most requests one lease is asked for.
const MAX_LEASE: i64 = 512;
/// How long a lease serves before it is given up.
const LEASE_LIFE: Duration = Duration::from_secs(1);

/// What a hold was asked under; a lease serves only requests asked under the same.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Terms {
    period: String,
    org_cap: Option<i64>,
    workspace_cap: Option<i64>,
    requests_per_minute: Option<i64>,
    tokens_per_minute: Option<i64>,
    /// The rate window's minute, when the workspace has rate limits.
    minute: Option<i64>,
}

impl Terms {
    fn of(h: &Hold) -> Terms {
        Terms {
            period: h.period.clone(),
            org_cap: h.org_cap,
            workspace_cap: h.workspace_cap,
            requests_per_minute: h.rate.and_then(|r| r.requests_per_minute),
            tokens_per_minute: h.rate.and_then(|r| r.tokens_per_minute),
            minute: h
                .rate
                .map(|_| crate::domain::billing::limits::minute_of(h.at)),
        }
    }
}

struct Lease {
    /// The lease's hold as it was asked for; parts given back copy it.
    hold: Hold,
    /// Room left: spend (micros), requests, and tokens counted in the rate window.
    spend: i64,
    requests: i64,
    tokens: i64,
    /// The rate window as the grant left it (counting the whole lease).
    window: Option<RateWindow>,
}

impl Lease {
    fn fits(&self, ask: &Hold) -> bool {
        self.requests >= 1 && self.spend >= ask.amount && self.tokens >= tokens_of(ask)
    }

    /// Admits `ask` from the lease: its outcome and the part its release gives back.
    fn admit(&mut self, ask: &Hold) -> (Held, Hold) {
        self.requests -= 1;
        self.spend -= ask.amount;
        self.tokens -= tokens_of(ask);
        let part = Hold {
            amount: ask.amount,
            part: Some(LeasePart::default()),
            ..self.hold.clone()
        };
        let window = self.window.map(|w| RateWindow {
            requests: w.requests - self.requests,
            tokens: w.tokens - self.tokens,
            ..w
        });
        let held = Held {
            refused: None,
            granted: 1,
            window,
        };
        (held, part)
    }

    /// What giving the lease up releases: the spend and the counts in the rate window of
    /// `minute` it did not use.
    fn unused(self, minute: Option<i64>) -> Hold {
        Hold {
            amount: self.spend,
            part: Some(LeasePart {
                unused_rate: minute.map(|m| (m, self.requests, self.tokens)),
            }),
            ..self.hold
        }
    }
}

fn tokens_of(h: &Hold) -> i64 {
    h.rate.map_or(0, |r| r.tokens)
}

/// A workspace's admissions in this process.
enum Slot {
    Empty,
    Leased {
        terms: Terms,
        lease: Lease,
        since: Instant,
        /// How many requests it was granted for.
        size: i64,
    },
    /// The last grant was for one request (a limit is near) or refused: until
    /// `LEASE_LIFE` has passed, requests ask for holds of their own without waiting on
    /// each other.
    NearLimit {
        terms: Terms,
        since: Instant,
    },
}

/// The leases of one process, per workspace.
#[derive(Default)]
pub struct Leases {
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Slot>>>>,
}

impl Leases {
    /// New leases, given up when they expire by a task that ends with them.
    pub fn start(releaser: Releaser) -> Arc<Leases> {
        let leases = Arc::new(Leases::default());
        tokio::spawn(give_up_expired(Arc::downgrade(&leases), releaser));
        leases
    }

    fn slot(&self, workspace_id: &str) -> Arc<tokio::sync::Mutex<Slot>> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots
            .entry(workspace_id.to_owned())
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(Slot::Empty)))
            .clone()
    }

    /// Admits a request whose own hold would be `ask`: from its workspace's lease when it
    /// fits, else from a new lease the writer grants, or, near a limit, with a hold of
    /// its own. Its outcome, and the hold its end releases (`None` when refused).
    pub async fn admit(
        &self,
        writer: &UsageWriter,
        ask: Hold,
    ) -> Result<(Held, Option<Hold>), String> {
        let terms = Terms::of(&ask);
        let slot = self.slot(&ask.workspace_id);
        let mut slot = slot.lock().await;
        let near_limit = match &mut *slot {
            Slot::Leased {
                terms: t,
                lease,
                since,
                ..
            } if *t == terms && since.elapsed() < LEASE_LIFE && lease.fits(&ask) => {
                let (held, part) = lease.admit(&ask);
                return Ok((held, Some(part)));
            }
            Slot::NearLimit { terms: t, since } => *t == terms && since.elapsed() < LEASE_LIFE,
            _ => false,
        };
        if near_limit {
            drop(slot);
            return own_hold(writer, ask).await;
        }
        // A lease that ran out while busy is followed by a bigger one.
        let mut size = MIN_LEASE;
        if let Slot::Leased {
            terms: t,
            lease,
            since,
            size: was,
        } = std::mem::replace(&mut *slot, Slot::Empty)
        {
            // Same terms, not expired: it no longer fits, used up within a quarter second.
            if t == terms && since.elapsed() < LEASE_LIFE / 4 {
                size = (was * 2).min(MAX_LEASE);
            }
            writer.give_back(lease.unused(t.minute));
        }
        let asked = Hold {
            id: new_id("hold"),
            requests: size,
            ..ask.clone()
        };
        let held = writer.hold(asked.clone()).await?;
        let since = Instant::now();
        if held.refused.is_some() || held.granted < MIN_LEASE {
            *slot = Slot::NearLimit { terms, since };
            // Granted for one request: the hold of its own.
            return Ok((held, held.refused.is_none().then_some(asked)));
        }
        let granted = held.granted;
        let mut lease = Lease {
            spend: asked.amount.saturating_mul(granted),
            requests: granted,
            tokens: tokens_of(&asked).saturating_mul(granted),
            window: held.window,
            hold: asked,
        };
        let (held, part) = lease.admit(&ask);
        *slot = Slot::Leased {
            terms,
            lease,
            since,
            size: granted,
        };
        Ok((held, Some(part)))
    }

    /// Gives up the leases that expired, and forgets the slots no request is using.
    fn give_up_expired(&self, releaser: &Releaser) {
        let slots: Vec<(String, Arc<tokio::sync::Mutex<Slot>>)> = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.retain(|_, slot| {
                Arc::strong_count(slot) > 1
                    || slot.try_lock().map_or(true, |s| !matches!(*s, Slot::Empty))
            });
            slots.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        };
        for (_, slot) in slots {
            let Ok(mut slot) = slot.try_lock() else {
                continue;
            };
            let expired = match &*slot {
                Slot::Empty => false,
                Slot::Leased { since, .. } | Slot::NearLimit { since, .. } => {
                    since.elapsed() >= LEASE_LIFE
                }
            };
            if !expired {
                continue;
            }
            if let Slot::Leased { terms, lease, .. } = std::mem::replace(&mut *slot, Slot::Empty) {
                releaser.give_back(lease.unused(terms.minute));
            }
        }
    }
}

/// A hold for the request alone.
async fn own_hold(writer: &UsageWriter, ask: Hold) -> Result<(Held, Option<Hold>), String> {
    let held = writer.hold(ask.clone()).await?;
    Ok((held, held.refused.is_none().then_some(ask)))
}

/// Gives up expired leases every half `LEASE_LIFE`, until the leases are dropped.
async fn give_up_expired(leases: Weak<Leases>, releaser: Releaser) {
    let mut tick = tokio::time::interval(LEASE_LIFE / 2);
    loop {
        tick.tick().await;
        let Some(leases) = leases.upgrade() else {
            return;
        };
        leases.give_up_expired(&releaser);
    }
}
