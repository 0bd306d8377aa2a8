//! Usage limits: caps checked and named, completions and new jobs refused at a cap (and
//! reads not), raises and temporary raises, the next period, 50 racers across two
//! console processes never passing the cap, alerts sent once, and the ledger filled from
//! earlier usage once.

use crate::common;

use common::v1::{GOOD, USAGE_TOKEN, key, upload, v1, v1_json};
use common::{Account, TestApp, account};
use serde_json::{Value, json};
use studio_console::api::limits::{GetLimits, SaveOrgLimits, SaveWorkspaceLimits};
use studio_console::api::shell::LoadShell;
use studio_console::domain::Error;
use studio_console::domain::billing::limits::LimitsPage;
use studio_console::domain::billing::{Catalogue, Money, Unit};
use studio_console::domain::calendar::{DAY_MS, parse_iso_date};
use studio_console::domain::shell::ShellData;
use studio_console::server::email::Mailer;
use studio_console::server::repo::usage::{self, DaySum};
use studio_console::server::services::{Ports, limits};

backend_tests!(
    caps_are_checked_and_name_the_workspace,
    a_workspace_at_its_cap_is_refused_until_raised_or_the_next_month,
    racing_requests_in_two_processes_never_pass_the_cap,
    alerts_are_sent_once_per_threshold_and_period,
    rate_limits_hold_per_minute_across_processes,
    introspection_tells_a_gateway_what_v1_would_do,
    a_hold_left_by_a_killed_process_lapses,
    the_ledger_counts_earlier_usage_once,
);

/// One cent per output token of open-mistral-7b and nothing for input, so a completion's
/// hold (its `max_tokens`) is exactly what it costs: "again" is answered in 2 tokens.
fn catalogue() -> Catalogue {
    let mut c = Catalogue::builtin(5);
    for p in c.prices.iter_mut().filter(|p| p.model == "open-mistral-7b") {
        p.per_million = match p.unit {
            Unit::OutputTokens => 1_000_000,
            _ => 0,
        };
    }
    c
}

/// Served with `demo-inference`, those prices, and the clock on Nov 10, 2026.
pub(super) async fn limits_app(app: &TestApp) -> TestApp {
    let url = common::v1::demo_inference().await;
    let app = app
        .reconfigured(|c| {
            c.inference_url = Some(url);
            c.catalogue = catalogue();
            c.usage_token = Some(USAGE_TOKEN.into());
        })
        .await;
    app.db.clock.set(parse_iso_date("2026-11-10").unwrap());
    app
}

fn again() -> Value {
    json!({ "model": "open-mistral-7b", "max_tokens": 2,
            "messages": [{ "role": "user", "content": "again" }] })
}

pub(super) async fn complete(app: &TestApp, key: &str) -> common::client::Response {
    v1_json(app, "POST", "/v1/chat/completions", key, again()).await
}

async fn save_org(ada: &mut Account, cap: &str, thresholds: &str) -> common::client::Response {
    let org_id = ada.org_id.clone();
    ada.client
        .run(SaveOrgLimits {
            org_id,
            monthly_cap: cap.into(),
            thresholds: thresholds.into(),
        })
        .await
}

pub(super) async fn save_workspace(
    ada: &mut Account,
    ws: &str,
    cap: &str,
    raise: (&str, &str),
) -> common::client::Response {
    save_rates(ada, ws, cap, raise, ("", "")).await
}

pub(super) async fn save_rates(
    ada: &mut Account,
    ws: &str,
    cap: &str,
    raise: (&str, &str),
    rates: (&str, &str),
) -> common::client::Response {
    let org_id = ada.org_id.clone();
    ada.client
        .run(SaveWorkspaceLimits {
            org_id,
            workspace_id: ws.into(),
            monthly_cap: cap.into(),
            raise_cap: raise.0.into(),
            raise_until: raise.1.into(),
            requests_per_minute: rates.0.into(),
            tokens_per_minute: rates.1.into(),
        })
        .await
}

