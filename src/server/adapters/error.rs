//! Internal failures: logged here with context, shown to users only as a reference.

use crate::domain::Error;
use rand::RngCore;
use std::fmt::Display;

/// Logs `err` and returns the generic error the user sees, with a reference: the request's
/// id (the one in its log lines, its `x-request-id` header and its audit entries), or a
/// fresh one outside a request.
pub fn internal(context: &str, err: impl Display) -> Error {
    let reference = crate::server::http::request_context::current()
        .map(|r| r.request_id)
        .unwrap_or_else(|| {
            let mut bytes = [0u8; 4];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            hex::encode(bytes)
        });
    let err = err.to_string();
    tracing::error!(%reference, context, error = %err, "internal error");
    if is_out_of_space(&err) {
        Error::OutOfSpace { reference }
    } else {
        Error::Internal { reference }
    }
}

/// Whether a failure is the disk being full: SQLite's SQLITE_FULL, PostgreSQL's
/// disk_full (53100) and the system's ENOSPC all say so in their message, and reach here
/// as text (any error type may carry them).
fn is_out_of_space(message: &str) -> bool {
    ["database or disk is full", "No space left on device"]
        .iter()
        .any(|sign| message.contains(sign))
}

/// `.or_internal("what we were doing")` turns any displayable failure into [`internal`].
pub trait OrInternal<T> {
    fn or_internal(self, context: &str) -> Result<T, Error>;
}

impl<T, E: Display> OrInternal<T> for Result<T, E> {
    fn or_internal(self, context: &str) -> Result<T, Error> {
        self.map_err(|e| internal(context, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_told_apart_from_other_failures() {
        for full in [
            "error returned from database: (code: 13) database or disk is full",
            "error returned from database: could not extend file \"base/16384/2619\": No space left on device",
            "writing an upload: No space left on device (os error 28)",
        ] {
            assert!(
                matches!(internal("t", full), Error::OutOfSpace { .. }),
                "{full}"
            );
        }
        let other = internal(
            "t",
            "error returned from database: (code: 5) database is locked",
        );
        assert!(matches!(other, Error::Internal { .. }));
    }
}
