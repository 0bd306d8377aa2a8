//! The one-use links an account is sent: one proving an email address, one resetting the
//! password. Their rules, and what the pages about them show.

use serde::{Deserialize, Serialize};

/// What a link does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Proves the address it was sent to: the account's own, or the one it changes to.
    VerifyEmail,
    ResetPassword,
}

impl LinkPurpose {
    /// As stored in `account_links.purpose`.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::VerifyEmail => "verify_email",
            LinkPurpose::ResetPassword => "reset_password",
        }
    }

    /// How long a link works: a reset link is a key to the account, so it is short-lived.
    pub fn valid_for_ms(self) -> i64 {
        match self {
            LinkPurpose::VerifyEmail => 48 * 3_600_000,
            LinkPurpose::ResetPassword => 3_600_000,
        }
    }
}

/// Whether `token` has the form of a link's secret (64 hex digits, as `new_secret` makes
/// them): anything else is a dead link, refused before it is hashed or looked up.
pub fn is_token(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Links of one purpose an account may be sent in an hour: enough to retry a lost email,
/// too few to flood an inbox.
pub const SENDS_PER_HOUR: i64 = 5;
pub const HOUR_MS: i64 = 3_600_000;

/// The seconds until another link may be sent, given when the sends of the last hour were
/// made (any order); `None` when one may be sent now.
pub fn retry_after_secs(sent_at: &[i64], now: i64) -> Option<i64> {
    let mut recent: Vec<i64> = sent_at
        .iter()
        .copied()
        .filter(|t| *t > now - HOUR_MS)
        .collect();
    if (recent.len() as i64) < SENDS_PER_HOUR {
        return None;
    }
    recent.sort_unstable();
    let frees_at = recent[recent.len() - SENDS_PER_HOUR as usize] + HOUR_MS;
    Some(((frees_at - now + 999) / 1000).max(1))
}

/// What the account page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub name: String,
    pub email: String,
    pub email_verified: bool,
    /// An address the person asked to change to, waiting for its link to be opened.
    pub pending_email: Option<String>,
}

/// What a verification link's page shows before it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyLanding {
    /// The address the link confirms.
    pub email: String,
    /// It replaces the account's current address.
    pub new_address: bool,
}

/// What a reset link's page shows before the new password is chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetLanding {
    /// The account's address, to show whose password is being reset.
    pub email: String,
}

/// What opening a verification link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verified {
    /// The account's own address is proven.
    Address,
    /// The account's address changed to the one the link was sent to.
    NewAddress,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_sends_an_hour_then_wait_until_the_oldest_leaves_the_hour() {
        let now = 10 * HOUR_MS;
        assert_eq!(retry_after_secs(&[], now), None);
        let four = [now - 50 * 60_000, now - 40 * 60_000, now - 1_000, now];
        assert_eq!(retry_after_secs(&four, now), None);
        let five = [
            now - 50 * 60_000,
            now - 40 * 60_000,
            now - 2_000,
            now - 1_000,
            now,
        ];
        assert_eq!(retry_after_secs(&five, now), Some(10 * 60));
        // Sends older than an hour no longer count.
        let old = [now - HOUR_MS - 1, now - HOUR_MS, now - 3, now - 2, now - 1];
        assert_eq!(retry_after_secs(&old, now), None);
    }

    #[test]
    fn only_64_hex_digits_can_be_a_link() {
        assert!(is_token(&"ab12".repeat(16)));
        assert!(!is_token(&"ab12".repeat(17)));
        assert!(!is_token(&"zz12".repeat(16)));
        assert!(!is_token(""));
    }

    #[test]
    fn a_reset_link_lives_an_hour_a_verification_link_two_days() {
        assert_eq!(LinkPurpose::ResetPassword.valid_for_ms(), HOUR_MS);
        assert_eq!(LinkPurpose::VerifyEmail.valid_for_ms(), 48 * HOUR_MS);
        assert_eq!(LinkPurpose::VerifyEmail.as_str(), "verify_email");
    }
}
