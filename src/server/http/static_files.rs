//! The site's static files (`LEPTOS_SITE_ROOT`): the favicon, and under `/pkg` the wasm, its
//! JavaScript and the stylesheet. A release build names those by a hash of their content
//! (cargo-leptos `hash-files`), so a browser keeps them for a year and a new build is new
//! names; `make build` writes a brotli and a gzip copy of each (`--precompress`), sent to
//! browsers that accept them (nothing is compressed per request). A GET for a path with no
//! file is the console's "Page not found", rendered by Leptos; other methods get 405.

use crate::server::state::AppState;
use axum::Router;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::{IntoView, LeptosOptions};
use tower_http::services::ServeDir;

/// Where a built file named by its hash may be kept: a year, unchanged.
const FOREVER: &str = "public, max-age=31536000, immutable";
/// A built file under its plain name (a build without hashes): checked at every use, so
/// a browser never pairs an old wasm with a new page.
const ALWAYS_CHECK: &str = "no-cache";
/// Everything else static (the favicon): kept an hour, then checked again.
const AN_HOUR: &str = "public, max-age=3600";

/// Files from the site root, their precompressed copies first, with how long to keep
/// them; the 404 page otherwise.
pub fn router<IV>(
    state: &AppState,
    shell: impl Fn(LeptosOptions) -> IV + Clone + Send + Sync + 'static,
) -> Router
where
    IV: IntoView + 'static,
{
    let hashed = state.leptos_options.hash_files;
    let not_found = leptos_axum::file_and_error_handler::<AppState, _>(shell);
    let files = ServeDir::new(state.leptos_options.site_root.as_ref())
        .precompressed_br()
        .precompressed_gzip()
        .fallback(not_found.with_state(state.clone()));
    Router::new()
        .fallback_service(files)
        .layer(axum::middleware::from_fn(move |req, next| {
            cache_headers(hashed, req, next)
        }))
}

/// Hashed build outputs are kept for ever, other files less; a 404 page is not kept. A
/// file may go out compressed or not by the request's Accept-Encoding: caches are told so.
async fn cache_headers(hashed: bool, req: Request, next: Next) -> Response {
    let built = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    if res.status().is_success() {
        let policy = match (built, hashed) {
            (true, true) => FOREVER,
            (true, false) => ALWAYS_CHECK,
            (false, _) => AN_HOUR,
        };
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}

/// The stylesheet's URL, for pages rendered outside Leptos (askama templates): its hashed
/// name when the build hashed it (as `leptos_meta::HashedStylesheet` finds it).
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    let hash = options
        .hash_files
        .then(|| {
            let exe = std::env::current_exe().ok()?;
            let hashes = std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref()));
            hashes.ok()?.lines().find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                (file.trim() == "css").then(|| hash.trim().to_owned())
            })
        })
        .flatten();
    match hash {
        Some(hash) => format!(
            "/{}/{}.{hash}.css",
            options.site_pkg_dir, options.output_name
        ),
        None => format!("/{}/{}.css", options.site_pkg_dir, options.output_name),
    }
}
