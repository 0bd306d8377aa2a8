//! Password hashing with argon2id (the crate's default parameters: 19 MiB, 2 passes),
//! off the async threads and through a bounded queue: at most one hash per core runs at
//! once, at most `MAX_WAITING` wait, and the rest are told to come back. A flood of
//! sign-ins costs a fixed amount of memory, and the rest of the console keeps answering.

use crate::domain::Error;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;

/// Hashes allowed to wait for a core; more are refused with "try again".
pub const MAX_WAITING: usize = 64;

fn running() -> &'static Arc<Semaphore> {
    static RUNNING: OnceLock<Arc<Semaphore>> = OnceLock::new();
    RUNNING.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Arc::new(Semaphore::new(cores))
    })
}

static WAITING: AtomicUsize = AtomicUsize::new(0);

/// A place in the queue, given back however the wait ends (a client that disconnects
/// drops its request future mid-wait).
struct Waiting;

impl Waiting {
    fn enter() -> Option<Waiting> {
        if WAITING.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
            WAITING.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Waiting)
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `work` when a core is free, or refuses at once when the queue is full. The core's
/// permit goes with the work onto the blocking thread, so a hash whose request was
/// abandoned still counts until it ends.
async fn queued<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Error> {
    let waiting = Waiting::enter().ok_or(Error::TooManyAttempts {
        retry_after_secs: 1,
    })?;
    let permit = running()
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| crate::server::error::internal("password queue", e))?;
    drop(waiting);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
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
