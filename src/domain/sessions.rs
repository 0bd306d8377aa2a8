//! Signed-in sessions as people see them: how long one lasts, and the browser and
//! platform a user agent names.

use super::calendar::DAY_MS;
use serde::{Deserialize, Serialize};

pub const DEFAULT_IDLE_DAYS: i64 = 7;
pub const DEFAULT_MAX_DAYS: i64 = 30;

/// A session is seen again (its last activity and expiry written) at most this often:
/// reading pages counts as activity without a database write on every request.
pub const TOUCH_EVERY_MS: i64 = 5 * 60 * 1000;

/// How long a session lasts: `idle_ms` after its last request, and never past `max_ms`
/// after sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLifetimes {
    pub idle_ms: i64,
    pub max_ms: i64,
}

impl Default for SessionLifetimes {
    fn default() -> Self {
        SessionLifetimes {
            idle_ms: DEFAULT_IDLE_DAYS * DAY_MS,
            max_ms: DEFAULT_MAX_DAYS * DAY_MS,
        }
    }
}

impl SessionLifetimes {
    /// The longest either may be set to: ten years.
    pub const MAX_DAYS: i64 = 3650;

    /// From whole days; the idle time may not exceed the absolute lifetime.
    pub fn days(idle: i64, max: i64) -> Result<Self, String> {
        if idle > Self::MAX_DAYS || max > Self::MAX_DAYS {
            return Err(format!(
                "SESSION_IDLE_DAYS and SESSION_MAX_DAYS may be at most {}",
                Self::MAX_DAYS
            ));
        }
        if idle > max {
            return Err(format!(
                "SESSION_IDLE_DAYS={idle} is longer than SESSION_MAX_DAYS={max}"
            ));
        }
        Ok(SessionLifetimes {
            idle_ms: idle.saturating_mul(DAY_MS),
            max_ms: max.saturating_mul(DAY_MS),
        })
    }

    /// When a session started at `started_at` and last seen at `seen_at` ends.
    pub fn expires_at(&self, started_at: i64, seen_at: i64) -> i64 {
        seen_at
            .saturating_add(self.idle_ms)
            .min(started_at.saturating_add(self.max_ms))
    }
}

/// One of a person's sessions, as Account -> Sessions lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: String,
    /// "Firefox on Linux", from the user agent.
    pub device: String,
    pub client_ip: Option<String>,
    pub started_at: Option<i64>,
    pub seen_at: Option<i64>,
    pub expires_at: i64,
    /// The session this page was asked for.
    pub current: bool,
}

/// Account -> Sessions: the live sessions and how long one lasts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsPage {
    pub sessions: Vec<SessionView>,
    pub idle_days: i64,
    pub max_days: i64,
}

/// "Chrome on macOS" from a user agent; "Unknown browser" when it names none we know.
pub fn device(user_agent: Option<&str>) -> String {
    let ua = user_agent.unwrap_or("");
    // Order matters: Edge and Opera say Chrome too, Chrome says Safari.
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .into_iter()
    .find(|(mark, _)| ua.contains(mark))
    .map_or("Unknown browser", |(_, name)| name);
    let platform = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(mark, _)| ua.contains(mark))
    .map(|(_, name)| name);
    match platform {
        Some(p) => format!("{browser} on {p}"),
        None => browser.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_idle_or_at_its_absolute_limit_whichever_is_first() {
        let l = SessionLifetimes::days(7, 30).unwrap();
        assert_eq!(l.expires_at(0, DAY_MS), 8 * DAY_MS);
        assert_eq!(l.expires_at(0, 29 * DAY_MS), 30 * DAY_MS);
        assert!(SessionLifetimes::days(31, 30).is_err());
    }

    #[test]
    fn user_agents_name_browser_and_platform() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assert_eq!(device(Some(chrome)), "Chrome on Linux");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0";
        assert_eq!(device(Some(edge)), "Edge on Windows");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device(Some(iphone)), "Safari on iOS");
        assert_eq!(device(None), "Unknown browser");
    }
}
