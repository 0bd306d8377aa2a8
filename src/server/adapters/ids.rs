//! Opaque public ids (`org_...`, `ws_...`, `usr_...`): random, never sequential.

use rand::RngCore;

/// A new id with the given prefix and 96 random bits.
pub fn new_id(prefix: &str) -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}_{}", hex::encode(bytes))
}

/// `n_bytes` random bytes in hex: a value that must be unguessable but is no secret.
pub fn random_hex(n_bytes: usize) -> String {
    let mut bytes = vec![0u8; n_bytes];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A new secret token (256 random bits, hex) and its hash, the only form stored.
pub fn new_secret() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = secret_hash(&token);
    (token, hash)
}

/// The hash under which a secret is stored and looked up.
pub fn secret_hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new id for a row that `/v1` lists by (created_at, id), `<prefix><12 hex digits of the
/// creation time in ms><64 random bits in hex>`: a list cursor naming a row deleted since
/// still says where the next page starts (`time_of`), so deleting while paging works.
pub fn new_listed_id(prefix: &str, created_at: i64) -> String {
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{:012x}{}", created_at.max(0), hex::encode(bytes))
}

/// The creation time `new_listed_id` put in `id`, if it made it.
pub fn time_of(prefix: &str, id: &str) -> Option<i64> {
    let rest = id.strip_prefix(prefix)?;
    if rest.len() != 28 || !rest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    i64::from_str_radix(&rest[..12], 16).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn listed_ids_carry_their_time() {
        let id = super::new_listed_id("file-", 1_790_000_000_123);
        assert_eq!(super::time_of("file-", &id), Some(1_790_000_000_123));
        assert_eq!(super::time_of("ftjob-", &id), None);
        // Ids made before (96 random bits) carry none.
        assert_eq!(
            super::time_of("file-", "file-0123456789abcdef01234567"),
            None
        );
    }

    #[test]
    fn ids_are_prefixed_and_distinct() {
        let a = super::new_id("org");
        let b = super::new_id("org");
        assert!(a.starts_with("org_") && a.len() == 28, "{a}");
        assert_ne!(a, b);
    }
}
