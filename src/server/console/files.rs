//! Dataset uploads and downloads in the console: plain HTTP routes beside the pages (a
//! file can't travel through a server function), authenticated by the session and
//! checked against the same matrix. The upload form works without JavaScript: it posts
//! multipart and is redirected back to the datasets page with `?upload=<id>`; the page
//! shows the outcome kept under that id in the session. Only the id travels in the URL, so
//! a link cannot make the page say something the server did not.

use crate::domain::fine_tuning::UploadOutcome;
use crate::domain::{Error, paths};
use crate::server::authz::WorkspaceActor;
use crate::server::rest::{as_upload, download};
use crate::server::services::datasets::UploadError;
use crate::server::services::workspace_resources as resources;
use crate::server::state::AppState;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_sessions::Session;

/// Where the session keeps the last upload's outcome, with its id.
const UPLOAD_OUTCOME_KEY: &str = "upload_outcome";

/// The outcome of this session's last upload, if `id` names it. Reading does not remove it:
/// a page may render more than once.
pub async fn upload_outcome(session: &Session, id: &str) -> Result<Option<UploadOutcome>, Error> {
    use crate::server::error::OrInternal;
    let kept = session
        .get::<(String, UploadOutcome)>(UPLOAD_OUTCOME_KEY)
        .await
        .or_internal("reading an upload's outcome")?;
    Ok(kept
        .filter(|(kept_id, _)| kept_id == id)
        .map(|(_, outcome)| outcome))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/o/{org}/w/{ws}/datasets/upload", post(upload))
        .route("/o/{org}/w/{ws}/datasets/{id}/content", get(content))
}

/// The signed-in user, acting in a workspace they may use.
async fn actor(
    state: &AppState,
    session: &Session,
    org: &str,
    ws: &str,
) -> Result<WorkspaceActor, Error> {
    let actor = super::org_actor(state, session, org).await?;
    resources::member(&state.db, &actor, ws).await
}

fn refused(e: Error) -> Response {
    let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match e {
        Error::Unauthenticated => Redirect::to(paths::SIGN_IN).into_response(),
        other => (status, other.to_string()).into_response(),
    }
}

async fn upload(
    State(state): State<AppState>,
    session: Session,
    Path((org, ws)): Path<(String, String)>,
    mut multipart: Multipart,
) -> Response {
    let actor = match actor(&state, &session, &org, &ws).await {
        Ok(a) => a,
        Err(e) => return refused(e),
    };
    let back = paths::workspace_datasets(&org, &ws);
    let outcome = async {
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|e| UploadError::Invalid(format!("The upload was interrupted: {e}")))?
        {
            if field.name() == Some("file") {
                let received =
                    resources::receive_dataset(&state.config, &actor, as_upload(field)).await?;
                return Ok(
                    resources::keep_dataset(&state.db, &state.config, &actor, received).await?,
                );
            }
        }
        Err(UploadError::Invalid(
            "Choose a JSONL file to upload.".into(),
        ))
    };
    let outcome = match outcome.await {
        Ok(row) => UploadOutcome::Uploaded {
            filename: row.filename,
        },
        Err(UploadError::Invalid(message)) => UploadOutcome::Refused { message },
        Err(UploadError::TooLarge(limit)) => UploadOutcome::Refused {
            message: format!(
                "The file is larger than the limit of {} MB.",
                limit / (1024 * 1024)
            ),
        },
        Err(UploadError::Failed(e)) => UploadOutcome::Refused {
            message: e.to_string(),
        },
    };
    let id = crate::server::ids::new_id("upl");
    if let Err(e) = session.insert(UPLOAD_OUTCOME_KEY, (&id, outcome)).await {
        tracing::warn!(error = %e, "could not keep an upload's outcome for the page");
    }
    Redirect::to(&format!("{back}?upload={id}")).into_response()
}

async fn content(
    State(state): State<AppState>,
    session: Session,
    Path((org, ws, id)): Path<(String, String, String)>,
) -> Response {
    let actor = match actor(&state, &session, &org, &ws).await {
        Ok(a) => a,
        Err(e) => return refused(e),
    };
    match resources::open_dataset(&state.db, &state.config, &actor, &id).await {
        Ok((row, file)) => download(&row, file),
        Err(e) => refused(e),
    }
}
