//! Subscriptions, billing details, invoices and payments: a plan change quoted and then
//! confirmed, seats that hold against members and invitations, a period closed by two
//! callers at once into one invoice that a later price change leaves alone, its email and
//! printable page, and payments recorded once.

use crate::common;

use common::v1::{USAGE_TOKEN, v1_json};
use common::{Account, TestApp, account};
use serde_json::{Value, json};
use studio_console::api::billing::{
    ChangeSubscription, GetInvoices, GetSubscription, GetSubscriptionQuote, SaveBillingDetails,
};
use studio_console::api::members::SendInvitations;
use studio_console::api::usage::GetOrgUsage;
use studio_console::api::workspaces::RenameWorkspace;
use studio_console::domain::Error;
use studio_console::domain::billing::{
    InvoiceStatus, InvoicesPage, Money, Quote, SubscriptionPage, UsageReport,
};
use studio_console::domain::calendar::{DAY_MS, parse_iso_date};
use studio_console::server::email::Mailer;
use studio_console::server::services::Ports;
use studio_console::server::services::invoicing::{self, LATE_USAGE_MS};

backend_tests!(
    a_change_is_quoted_then_confirmed_and_seats_follow_it,
    one_invoice_per_period_even_when_two_processes_close_it,
    payments_are_recorded_once_and_for_the_whole_total,
    billing_details_are_checked_and_go_on_the_invoice,
    a_kept_usage_report_is_never_stale,
);

const PAYMENTS_TOKEN: &str = "payments-token-0123456789";

