//! A tiny in-process HTTP client with a cookie jar, speaking to the router directly.

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use studio_console::domain::paths::query_value;
use tower::ServiceExt;

#[derive(Clone)]
pub struct Client {
    router: axum::Router,
    /// The session cookie (`name=value`) the server last set, if any.
    pub cookie: Option<String>,
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// The session cookie's `Set-Cookie` line, if the response set one.
    pub fn session_set_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("console_session="))
            .map(str::to_owned)
    }

    /// The body as the server function's error, when it is one.
    pub fn error(&self) -> studio_console::domain::Error {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not an error body ({e}): {}", self.body))
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("unexpected body ({e}): {}", self.body))
    }
}

fn form_encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", query_value(k), query_value(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Client {
    pub fn new(router: axum::Router) -> Self {
        Client {
            router,
            cookie: None,
        }
    }

    /// Sends a request; remembers a session cookie the response sets (or clears).
    pub async fn send(&mut self, mut req: Request<Body>) -> Response {
        if let Some(cookie) = &self.cookie {
            req.headers_mut()
                .insert(header::COOKIE, cookie.parse().expect("cookie header"));
        }
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router never fails");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res
            .into_body()
            .collect()
            .await
            .expect("read body")
            .to_bytes();
        let res = Response {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        };
        if let Some(line) = res.session_set_cookie() {
            let pair = line.split(';').next().unwrap_or_default().to_owned();
            let cleared = line.contains("Max-Age=0") || pair.ends_with('=');
            self.cookie = if cleared { None } else { Some(pair) };
        }
        res
    }

    /// Loads a page as a browser does.
    pub async fn get(&mut self, path: &str) -> Response {
        let req = Request::get(path).header(header::ACCEPT, "text/html,application/xhtml+xml");
        self.send(req.body(Body::empty()).expect("request")).await
    }

    /// Calls a server function the way the hydrated app does (JSON answer), by its type:
    /// the path and the argument names come from the function's declaration, so a renamed
    /// function or argument breaks the build instead of a test at run time.
    pub async fn run<F: ServerFn + serde::Serialize>(&mut self, call: F) -> Response {
        let body = serde_qs::to_string(&call).expect("server function arguments encode");
        self.post_body(F::PATH, body, &[]).await
    }

    /// Posts raw form fields to a path, for tests of the wire itself (malformed or
    /// cross-site requests, the no-JavaScript forms).
    pub async fn call(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.post(path, fields, &[]).await
    }

    /// POSTs a form with extra headers.
    pub async fn post(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Response {
        self.post_body(path, form_encode(fields), headers).await
    }

    async fn post_body(&mut self, path: &str, body: String, headers: &[(&str, &str)]) -> Response {
        let mut req =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body)).expect("request"))
            .await
    }

    /// Submits a form as a browser without JavaScript does (answer: a redirect).
    pub async fn submit_form(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        referer: &str,
    ) -> Response {
        self.post(
            path,
            fields,
            &[
                ("accept", "text/html,application/xhtml+xml"),
                ("referer", referer),
                ("origin", "http://localhost"),
                ("host", "localhost"),
            ],
        )
        .await
    }
}
