//! Password hashing with argon2id (the crate's default parameters), off the async threads.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::OnceLock;

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| e.to_string())?
}

fn hash_blocking(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a password against a stored hash. With no stored hash (unknown email) it
/// checks against a dummy one, so both cases take the same time.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let ok = PasswordHash::new(&phc)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && ok
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not a real password").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn long_passwords_are_not_truncated() {
        let long = "p".repeat(100);
        let stored = super::hash(long.clone()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(super::verify(long.clone(), Some(stored.clone())).await);
        // Differs only at the 100th character: a truncating hasher would accept it.
        let mut almost = "p".repeat(99);
        almost.push('q');
        assert!(!super::verify(almost, Some(stored)).await);
        assert!(!super::verify(long, None).await);
    }
}
