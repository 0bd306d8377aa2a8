//! Security headers on every response. Pages get a Content-Security-Policy that allows
//! only this site's scripts and the inline scripts Leptos writes with this render's nonce
//! (hydration, resources), so injected markup cannot run script; nothing may frame the
//! console; HSTS when the console is served over HTTPS (`COOKIE_SECURE=true`).

use axum::http::{HeaderValue, header};
use axum::response::Response;

/// The policy of a page rendered with `nonce` (None: no inline script may run).
fn page_policy(nonce: Option<&str>) -> String {
    let inline = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{inline} 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// For anything that is not a page (JSON, files, redirects): nothing may load or frame it.
const NOT_A_PAGE: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Called while a page renders: the policy with this render's nonce.
pub fn set_page_policy() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(options)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&page_policy(Some(&nonce))) {
        options.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Adds the headers every response carries, and a policy where the page set none.
pub fn add(res: &mut Response, https: bool) {
    let headers = res.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let is_html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let policy = if is_html {
            page_policy(None)
        } else {
            NOT_A_PAGE.to_owned()
        };
        if let Ok(value) = HeaderValue::from_str(&policy) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    // Invitation links carry their token in the path: never let it leak to another
    // site through the Referer.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_policy_allows_only_this_renders_inline_scripts() {
        let p = super::page_policy(Some("abc"));
        assert!(
            p.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"),
            "{p}"
        );
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(!super::page_policy(None).contains("nonce"));
    }
}
