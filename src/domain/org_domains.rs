//! Company email domains: what a domain may be, how its ownership is proved (a DNS TXT
//! record), and what people at a verified domain are offered (its join mode).

use super::roles::{OrgRole, WorkspaceRole};
use serde::{Deserialize, Serialize};

/// Domains one organization may hold (verified or waiting).
pub const MAX_DOMAINS_PER_ORG: i64 = 20;
/// Workspaces a domain may add people to.
pub const MAX_JOIN_WORKSPACES: usize = 20;
/// The TXT record lives at `<prefix>.<domain>`, out of the way of the domain's own records.
pub const TXT_PREFIX: &str = "_studio-console-challenge";
/// What the record's text starts with; the organization's challenge follows.
pub const TXT_VALUE_PREFIX: &str = "studio-console-verification=";

/// Where the TXT record goes.
pub fn txt_name(domain: &str) -> String {
    format!("{TXT_PREFIX}.{domain}")
}

/// The text the TXT record must carry.
pub fn txt_value(challenge: &str) -> String {
    format!("{TXT_VALUE_PREFIX}{challenge}")
}

/// Mail providers anyone can get an address at, and throwaway-address services: an
/// address there says nothing about a company, so no organization may claim them.
#[rustfmt::skip]
const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "gmail.com", "googlemail.com", "outlook.com", "outlook.fr", "outlook.de", "hotmail.com",
    "hotmail.co.uk", "hotmail.fr", "live.com", "msn.com", "yahoo.com", "yahoo.co.uk",
    "yahoo.fr", "yahoo.de", "ymail.com", "rocketmail.com", "icloud.com", "me.com", "mac.com",
    "aol.com", "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "gmx.com", "gmx.net",
    "gmx.de", "web.de", "mail.com", "email.com", "yandex.com", "yandex.ru", "mail.ru", "qq.com",
    "163.com", "126.com", "sina.com", "naver.com", "zoho.com", "fastmail.com", "hey.com",
    "tutanota.com", "tuta.io", "orange.fr", "free.fr", "laposte.net", "libero.it", "t-online.de",
    "comcast.net", "att.net", "verizon.net", "btinternet.com", "rediffmail.com",
    // Disposable addresses.
    "mailinator.com", "guerrillamail.com", "sharklasers.com", "10minutemail.com",
    "temp-mail.org", "tempmail.com", "yopmail.com", "trashmail.com", "dispostable.com",
    "getnada.com", "maildrop.cc", "throwawaymail.com", "mailnesia.com", "fakeinbox.com",
    "mintemail.com", "mohmal.com", "emailondeck.com", "spamgourmet.com",
];

/// Whether `domain` (or a domain it is under) is a public or disposable mail domain.
pub fn is_public_mail_domain(domain: &str) -> bool {
    PUBLIC_MAIL_DOMAINS
        .iter()
        .any(|p| domain == *p || domain.ends_with(&format!(".{p}")))
}

/// The domain as typed ("Acme.com", "@acme.com", "acme.com.") made canonical (lower-case,
/// no `@`, no trailing dot), or why it is not a domain an organization may claim.
pub fn normalize(input: &str) -> Result<String, String> {
    let d = input.trim().trim_start_matches('@').trim_end_matches('.');
    let d = d.to_ascii_lowercase();
    if d.is_empty() {
        return Err("Enter a domain, such as acme.com.".into());
    }
    if !d.is_ascii() {
        return Err("Enter the domain in its ASCII form (xn--...).".into());
    }
    if d.contains("://") || d.contains('/') || d.contains('@') {
        return Err("Enter the domain only, such as acme.com: no address, no web link.".into());
    }
    if d.len() > 253 {
        return Err("A domain has at most 253 characters.".into());
    }
    let labels: Vec<&str> = d.split('.').collect();
    if labels.len() < 2 {
        return Err("Enter the whole domain, with its ending, such as acme.com.".into());
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !labels.iter().all(label_ok) {
        return Err(format!("\"{d}\" is not a domain name."));
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("Enter a domain name, not an IP address.".into());
    }
    if is_public_mail_domain(&d) {
        return Err(format!(
            "{d} is a public email provider: anyone can have an address there, so it cannot \
             stand for your company. Add your company's own domain."
        ));
    }
    Ok(d)
}

/// The domain of an email address, lower-case.
pub fn email_domain(email: &str) -> Option<String> {
    let (_, domain) = email.rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    (!domain.is_empty()).then_some(domain)
}

/// What people whose confirmed address is at a verified domain are offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JoinMode {
    /// Nothing: the domain is only proved.
    Off,
    /// "Join Acme" when they sign in; joining is immediate while a seat is free.
    Suggest,
    /// "Ask to join Acme": an Admin approves each request.
    Approval,
    /// They join at once when their address is confirmed or they sign in, and are told so.
    Automatic,
}

impl JoinMode {
    pub const ALL: [JoinMode; 4] = [
        JoinMode::Off,
        JoinMode::Suggest,
        JoinMode::Approval,
        JoinMode::Automatic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JoinMode::Off => "off",
            JoinMode::Suggest => "suggest",
            JoinMode::Approval => "approval",
            JoinMode::Automatic => "automatic",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            JoinMode::Off => "Off",
            JoinMode::Suggest => "Suggest joining",
            JoinMode::Approval => "Ask an Admin",
            JoinMode::Automatic => "Join automatically",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            JoinMode::Off => "People at this domain are not offered anything.",
            JoinMode::Suggest => {
                "People with a confirmed address at this domain are invited to join when they sign in."
            }
            JoinMode::Approval => {
                "People with a confirmed address at this domain can ask to join; an Admin approves each request."
            }
            JoinMode::Automatic => {
                "People join as soon as their address at this domain is confirmed (or at their next sign-in), and are told so."
            }
        }
    }
}

