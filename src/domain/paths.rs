//! Every URL of the console, built in one place. URLs name the organization and
//! workspace, so any page can be bookmarked and shared with other members.

pub const SIGN_IN: &str = "/signin";
pub const SIGN_UP: &str = "/signup";
/// For a signed-in user who belongs to no organization.
pub const WELCOME: &str = "/welcome";
/// One's own account: address, password.
pub const ACCOUNT: &str = "/account";
/// Asking for a password reset link.
pub const FORGOT_PASSWORD: &str = "/forgot-password";

/// Where an email verification link leads.
pub fn verify_email(token: &str) -> String {
    format!("/verify-email/{token}")
}

/// Where a password reset link leads.
pub fn reset_password(token: &str) -> String {
    format!("/reset-password/{token}")
}

pub fn org_home(org_id: &str) -> String {
    format!("/o/{org_id}")
}

pub fn workspace_home(org_id: &str, workspace_id: &str) -> String {
    format!("/o/{org_id}/w/{workspace_id}")
}

pub fn org_settings(org_id: &str) -> String {
    format!("/o/{org_id}/settings")
}

pub fn settings_general(org_id: &str) -> String {
    format!("/o/{org_id}/settings/general")
}

pub fn settings_workspaces(org_id: &str) -> String {
    format!("/o/{org_id}/settings/workspaces")
}

pub fn settings_members(org_id: &str) -> String {
    format!("/o/{org_id}/settings/members")
}

/// Admin Settings -> Members -> Invitations.
pub fn settings_invitations(org_id: &str) -> String {
    format!("/o/{org_id}/settings/members/invitations")
}

pub fn workspace_members(org_id: &str, workspace_id: &str) -> String {
    format!("/o/{org_id}/w/{workspace_id}/members")
}

pub fn workspace_api_keys(org_id: &str, workspace_id: &str) -> String {
    format!("/o/{org_id}/w/{workspace_id}/api-keys")
}

/// Where the "Create API key" form posts without JavaScript (the page that shows the key).
pub fn api_key_form(org_id: &str, workspace_id: &str) -> String {
    format!("/o/{org_id}/w/{workspace_id}/api-keys/new")
}

/// Where "Copy link" posts without JavaScript (the page that shows the link).
pub fn invitation_link_form(org_id: &str, invitation_id: &str) -> String {
    format!("/o/{org_id}/settings/members/invitations/{invitation_id}/link")
}

pub fn workspace_datasets(org_id: &str, workspace_id: &str) -> String {
    format!("/o/{org_id}/w/{workspace_id}/datasets")
}

/// Where the datasets page's upload form posts (multipart).
pub fn dataset_upload(org_id: &str, workspace_id: &str) -> String {
    format!("/o/{org_id}/w/{workspace_id}/datasets/upload")
}

pub fn dataset_download(org_id: &str, workspace_id: &str, file_id: &str) -> String {
    format!("/o/{org_id}/w/{workspace_id}/datasets/{file_id}/content")
}

pub fn workspace_fine_tuning(org_id: &str, workspace_id: &str) -> String {
    format!("/o/{org_id}/w/{workspace_id}/fine-tuning")
}

pub fn workspace_models(org_id: &str, workspace_id: &str) -> String {
    format!("/o/{org_id}/w/{workspace_id}/models")
}

pub fn workspace_usage(org_id: &str, workspace_id: &str) -> String {
    format!("/o/{org_id}/w/{workspace_id}/usage")
}

pub fn settings_join_requests(org_id: &str) -> String {
    format!("/o/{org_id}/settings/members/requests")
}

pub fn settings_domains(org_id: &str) -> String {
    format!("/o/{org_id}/settings/domains")
}

pub fn settings_audit(org_id: &str) -> String {
    format!("/o/{org_id}/settings/audit")
}

/// The audit log filtered to one workspace's entries.
pub fn workspace_audit(org_id: &str, ws_id: &str) -> String {
    format!("/o/{org_id}/settings/audit?workspace={ws_id}")
}

/// The audit log's export (`?format=csv|jsonl` and the page's filters).
pub fn settings_audit_export(org_id: &str) -> String {
    format!("/o/{org_id}/settings/audit/export")
}

pub fn settings_limits(org_id: &str) -> String {
    format!("/o/{org_id}/settings/limits")
}

pub fn settings_billing(org_id: &str) -> String {
    format!("/o/{org_id}/settings/billing")
}

pub fn billing_subscription(org_id: &str) -> String {
    format!("/o/{org_id}/settings/billing/subscription")
}

pub fn billing_invoices(org_id: &str) -> String {
    format!("/o/{org_id}/settings/billing/invoices")
}

