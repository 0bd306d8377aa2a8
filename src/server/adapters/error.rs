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

/// Whether a failure is this machine's disk being full: SQLite's SQLITE_FULL, or the
/// system's ENOSPC or EDQUOT (an upload's write, SQLite's journal). Only these local
/// messages count: a remote server's words (an SMTP relay's) never make it "our disk".
/// PostgreSQL's disk_full is told by its code, in `or_internal`.
fn is_out_of_space(message: &str) -> bool {
    [
        "database or disk is full",
        "(os error 28)",
        "(os error 122)",
    ]
    .iter()
    .any(|sign| message.contains(sign))
}

/// PostgreSQL's disk_full and out-of-space on its temp files: SQLSTATE class 53100.
fn is_postgres_out_of_space(err: &dyn std::any::Any) -> bool {
    match err.downcast_ref::<sqlx::Error>() {
        Some(sqlx::Error::Database(db)) => db.code().as_deref() == Some("53100"),
        _ => false,
    }
}

/// `.or_internal("what we were doing")` turns any displayable failure into [`internal`].
pub trait OrInternal<T> {
    fn or_internal(self, context: &str) -> Result<T, Error>;
}

impl<T, E: Display + 'static> OrInternal<T> for Result<T, E> {
    fn or_internal(self, context: &str) -> Result<T, Error> {
        self.map_err(|e| match internal(context, &e) {
            Error::Internal { reference } if is_postgres_out_of_space(&e) => {
                Error::OutOfSpace { reference }
            }
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_told_apart_from_other_failures() {
        for full in [
            "error returned from database: (code: 13) database or disk is full",
            "writing an upload: No space left on device (os error 28)",
            "Disk quota exceeded (os error 122)",
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