pub(super) async fn page(ada: &mut Account) -> LimitsPage {
    let org_id = ada.org_id.clone();
    let res = ada.client.run(GetLimits { org_id }).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

fn invalid(res: &common::client::Response) -> (String, String) {
    match res.error() {
        Error::Invalid(fields) => (fields[0].field.clone(), fields[0].message.clone()),
        other => panic!("expected a field error, got {other:?}"),
    }
}

/// The sum of `column` in `table` over the rows of `scope_column` = `scope`.
pub(super) async fn sum_of(app: &TestApp, table: &str, column: &str, scope: (&str, &str)) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT CAST(COALESCE(SUM({column}), 0) AS BIGINT) FROM {table} WHERE {} = $1",
        scope.0
    ))
    .bind(scope.1)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

/// What the ledger says the workspace spent this period, in micros.
pub(super) async fn spent(app: &TestApp, scope: &str) -> i64 {
    sum_of(app, "spend_ledger", "spent", ("scope_id", scope)).await
}

pub(super) const CENT: i64 = 1_000_000;

async fn caps_are_checked_and_name_the_workspace(app: TestApp) {
    let app = limits_app(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    assert!(save_org(&mut ada, "100", "50, 80, 100").await.status < 400);
    let res = save_workspace(&mut ada, &ws, "150", ("", "")).await;
    assert_eq!(
        invalid(&res),
        (
            "monthly_cap".into(),
            "Default's limit can't be above the organization's ($100.00)".into()
        )
    );
    assert!(save_workspace(&mut ada, &ws, "60", ("", "")).await.status < 400);
    // Lowering the organization's under a workspace's names the workspace.
    let (field, message) = invalid(&save_org(&mut ada, "50", "50").await);
    assert_eq!(field, "monthly_cap");
    assert!(
        message.starts_with("Default has a limit of $60.00"),
        "{message}"
    );
    // Every bad field at once.
    let res = save_org(&mut ada, "-1", "0, 200").await;
    let Error::Invalid(fields) = res.error() else {
        panic!("{}", res.body);
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["monthly_cap", "thresholds"]);
    // A raise needs a monthly cap below it, an end, and stays under the organization's.
    let res = save_workspace(&mut ada, &ws, "", ("80", "2026-11-20")).await;
    assert_eq!(invalid(&res).0, "raise_cap");
    let res = save_workspace(&mut ada, &ws, "60", ("80", "")).await;
    assert_eq!(invalid(&res).0, "raise_until");
    let res = save_workspace(&mut ada, &ws, "60", ("80", "2026-11-09")).await;
    assert_eq!(invalid(&res).0, "raise_until");
    let res = save_workspace(&mut ada, &ws, "60", ("120", "2026-11-20")).await;
    assert_eq!(invalid(&res).0, "raise_cap");
    // Nothing refused was stored.
    let now = page(&mut ada).await;
    assert_eq!(now.org.monthly_cap, Some(Money(10_000)));
    assert_eq!(now.org.thresholds, vec![50, 80, 100]);
    assert_eq!(now.workspaces[0].limits.monthly_cap, Some(Money(6_000)));
    assert_eq!(now.workspaces[0].limits.raise, None);
    // Another organization's workspace is not found.
    let mut eve = account(&app, "Eve", "eve@example.com").await;
    let res = save_workspace(&mut eve, &ws, "1", ("", "")).await;
    assert_eq!(res.status, 404, "{}", res.body);
}

async fn a_workspace_at_its_cap_is_refused_until_raised_or_the_next_month(app: TestApp) {
    let app = limits_app(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&app, &mut ada, &ws).await;
    let file: Value = upload(&app, &secret, "fine-tune", GOOD).await.json();
    // 10 cents: five completions of 2 cents.
    assert!(save_workspace(&mut ada, &ws, "0.10", ("", "")).await.status < 400);
    for i in 0..5 {
        let res = complete(&app, &secret).await;
        assert_eq!(res.status, 200, "completion {i}: {}", res.body);
    }
    let res = complete(&app, &secret).await;
    assert_eq!(res.status, 429, "{}", res.body);
    let error: Value = res.json();
    assert_eq!(error["error"]["code"], "usage_limit_reached");
    assert_eq!(
        error["error"]["message"],
        "This workspace's monthly spend limit is reached. Keys get 429 until 2026-12-01 or until an Admin raises the limit."
    );
    assert_eq!(spent(&app, &ws).await, 10 * CENT);
    // A new fine-tuning job costs money too; reads go on.
    let res = v1_json(
        &app,
        "POST",
        "/v1/fine_tuning/jobs",
        &secret,
        json!({ "model": "open-mistral-7b", "training_file": file["id"] }),
    )
    .await;
    assert_eq!(res.status, 429, "{}", res.body);
    assert_eq!(v1(&app, "GET", "/v1/models", &secret).await.status, 200);
    assert_eq!(v1(&app, "GET", "/v1/files", &secret).await.status, 200);
    // Every page of the workspace says so; the organization's pages do not.
    let shell = |ws: Option<String>| LoadShell {
        org_id: ada.org_id.clone(),
        workspace_id: ws,
    };
    let in_ws: ShellData = ada.client.run(shell(Some(ws.clone()))).await.json();
    assert!(
        in_ws.spend_cap_reached.as_deref().is_some_and(
            |m| m == "Keys get 429 until 2026-12-01 or until an Admin raises the limit."
        ),
        "{:?}",
        in_ws.spend_cap_reached
    );
    let at_org: ShellData = ada.client.run(shell(None)).await.json();
    assert_eq!(at_org.spend_cap_reached, None);

    // A raise for two days: two more completions, then the cap is reached again.
    let res = save_workspace(&mut ada, &ws, "0.10", ("0.14", "2026-11-12")).await;
    assert!(res.status < 400, "{}", res.body);
    for _ in 0..2 {
        assert_eq!(complete(&app, &secret).await.status, 200);
    }
    assert_eq!(complete(&app, &secret).await.status, 429);
    let listed = page(&mut ada).await;
    assert_eq!(listed.workspaces[0].cap, Some(Money(14)));
    assert_eq!(listed.workspaces[0].spent, Money(14));
    // The raise runs out by itself at the start of Nov 12: back to 10 cents, still spent.
    app.db.clock.set(parse_iso_date("2026-11-12").unwrap());
    assert_eq!(page(&mut ada).await.workspaces[0].cap, Some(Money(10)));
    assert_eq!(complete(&app, &secret).await.status, 429);
    // A lasting raise takes effect at the next request.
    assert!(save_workspace(&mut ada, &ws, "0.16", ("", "")).await.status < 400);
    assert_eq!(complete(&app, &secret).await.status, 200);
    assert_eq!(complete(&app, &secret).await.status, 429);
    // The organization's cap stops every workspace; its message says which.
    assert!(save_workspace(&mut ada, &ws, "", ("", "")).await.status < 400);
    assert!(save_org(&mut ada, "0.16", "100").await.status < 400);
    let res = complete(&app, &secret).await;
    assert_eq!(res.status, 429);
    assert!(
        res.body
            .contains("The organization's monthly spend limit is reached"),
        "{}",
        res.body
    );
    // A new month starts from nothing.
    app.db.clock.set(parse_iso_date("2026-12-01").unwrap());
    assert_eq!(complete(&app, &secret).await.status, 200);
    assert_eq!(spent(&app, &ada.org_id).await, 18 * CENT);
}

/// Two console processes on one database, their clocks together.
pub(super) async fn two_processes(app: &TestApp) -> (TestApp, TestApp) {
    let one = limits_app(app).await;
    let two = one.restarted().await;
    two.db.clock.set(one.db.clock.now());
    (one, two)
}

/// `n` completions at once, every other one through the second process: their statuses.
pub(super) async fn race(n: usize, apps: (&TestApp, &TestApp), secret: &str) -> Vec<u16> {
    let racers = (0..n).map(|i| {
        let app = if i % 2 == 0 { apps.0 } else { apps.1 };
        async move { complete(app, secret).await.status }
    });
    futures_util::future::join_all(racers).await
}

async fn racing_requests_in_two_processes_never_pass_the_cap(app: TestApp) {
    let (one, two) = two_processes(&app).await;
    let mut ada = account(&one, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&one, &mut ada, &ws).await;
    // 40 cents: room for exactly 20 completions of 2 cents.
    assert!(save_workspace(&mut ada, &ws, "0.40", ("", "")).await.status < 400);
    let statuses = race(50, (&one, &two), &secret).await;
    let admitted = statuses.iter().filter(|&&s| s == 200).count();
    assert!(
        statuses.iter().all(|&s| s == 200 || s == 429),
        "{statuses:?}"
    );
    // Each hold was exactly a completion's cost, so not one passed the cap.
    assert!(admitted <= 20, "{admitted} admitted");
    assert_eq!(spent(&one, &ws).await, admitted as i64 * 2 * CENT);
    // And the rest of the budget is still usable, to the cent.
    while complete(&one, &secret).await.status == 200 {}
    assert_eq!(spent(&one, &ws).await, 40 * CENT);
    let metered: i64 = sqlx::query_scalar("SELECT CAST(SUM(requests) AS BIGINT) FROM usage_daily")
        .fetch_one(&one.db.pool)
        .await
        .unwrap();
    assert_eq!(metered, 20, "the day sums agree with the ledger");
    // Every hold was released, once.
    assert_eq!(one.count("spend_holds").await, 0);
    let held: i64 = sqlx::query_scalar("SELECT CAST(SUM(reserved) AS BIGINT) FROM spend_ledger")
        .fetch_one(&one.db.pool)
        .await
        .unwrap();
    assert_eq!(held, 0);
}

async fn a_hold_left_by_a_killed_process_lapses(app: TestApp) {
    let app = limits_app(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&app, &mut ada, &ws).await;
    assert!(save_workspace(&mut ada, &ws, "0.10", ("", "")).await.status < 400);
    // A process took a hold of the whole 10 cents and died before releasing it.
    let now = app.db.clock.now();
    sqlx::query(
        "INSERT INTO spend_ledger (scope_id, period, org_id, reserved) VALUES ($1, '2026-11', $2, $3)",
    )
    .bind(&ws)
    .bind(&ada.org_id)
    .bind(10 * CENT)
    .execute(&app.db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO spend_holds (id, org_id, workspace_id, period, amount, on_org, on_workspace, taken_at) \
         VALUES ('hold_dead', $1, $2, '2026-11', $3, 0, 1, $4)",
    )
    .bind(&ada.org_id)
    .bind(&ws)
    .bind(10 * CENT)
    .bind(now)
    .execute(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(complete(&app, &secret).await.status, 429);
    assert_eq!(limits::lapse_holds(&app.db).await.unwrap(), 0, "not yet");
    app.db.clock.set(now + 16 * 60 * 1000);
    assert_eq!(limits::lapse_holds(&app.db).await.unwrap(), 1);
    assert_eq!(limits::lapse_holds(&app.db).await.unwrap(), 0, "once");
    assert_eq!(complete(&app, &secret).await.status, 200);
    assert_eq!(spent(&app, &ws).await, 2 * CENT);
}

async fn rate_limits_hold_per_minute_across_processes(app: TestApp) {
    let one = limits_app(&app).await;
    let two = one.restarted().await;
    let at = |app: &TestApp, ms| app.db.clock.set(ms);
    let start = parse_iso_date("2026-11-10").unwrap() + 30_000;
    at(&one, start);
    at(&two, start);
    let mut ada = account(&one, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&one, &mut ada, &ws).await;
    let res = save_rates(&mut ada, &ws, "", ("", ""), ("0", "")).await;
    assert_eq!(invalid(&res).0, "requests_per_minute");
    assert!(
        save_rates(&mut ada, &ws, "", ("", ""), ("3", ""))
            .await
            .status
            < 400
    );
    for left in ["2", "1"] {
        let res = complete(&one, &secret).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(
            res.header("x-ratelimit-limit-requests").as_deref(),
            Some("3")
        );
        assert_eq!(
            res.header("x-ratelimit-remaining-requests").as_deref(),
            Some(left)
        );
        assert_eq!(
            res.header("x-ratelimit-reset-requests").as_deref(),
            Some("30s")
        );
    }
    // The other process counts in the same window.
    assert_eq!(complete(&two, &secret).await.status, 200);
    for app in [&one, &two] {
        let res = complete(app, &secret).await;
        assert_eq!(res.status, 429, "{}", res.body);
        assert_eq!(res.header("retry-after").as_deref(), Some("30"));
        assert_eq!(res.header("x-ratelimit-remaining").as_deref(), Some("0"));
        let error: Value = res.json();
        assert_eq!(error["error"]["code"], "rate_limit_exceeded");
    }
    // The next minute starts afresh.
    at(&one, start + 30_000);
    assert_eq!(complete(&one, &secret).await.status, 200);
    // Tokens per minute count each request's prompt and max_tokens when it is admitted:
    // the first of the window always fits, the second (about 25 more) does not.
    assert!(
        save_rates(&mut ada, &ws, "", ("", ""), ("", "30"))
            .await
            .status
            < 400
    );
    at(&one, start + 90_000);
    let res = complete(&one, &secret).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        res.header("x-ratelimit-limit-tokens").as_deref(),
        Some("30")
    );
    assert_eq!(res.header("x-ratelimit-limit-requests"), None);
    let res = complete(&one, &secret).await;
    assert_eq!(res.status, 429, "{}", res.body);
    assert!(res.body.contains("30 tokens per minute"), "{}", res.body);
    // Without limits, no headers and no counting.
    assert!(
        save_rates(&mut ada, &ws, "", ("", ""), ("", ""))
            .await
            .status
            < 400
    );
    let res = complete(&one, &secret).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("x-ratelimit-limit-tokens"), None);
}

