//! Server functions read their whole body into memory (server_fn collects it without a
//! bound), so the bodies of the console's pages, server functions and forms are bounded
//! here: a form is a few kilobytes, the largest (100 invitation addresses, percent-encoded)
//! under 64 KB. Uploads have their own routes and limit.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest body a server function takes.
pub const MAX_SERVER_FN_BODY: usize = 64 * 1024;

pub async fn limit_server_function_bodies(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_SERVER_FN_BODY) {
        return too_large();
    }
    // A body without a length (chunked) is cut off at the bound while it is read.
    let req = req.map(|body| Body::new(http_body_util::Limited::new(body, MAX_SERVER_FN_BODY)));
    next.run(req).await
}

fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "The request is larger than the limit of {} KB.",
            MAX_SERVER_FN_BODY / 1024
        ),
    )
        .into_response()
}
