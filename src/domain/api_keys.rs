//! Workspace API keys: how they look, when they expire, whether they work.

use serde::{Deserialize, Serialize};

/// Where a key stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    Active,
    Expired,
    Revoked,
}

impl KeyStatus {
    pub fn at(revoked_at: Option<i64>, expires_at: Option<i64>, now: i64) -> Self {
        match (revoked_at, expires_at) {
            (Some(_), _) => Self::Revoked,
            (None, Some(e)) if e <= now => Self::Expired,
            _ => Self::Active,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Expired => "Expired",
            Self::Revoked => "Revoked",
        }
    }
}

/// A page of a workspace's keys, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeysPage {
    pub keys: Vec<ApiKeyView>,
    /// Where the pages of newer and older keys start.
    pub neighbours: super::keyset::Neighbours,
}

/// A key as the workspace's API keys page lists it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    /// The start of the key, to tell keys apart: "sk-1a2b3c4d".
    pub prefix: String,
    pub created_by: Option<String>,
    pub created_by_id: Option<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub status: KeyStatus,
}

/// A key just created: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedKey {
    pub key: ApiKeyView,
    pub secret: String,
}

/// Reads the expiry choice: "never", "30" or "90" (days), or "date" with `date` as
/// YYYY-MM-DD (the key works until the end of that day, UTC). Returns the expiry in ms.
pub fn parse_expiry(choice: &str, date: Option<&str>, now: i64) -> Result<Option<i64>, String> {
    const DAY: i64 = 86_400_000;
    match choice {
        "never" => Ok(None),
        "30" => Ok(Some(now + 30 * DAY)),
        "90" => Ok(Some(now + 90 * DAY)),
        "date" => {
            let date = date.unwrap_or("").trim();
            let day =
                days_from_date(date).ok_or_else(|| "Enter a date as YYYY-MM-DD.".to_owned())?;
            let end = (day + 1) * DAY;
            if end <= now {
                Err("Choose a date in the future.".to_owned())
            } else {
                Ok(Some(end))
            }
        }
        _ => Err("Choose when the key expires.".to_owned()),
    }
}

/// Days since 1970-01-01 for a YYYY-MM-DD date (Howard Hinnant's days_from_civil).
fn days_from_date(s: &str) -> Option<i64> {
    let mut parts = s.split('-');
    let (y, m, d) = (
        parts.next()?.parse::<i64>().ok()?,
        parts.next()?.parse::<i64>().ok()?,
        parts.next()?.parse::<i64>().ok()?,
    );
    if parts.next().is_some()
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
        || !(1970..=9999).contains(&y)
    {
        return None;
    }
    let days_in_month = match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if d > days_in_month {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;
    const NOW: i64 = 1_795_755_661_000; // 2026-11-27

    #[test]
    fn expiry_choices() {
        assert_eq!(parse_expiry("never", None, NOW), Ok(None));
        assert_eq!(
            parse_expiry("30", None, NOW),
            Ok(Some(NOW + 30 * 86_400_000))
        );
        let end = parse_expiry("date", Some("2026-12-31"), NOW)
            .unwrap()
            .unwrap();
        assert_eq!(
            crate::domain::format::format_timestamp(end),
            "2027-01-01 00:00 UTC"
        );
        assert!(parse_expiry("date", Some("2026-02-30"), NOW).is_err());
        assert!(
            parse_expiry("date", Some("2020-01-01"), NOW)
                .unwrap_err()
                .contains("future")
        );
        assert!(parse_expiry("date", None, NOW).is_err());
        assert!(parse_expiry("forever", None, NOW).is_err());
    }

    #[test]
    fn status_from_times() {
        assert_eq!(KeyStatus::at(None, None, NOW), KeyStatus::Active);
        assert_eq!(KeyStatus::at(None, Some(NOW), NOW), KeyStatus::Expired);
        assert_eq!(
            KeyStatus::at(Some(1), Some(NOW + 1), NOW),
            KeyStatus::Revoked
        );
    }
}