/// The printable invoice (a plain HTML page beside the console's pages).
pub fn invoice(org_id: &str, number: &str) -> String {
    format!("/o/{org_id}/settings/billing/invoices/{number}")
}

/// The usage lines of a period as CSV (`?period=2026-11`).
pub fn billing_usage_csv(org_id: &str) -> String {
    format!("/o/{org_id}/settings/billing/usage.csv")
}

/// `href` with one more query parameter (`name=value`, already encoded).
pub fn with_param(href: &str, param: &str) -> String {
    let sep = if href.contains('?') { '&' } else { '?' };
    format!("{href}{sep}{param}")
}

/// `value` percent-encoded for a query string.
pub fn query_value(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The page an invitation link opens (the token is the last segment).
/// The prefixes of paths whose next segment is a secret (a link's token).
const SECRET_PREFIXES: [&str; 4] = [
    "/invite/",
    "/verify-email/",
    "/reset-password/",
    "/shared/files/",
];

/// `path` fit for a log: a link's secret replaced by `…`.
pub fn without_secrets(path: &str) -> String {
    for prefix in SECRET_PREFIXES {
        if let Some(rest) = path.strip_prefix(prefix) {
            let tail = rest.find('/').map_or("", |i| &rest[i..]);
            return format!("{prefix}…{tail}");
        }
    }
    path.to_owned()
}

pub fn invitation(token: &str) -> String {
    format!("/invite/{token}")
}

/// A dataset's download link that needs no key (the token is the last segment).
pub fn shared_file(token: &str) -> String {
    format!("/shared/files/{token}")
}

/// The route of `shared_file`.
pub const SHARED_FILE_ROUTE: &str = "/shared/files/{token}";

pub fn settings_permissions(org_id: &str) -> String {
    format!("/o/{org_id}/settings/permissions")
}

/// The Terms of Service people accept when they create an organization.
pub const TERMS: &str = "/terms";

/// The query parameter that opens a dialog on the current page, so dialogs work
/// without JavaScript and can be linked to.
pub const DIALOG_PARAM: &str = "dialog";

/// The longest `next` path followed.
pub const MAX_LOCAL_PATH: usize = 2048;

/// `path` if it is a path of this site (so a `next` parameter can't send people elsewhere).
/// Only printable ASCII without a backslash: browsers drop tabs and newlines and read `\`
/// as `/`, so `/<tab>/evil.example` would become `//evil.example`, another site; and a
/// control character in a `Location` header is refused (or, in leptos_axum, panics).
///
/// Nor may it carry a form error (`__err`, `__path`, or an underscore in a percent escape):
/// a page shows an error only to the browser whose own form produced it.
pub fn local(path: &str) -> Option<&str> {
    let b = path.as_bytes();
    let lower = path.to_ascii_lowercase();
    let ok = b.first() == Some(&b'/')
        && !matches!(b.get(1), Some(b'/'))
        && path.len() <= MAX_LOCAL_PATH
        && b.iter().all(|c| c.is_ascii_graphic() && *c != b'\\')
        && !lower.contains("__err")
        && !lower.contains("__path")
        && !lower.contains("%5f");
    ok.then_some(path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_stay_out_of_logged_paths() {
        let token = "ab".repeat(32);
        for (path, logged) in [
            (format!("/invite/{token}"), "/invite/…"),
            (format!("/reset-password/{token}"), "/reset-password/…"),
            (format!("/verify-email/{token}"), "/verify-email/…"),
            (format!("/shared/files/{token}/x"), "/shared/files/…/x"),
            ("/o/org_1/settings".to_owned(), "/o/org_1/settings"),
        ] {
            assert_eq!(super::without_secrets(&path), logged);
        }
    }

    #[test]
    fn only_local_paths_are_followed() {
        for ok in ["/", "/invite/abc", "/o/org_1/w/ws_2?dialog=invite&x=%2F%2F"] {
            assert_eq!(super::local(ok), Some(ok), "{ok:?}");
        }
        // Each of these reaches another site in some browser, or breaks the header.
        let hostile = [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "relative",
            "evil.example",
            "",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: a=b",
            "/ /evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{3000}/evil.example",
            "/\u{ff0f}evil.example",
            "\t//evil.example",
            " /evil",
            "javascript:alert(1)",
            "/\\/evil.example",
            "/signin?__err=QUJD&__path=/api/sign_in",
            "/signin?%5F%5Ferr=QUJD",
        ];
        for bad in hostile {
            assert_eq!(super::local(bad), None, "{bad:?} was followed");
        }
        assert_eq!(
            super::local(&format!("/{}", "a".repeat(super::MAX_LOCAL_PATH))),
            None
        );
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            super::query_value("Line 3: not \"JSON\" & more"),
            "Line%203%3A%20not%20%22JSON%22%20%26%20more"
        );
    }
}
