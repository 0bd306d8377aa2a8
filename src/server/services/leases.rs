//! Budget leases (usage limits): far from its caps and rate limits, a process takes room
//! for many requests in one hold and admits requests from it in memory, so a request that
//! costs money does not wait for a commit before it runs. The first lease is for 32
//! requests; once a lease is half used the next is asked for in the background (twice as
//! big, up to 512, if this one went fast), so a busy workspace's requests never wait. The
//! ledger grants a lease only while every limit has room for four times as much, halving
//! it down to 32, and within four leases of 32 of a limit it grants one request at a time
//! (`usage_store::lease_size`), so the last of a budget is shared exactly between
//! processes, as without leases.
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
    /// When it was granted (it lives `LEASE_LIFE` from then), when it began to admit,
    /// and for how many requests.
    since: Instant,
    started: Instant,
    size: i64,
}

impl Lease {
    fn granted(asked: Hold, held: &Held) -> Lease {
        let size = held.granted;
        Lease {
            spend: asked.amount.saturating_mul(size),
            requests: size,
            tokens: tokens_of(&asked).saturating_mul(size),
            window: held.window,
            since: Instant::now(),
            started: Instant::now(),
            size,
            hold: asked,
        }
    }

    /// It may still admit `ask`.
    fn serves(&self, ask: &Hold) -> bool {
        self.since.elapsed() < LEASE_LIFE
            && self.requests >= 1
            && self.spend >= ask.amount
            && self.tokens >= tokens_of(ask)
    }

    /// Admits `ask` from the lease: its outcome and the part its release gives back.
    fn admit(&mut self, ask: &Hold) -> (Held, Option<Hold>) {
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
        (held, Some(part))
    }

    /// The size of the lease to follow it, asked for once it is half used (or once it is
    /// used up): twice its own if it is going fast (half used within an eighth of a
    /// lease's life), up to 512.
    fn next_size(&self) -> i64 {
        if self.started.elapsed() < LEASE_LIFE / 8 {
            (self.size * 2).min(MAX_LEASE)
        } else {
            self.size
        }
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
        lease: Box<Lease>,
        /// The lease to take over when this one no longer serves, asked for in the
        /// background once it was half used (`refill_asked`), so admissions never wait.
        next: Option<Box<Lease>>,
        refill_asked: bool,
    },
    /// The last grant was for one request (a limit is near) or refused: until
    /// `LEASE_LIFE` has passed, requests ask for holds of their own without waiting on
    /// each other.
    NearLimit {
        terms: Terms,
        since: Instant,
    },
}

impl Slot {
    /// Gives up the leases it holds, leaving it empty.
    fn give_up(&mut self, give_back: impl Fn(Hold)) {
        if let Slot::Leased {
            terms, lease, next, ..
        } = std::mem::replace(self, Slot::Empty)
        {
            give_back((*lease).unused(terms.minute));
            if let Some(next) = next {
                give_back((*next).unused(terms.minute));
            }
        }
    }

    fn expired(&self) -> bool {
        match self {
            Slot::Empty => false,
            Slot::Leased { lease, .. } => lease.since.elapsed() >= LEASE_LIFE,
            Slot::NearLimit { since, .. } => since.elapsed() >= LEASE_LIFE,
        }
    }

    /// Lets the next lease take over from the current one if it `serves` (what the
    /// current one did not use given back); whether it did.
    fn take_over(&mut self, serves: impl Fn(&Lease) -> bool, give_back: impl Fn(Hold)) -> bool {
        let Slot::Leased {
            terms,
            lease,
            next,
            refill_asked,
        } = self
        else {
            return false;
        };
        let Some(mut follower) = next.take_if(|n| serves(n)) else {
            return false;
        };
        follower.started = Instant::now();
        let done = std::mem::replace(lease, follower);
        give_back((*done).unused(terms.minute));
        *refill_asked = false;
        true
    }
}

type SlotCell = Arc<tokio::sync::Mutex<Slot>>;

/// The leases of one process, per workspace.
#[derive(Default)]
pub struct Leases {
    slots: Mutex<HashMap<String, SlotCell>>,
}

impl Leases {
    /// New leases, given up when they expire by a task that ends with them.
    pub fn start(releaser: Releaser) -> Arc<Leases> {
        let leases = Arc::new(Leases::default());
        tokio::spawn(give_up_expired(Arc::downgrade(&leases), releaser));
        leases
    }

