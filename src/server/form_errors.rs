//! Without JavaScript, a form's error travels back in the URL: server_fn redirects to the
//! form's page with `__err=<encoded error>`, and the page shows it. On its own that lets a
//! crafted link make any page say anything ("Your account is locked, call ..."). So a
//! page shows an `__err` only when this browser's own form post produced it: the redirect
//! is noted in the session (a digest of the value), and a GET whose `__err` is not the one
//! noted is redirected to the same URL without it.

use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use tower_sessions::Session;

const LAST_FORM_ERROR_KEY: &str = "last_form_error";

/// The raw (still encoded) value of `__err` in a URL or query string.
fn error_param(url: &str) -> Option<&str> {
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("__err="))
}

fn digest(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// `path_and_query` without the `__err` and `__path` parameters.
fn without_error(path_and_query: &str) -> String {
    let Some((path, query)) = path_and_query.split_once('?') else {
        return path_and_query.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.starts_with("__err=") && !p.starts_with("__path="))
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

pub async fn only_our_form_errors(req: Request, next: Next) -> Response {
    let session = req.extensions().get::<Session>().cloned();
    let uri = req.uri().path_and_query().map(|p| p.as_str().to_owned());
    if let (true, Some(uri)) = (req.method() == Method::GET, &uri)
        && let Some(given) = error_param(uri)
    {
        let noted = match &session {
            Some(s) => s.get::<String>(LAST_FORM_ERROR_KEY).await.ok().flatten(),
            None => None,
        };
        if noted != Some(digest(given)) {
            return Redirect::to(&without_error(uri)).into_response();
        }
    }
    let res = next.run(req).await;
    if res.status().is_redirection()
        && let Some(session) = session
        && let Some(given) = res
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(error_param)
        && let Err(e) = session.insert(LAST_FORM_ERROR_KEY, digest(given)).await
    {
        tracing::warn!(error = %e, "could not note a form error for its page");
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_is_taken_out_and_the_rest_kept() {
        assert_eq!(
            error_param("http://h/signin?next=%2Fx&__path=/api/a&__err=QUJD"),
            Some("QUJD")
        );
        assert_eq!(error_param("/signin?next=x"), None);
        assert_eq!(
            without_error("/signin?__path=/api/sign_in&__err=QUJD"),
            "/signin"
        );
        assert_eq!(
            without_error("/signin?next=%2Fo&__err=QUJD&dialog=x"),
            "/signin?next=%2Fo&dialog=x"
        );
    }
}
