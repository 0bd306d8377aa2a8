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
    tracing::error!(%reference, context, error = %err, "internal error");
    Error::Internal { reference }
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
