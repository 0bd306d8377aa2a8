//! Sealing links with the operator's secret keys (`AUDIT_KEYS`). A plain SHA-256 chain
//! shows a changed entry only to someone who kept an earlier head hash: whoever can
//! write the database can recompute every link after a change. A link sealed with
//! HMAC-SHA256 under a key kept outside the database cannot be recomputed without it.
//!
//! A link is stored as 64 hex characters (unsealed: no key was set when it was written)
//! or `k:<key id>:<64 hex>` (sealed). The first key seals new entries; the others still
//! check the entries they sealed, so keys can be rotated.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// What a sealed link starts with (the repo's `lock_unsealed_head` is given it for SQL).
pub(super) const SEALED: &str = "k:";

/// Whether a stored link is sealed with a key (else it is a plain SHA-256).
pub fn is_sealed(link: &str) -> bool {
    link.starts_with(SEALED)
}

/// The longest key id, and the shortest secret.
const MAX_ID: usize = 16;
const MIN_SECRET: usize = 32;

/// The keys the console seals and checks links with.
#[derive(Clone, Default)]
pub struct AuditKeys {
    /// (id, secret); the first seals.
    keys: Vec<(String, Vec<u8>)>,
}

impl AuditKeys {
    /// `id:secret[,id:secret...]`: ids of letters, digits, `-` and `_` (at most 16),
    /// secrets of at least 32 characters.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut keys: Vec<(String, Vec<u8>)> = Vec::new();
        for item in raw.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let Some((id, secret)) = item.split_once(':') else {
                return Err("AUDIT_KEYS: write each key as id:secret".to_owned());
            };
            let id_ok = !id.is_empty()
                && id.len() <= MAX_ID
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            // A malformed id is not echoed: it may be a piece of a secret.
            if !id_ok {
                return Err(format!(
                    "AUDIT_KEYS: a key id must be 1 to {MAX_ID} letters, digits, - or _ \
                     (and a secret may not contain a comma)"
                ));
            }
            if secret.len() < MIN_SECRET {
                return Err(format!(
                    "AUDIT_KEYS: the secret of key {id:?} must be at least {MIN_SECRET} characters"
                ));
            }
            if keys.iter().any(|(known, _)| known == id) {
                return Err(format!("AUDIT_KEYS: key id {id:?} is given twice"));
            }
            keys.push((id.to_owned(), secret.as_bytes().to_vec()));
        }
        Ok(AuditKeys { keys })
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The id of the key that seals new entries.
    pub fn sealing_id(&self) -> Option<&str> {
        self.keys.first().map(|(id, _)| id.as_str())
    }

    /// Whether `link` is sealed with a key these keys do not hold (its id, if so).
    pub fn foreign_key_of<'a>(&self, link: &'a str) -> Option<&'a str> {
        let id = link.strip_prefix(SEALED)?.split(':').next()?;
        self.secret(id).is_none().then_some(id)
    }

    fn secret(&self, id: &str) -> Option<&[u8]> {
        self.keys
            .iter()
            .find(|(known, _)| known == id)
            .map(|(_, secret)| secret.as_slice())
    }

    /// The link for `message` (the previous link and the entry's fields): sealed with the
    /// first key, or a plain SHA-256 when there is none.
    pub fn link(&self, message: &[u8]) -> String {
        match self.keys.first() {
            Some((id, secret)) => format!(
                "{SEALED}{id}:{}",
                hex::encode(keyed(secret, message).finalize().into_bytes())
            ),
            None => hex::encode(Sha256::digest(message)),
        }
    }

    /// Whether `stored` is the link of `message`.
    pub fn check(&self, stored: &str, message: &[u8]) -> Checked {
        let Some(sealed) = stored.strip_prefix(SEALED) else {
            return match hex::encode(Sha256::digest(message)) == stored {
                true => Checked::Holds { sealed: false },
                false => Checked::Fails,
            };
        };
        let Some((id, tag)) = sealed.split_once(':') else {
            return Checked::Fails;
        };
        let Some(secret) = self.secret(id) else {
            return Checked::UnknownKey(id.chars().take(MAX_ID).collect());
        };
        let Ok(tag) = hex::decode(tag) else {
            return Checked::Fails;
        };
        match keyed(secret, message).verify_slice(&tag) {
            Ok(()) => Checked::Holds { sealed: true },
            Err(_) => Checked::Fails,
        }
    }
}

