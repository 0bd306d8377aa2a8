//! Metering: chat completions through `demo-inference` (plain and streamed), the upstream
//! missing or down, shared fine-tuned models, trained tokens, usage reported by other
//! services, and what the usage pages and the CSV read back.

use crate::common;

use common::v1::{GOOD, USAGE_TOKEN, key, report_usage, upload, v1_json};
use common::{TestApp, account};
use serde_json::{Value, json};
use studio_console::api::usage::{GetOrgUsage, GetWorkspaceUsage};
use studio_console::api::workspaces::CreateWorkspace;
use studio_console::domain::billing::{Money, UsageReport};
use studio_console::domain::calendar::{DAY_MS, parse_iso_date};

backend_tests!(
    completions_are_forwarded_and_metered_once,
    concurrent_completions_are_each_metered_once,
    streams_are_metered_and_keep_the_clients_shape,
    no_upstream_means_a_json_error_and_no_usage,
    models_are_shared_within_the_workspace_only,
    reported_usage_counts_once_per_idempotency_key,
    the_period_ends_at_the_last_millisecond_of_the_month,
    billing_is_for_admins_and_billing_only,
    trained_tokens_are_metered_when_a_job_succeeds,
);

/// The app served with `INFERENCE_URL` at a running `demo-inference`, and `USAGE_TOKEN`.
async fn with_inference(app: &TestApp) -> TestApp {
    let url = common::v1::demo_inference().await;
    app.reconfigured(|c| {
        c.inference_url = Some(url);
        c.usage_token = Some(USAGE_TOKEN.into());
        c.trainer_token = Some(common::v1::TRAINER_TOKEN.into());
    })
    .await
}

fn chat(content: &str) -> Value {
    json!({ "model": "open-mistral-7b", "messages": [{ "role": "user", "content": content }] })
}

async fn daily_sums(app: &TestApp) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(requests), 0) AS BIGINT), CAST(COALESCE(SUM(input_tokens), 0) AS BIGINT), \
         CAST(COALESCE(SUM(output_tokens), 0) AS BIGINT) FROM usage_daily",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

