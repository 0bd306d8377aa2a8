//! Internal failures: logged here with context, shown to users only as a reference.

use crate::domain::Error;
use rand::RngCore;
use std::fmt::Display;

/// Logs `err` under a fresh reference and returns the generic error the user sees.
pub fn internal(context: &str, err: impl Display) -> Error {
    let mut bytes = [0u8; 4];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let reference = hex::encode(bytes);
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
