//! The audit log: who did what to which object, when and from where. The actions it
//! names, the filters of its page, and how its text is shown so that a newline or markup
//! in a name can neither forge an entry nor break the page or an export.

use super::calendar::{DAY_MS, parse_iso_date};
use super::keyset::Neighbours;
use serde::{Deserialize, Serialize};

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActorKind {
    Person,
    ApiKey,
    Trainer,
    Operator,
    System,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::ApiKey => "api_key",
            ActorKind::Trainer => "trainer",
            ActorKind::Operator => "operator",
            ActorKind::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<ActorKind> {
        [
            ActorKind::Person,
            ActorKind::ApiKey,
            ActorKind::Trainer,
            ActorKind::Operator,
            ActorKind::System,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// How the page names an actor of this kind beside their label.
    pub fn label(self) -> &'static str {
        match self {
            ActorKind::Person => "Person",
            ActorKind::ApiKey => "API key",
            ActorKind::Trainer => "Trainer",
            ActorKind::Operator => "Operator",
            ActorKind::System => "Console",
        }
    }
}

macro_rules! audit_actions {
    ($($variant:ident = $code:literal, $label:literal;)*) => {
        /// What a change was. The code is stored; the label is what people read.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum AuditAction { $($variant,)* }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)*];

            pub fn code(self) -> &'static str {
                match self { $(AuditAction::$variant => $code,)* }
            }

            pub fn label(self) -> &'static str {
                match self { $(AuditAction::$variant => $label,)* }
            }
        }
    };
}

audit_actions! {
    OrganizationCreated = "organization.created", "Created the organization";
    OrganizationRenamed = "organization.renamed", "Renamed the organization";
    MemberJoined = "member.joined", "Joined the organization";
    MemberRoleChanged = "member.role_changed", "Changed a member's role";
    MemberRemoved = "member.removed", "Removed a member";
    MemberLeft = "member.left", "Left the organization";
    InvitationSent = "invitation.sent", "Invited someone";
    InvitationResent = "invitation.resent", "Sent an invitation again";
    InvitationRevoked = "invitation.revoked", "Revoked an invitation";
    InvitationDeclined = "invitation.declined", "Declined an invitation";
    JoinRequestApproved = "join_request.approved", "Approved a request to join";
    JoinRequestDeclined = "join_request.declined", "Declined a request to join";
    WorkspaceCreated = "workspace.created", "Created a workspace";
    WorkspaceRenamed = "workspace.renamed", "Renamed a workspace";
    WorkspaceArchived = "workspace.archived", "Archived a workspace";
    WorkspaceUnarchived = "workspace.unarchived", "Unarchived a workspace";
    WorkspaceMemberAdded = "workspace_member.added", "Added someone to a workspace";
    WorkspaceMemberRoleChanged = "workspace_member.role_changed", "Changed a workspace role";
    WorkspaceMemberRemoved = "workspace_member.removed", "Removed someone from a workspace";
    ApiKeyCreated = "api_key.created", "Created an API key";
    ApiKeyRevoked = "api_key.revoked", "Revoked an API key";
    SubscriptionChanged = "subscription.changed", "Changed the plan or seats";
    BillingDetailsChanged = "billing_details.changed", "Changed the billing details";
    OrgLimitsChanged = "limits.organization_changed", "Changed the organization's limits";
    WorkspaceLimitsChanged = "limits.workspace_changed", "Changed a workspace's limits";
    DomainAdded = "domain.added", "Added a domain";
    DomainVerified = "domain.verified", "Verified a domain";
    DomainJoiningChanged = "domain.joining_changed", "Changed who joins through a domain";
    DomainRemoved = "domain.removed", "Removed a domain";
    DomainLapsed = "domain.lapsed", "A domain's proof lapsed";
    DatasetUploaded = "dataset.uploaded", "Uploaded a dataset";
    DatasetDeleted = "dataset.deleted", "Deleted a dataset";
    JobCreated = "job.created", "Started a fine-tuning job";
    JobCancelled = "job.cancelled", "Cancelled a fine-tuning job";
    JobFinished = "job.finished", "A fine-tuning job finished";
    ModelDeleted = "model.deleted", "Deleted a fine-tuned model";
    InvoiceIssued = "invoice.issued", "Issued an invoice";
    InvoicePaid = "invoice.paid", "Recorded an invoice's payment";
    AuditSealed = "audit.sealed", "Began sealing the audit log with a key";
}