async fn completions_are_forwarded_and_metered_once(app: TestApp) {
    let app = with_inference(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&app, &mut ada, &ws).await;
    let res = v1_json(
        &app,
        "POST",
        "/v1/chat/completions",
        &secret,
        chat("hello there"),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let body: Value = res.json();
    assert_eq!(
        body["choices"][0]["message"]["content"],
        "Echo: hello there"
    );
    // "hello there" is 2 words + 1 for the message: 3 in, 3 out.
    assert_eq!(body["usage"]["prompt_tokens"], 3);
    assert_eq!(daily_sums(&app).await, (1, 3, 3));
    v1_json(&app, "POST", "/v1/chat/completions", &secret, chat("again")).await;
    assert_eq!(daily_sums(&app).await, (2, 5, 5));

    // Bad requests are named and cost nothing.
    let res = v1_json(
        &app,
        "POST",
        "/v1/chat/completions",
        &secret,
        json!({ "model": "open-mistral-7b" }),
    )
    .await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert!(res.body.contains("messages"), "{}", res.body);
    let res = v1_json(
        &app,
        "POST",
        "/v1/chat/completions",
        &secret,
        json!({ "messages": [] }),
    )
    .await;
    assert!(res.body.contains("model"), "{}", res.body);
    let mut unknown = chat("x");
    unknown["model"] = json!("gpt-9");
    let res = v1_json(&app, "POST", "/v1/chat/completions", &secret, unknown).await;
    assert_eq!(res.status, 404, "{}", res.body);
    assert_eq!(daily_sums(&app).await.0, 2);

    // The workspace page shows it, priced: 5 + 5 tokens of open-mistral-7b at 25/M.
    let report: UsageReport = ada
        .client
        .run(GetWorkspaceUsage {
            org_id: ada.org_id.clone(),
            workspace_id: ws.clone(),
            period: None,
        })
        .await
        .json();
    assert_eq!((report.total.requests, report.total.input_tokens), (2, 5));
    assert_eq!(
        report.total.cost,
        Money(0),
        "ten tokens cost well under a cent"
    );
    assert_eq!(report.by_model[0].id, "open-mistral-7b");
    let by_key = report.by_key.expect("the Admin sees keys");
    assert!(by_key[0].label.starts_with("k ("), "{:?}", by_key[0].label);
}

async fn concurrent_completions_are_each_metered_once(app: TestApp) {
    let app = with_inference(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&app, &mut ada, &ws).await;
    // Committed in groups (`usage_writer`), each answered only once stored.
    let calls =
        (0..40).map(|_| v1_json(&app, "POST", "/v1/chat/completions", &secret, chat("again")));
    for res in futures_util::future::join_all(calls).await {
        assert_eq!(res.status, 200, "{}", res.body);
    }
    assert_eq!(daily_sums(&app).await, (40, 80, 80));
}

async fn streams_are_metered_and_keep_the_clients_shape(app: TestApp) {
    let app = with_inference(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&app, &mut ada, &ws).await;
    let mut request = chat("one two three");
    request["stream"] = json!(true);
    let res = v1_json(
        &app,
        "POST",
        "/v1/chat/completions",
        &secret,
        request.clone(),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("text/event-stream")
    );
    assert!(
        res.body.contains("\"three\"") || res.body.contains(" three"),
        "{}",
        res.body
    );
    assert!(res.body.trim_end().ends_with("data: [DONE]"));
    assert!(
        !res.body.contains("\"usage\""),
        "not asked for: {}",
        res.body
    );
    assert_eq!(daily_sums(&app).await, (1, 4, 4));

    request["stream_options"] = json!({ "include_usage": true });
    let res = v1_json(&app, "POST", "/v1/chat/completions", &secret, request).await;
    assert!(res.body.contains("\"usage\""), "asked for: {}", res.body);
    assert_eq!(
        daily_sums(&app).await,
        (2, 8, 8),
        "streamed and plain metered alike"
    );
}

async fn no_upstream_means_a_json_error_and_no_usage(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&app, &mut ada, &ws).await;
    let res = v1_json(&app, "POST", "/v1/chat/completions", &secret, chat("hi")).await;
    assert_eq!(res.status, 503, "{}", res.body);
    let body: Value = res.json();
    assert_eq!(body["error"]["code"], "inference_not_configured");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("INFERENCE_URL")
    );

    // Pointed at a port nobody listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let down = app
        .reconfigured(|c| c.inference_url = Some(format!("http://{closed}/v1")))
        .await;
    let res = v1_json(&down, "POST", "/v1/chat/completions", &secret, chat("hi")).await;
    assert_eq!(res.status, 502, "{}", res.body);
    assert_eq!(res.json::<Value>()["error"]["code"], "upstream_unavailable");
    assert_eq!(daily_sums(&app).await.0, 0);
}

async fn models_are_shared_within_the_workspace_only(app: TestApp) {
    let app = with_inference(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&app, &mut ada, &ws).await;
    let file: Value = upload(&app, &secret, "fine-tune", GOOD).await.json();
    v1_json(
        &app,
        "POST",
        "/v1/fine_tuning/jobs",
        &secret,
        json!({ "model": "open-mistral-7b", "training_file": file["id"] }),
    )
    .await;
    let done = common::v1::train_next(&app).await;
    let model = done["fine_tuned_model"].as_str().unwrap().to_owned();
    let mut request = chat("hi");
    request["model"] = json!(model);
    let res = v1_json(
        &app,
        "POST",
        "/v1/chat/completions",
        &secret,
        request.clone(),
    )
    .await;
    assert_eq!(res.status, 200, "the workspace's own model: {}", res.body);

    // Another workspace of the same organization does not see it.
    let other: String = ada
        .client
        .run(CreateWorkspace {
            org_id: ada.org_id.clone(),
            name: "Other".into(),
        })
        .await
        .json();
    let other_secret = key(&app, &mut ada, &other).await;
    let res = v1_json(&app, "POST", "/v1/chat/completions", &other_secret, request).await;
    assert_eq!(res.status, 404, "{}", res.body);
}

