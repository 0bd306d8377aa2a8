//! What a user can be told when something goes wrong.

use serde::{Deserialize, Serialize};

/// A problem with one input field, named by the form field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The one error type the UI sees. Internal failures carry only a reference the
/// operator can find in the logs; their details never leave the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Error {
    /// Bad input, one entry per offending field.
    #[error("{}", first_message(.0))]
    Invalid(Vec<FieldError>),
    /// Sign-in failed. Deliberately the same for an unknown email and a wrong password.
    #[error("Incorrect email or password.")]
    BadCredentials,
    /// No session, or the session has ended.
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// The object does not exist, or belongs to an organization the actor cannot see.
    #[error("Not found.")]
    NotFound,
    /// The actor can see the object but may not do this.
    #[error("You don't have permission to do that.")]
    Forbidden,
    /// The request clashes with what is stored (a duplicate, a stale state).
    #[error("{}", .0.message)]
    Conflict(FieldError),
    /// A limit (seats, last admin, ...) would be broken.
    #[error("{0}")]
    LimitReached(String),
    /// A monthly spend cap is reached: what costs money is refused until `until` (the
    /// next period) or until someone raises the cap. `limit`: "workspace" or
    /// "organization".
    #[error("{message}")]
    SpendCapReached {
        message: String,
        limit: String,
        until: i64,
    },
    /// Something failed on the server; details are in the log under `reference`.
    #[error("Something went wrong on our side. Please try again (reference {reference}).")]
    Internal { reference: String },
    /// The server's disk is full: nothing of this request was saved; reads still work.
    #[error(
        "The server is out of disk space, so nothing was saved. Please try again later \
         (reference {reference})."
    )]
    OutOfSpace { reference: String },
    /// Too many attempts (sign-in failures, a busy server): try again after the delay.
    #[error("Too many attempts. Try again in {}.", wait_text(*retry_after_secs))]
    TooManyAttempts { retry_after_secs: i64 },
    /// The request did not reach the server or its answer could not be read.
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl Error {
    /// Bad input in `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::Invalid(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    /// Merges the outcome of several independent checks, so that a form shows every
    /// problem at once: `Ok` when none failed, else one `Invalid` listing them all.
    /// A failure that is not about input is returned as it is.
    pub fn all_valid<'a>(
        outcomes: impl IntoIterator<Item = Option<&'a Error>>,
    ) -> Result<(), Error> {
        let mut fields = Vec::new();
        for err in outcomes.into_iter().flatten() {
            match err {
                Error::Invalid(list) => fields.extend(list.iter().cloned()),
                other => return Err(other.clone()),
            }
        }
        if fields.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(fields))
        }
    }

    /// A clash with stored data, reported on `field`.
    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        Error::Conflict(FieldError {
            field: field.to_owned(),
            message: message.into(),
        })
    }

    /// The message for `field`, when this error is about that field.
    pub fn field_message(&self, field: &str) -> Option<String> {
        self.field_errors()
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.message.clone())
    }

    /// The first field this error is about, if any.
    pub fn field(&self) -> Option<&str> {
        self.field_errors().first().map(|f| f.field.as_str())
    }

    fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::Invalid(list) => list,
            Error::Conflict(f) => std::slice::from_ref(f),
            _ => &[],
        }
    }

    /// The HTTP status that fits this error.
    pub fn status_code(&self) -> u16 {
        match self {
            Error::Invalid(_) => 422,
            Error::BadCredentials | Error::Unauthenticated => 401,
            Error::NotFound => 404,
            Error::Forbidden => 403,
            Error::Conflict(_) | Error::LimitReached(_) => 409,
            Error::TooManyAttempts { .. } | Error::SpendCapReached { .. } => 429,
            Error::Internal { .. } => 500,
            Error::OutOfSpace { .. } => 507,
            Error::Transport(_) => 502,
        }
    }
}

fn wait_text(secs: i64) -> String {
    match secs {
        ..=1 => "a second".to_owned(),
        2..=90 => format!("{secs} seconds"),
        _ => format!("{} minutes", (secs + 59) / 60),
    }
}

fn first_message(list: &[FieldError]) -> &str {
    list.first()
        .map(|f| f.message.as_str())
        .unwrap_or("Invalid input.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_message_only_for_its_field() {
        let e = Error::invalid("email", "Enter an email address.");
        assert_eq!(
            e.field_message("email").as_deref(),
            Some("Enter an email address.")
        );
        assert_eq!(e.field_message("name"), None);
        assert_eq!(Error::NotFound.field_message("email"), None);
    }

    #[test]
    fn all_valid_collects_every_field() {
        let a = Error::invalid("name", "Name is required.");
        let b = Error::invalid("email", "Email is required.");
        assert_eq!(Error::all_valid([None, None]), Ok(()));
        let merged = Error::all_valid([Some(&a), None, Some(&b)]).unwrap_err();
        assert_eq!(
            merged.field_message("name").as_deref(),
            Some("Name is required.")
        );
        assert_eq!(
            merged.field_message("email").as_deref(),
            Some("Email is required.")
        );
        assert_eq!(
            Error::all_valid([Some(&Error::NotFound), Some(&a)]),
            Err(Error::NotFound)
        );
    }

    #[test]
    fn statuses_are_client_errors_for_user_mistakes() {
        assert_eq!(Error::invalid("name", "x").status_code(), 422);
        assert_eq!(Error::BadCredentials.status_code(), 401);
        assert_eq!(Error::conflict("email", "x").status_code(), 409);
        assert_eq!(Error::NotFound.status_code(), 404);
    }
}
