//! Opaque public ids (`org_...`, `ws_...`, `usr_...`): random, never sequential.

use rand::RngCore;

/// A new id with the given prefix and 96 random bits.
pub fn new_id(prefix: &str) -> String {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}_{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_prefixed_and_distinct() {
        let a = super::new_id("org");
        let b = super::new_id("org");
        assert!(a.starts_with("org_") && a.len() == 28, "{a}");
        assert_ne!(a, b);
    }
}
