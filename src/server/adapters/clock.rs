//! Where "now" comes from. The console reads the system clock; tests set and move one of
//! their own, so that expiries and billing periods are tested at their boundaries instead
//! of by waiting.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Milliseconds since the Unix epoch. Clones share one clock.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// 0: the system clock; otherwise the time a test set.
    fixed: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> i64 {
        match self.fixed.load(Ordering::Relaxed) {
            0 => system_now(),
            fixed => fixed,
        }
    }

    /// Stops the clock at `ms` (for tests and the operator's what-if commands).
    pub fn set(&self, ms: i64) {
        assert!(ms != 0, "the epoch itself stands for the system clock");
        self.fixed.store(ms, Ordering::Relaxed);
    }

    /// Moves a stopped clock on (or a running one, by stopping it there).
    pub fn advance(&self, ms: i64) {
        self.set(self.now() + ms);
    }
}

fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::Clock;

    #[test]
    fn a_set_clock_is_shared_by_its_clones() {
        let clock = Clock::default();
        assert!(clock.now() > 1_700_000_000_000, "the system clock");
        let copy = clock.clone();
        clock.set(1_000);
        copy.advance(500);
        assert_eq!(clock.now(), 1_500);
    }
}
