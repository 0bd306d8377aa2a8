//! All SQL lives here, one file per aggregate. Functions take any executor
//! (the pool or an open transaction) and return plain rows.

pub mod api_keys;
pub mod files;
pub mod fine_tuning;
pub mod invitation_sends;
pub mod invitations;
pub mod memberships;
pub mod orgs;
pub mod outbox;
pub mod sign_in_attempts;
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