/// The organization roles a domain may give: Admins are only ever invited, one by one.
pub fn joinable_role(role: OrgRole) -> bool {
    role != OrgRole::Admin
}

/// Whether what a domain gives is more than anyone at the domain should get unasked:
/// the Billing role (it manages billing and limits) or a workspace's Admin role. Only an
/// Admin's approval of each person may give it.
pub fn needs_approval(role: OrgRole, workspace_roles: &[WorkspaceRole]) -> bool {
    role != OrgRole::Member || workspace_roles.contains(&WorkspaceRole::Admin)
}

/// How often a verified domain's TXT record is looked at again: a domain its company let
/// lapse, re-registered by someone else, must stop letting people in.
pub const RECHECK_EVERY_MS: i64 = 24 * 60 * 60 * 1000;

/// A workspace people joining through a domain are added to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinWorkspace {
    pub workspace_id: String,
    pub name: String,
    pub role: WorkspaceRole,
}

/// One domain on Admin Settings -> Domains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainView {
    pub id: String,
    pub domain: String,
    pub txt_name: String,
    pub txt_value: String,
    pub created_at: i64,
    pub verified_at: Option<i64>,
    /// When it was last checked, and what was wrong then (None: it matched).
    pub checked_at: Option<i64>,
    pub check_outcome: Option<String>,
    pub join_mode: JoinMode,
    pub join_role: OrgRole,
    pub workspaces: Vec<JoinWorkspace>,
}

/// A workspace a domain's settings may name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceChoice {
    pub id: String,
    pub name: String,
}

/// Admin Settings -> Domains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainsPage {
    pub domains: Vec<DomainView>,
    /// The organization's active workspaces, for the join settings.
    pub workspaces: Vec<WorkspaceChoice>,
}

/// One workspace row of the join settings form (`grants[i][workspace_id]`,
/// `grants[i][role]`; an empty role leaves the workspace out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct GrantField {
    pub workspace_id: String,
    #[serde(default)]
    pub role: String,
}

/// An organization a person may join through their confirmed address's domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinOffer {
    pub domain_id: String,
    pub domain: String,
    pub org_name: String,
    pub mode: JoinMode,
    pub role: OrgRole,
    /// "Research (Contributor)", for each workspace they would be added to.
    pub workspaces: Vec<String>,
    /// Their request to join waits for an Admin.
    pub requested: bool,
}

impl JoinOffer {
    /// What joining gives, in a sentence.
    pub fn what_you_get(&self) -> String {
        match self.workspaces.is_empty() {
            true => format!("You would join as {}.", self.role.label()),
            false => format!(
                "You would join as {}, with access to {}.",
                self.role.label(),
                self.workspaces.join(", ")
            ),
        }
    }
}

/// The organization someone just joined (through their domain), to say so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinedNotice {
    pub org_name: String,
    pub href: String,
}

/// A request to join, waiting on Admin Settings -> Members -> Requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinRequestView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub created_at: i64,
}

/// Admin Settings -> Members -> Requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinRequestsPage {
    /// The oldest waiting requests first (at most `MAX_REQUESTS_SHOWN`).
    pub requests: Vec<JoinRequestView>,
    /// All waiting requests.
    pub total: i64,
    pub seats_used: i64,
    pub seat_limit: i64,
}

/// Requests listed at once: they are answered from the oldest.
pub const MAX_REQUESTS_SHOWN: i64 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_made_canonical() {
        assert_eq!(normalize(" @Acme.COM. ").unwrap(), "acme.com");
        assert_eq!(normalize("eu.acme-corp.test").unwrap(), "eu.acme-corp.test");
    }

    #[test]
    fn what_is_not_a_company_domain_is_refused_with_a_reason() {
        for bad in [
            "",
            "acme",
            "https://acme.com",
            "acme.com/path",
            "ana@acme.com",
            "-acme.com",
            "acme-.com",
            "ac me.com",
            "10.0.0.1",
            "acme..com",
            "café.fr",
        ] {
            assert!(normalize(bad).is_err(), "{bad:?} accepted");
        }
        assert!(normalize(&format!("{}.com", "a".repeat(64))).is_err());
        let err = normalize("Gmail.com").unwrap_err();
        assert!(err.contains("public email provider"), "{err}");
        assert!(
            normalize("mail.yahoo.com").is_err(),
            "a public domain's subdomain"
        );
        assert!(normalize("mailinator.com").is_err(), "a disposable domain");
        assert!(normalize("notgmail.com").is_ok(), "only whole labels match");
    }

    #[test]
    fn an_address_names_its_domain() {
        assert_eq!(email_domain("Ana@Acme.Test").as_deref(), Some("acme.test"));
        assert_eq!(email_domain("no-at-sign"), None);
    }

    #[test]
    fn join_modes_round_trip_and_admins_never_join_by_domain() {
        for m in JoinMode::ALL {
            assert_eq!(JoinMode::parse(m.as_str()), Some(m));
        }
        assert_eq!(JoinMode::parse("sometimes"), None);
        assert!(!joinable_role(OrgRole::Admin));
        assert!(joinable_role(OrgRole::Member) && joinable_role(OrgRole::Billing));
        assert!(!needs_approval(
            OrgRole::Member,
            &[WorkspaceRole::Contributor]
        ));
        assert!(needs_approval(OrgRole::Billing, &[]));
        assert!(needs_approval(OrgRole::Member, &[WorkspaceRole::Admin]));
    }

    #[test]
    fn the_record_is_named_under_the_domain() {
        assert_eq!(txt_name("acme.test"), "_studio-console-challenge.acme.test");
        assert_eq!(txt_value("abc"), "studio-console-verification=abc");
    }
}
