//! Refuses state-changing requests that a browser says come from another site. It guards
//! the console (cookie-authenticated); the public API and the trainer endpoints are not
//! behind it: they authenticate with an `Authorization` header only, which another site
//! cannot make a browser send, so API clients may call from any origin.
//! SameSite=Lax cookies already stop most of these; this closes the rest
//! (sibling subdomains, old browsers) and covers requests without cookies.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn refuse_cross_site(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(req.headers()) {
        tracing::warn!(method = %req.method(), path = %crate::domain::paths::without_secrets(req.uri().path()), "refused a cross-site request");
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not allowed.",
        )
            .into_response();
    }
    next.run(req).await
}

/// What the browser tells us: `Sec-Fetch-Site` when present, else `Origin` against `Host`.
/// A request with neither (curl, server-to-server) is not a browser's and is let through.
fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin") | Ok("none"));
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest.trim_end_matches('/'));
    match (origin_host, host) {
        (Some(o), Some(h)) => !o.eq_ignore_ascii_case(h),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::is_cross_site;
    use axum::http::HeaderMap;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn decides_by_fetch_metadata_then_origin() {
        let table: &[(&[(&'static str, &'static str)], bool)] = &[
            (&[], false),
            (&[("sec-fetch-site", "same-origin")], false),
            (&[("sec-fetch-site", "none")], false),
            (&[("sec-fetch-site", "cross-site")], true),
            (&[("sec-fetch-site", "same-site")], true),
            (
                &[
                    ("origin", "http://127.0.0.1:3000"),
                    ("host", "127.0.0.1:3000"),
                ],
                false,
            ),
            (
                &[
                    ("origin", "https://evil.example"),
                    ("host", "127.0.0.1:3000"),
                ],
                true,
            ),
            (&[("origin", "null"), ("host", "127.0.0.1:3000")], true),
            (&[("origin", "http://127.0.0.1:3000")], true),
        ];
        for (pairs, want) in table {
            assert_eq!(is_cross_site(&headers(pairs)), *want, "{pairs:?}");
        }
    }
}