/// Ids only: a secret is never printed.
impl std::fmt::Debug for AuditKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.keys.iter().map(|(id, _)| id))
            .finish()
    }
}

/// HMAC-SHA256 of `message` under `secret`, to finalize or verify (in constant time).
fn keyed(secret: &[u8], message: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key");
    mac.update(message);
    mac
}

/// What checking one stored link found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    Holds {
        sealed: bool,
    },
    Fails,
    /// Sealed with a key the console was not given.
    UnknownKey(String),
}

static KEYS: OnceLock<AuditKeys> = OnceLock::new();

/// Sets the process's keys, once, at start-up (the server and every command read them
/// from `Config`). A process that never calls it writes unsealed links.
pub fn use_keys(keys: AuditKeys) {
    if KEYS.set(keys).is_err() {
        tracing::debug!("the audit keys were already set");
    }
}

pub(super) fn keys() -> &'static AuditKeys {
    static NONE: OnceLock<AuditKeys> = OnceLock::new();
    KEYS.get()
        .unwrap_or_else(|| NONE.get_or_init(AuditKeys::default))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "a:0123456789abcdef0123456789abcdef";
    const B: &str = "b:fedcba9876543210fedcba9876543210";

    #[test]
    fn keys_are_parsed_with_their_errors_named() {
        assert!(AuditKeys::parse("").unwrap().is_empty());
        let keys = AuditKeys::parse(&format!("{A}, {B}")).unwrap();
        assert_eq!(keys.sealing_id(), Some("a"));
        assert_eq!(format!("{keys:?}"), r#"["a", "b"]"#);
        for (raw, says) in [
            ("nocolon", "id:secret"),
            ("a:short", "at least 32"),
            (":0123456789abcdef0123456789abcdef", "key id"),
            ("a b:0123456789abcdef0123456789abcdef", "key id"),
            (
                &format!("{A},an id:0123456789abcdef0123456789abcdef") as &str,
                "comma",
            ),
            (&format!("{A},{A}") as &str, "twice"),
        ] {
            let err = AuditKeys::parse(raw).unwrap_err();
            assert!(err.starts_with("AUDIT_KEYS") && err.contains(says), "{err}");
        }
    }

    #[test]
    fn sealed_links_hold_only_under_their_key_and_unsealed_ones_still_check() {
        let none = AuditKeys::default();
        let a = AuditKeys::parse(A).unwrap();
        let rotated = AuditKeys::parse(&format!("{B},{A}")).unwrap();
        let other_a = AuditKeys::parse("a:another-secret-of-thirty-two-chars!!").unwrap();

        let plain = none.link(b"m");
        assert_eq!(plain.len(), 64);
        assert_eq!(a.check(&plain, b"m"), Checked::Holds { sealed: false });
        assert_eq!(a.check(&plain, b"n"), Checked::Fails);

        let sealed = a.link(b"m");
        assert!(sealed.starts_with("k:a:"), "{sealed}");
        assert_eq!(a.check(&sealed, b"m"), Checked::Holds { sealed: true });
        assert_eq!(a.check(&sealed, b"n"), Checked::Fails);
        // A rotated set still checks what the old key sealed, and seals with the new one.
        assert_eq!(
            rotated.check(&sealed, b"m"),
            Checked::Holds { sealed: true }
        );
        assert!(rotated.link(b"m").starts_with("k:b:"));
        // The same id with another secret, or no keys at all, cannot pass it.
        assert_eq!(other_a.check(&sealed, b"m"), Checked::Fails);
        assert_eq!(none.check(&sealed, b"m"), Checked::UnknownKey("a".into()));
        assert_eq!(none.foreign_key_of(&sealed), Some("a"));
        assert_eq!(rotated.foreign_key_of(&sealed), None);
        assert_eq!(a.foreign_key_of(&plain), None);
        for junk in ["k:", "k:a", "k:a:zz", "k:a:00"] {
            assert_eq!(a.check(junk, b"m"), Checked::Fails, "{junk}");
        }
    }
}