impl AuditAction {
    pub fn parse(code: &str) -> Option<AuditAction> {
        Self::ALL.iter().copied().find(|a| a.code() == code)
    }
}

/// The longest text an entry keeps of a label, a user agent or a changed field.
pub const MAX_TEXT_CHARS: usize = 500;

/// `text` cut to `MAX_TEXT_CHARS` characters.
pub fn bounded(text: &str) -> String {
    text.chars().take(MAX_TEXT_CHARS).collect()
}

/// The most items an entry keeps of a list among its changed fields.
pub const MAX_LIST_ITEMS: usize = 100;

/// Changed fields with every text cut to `MAX_TEXT_CHARS` and every list to
/// `MAX_LIST_ITEMS`: bounded, and still JSON.
pub fn bounded_fields(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(bounded(&s)),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .take(MAX_LIST_ITEMS)
                .map(bounded_fields)
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (bounded(&k), bounded_fields(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Text as an entry shows it: a control character (a newline that would start a forged
/// line, a tab, an escape) becomes visible as `\n`, `\t` or `\u{…}`. Markup needs
/// nothing here: the page escapes it as text.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || invisible(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Characters that change how text around them reads without being seen: bidirectional
/// overrides and isolates (which could make a name appear to say another thing), zero-width
/// ones, line and paragraph separators.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// One entry as the page and the exports show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub seq: i64,
    pub at: i64,
    pub actor_kind: ActorKind,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    pub target_label: String,
    pub workspace_id: Option<String>,
    pub workspace_name: Option<String>,
    /// The changed fields before and after, as JSON objects.
    pub before: Option<String>,
    pub after: Option<String>,
    pub client_ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
}

impl AuditEntryView {
    /// What people read for the action: its label, or the stored code of an action this
    /// version does not know.
    pub fn action_label(&self) -> String {
        AuditAction::parse(&self.action).map_or_else(|| self.action.clone(), |a| a.label().into())
    }
}

/// The page's filters, from its URL; every one optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Who did it: a user id or key id (the page takes an email too).
    pub actor: Option<String>,
    /// Whom or what it was done to: a target's id (a member's user id, a key's id…).
    pub target: Option<String>,
    pub action: Option<String>,
    pub workspace: Option<String>,
    /// From the start of this UTC day (ms).
    pub from: Option<i64>,
    /// Up to the end of this UTC day (exclusive bound, ms).
    pub until: Option<i64>,
}

/// The longest value a filter takes (an email at most; ids are far shorter).
const MAX_FILTER_CHARS: usize = 254;

impl AuditFilter {
    /// From the URL's values: an unknown action, an oversized id or a date that does not
    /// parse is an error naming the field.
    pub fn parse(
        actor: Option<&str>,
        target: Option<&str>,
        action: Option<&str>,
        workspace: Option<&str>,
        from: Option<&str>,
        until: Option<&str>,
    ) -> Result<AuditFilter, super::Error> {
        let id = |field: &str, v: Option<&str>| -> Result<Option<String>, super::Error> {
            match v.map(str::trim).filter(|v| !v.is_empty()) {
                Some(v) if v.len() > MAX_FILTER_CHARS => Err(super::Error::invalid(
                    field,
                    format!("Use at most {MAX_FILTER_CHARS} characters."),
                )),
                v => Ok(v.map(str::to_owned)),
            }
        };
        let action = match action.map(str::trim).filter(|v| !v.is_empty()) {
            Some(code) => Some(
                AuditAction::parse(code)
                    .ok_or_else(|| {
                        super::Error::invalid("action", "Choose an action from the list.")
                    })?
                    .code()
                    .to_owned(),
            ),
            None => None,
        };
        let date = |field: &str, v: Option<&str>| -> Result<Option<i64>, super::Error> {
            match v.map(str::trim).filter(|v| !v.is_empty()) {
                Some(v) => parse_iso_date(v)
                    .map(Some)
                    .ok_or_else(|| super::Error::invalid(field, "Enter a date as YYYY-MM-DD.")),
                None => Ok(None),
            }
        };
        let from = date("from", from)?;
        let until = date("until", until)?.map(|day| day + DAY_MS);
        if let (Some(f), Some(u)) = (from, until)
            && u <= f
        {
            return Err(super::Error::invalid(
                "until",
                "End on or after the start date.",
            ));
        }
        Ok(AuditFilter {
            actor: id("actor", actor)?,
            target: id("target", target)?,
            action,
            workspace: id("workspace", workspace)?,
            from,
            until,
        })
    }

    /// The filter as URL query pairs, for links and exports.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let day = |ms: i64| super::calendar::iso_date(ms);
        let mut pairs = Vec::new();
        if let Some(v) = &self.actor {
            pairs.push(("actor", v.clone()));
        }
        if let Some(v) = &self.target {
            pairs.push(("target", v.clone()));
        }
        if let Some(v) = &self.action {
            pairs.push(("action", v.clone()));
        }
        if let Some(v) = &self.workspace {
            pairs.push(("workspace", v.clone()));
        }
        if let Some(v) = self.from {
            pairs.push(("from", day(v)));
        }
        if let Some(v) = self.until {
            pairs.push(("until", day(v - DAY_MS)));
        }
        pairs
    }
}

/// A choice in one of the page's filter lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterChoice {
    pub id: String,
    pub label: String,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    pub neighbours: Neighbours,
    /// The filter as asked (the actor as typed).
    pub filter: AuditFilter,
    /// The workspaces the viewer may see entries of.
    pub workspaces: Vec<FilterChoice>,
    /// Whether the viewer sees the whole organization's log (else one workspace's).
    pub whole_organization: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_code_is_distinct_and_parses_back() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.code()), Some(*a));
            assert_eq!(
                AuditAction::ALL
                    .iter()
                    .filter(|b| b.code() == a.code())
                    .count(),
                1
            );
        }
    }

    #[test]
    fn long_fields_are_cut_and_stay_json() {
        let long = "a".repeat(MAX_TEXT_CHARS + 10);
        let list: Vec<u32> = (0..200).collect();
        let cut = bounded_fields(serde_json::json!({ "address": long, "ids": list }));
        assert_eq!(cut["address"].as_str().unwrap().len(), MAX_TEXT_CHARS);
        assert_eq!(cut["ids"].as_array().unwrap().len(), MAX_LIST_ITEMS);
        assert!(serde_json::from_str::<serde_json::Value>(&cut.to_string()).is_ok());
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(visible("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(visible("x\u{1b}[31m"), "x\\u{1b}[31m");
        assert_eq!(visible("<b>ok</b>"), "<b>ok</b>");
        assert_eq!(visible("abc\u{202E}fed"), "abc\\u{202e}fed");
        assert_eq!(visible("a\u{2028}b"), "a\\u{2028}b");
    }

    #[test]
    fn filters_name_the_field_they_refuse() {
        let field = |e: super::super::Error| match e {
            super::super::Error::Invalid(fields) => fields[0].field.clone(),
            other => panic!("not a field error: {other:?}"),
        };
        let parse = |action, from, until| AuditFilter::parse(None, None, action, None, from, until);
        assert_eq!(
            field(parse(Some("nope"), None, None).unwrap_err()),
            "action"
        );
        assert_eq!(
            field(parse(None, Some("2026-13-01"), None).unwrap_err()),
            "from"
        );
        let backwards = parse(None, Some("2026-11-02"), Some("2026-11-01"));
        assert_eq!(field(backwards.unwrap_err()), "until");
        let long = "x".repeat(255);
        let too_long = AuditFilter::parse(Some(&long), None, None, None, None, None);
        assert_eq!(field(too_long.unwrap_err()), "actor");
    }

    #[test]
    fn a_filter_round_trips_through_its_query() {
        let f = AuditFilter::parse(
            Some("usr_1"),
            Some("usr_2"),
            Some("member.role_changed"),
            Some("ws_1"),
            Some("2026-11-01"),
            Some("2026-11-30"),
        )
        .unwrap();
        let pairs = f.query_pairs();
        let get = |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        let again = AuditFilter::parse(
            get("actor"),
            get("target"),
            get("action"),
            get("workspace"),
            get("from"),
            get("until"),
        )
        .unwrap();
        assert_eq!(again, f);
    }
}
