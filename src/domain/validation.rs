//! Input rules shared by the server (which enforces them) and the browser.
//! Each function returns the cleaned value or an error naming the field.

use super::Error;

/// Longest display name of a person.
pub const MAX_PERSON_NAME: usize = 80;
/// Longest name of an organization or workspace.
pub const MAX_ENTITY_NAME: usize = 64;
pub const MIN_PASSWORD: usize = 8;
/// Argon2 takes any length; the cap only stops absurd request bodies.
pub const MAX_PASSWORD: usize = 1024;
const MAX_EMAIL: usize = 254;

/// A person's name: trimmed, 1 to 80 characters, no control characters.
pub fn person_name(field: &str, raw: &str) -> Result<String, Error> {
    bounded_name(field, raw, MAX_PERSON_NAME, "Name")
}

/// An organization or workspace name: trimmed, 1 to 64 characters, no control characters.
pub fn entity_name(field: &str, raw: &str) -> Result<String, Error> {
    bounded_name(field, raw, MAX_ENTITY_NAME, "Name")
}

fn bounded_name(field: &str, raw: &str, max: usize, what: &str) -> Result<String, Error> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(Error::invalid(field, format!("{what} is required.")));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!("{what} can't contain control characters."),
        ));
    }
    let len = name.chars().count();
    if len > max {
        return Err(Error::invalid(
            field,
            format!("{what} must be at most {max} characters (it has {len})."),
        ));
    }
    Ok(name.to_owned())
}

/// An email address, trimmed and lower-cased so that letter case never makes two accounts.
pub fn email(field: &str, raw: &str) -> Result<String, Error> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err(Error::invalid(field, "Email is required."));
    }
    let bad = || {
        Error::invalid(
            field,
            format!("\"{}\" is not a valid email address.", raw.trim()),
        )
    };
    if email.len() > MAX_EMAIL || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.rsplit_once('@').ok_or_else(bad)?;
    if local.is_empty() || local.len() > 64 || local.contains('@') {
        return Err(bad());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err(bad());
    }
    Ok(email)
}

/// A new password: 8 to 1024 characters, kept exactly as typed (no trimming, no truncation).
pub fn new_password(field: &str, raw: &str) -> Result<(), Error> {
    let len = raw.chars().count();
    if len < MIN_PASSWORD {
        return Err(Error::invalid(
            field,
            format!("Password must be at least {MIN_PASSWORD} characters."),
        ));
    }
    if len > MAX_PASSWORD {
        return Err(Error::invalid(
            field,
            format!("Password must be at most {MAX_PASSWORD} characters."),
        ));
    }
    Ok(())
}

/// The name of the organization created at sign-up: "<Name>'s Organization",
/// shortened so that it stays a valid organization name.
pub fn default_org_name(person: &str) -> String {
    const SUFFIX: &str = "'s Organization";
    let room = MAX_ENTITY_NAME - SUFFIX.chars().count();
    let short: String = person.chars().take(room).collect();
    format!("{}{SUFFIX}", short.trim_end())
}

/// The name of the workspace every new organization starts with.
pub const DEFAULT_WORKSPACE_NAME: &str = "Default";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_names_are_trimmed_and_bounded() {
        assert_eq!(
            person_name("name", "  Ada Lovelace ").unwrap(),
            "Ada Lovelace"
        );
        assert_eq!(
            person_name("name", "   ").unwrap_err().field(),
            Some("name")
        );
        assert!(person_name("name", "Ada\u{7}").is_err());
        assert!(person_name("name", &"é".repeat(80)).is_ok());
        let err = person_name("name", &"é".repeat(81)).unwrap_err();
        assert!(err.to_string().contains("at most 80"), "{err}");
    }

    #[test]
    fn entity_names_allow_64_characters() {
        assert!(entity_name("name", &"a".repeat(64)).is_ok());
        assert!(entity_name("name", &"a".repeat(65)).is_err());
        assert!(entity_name("name", "Line\nbreak").is_err());
        assert_eq!(entity_name("name", " Acme ").unwrap(), "Acme");
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        let table = [
            ("Ada@Example.COM", Some("ada@example.com")),
            ("  bob@mail.example.org ", Some("bob@mail.example.org")),
            (
                "first.last+tag@sub-domain.example.io",
                Some("first.last+tag@sub-domain.example.io"),
            ),
            ("", None),
            ("plainaddress", None),
            ("@example.com", None),
            ("ada@", None),
            ("ada@localhost", None),
            ("ada@exa mple.com", None),
            ("ada@@example.com", None),
            ("ada@-example.com", None),
            ("ada@example..com", None),
        ];
        for (input, want) in table {
            let got = email("email", input).ok();
            assert_eq!(got.as_deref(), want, "input {input:?}");
        }
        assert_eq!(email("email", "nope").unwrap_err().field(), Some("email"));
    }

    #[test]
    fn passwords_need_eight_characters_and_long_ones_are_fine() {
        assert!(new_password("password", "1234567").is_err());
        assert!(new_password("password", "12345678").is_ok());
        assert!(new_password("password", &"x".repeat(200)).is_ok());
        assert!(new_password("password", &"x".repeat(MAX_PASSWORD + 1)).is_err());
        // Characters, not bytes: 8 multi-byte characters are enough.
        assert!(new_password("password", "éééééééé").is_ok());
    }

    #[test]
    fn default_org_name_fits_the_entity_limit() {
        assert_eq!(default_org_name("Ada"), "Ada's Organization");
        let long = default_org_name(&"N".repeat(80));
        assert_eq!(long.chars().count(), MAX_ENTITY_NAME);
        assert!(entity_name("name", &long).is_ok());
    }
}