/// The app with the usage and payment endpoints open, its clock at `date` plus `hours`.
async fn billing_app(app: &TestApp, date: &str, hours: i64) -> TestApp {
    let app = app
        .reconfigured(|c| {
            c.usage_token = Some(USAGE_TOKEN.into());
            c.payments_token = Some(PAYMENTS_TOKEN.into());
        })
        .await;
    app.db
        .clock
        .set(parse_iso_date(date).unwrap() + hours * 3_600_000);
    // Billing began long ago (the migration sets it to when it ran).
    sqlx::query("UPDATE counters SET value = 0 WHERE name = 'billing_since'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    app
}

async fn quote(ada: &mut Account, plan: &str, seats: &str) -> common::client::Response {
    let org_id = ada.org_id.clone();
    ada.client
        .run(GetSubscriptionQuote {
            org_id,
            plan: plan.into(),
            seats: seats.into(),
        })
        .await
}

async fn change(
    ada: &mut Account,
    plan: &str,
    seats: &str,
    quoted: i64,
) -> common::client::Response {
    let org_id = ada.org_id.clone();
    ada.client
        .run(ChangeSubscription {
            org_id,
            plan: plan.into(),
            seats: seats.into(),
            quoted,
        })
        .await
}

async fn subscription(ada: &mut Account) -> SubscriptionPage {
    let org_id = ada.org_id.clone();
    ada.client.run(GetSubscription { org_id }).await.json()
}

fn field_of(res: &common::client::Response) -> String {
    match res.error() {
        Error::Invalid(fields) => fields[0].field.clone(),
        Error::Conflict(f) => f.field,
        other => format!("{other:?}"),
    }
}

async fn invite(ada: &mut Account, emails: &str) -> common::client::Response {
    let org_id = ada.org_id.clone();
    ada.client
        .run(SendInvitations {
            org_id,
            emails: emails.into(),
            role: "member".into(),
            workspaces: None,
        })
        .await
}

async fn a_change_is_quoted_then_confirmed_and_seats_follow_it(app: TestApp) {
    // Nov 27, 15:00: 4 of November's 30 days are left, today included.
    let app = billing_app(&app, "2026-11-27", 15).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let start = subscription(&mut ada).await;
    assert_eq!(
        start.current.plan_id, "free",
        "the default plan, SEAT_LIMIT seats"
    );
    assert_eq!(start.seats_in_use, 1);

    let res = quote(&mut ada, "team", "12").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let q: Quote = res.json();
    assert_eq!(
        (q.monthly_before, q.monthly_after, q.prorated, q.days_left),
        (Money(0), Money(24_000), Money(3_200), 4)
    );
    // Quoting changed nothing.
    assert_eq!(subscription(&mut ada).await.current, start.current);

    // A confirmation of another amount is refused and changes nothing.
    let res = change(&mut ada, "team", "12", 3_000).await;
    assert_eq!((res.status, field_of(&res)), (409, "seats".into()));
    assert!(res.body.contains("$32.00"), "{}", res.body);
    let res = change(&mut ada, "team", "12", 3_200).await;
    assert!(res.status < 400, "{}", res.body);
    let now = subscription(&mut ada).await;
    assert_eq!(
        (now.current.plan_id.as_str(), now.current.seats),
        ("team", 12)
    );
    assert_eq!(now.monthly, Money(24_000));

    // Two invitations take two seats; seats below the three in use are refused, on the field.
    assert_eq!(
        invite(&mut ada, "a@example.com, b@example.com")
            .await
            .status,
        200
    );
    for (seats, status) in [("2", 422), ("x", 422), ("0", 422)] {
        let res = quote(&mut ada, "team", seats).await;
        assert_eq!(
            (res.status, field_of(&res)),
            (status, "seats".into()),
            "{seats}"
        );
    }
    let res = quote(&mut ada, "gold", "3").await;
    assert_eq!(field_of(&res), "plan");
    // Down to exactly the seats in use: a credit for the days left; then no room to invite.
    let q: Quote = quote(&mut ada, "team", "3").await.json();
    assert_eq!(q.prorated, Money(-2_400), "9 seats × $20 × 4/30, credited");
    assert!(change(&mut ada, "team", "3", q.prorated.0).await.status < 400);
    let res = invite(&mut ada, "c@example.com").await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert!(res.body.contains("seat"), "{}", res.body);
}

async fn close_due(app: &TestApp) -> usize {
    let mailer = Mailer::new(None, None, &app.config.mail_from).unwrap();
    let ports = Ports {
        db: &app.db,
        mailer: &mailer,
        config: &app.config,
    };
    invoicing::close_due(&ports).await.unwrap()
}

async fn report_usage(app: &TestApp, workspace_id: &str, key: &str, output_tokens: i64, at: i64) {
    let res = report(app, workspace_id, key, output_tokens, at).await;
    assert_eq!(res.status, 200, "{}", res.body);
}

async fn report(
    app: &TestApp,
    workspace_id: &str,
    key: &str,
    output_tokens: i64,
    at: i64,
) -> common::client::Response {
    let body = json!({ "events": [{ "idempotency_key": key, "workspace_id": workspace_id,
        "model": "mistral-large-latest", "unit": "output_tokens", "quantity": output_tokens,
        "timestamp": at }] });
    common::v1::report_usage(app, body, USAGE_TOKEN).await
}

async fn invoices(ada: &mut Account) -> InvoicesPage {
    let org_id = ada.org_id.clone();
    let res = ada
        .client
        .run(GetInvoices {
            org_id,
            before: None,
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

async fn one_invoice_per_period_even_when_two_processes_close_it(app: TestApp) {
    let app = billing_app(&app, "2026-11-01", 9).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let nov = parse_iso_date("2026-11-01").unwrap();
    // Nov 16, 15 days left: Team with 10 seats, $200 a month, so $100 this period.
    app.db.clock.set(nov + 15 * DAY_MS + 3_600_000);
    ada.client = app.sign_in("ada@example.com").await;
    // 1.5M output tokens of mistral-large-latest (600/M) on Nov 3: $9.00.
    report_usage(&app, &ada.workspace_id, "e1", 1_500_000, nov + 2 * DAY_MS).await;
    let q: Quote = quote(&mut ada, "team", "10").await.json();
    assert_eq!(q.prorated, Money(10_000));
    assert!(change(&mut ada, "team", "10", q.prorated.0).await.status < 400);

    // Nothing to close before the month ends.
    assert_eq!(close_due(&app).await, 0);
    assert!(invoices(&mut ada).await.invoices.is_empty());

    // Usage may be reported for November until an hour into December; then two close it
    // at once, and usage for November is refused.
    let dec = parse_iso_date("2026-12-01").unwrap();
    app.db.clock.set(dec + LATE_USAGE_MS - 1);
    assert_eq!(close_due(&app).await, 0);
    report_usage(&app, &ada.workspace_id, "e2", 0, dec - 1).await;
    app.db.clock.set(dec + LATE_USAGE_MS);
    let (a, b) = tokio::join!(close_due(&app), close_due(&app));
    assert_eq!(a + b, 1, "one invoice, whoever issued it");
    assert_eq!(close_due(&app).await, 0);
    assert_eq!(
        report(&app, &ada.workspace_id, "e3", 1, dec - 1)
            .await
            .status,
        400
    );
    // Weeks passed: the session has expired.
    ada.client = app.sign_in("ada@example.com").await;

    let list = invoices(&mut ada).await;
    assert_eq!(list.invoices.len(), 1);
    let invoice = &list.invoices[0];
    assert_eq!(invoice.period.key(), "2026-11");
    assert_eq!(
        invoice.total,
        Money(10_900),
        "$0 free seats + $100 change + $9 usage"
    );
    assert_eq!(invoice.status, InvoiceStatus::Open);
    assert!(invoice.number.starts_with("INV-"), "{}", invoice.number);

    // Emailed to the Admin while no billing email is set.
    let (to, subject): (String, String) =
        sqlx::query_as("SELECT to_email, subject FROM outbox WHERE subject LIKE 'Invoice%'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(to, "ada@example.com");
    assert!(
        subject.contains(&invoice.number) && subject.contains("$109.00"),
        "{subject}"
    );

    // Printable: the lines as issued, even after the price of the model goes up.
    let dearer = app
        .reconfigured(|c| {
            for p in &mut c.catalogue.prices {
                p.per_million *= 10;
            }
        })
        .await;
    let page = format!(
        "/o/{}/settings/billing/invoices/{}",
        ada.org_id, invoice.number
    );
    let mut client = dearer.sign_in("ada@example.com").await;
    let res = client.get(&page).await;
    assert_eq!(res.status, 200, "{}", res.body);
    for text in [
        "Free plan,",
        "Team plan, 10 seats",
        "Default · mistral-large-latest · output tokens",
        "1,500,000 output tokens",
        "$9.00",
        "$109.00",
    ] {
        assert!(res.body.contains(text), "{text} missing from the invoice");
    }
    // Another organization's Admin and a stranger's number are not found.
    account(&app, "Eve", "eve@example.com").await;
    let mut eve = app.sign_in("eve@example.com").await;
    assert_eq!(eve.get(&page).await.status, 404);
    let missing = format!("/o/{}/settings/billing/invoices/INV-999999", ada.org_id);
    assert_eq!(client.get(&missing).await.status, 404);

    // December's invoice carries the Team seats from its start, and numbers follow on.
    app.db
        .clock
        .set(parse_iso_date("2027-01-01").unwrap() + LATE_USAGE_MS);
    assert_eq!(close_due(&app).await, 2, "Ada's and Eve's organizations");
    ada.client = app.sign_in("ada@example.com").await;
    let list = invoices(&mut ada).await;
    assert_eq!(list.invoices[0].period.key(), "2026-12");
    assert_eq!(list.invoices[0].total, Money(20_000));
}

async fn pay(app: &TestApp, token: &str, body: Value) -> common::client::Response {
    v1_json(app, "POST", "/internal/billing/payments", token, body).await
}

async fn payments_are_recorded_once_and_for_the_whole_total(app: TestApp) {
    let app = billing_app(&app, "2026-11-10", 0).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    report_usage(&app, &ada.workspace_id, "e1", 1_000_000, app.db.now()).await;
    app.db.clock.set(parse_iso_date("2026-12-02").unwrap());
    close_due(&app).await;
    ada.client = app.sign_in("ada@example.com").await;
    let number = invoices(&mut ada).await.invoices[0].number.clone();
    let payment = |amount: i64, reference: &str| json!({ "invoice": number, "amount": amount, "reference": reference });

    for token in ["wrong-token-0123456789", USAGE_TOKEN] {
        assert_eq!(pay(&app, token, payment(600, "tr-1")).await.status, 401);
    }
    let res = pay(&app, PAYMENTS_TOKEN, payment(500, "tr-1")).await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert!(res.body.contains("$6.00"), "{}", res.body);
    let res = pay(
        &app,
        PAYMENTS_TOKEN,
        json!({ "invoice": "INV-999999", "amount": 600, "reference": "tr-1" }),
    )
    .await;
    assert_eq!(res.status, 404);

    let res = pay(&app, PAYMENTS_TOKEN, payment(600, "tr-1")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json::<Value>()["status"], "Paid");
    // The webhook retried: accepted, nothing changes. Another payment: a conflict.
    assert_eq!(
        pay(&app, PAYMENTS_TOKEN, payment(600, "tr-1")).await.status,
        200
    );
    assert_eq!(
        pay(&app, PAYMENTS_TOKEN, payment(600, "tr-2")).await.status,
        409
    );
    assert_eq!(
        invoices(&mut ada).await.invoices[0].status,
        InvoiceStatus::Paid
    );
    // The audit log: the invoice issued by the console, paid once by the provider.
    let entries: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT action, actor_kind, actor_label FROM audit_log \
         WHERE org_id = $1 AND target_kind = 'invoice' ORDER BY seq",
    )
    .bind(&ada.org_id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let expected = [
        ("invoice.issued", "system", "Console"),
        ("invoice.paid", "system", "Payment provider"),
    ];
    let entries: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|(a, k, l)| (a.as_str(), k.as_str(), l.as_str()))
        .collect();
    assert_eq!(entries, expected);

    // An unpaid invoice past its 30 days is overdue, and the subscription past due.
    report_usage(&app, &ada.workspace_id, "e2", 1_000_000, app.db.now()).await;
    app.db
        .clock
        .set(parse_iso_date("2027-01-01").unwrap() + LATE_USAGE_MS);
    close_due(&app).await;
    app.db.clock.advance(31 * DAY_MS);
    ada.client = app.sign_in("ada@example.com").await;
    assert_eq!(
        invoices(&mut ada).await.invoices[0].status,
        InvoiceStatus::Overdue
    );
    let sub = subscription(&mut ada).await;
    assert_eq!(sub.status.label(), "Past due");
}

async fn billing_details_are_checked_and_go_on_the_invoice(app: TestApp) {
    let app = billing_app(&app, "2026-11-10", 0).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let details = |email: &str, address: &str| SaveBillingDetails {
        org_id: ada.org_id.clone(),
        email: email.into(),
        company_name: "Ada Labs <b>Ltd</b>".into(),
        address: address.into(),
        tax_id: "GB123456789".into(),
    };
    let res = ada.client.run(details("not-an-email", "1 Main St")).await;
    assert_eq!((res.status, field_of(&res)), (422, "email".into()));
    let res = ada
        .client
        .run(details("billing@ada.example", "1 Main St\u{7}"))
        .await;
    assert_eq!((res.status, field_of(&res)), (422, "address".into()));
    let res = ada
        .client
        .run(details("billing@ada.example", &"x".repeat(501)))
        .await;
    assert_eq!(field_of(&res), "address");
    let res = ada
        .client
        .run(details("Billing@Ada.example", "1 Main Street\r\nLondon"))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let saved = subscription(&mut ada).await.details;
    assert_eq!(saved.email, "billing@ada.example");
    assert_eq!(saved.address, "1 Main Street\nLondon");

    // Something to pay: an invoice of nothing is listed but not emailed.
    report_usage(&app, &ada.workspace_id, "e1", 1_000_000, app.db.now()).await;
    app.db
        .clock
        .set(parse_iso_date("2026-12-01").unwrap() + LATE_USAGE_MS);
    close_due(&app).await;
    ada.client = app.sign_in("ada@example.com").await;
    let to: String =
        sqlx::query_scalar("SELECT to_email FROM outbox WHERE subject LIKE 'Invoice%'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        to, "billing@ada.example",
        "invoices go to the billing email"
    );
    let number = invoices(&mut ada).await.invoices[0].number.clone();
    let page = format!("/o/{}/settings/billing/invoices/{number}", ada.org_id);
    let body = ada.client.get(&page).await.body;
    assert!(
        body.contains("Ada Labs &#60;b&#62;Ltd"),
        "names are text, not markup"
    );
    assert!(body.contains("GB123456789"));
}

async fn a_kept_usage_report_is_never_stale(app: TestApp) {
    // The clock stands still: only the usage and the names change between views.
    let app = billing_app(&app, "2026-11-10", 0).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let org_usage = |org_id: &str| GetOrgUsage {
        org_id: org_id.to_owned(),
        period: None,
    };
    let org = ada.org_id.clone();
    report_usage(&app, &ada.workspace_id, "e1", 1_000_000, app.db.now()).await;
    let first: UsageReport = ada.client.run(org_usage(&org)).await.json();
    assert_eq!(first.total.cost, Money(600));
    let again: UsageReport = ada.client.run(org_usage(&org)).await.json();
    assert_eq!(again, first);
    report_usage(&app, &ada.workspace_id, "e2", 1_000_000, app.db.now()).await;
    let more: UsageReport = ada.client.run(org_usage(&org)).await.json();
    assert_eq!(more.total.cost, Money(1_200), "new usage shows at once");
    let res = ada
        .client
        .run(RenameWorkspace {
            org_id: org.clone(),
            workspace_id: ada.workspace_id.clone(),
            name: "Research".into(),
        })
        .await;
    assert!(res.status < 400, "{}", res.body);
    let renamed: UsageReport = ada.client.run(org_usage(&org)).await.json();
    assert_eq!(renamed.by_workspace[0].label, "Research");
}