async fn introspection_tells_a_gateway_what_v1_would_do(app: TestApp) {
    let app = limits_app(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&app, &mut ada, &ws).await;
    let ask = |key: &str| json!({ "key": key });
    let introspect = |token: &'static str, body: Value| {
        let app = &app;
        async move { v1_json(app, "POST", "/internal/keys/introspect", token, body).await }
    };
    // Only the data plane's token may ask.
    assert_eq!(introspect("sk-wrong", ask(&secret)).await.status, 401);
    let bogus: Value = introspect(USAGE_TOKEN, ask("sk-bogus")).await.json();
    assert_eq!(
        (bogus["active"].clone(), bogus["reason"].clone()),
        (json!(false), json!("invalid_api_key"))
    );
    let free: Value = introspect(USAGE_TOKEN, ask(&secret)).await.json();
    assert_eq!(free["active"], true);
    assert_eq!(free["status"], "active");
    assert_eq!(free["workspace_id"], json!(ws));
    assert_eq!(free["organization_id"], json!(ada.org_id));
    assert_eq!(free["workspace_budget_left"], Value::Null);
    assert_eq!(free["rate_limits"], Value::Null);
    // 4 cents and 5 requests a minute: after two completions the key is suspended.
    let res = save_rates(&mut ada, &ws, "0.04", ("", ""), ("5", "")).await;
    assert!(res.status < 400, "{}", res.body);
    assert_eq!(complete(&app, &secret).await.status, 200);
    let half: Value = introspect(USAGE_TOKEN, ask(&secret)).await.json();
    assert_eq!(
        (
            half["active"].clone(),
            half["workspace_budget_left"].clone()
        ),
        (json!(true), json!(2))
    );
    assert_eq!(half["rate_limits"]["requests"], 1);
    assert_eq!(complete(&app, &secret).await.status, 200);
    let capped: Value = introspect(USAGE_TOKEN, ask(&secret)).await.json();
    assert_eq!(capped["active"], false);
    assert_eq!(capped["status"], "suspended");
    assert_eq!(capped["reason"], "workspace_limit_reached");
    assert_eq!(
        capped["suspended_until"],
        json!(parse_iso_date("2026-12-01").unwrap())
    );
    assert_eq!(capped["workspace_budget_left"], 0);
    assert_eq!(capped["organization_budget_left"], Value::Null);
    assert_eq!(capped["rate_limits"]["requests_per_minute"], 5);
    // Asking changed nothing.
    assert_eq!(spent(&app, &ws).await, 4 * CENT);
}

