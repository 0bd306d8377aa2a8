//! The sign-in throttle's rule: at most 10 failed attempts a minute and 100 an hour, per
//! account (the email typed, known or not) and per client address.

/// (window in milliseconds, attempts allowed in it).
pub const SIGN_IN_WINDOWS: [(i64, usize); 2] = [(60_000, 10), (3_600_000, 100)];

/// The longest window: older attempts no longer count.
pub const SIGN_IN_MEMORY_MS: i64 = 3_600_000;

/// With the times of one subject's counted attempts (this one included, any order), the
/// seconds to wait before another is allowed, or `None` when this one is allowed.
pub fn retry_after_secs(times: &[i64], now: i64) -> Option<i64> {
    SIGN_IN_WINDOWS
        .iter()
        .filter_map(|&(window, allowed)| {
            let mut inside: Vec<i64> = times
                .iter()
                .copied()
                .filter(|t| *t > now - window)
                .collect();
            if inside.len() <= allowed {
                return None;
            }
            // Another attempt is allowed once enough of these have left the window.
            inside.sort_unstable();
            let leaves = inside[inside.len() - allowed - 1] + window;
            Some(((leaves - now) + 999) / 1000)
        })
        .max()
        .map(|s| s.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_a_minute_then_wait_for_the_oldest_to_leave() {
        let now = 10_000_000;
        let ten: Vec<i64> = (0..10).map(|i| now - 50_000 + i).collect();
        assert_eq!(retry_after_secs(&ten, now), None);
        let mut eleven = ten.clone();
        eleven.push(now);
        // The oldest (50 s ago) leaves the minute in 10 s.
        assert_eq!(retry_after_secs(&eleven, now), Some(10));
        // A minute later the same attempts count only for the hour.
        assert_eq!(retry_after_secs(&eleven, now + 60_000), None);
    }

    #[test]
    fn a_hundred_an_hour() {
        let now = 100_000_000;
        // 101 attempts spread over the last hour, 35 s apart: never 11 in a minute.
        let times: Vec<i64> = (0..101).map(|i| now - i * 35_000).collect();
        let wait = retry_after_secs(&times, now).unwrap();
        assert!(wait > 60, "{wait}");
        assert_eq!(retry_after_secs(&times[..100], now), None);
    }
}
