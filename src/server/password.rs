//! Password hashing with argon2id (the crate's default parameters: 19 MiB, 2 passes),
//! off the async threads and through a bounded queue: at most one hash per core runs at
//! once, at most `MAX_WAITING` wait, and the rest are told to come back. A flood of
//! sign-ins costs a fixed amount of memory, and the rest of the console keeps answering.

use crate::domain::Error;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

/// Hashes allowed to wait for a core; more are refused with "try again".
pub const MAX_WAITING: usize = 64;

fn running() -> &'static Semaphore {
    static RUNNING: OnceLock<Semaphore> = OnceLock::new();
    RUNNING.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new(cores)
    })
}

/// Runs `work` when a core is free, or refuses at once when the queue is full.
async fn queued<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Error> {
    static WAITING: AtomicUsize = AtomicUsize::new(0);
    if WAITING.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
        WAITING.fetch_sub(1, Ordering::SeqCst);
        return Err(Error::TooManyAttempts {
            retry_after_secs: 1,
        });
    }
    let permit = running().acquire().await;
    WAITING.fetch_sub(1, Ordering::SeqCst);
    let _permit = permit.map_err(|e| crate::server::error::internal("password queue", e))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| crate::server::error::internal("hashing a password", e))
}

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> Result<String, Error> {
    queued(move || hash_blocking(&password))
        .await?
        .map_err(|e| crate::server::error::internal("hashing a password", e))
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
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, Error> {
    queued(move || {
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
        assert!(
            super::verify(long.clone(), Some(stored.clone()))
                .await
                .unwrap()
        );
        // Differs only at the 100th character: a truncating hasher would accept it.
        let mut almost = "p".repeat(99);
        almost.push('q');
        assert!(!super::verify(almost, Some(stored)).await.unwrap());
        assert!(!super::verify(long, None).await.unwrap());
    }
}
