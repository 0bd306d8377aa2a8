//! `GET /o/{org}/settings/audit/export?format=csv|jsonl&<the page's filters>`: the audit
//! log's filtered view, newest first, streamed as CSV or JSON Lines.

use super::billing::refused;
use crate::domain::Error;
use crate::domain::audit::AuditFilter;
use crate::server::services::audit::{self, ExportFormat};
use crate::server::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new().route("/o/{org}/settings/audit/export", get(export))
}

#[derive(serde::Deserialize)]
struct ExportQuery {
    format: Option<String>,
    actor: Option<String>,
    target: Option<String>,
    action: Option<String>,
    workspace: Option<String>,
    from: Option<String>,
    until: Option<String>,
}

async fn export(
    State(state): State<AppState>,
    session: Session,
    Path(org): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Response {
    let run = async {
        let actor = super::org_actor(&state, &session, &org).await?;
        let format = match q.format.as_deref() {
            None | Some("csv") => ExportFormat::Csv,
            Some("jsonl") => ExportFormat::JsonLines,
            Some(_) => return Err(Error::invalid("format", "Choose csv or jsonl.")),
        };
        let filter = AuditFilter::parse(
            q.actor.as_deref(),
            q.target.as_deref(),
            q.action.as_deref(),
            q.workspace.as_deref(),
            q.from.as_deref(),
            q.until.as_deref(),
        )?;
        let lines = audit::export(&state.db, &actor, filter, format).await?;
        Ok::<_, Error>((format, lines))
    };
    match run.await {
        Ok((format, lines)) => {
            let (content_type, extension) = match format {
                ExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
                ExportFormat::JsonLines => ("application/x-ndjson; charset=utf-8", "jsonl"),
            };
            (
                [
                    (header::CONTENT_TYPE, content_type.to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"audit-log.{extension}\""),
                    ),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                Body::from_stream(lines),
            )
                .into_response()
        }
        Err(e) => refused(e),
    }
}