    fn slot(&self, workspace_id: &str) -> SlotCell {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots
            .entry(workspace_id.to_owned())
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(Slot::Empty)))
            .clone()
    }

    /// Admits a request whose own hold would be `ask`: from its workspace's lease when it
    /// serves, else from a new lease the writer grants, or, near a limit, with a hold of
    /// its own. Its outcome, and the hold its end releases (`None` when refused).
    pub async fn admit(
        &self,
        writer: &UsageWriter,
        ask: Hold,
    ) -> Result<(Held, Option<Hold>), String> {
        let terms = Terms::of(&ask);
        let cell = self.slot(&ask.workspace_id);
        let mut slot = cell.lock().await;
        match &mut *slot {
            Slot::Leased {
                terms: t, lease, ..
            } if *t == terms => {
                if !lease.serves(&ask) {
                    slot.take_over(|n| n.serves(&ask), |h| writer.give_back(h));
                }
                if let Slot::Leased {
                    lease,
                    next,
                    refill_asked,
                    ..
                } = &mut *slot
                    && lease.serves(&ask)
                {
                    let admitted = lease.admit(&ask);
                    if !*refill_asked && next.is_none() && lease.requests <= lease.size / 2 {
                        *refill_asked = true;
                        let asked = Hold {
                            id: new_id("hold"),
                            requests: lease.next_size(),
                            ..ask.clone()
                        };
                        tokio::spawn(refill(cell.clone(), writer.clone(), asked, terms));
                    }
                    return Ok(admitted);
                }
            }
            Slot::NearLimit { terms: t, since } if *t == terms && since.elapsed() < LEASE_LIFE => {
                drop(slot);
                return own_hold(writer, ask).await;
            }
            _ => {}
        }
        // A busy workspace whose next lease was late keeps growing.
        let size = match &*slot {
            Slot::Leased {
                terms: t, lease, ..
            } if *t == terms => lease.next_size(),
            _ => MIN_LEASE,
        };
        slot.give_up(|h| writer.give_back(h));
        let asked = Hold {
            id: new_id("hold"),
            requests: size,
            ..ask.clone()
        };
        let held = writer.hold(asked.clone()).await?;
        if held.refused.is_some() || held.granted < MIN_LEASE {
            *slot = Slot::NearLimit {
                terms,
                since: Instant::now(),
            };
            // Granted for one request: the hold of its own.
            return Ok((held, held.refused.is_none().then_some(asked)));
        }
        let mut lease = Box::new(Lease::granted(asked, &held));
        let admitted = lease.admit(&ask);
        *slot = Slot::Leased {
            terms,
            lease,
            next: None,
            refill_asked: false,
        };
        Ok(admitted)
    }

    /// Gives up the leases that expired, and forgets the slots no request is using.
    fn give_up_expired(&self, releaser: &Releaser) {
        let slots: Vec<SlotCell> = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.retain(|_, slot| {
                Arc::strong_count(slot) > 1
                    || slot.try_lock().map_or(true, |s| !matches!(*s, Slot::Empty))
            });
            slots.values().cloned().collect()
        };
        for slot in slots {
            if let Ok(mut slot) = slot.try_lock()
                && slot.expired()
            {
                let fresh = |n: &Lease| n.since.elapsed() < LEASE_LIFE;
                if !slot.take_over(fresh, |h| releaser.give_back(h)) {
                    slot.give_up(|h| releaser.give_back(h));
                }
            }
        }
    }
}

/// Asks for the lease to follow the current one. It waits as `next` unless the slot has
/// moved on (other limits, or a follower already there), when it is given back.
async fn refill(cell: SlotCell, writer: UsageWriter, asked: Hold, terms: Terms) {
    let Ok(held) = writer.hold(asked.clone()).await else {
        return;
    };
    if held.refused.is_some() {
        return;
    }
    let mut slot = cell.lock().await;
    if let Slot::Leased { terms: t, next, .. } = &mut *slot
        && *t == terms
        && next.is_none()
        && held.granted >= MIN_LEASE
    {
        *next = Some(Box::new(Lease::granted(asked, &held)));
        return;
    }
    writer.give_back(asked.unclaimed(held.granted));
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
