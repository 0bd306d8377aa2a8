//! All SQL lives here, one file per aggregate. Functions take any executor
//! (the pool or an open transaction) and return plain rows.

pub mod api_keys;
pub mod files;
pub mod fine_tuning;
pub mod invitation_sends;
pub mod invitations;
pub mod invoices;
pub mod limits;
pub mod memberships;
pub mod orgs;
pub mod outbox;
pub mod sign_in_attempts;
pub mod subscriptions;
pub mod usage;
pub mod users;
pub mod workspaces;

/// `$from, $from+1, ...`: the placeholders of an `IN (...)` list of `n` values, in the
/// `$n` form both backends accept.
pub fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_from_the_given_index() {
        assert_eq!(super::placeholders(2, 3), "$2, $3, $4");
        assert_eq!(super::placeholders(1, 0), "");
    }
}

/// Roles and job statuses cross the repo boundary as the domain's enums: read from their
/// stored names, and an unknown name is an error (never quietly another value).
mod role_columns {
    use crate::domain::fine_tuning::JobStatus;
    use crate::domain::roles::{OrgRole, WorkspaceRole};
    use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
    use sqlx::error::BoxDynError;
    use sqlx::{Decode, Type};

    macro_rules! stored_as_text {
        ($ty:ty, $what:literal) => {
            impl Type<Any> for $ty {
                fn type_info() -> AnyTypeInfo {
                    <String as Type<Any>>::type_info()
                }
                fn compatible(ty: &AnyTypeInfo) -> bool {
                    <String as Type<Any>>::compatible(ty)
                }
            }

            impl<'r> Decode<'r, Any> for $ty {
                fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                    let text = <String as Decode<'r, Any>>::decode(value)?;
                    <$ty>::parse(&text)
                        .ok_or_else(|| format!("unknown {} {text:?} in the database", $what).into())
                }
            }
        };
    }

    stored_as_text!(OrgRole, "organization role");
    stored_as_text!(WorkspaceRole, "workspace role");
    stored_as_text!(JobStatus, "fine-tuning job status");
}
