//! The no-JavaScript side of the two forms whose answer is something shown once: a new API
//! key's secret and a fresh invitation link. With JavaScript the dialog calls the server
//! function and shows the value in place. Without it the form posts here, and this answers
//! with a page that shows the value: Leptos drops the body of a server function's no-JS
//! response, and redirecting to a page that shows it would mean storing the secret.
//! Errors go back to the form the way server functions send them (`__err` in the URL).

use crate::domain::{Error, paths};
use crate::server::http::static_files::stylesheet_href;
use crate::server::services::{api_keys, invitations};
use crate::server::state::AppState;
use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::post;
use leptos::server_fn::error::ServerFnUrlError;
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(&paths::api_key_form("{org}", "{ws}"), post(create_api_key))
        .route(
            &paths::invitation_link_form("{org}", "{id}"),
            post(invitation_link),
        )
}

#[derive(Template)]
#[template(path = "shown_once.html")]
struct ShownOnce<'a> {
    stylesheet: String,
    title: &'a str,
    help: &'a str,
    label: &'a str,
    value: &'a str,
    back: &'a str,
}

fn shown_once(page: ShownOnce<'_>) -> Response {
    match page.render() {
        // Never cached: the value is shown once.
        Ok(html) => ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(e) => {
            let reference = crate::server::error::internal("rendering a page", e);
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                reference.to_string(),
            )
                .into_response()
        }
    }
}

/// Back to the form, with the error where the page's server action finds it.
fn back_with_error(form_page: &str, server_fn_path: &str, e: Error) -> Response {
    if e == Error::Unauthenticated {
        return Redirect::to(paths::SIGN_IN).into_response();
    }
    // Built on a placeholder origin, then sent as a path: the redirect never leaves the
    // site, whatever PUBLIC_URL says.
    let base = format!("http://console.invalid{form_page}");
    match ServerFnUrlError::new(server_fn_path, e).to_url(&base) {
        Ok(url) => {
            let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
            Redirect::to(&format!("{}{query}", url.path())).into_response()
        }
        Err(_) => Redirect::to(form_page).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct NewKey {
    name: String,
    expiry: String,
    expires_on: Option<String>,
}

async fn create_api_key(
    State(state): State<AppState>,
    session: Session,
    Path((org, ws)): Path<(String, String)>,
    Form(form): Form<NewKey>,
) -> Response {
    let keys_page = paths::workspace_api_keys(&org, &ws);
    let created = async {
        let actor = super::org_actor(&state, &session, &org).await?;
        api_keys::create(
            &state.db,
            &actor,
            &ws,
            &form.name,
            &form.expiry,
            form.expires_on.as_deref(),
        )
        .await
    };
    match created.await {
        Ok(c) => shown_once(ShownOnce {
            stylesheet: stylesheet_href(&state.leptos_options),
            title: "API key created",
            help: "This is the only time the key is shown. Copy it into your secret manager now.",
            label: &format!("Your key \"{}\"", c.key.name),
            value: &c.secret,
            back: &keys_page,
        }),
        Err(e) => {
            let dialog = format!("{keys_page}?{}=new-key", paths::DIALOG_PARAM);
            back_with_error(&dialog, "/api/create_api_key", e)
        }
    }
}

async fn invitation_link(
    State(state): State<AppState>,
    session: Session,
    Path((org, id)): Path<(String, String)>,
) -> Response {
    let invitations_page = paths::settings_invitations(&org);
    let link = async {
        let actor = super::org_actor(&state, &session, &org).await?;
        invitations::fresh_link(&state.ports(), &actor, &id).await
    };
    match link.await {
        Ok(link) => shown_once(ShownOnce {
            stylesheet: stylesheet_href(&state.leptos_options),
            title: "Invitation link",
            help: "Pass this link on yourself. Links sent earlier for this invitation no longer work.",
            label: "Invitation link",
            value: &link,
            back: &invitations_page,
        }),
        Err(e) => back_with_error(&invitations_page, "/api/invitation_link", e),
    }
}