async fn reported_usage_counts_once_per_idempotency_key(app: TestApp) {
    let app = with_inference(&app).await;
    let ada = account(&app, "Ada", "ada@example.com").await;
    let event = |key: &str, quantity: i64| {
        json!({ "idempotency_key": key, "workspace_id": ada.workspace_id, "model": "mistral-large-latest",
                "unit": "output_tokens", "quantity": quantity })
    };
    let batch = json!({ "events": [event("e1", 1_000_000), event("e2", 500_000)] });
    let res = report_usage(&app, batch.clone(), USAGE_TOKEN).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        res.json::<Value>(),
        json!({ "counted": 2, "duplicates": 0 })
    );
    let res = report_usage(&app, batch, USAGE_TOKEN).await;
    assert_eq!(
        res.json::<Value>(),
        json!({ "counted": 0, "duplicates": 2 }),
        "sent twice, counted once"
    );
    assert_eq!(daily_sums(&app).await, (2, 0, 1_500_000));

    // A bad event refuses the batch, naming it; a wrong token or the trainer's gets 401.
    let bad = json!({ "events": [event("e3", 1), { "idempotency_key": "e4", "workspace_id": ada.workspace_id,
        "model": "m", "unit": "words", "quantity": 1 }] });
    let res = report_usage(&app, bad, USAGE_TOKEN).await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert!(res.body.contains("events[1].unit"), "{}", res.body);
    assert_eq!(
        daily_sums(&app).await.0,
        2,
        "nothing of a refused batch counts"
    );
    for token in ["wrong-token-0123456789", common::v1::TRAINER_TOKEN] {
        assert_eq!(
            report_usage(&app, json!({ "events": [event("e5", 1)] }), token)
                .await
                .status,
            401
        );
    }

    // Priced: 1.5M output tokens of mistral-large-latest at 600/M = 900 cents.
    let mut ada = ada;
    let report: UsageReport = ada
        .client
        .run(GetOrgUsage {
            org_id: ada.org_id.clone(),
            period: None,
        })
        .await
        .json();
    assert_eq!(report.total.cost, Money(900));
    assert_eq!(report.by_workspace[0].label, "Default");
}

async fn the_period_ends_at_the_last_millisecond_of_the_month(app: TestApp) {
    let app = with_inference(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&app, &mut ada, &ws).await;
    let dec = parse_iso_date("2026-12-01").unwrap();
    app.db.clock.set(dec - 1);
    v1_json(
        &app,
        "POST",
        "/v1/chat/completions",
        &secret,
        chat("november"),
    )
    .await;
    app.db.clock.advance(1);
    v1_json(
        &app,
        "POST",
        "/v1/chat/completions",
        &secret,
        chat("december"),
    )
    .await;
    let december = month(&mut ada, None).await;
    assert_eq!(
        (december.period.key(), december.total.requests),
        ("2026-12".into(), 1)
    );
    assert_eq!(
        december.by_day.len(),
        1,
        "the first day of the month so far"
    );
    let november = month(&mut ada, Some("2026-11")).await;
    assert_eq!(november.total.requests, 1);
    assert_eq!(november.by_day.len(), 30);
    assert_eq!(november.by_day[29].sums.requests, 1, "on its last day");
    assert_eq!(november.by_day[29].day, dec - DAY_MS);
    // A month not yet begun is refused, by name.
    let res = ada
        .client
        .run(GetWorkspaceUsage {
            org_id: ada.org_id.clone(),
            workspace_id: ws.clone(),
            period: Some("2027-01".into()),
        })
        .await;
    assert!(
        res.error().field_message("period").is_some(),
        "{}",
        res.body
    );
}

/// The account's default workspace's usage in `period`.
async fn month(ada: &mut common::Account, period: Option<&str>) -> UsageReport {
    let call = GetWorkspaceUsage {
        org_id: ada.org_id.clone(),
        workspace_id: ada.workspace_id.clone(),
        period: period.map(str::to_owned),
    };
    ada.client.run(call).await.json()
}