fn ports<'a>(app: &'a TestApp, mailer: &'a Mailer) -> Ports<'a> {
    Ports {
        db: &app.db,
        mailer,
        config: &app.config,
    }
}

async fn alerts_are_sent_once_per_threshold_and_period(app: TestApp) {
    let app = limits_app(&app).await;
    let mailer = Mailer::new(None, None, &app.config.mail_from).unwrap();
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&app, &mut ada, &ws).await;
    assert!(save_org(&mut ada, "0.10", "50, 80").await.status < 400);
    assert!(save_workspace(&mut ada, &ws, "0.08", ("", "")).await.status < 400);
    let outbox = app.count("outbox").await;
    // 6 cents: 60% of the organization's, 75% of the workspace's.
    for _ in 0..3 {
        assert_eq!(complete(&app, &secret).await.status, 200);
    }
    let sent = limits::send_alerts(&ports(&app, &mailer)).await.unwrap();
    assert_eq!(sent, 2, "50% of each");
    assert_eq!(limits::send_alerts(&ports(&app, &mailer)).await.unwrap(), 0);
    assert_eq!(app.count("outbox").await, outbox + 2, "one Admin, twice");
    // 8 cents: 80% of the organization's, 100% of the workspace's (its 80% too).
    assert_eq!(complete(&app, &secret).await.status, 200);
    assert_eq!(limits::send_alerts(&ports(&app, &mailer)).await.unwrap(), 2);
    let listed = page(&mut ada).await;
    let mut seen: Vec<(String, i64)> = listed
        .alerts
        .iter()
        .map(|a| (a.scope_name.clone(), a.threshold))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("Default".to_owned(), 50),
            ("Default".to_owned(), 80),
            ("The organization".to_owned(), 50),
            ("The organization".to_owned(), 80),
        ]
    );
    let subjects: Vec<String> = sqlx::query_scalar("SELECT subject FROM outbox ORDER BY subject")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert!(
        subjects
            .iter()
            .any(|s| s == "Workspace “Default” reached 80% of its monthly limit ($0.08)"),
        "{subjects:?}"
    );
    // The next month alerts again from the start.
    app.db
        .clock
        .set(parse_iso_date("2026-12-01").unwrap() + DAY_MS);
    assert_eq!(complete(&app, &secret).await.status, 200);
    assert_eq!(limits::send_alerts(&ports(&app, &mailer)).await.unwrap(), 0);
}

async fn the_ledger_counts_earlier_usage_once(app: TestApp) {
    let app = limits_app(&app).await;
    let ada = account(&app, "Ada", "ada@example.com").await;
    // Usage stored before limits existed: day sums only.
    let earlier = DaySum {
        org_id: ada.org_id.clone(),
        workspace_id: ada.workspace_id.clone(),
        model: "open-mistral-7b".into(),
        day: parse_iso_date("2026-11-03").unwrap(),
        requests: 3,
        output_tokens: 7,
        ..DaySum::default()
    };
    let last_month = DaySum {
        day: parse_iso_date("2026-10-31").unwrap(),
        ..earlier.clone()
    };
    for sum in [&earlier, &last_month] {
        usage::add(&app.db.pool, sum).await.unwrap();
    }
    limits::fill_ledger(&app.db, &app.config.catalogue)
        .await
        .unwrap();
    limits::fill_ledger(&app.db, &app.config.catalogue)
        .await
        .unwrap();
    assert_eq!(spent(&app, &ada.workspace_id).await, 7 * CENT);
    assert_eq!(spent(&app, &ada.org_id).await, 7 * CENT);
}
