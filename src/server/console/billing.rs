//! `GET /o/{org}/settings/billing/usage.csv?period=2026-11`: a period's usage as CSV, one
//! row per day, workspace and model (Admin and Billing roles).

use crate::domain::Error;
use crate::server::services::usage;
use crate::server::state::AppState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tower_sessions::Session;

pub fn routes() -> Router<AppState> {
    Router::new().route("/o/{org}/settings/billing/usage.csv", get(usage_csv))
}

#[derive(serde::Deserialize)]
struct Which {
    period: Option<String>,
}

async fn usage_csv(
    State(state): State<AppState>,
    session: Session,
    Path(org): Path<String>,
    Query(which): Query<Which>,
) -> Response {
    let run = async {
        let actor = super::org_actor(&state, &session, &org).await?;
        let period = usage::period(&state.db, which.period.as_deref())?;
        let csv = usage::org_csv(&state.db, &state.config.catalogue, &actor, period).await?;
        Ok::<_, Error>((period, csv))
    };
    match run.await {
        Ok((period, csv)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"usage-{}.csv\"", period.key()),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            csv,
        )
            .into_response(),
        Err(Error::Unauthenticated) => Redirect::to(crate::domain::paths::SIGN_IN).into_response(),
        Err(e) => {
            let status =
                StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, e.to_string()).into_response()
        }
    }
}