async fn billing_is_for_admins_and_billing_only(app: TestApp) {
    let app = with_inference(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let bob = account(&app, "Bob", "bob@example.com").await;
    let bill = account(&app, "Bill", "bill@example.com").await;
    let eve = account(&app, "Eve", "eve@example.com").await;
    let org = ada.org_id.clone();
    app.add_org_member(&org, &bob.user_id, "member").await;
    app.add_workspace_member(&ada.workspace_id, &bob.user_id, "contributor")
        .await;
    app.add_org_member(&org, &bill.user_id, "billing").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&app, &mut ada, &ws).await;
    v1_json(
        &app,
        "POST",
        "/v1/chat/completions",
        &secret,
        chat("a \"quoted\", name"),
    )
    .await;
    sqlx::query("UPDATE workspaces SET name = '=cmd' WHERE id = $1")
        .bind(&ws)
        .execute(&app.db.pool)
        .await
        .unwrap();

    let org_usage = |org: &str| GetOrgUsage {
        org_id: org.to_owned(),
        period: None,
    };
    let csv = format!("/o/{org}/settings/billing/usage.csv");
    for (who, expect) in [
        ("ada@example.com", 200),
        ("bill@example.com", 200),
        ("bob@example.com", 403),
        ("eve@example.com", 404),
    ] {
        let mut client = app.sign_in(who).await;
        assert_eq!(client.run(org_usage(&org)).await.status, expect, "{who}");
        assert_eq!(client.get(&csv).await.status, expect, "{who} csv");
    }
    let mut bill_client = app.sign_in("bill@example.com").await;
    let res = bill_client.get(&csv).await;
    let lines: Vec<&str> = res.body.lines().collect();
    assert_eq!(
        lines[0],
        "day,workspace_id,workspace,model,requests,input_tokens,output_tokens,training_tokens,cost_usd"
    );
    assert!(
        lines[1].contains(",\"'=cmd\",\"open-mistral-7b\",1,"),
        "{}",
        lines[1]
    );
    assert!(
        res.header("content-disposition")
            .unwrap()
            .contains("usage-")
    );
    // Bob (a Contributor) sees the workspace's usage, not by key; Eve sees nothing.
    let mut bob_client = app.sign_in("bob@example.com").await;
    let mine = GetWorkspaceUsage {
        org_id: org.clone(),
        workspace_id: ws.clone(),
        period: None,
    };
    let report: UsageReport = bob_client.run(mine).await.json();
    assert_eq!(report.total.requests, 1);
    assert!(report.by_key.is_none());
    let _ = eve;
    let mut eve_client = app.sign_in("eve@example.com").await;
    let theirs = GetWorkspaceUsage {
        org_id: org.clone(),
        workspace_id: ws,
        period: None,
    };
    assert_eq!(eve_client.run(theirs).await.status, 404);
    // The pages render for those who may see them.
    let page = bill_client.get(&format!("/o/{org}/settings/billing")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Daily cost"),
        "the chart is drawn on the server"
    );
}

async fn trained_tokens_are_metered_when_a_job_succeeds(app: TestApp) {
    let app = with_inference(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&app, &mut ada, &ws).await;
    let file: Value = upload(&app, &secret, "fine-tune", GOOD).await.json();
    let job: Value = v1_json(
        &app,
        "POST",
        "/v1/fine_tuning/jobs",
        &secret,
        json!({ "model": "open-mistral-7b", "training_file": file["id"] }),
    )
    .await
    .json();
    let claimed: Value = common::v1::trainer(&app, "/internal/trainer/jobs/claim", Some(json!({})))
        .await
        .json();
    assert_eq!(claimed["id"], job["id"]);
    let id = job["id"].as_str().unwrap();
    common::v1::trainer(
        &app,
        &format!("/internal/trainer/jobs/{id}/progress"),
        Some(json!({ "progress": 100, "trained_tokens": 2_000_000 })),
    )
    .await;
    let res = common::v1::trainer(
        &app,
        &format!("/internal/trainer/jobs/{id}/complete"),
        Some(json!({ "status": "succeeded" })),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let (requests, training): (i64, i64) = sqlx::query_as(
        "SELECT requests, training_tokens FROM usage_daily WHERE model = 'open-mistral-7b'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!((requests, training), (1, 2_000_000));
    // 2M training tokens of open-mistral-7b at 100/M.
    let report: UsageReport = ada
        .client
        .run(GetOrgUsage {
            org_id: ada.org_id.clone(),
            period: None,
        })
        .await
        .json();
    assert_eq!(report.total.cost, Money(200));
}
