//! `/metrics`: only for the holder of METRICS_TOKEN, in the OpenMetrics text format, with
//! requests counted by route pattern (never by path: ids stay out of the series).

use crate::common;

use axum::body::Body;
use axum::http::Request;
use common::{TestApp, account};

backend_tests!(metrics_need_the_token_and_name_routes_not_paths);

const TOKEN: &str = "metrics-token-0123456789";

async fn scrape(app: &TestApp, token: Option<&str>) -> common::client::Response {
    let mut req = Request::get("/metrics");
    if let Some(token) = token {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    app.client().send(req.body(Body::empty()).unwrap()).await
}

async fn metrics_need_the_token_and_name_routes_not_paths(app: TestApp) {
    assert_eq!(
        scrape(&app, Some(TOKEN)).await.status,
        404,
        "off without a token"
    );
    let app = app
        .reconfigured(|c| c.metrics_token = Some(TOKEN.into()))
        .await;
    assert_eq!(scrape(&app, None).await.status, 404);
    assert_eq!(
        scrape(&app, Some("wrong-token-0123456789")).await.status,
        404
    );

    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let home = format!("/o/{}/w/{}", ada.org_id, ada.workspace_id);
    assert_eq!(ada.client.get(&home).await.status, 200);
    let scraped = scrape(&app, Some(TOKEN)).await;
    assert_eq!(scraped.status, 200);
    assert!(
        scraped
            .header("content-type")
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = scraped.body;
    assert!(text.ends_with("# EOF\n"), "a complete exposition");
    let page = r#"console_http_request_duration_seconds_count{route="/o/{org}/w/{ws}",method="GET",status="200"}"#;
    assert!(text.contains(page), "the page's route counted: {text}");
    assert!(!text.contains(&ada.org_id), "no ids in the series");
    for series in [
        "console_http_requests_in_flight",
        r#"console_db_connections{state="in_use"}"#,
        r#"console_db_connections{state="max"}"#,
        "console_db_up 1",
        "console_page_renders_stalled_total",
    ] {
        assert!(text.contains(series), "{series} in {text}");
    }
}
