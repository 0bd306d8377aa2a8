//! The shared secrets of machine callers (the trainer, data-plane services, a payment
//! provider, Prometheus), presented as `Authorization: Bearer <secret>`.

use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};

/// Whether the request carries `Authorization: Bearer <expected>` (never when no secret is
/// set). Digests are compared, so the comparison takes the same time wherever they differ.
pub fn bearer_is(headers: &HeaderMap, expected: Option<&str>) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match (given, expected) {
        (Some(given), Some(expected)) => {
            Sha256::digest(given.trim().as_bytes()) == Sha256::digest(expected.as_bytes())
        }
        _ => false,
    }
}
