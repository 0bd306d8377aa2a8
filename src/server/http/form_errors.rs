//! Without JavaScript, a form's error travels back in the URL: server_fn redirects to the
//! form's page with `__err=<encoded error>&__path=<server function>`, and the page shows it.
//! On its own that lets a crafted link make any page say anything ("Your account is locked,
//! call ..."). So a page shows an `__err` only when this browser's own form post produced
//! it: the redirect answering a POST is noted in the session (a digest of the decoded
//! value), and a GET carrying any other `__err` (or several, or one spelled in percent
//! escapes) is redirected to the same path without them.

use crate::domain::paths;
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use tower_sessions::Session;

const LAST_FORM_ERROR_KEY: &str = "last_form_error";

/// The names leptos reads a form error from.
fn is_error_param(name: &str) -> bool {
    name == "__err" || name == "__path"
}

/// The query of a URL or path, if any.
fn query(url: &str) -> Option<&str> {
    url.split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or(q))
}

/// Every decoded `__err` value of a query, as leptos reads them.
fn errors(query: &str) -> Vec<String> {
    form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name == "__err")
        .map(|(_, value)| value.into_owned())
        .collect()
}

fn digest(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// `path_and_query` without any error parameter, however spelled; "/" when what is left
/// is not a path of this site (`//evil.example/?__err=` must not become a redirect away).
fn without_error(path_and_query: &str) -> String {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            let decoded: String = form_urlencoded::parse(name.as_bytes())
                .map(|(n, _)| n.into_owned())
                .collect();
            !pair.is_empty() && !is_error_param(&decoded)
        })
        .collect();
    let to = if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    };
    paths::local(&to).map_or_else(|| "/".to_owned(), str::to_owned)
}

pub async fn only_our_form_errors(req: Request, next: Next) -> Response {
    let session = req.extensions().get::<Session>().cloned();
    let uri = req.uri().path_and_query().map(|p| p.as_str().to_owned());
    let uri = uri.as_deref().unwrap_or("/");
    if req.method() == Method::GET {
        let given = query(uri).map(errors).unwrap_or_default();
        if !given.is_empty() {
            let noted = match &session {
                Some(s) => s.get::<String>(LAST_FORM_ERROR_KEY).await.ok().flatten(),
                None => None,
            };
            let ours = given.len() == 1 && noted == Some(digest(&given[0]));
            if !ours {
                return Redirect::to(&without_error(uri)).into_response();
            }
        }
    }
    let is_post = req.method() == Method::POST;
    let res = next.run(req).await;
    if is_post
        && res.status().is_redirection()
        && let Some(session) = session
        && let [given] = res
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(query)
            .map(errors)
            .unwrap_or_default()
            .as_slice()
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
    fn errors_are_read_as_leptos_reads_them() {
        assert_eq!(errors("next=%2Fx&__path=/api/a&__err=QUJD"), ["QUJD"]);
        assert_eq!(errors("%5F%5Ferr=QUJD"), ["QUJD"], "a percent-escaped name");
        assert_eq!(errors("__err=A&__err=B").len(), 2);
        assert!(errors("next=x").is_empty());
    }

    #[test]
    fn the_error_is_taken_out_and_the_rest_kept_on_this_site() {
        assert_eq!(
            without_error("/signin?__path=/api/sign_in&__err=QUJD"),
            "/signin"
        );
        assert_eq!(
            without_error("/signin?next=%2Fo&__err=QUJD&dialog=x"),
            "/signin?next=%2Fo&dialog=x"
        );
        assert_eq!(
            without_error("/signin?%5F%5Ferr=QUJD&%5f%5fpath=x"),
            "/signin"
        );
        assert_eq!(without_error("//evil.example/?__err=x"), "/");
        assert_eq!(without_error("/\\evil.example?__err=x"), "/");
    }
}
