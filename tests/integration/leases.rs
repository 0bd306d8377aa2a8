//! Budget leases: far from its limits a process admits from room it leased, and the caps,
//! rate limits and ledger still hold to the cent across two processes; what a lease did
//! not use comes back; a lowered cap takes effect at the next request.

use crate::common;

use super::limits::{CENT, page, race, save_rates, save_workspace, spent, sum_of, two_processes};
use super::limits::{complete, limits_app};
use common::v1::key;
use common::{TestApp, account};
use std::time::Duration;
use studio_console::domain::billing::Money;

backend_tests!(
    leases_keep_caps_and_rate_windows_exact_across_two_processes,
    a_lowered_cap_voids_a_lease_at_the_next_request,
);

/// Longer than a lease lives, and the sweep that gives it up.
const LEASES_GIVEN_UP: Duration = Duration::from_millis(2_000);

/// What the ledger holds for running requests and leases, in micros.
async fn reserved(app: &TestApp, ws: &str) -> i64 {
    sum_of(app, "spend_ledger", "reserved", ("scope_id", ws)).await
}

async fn window_requests(app: &TestApp, ws: &str) -> i64 {
    sum_of(app, "rate_windows", "requests", ("workspace_id", ws)).await
}

async fn leases_keep_caps_and_rate_windows_exact_across_two_processes(app: TestApp) {
    let (one, two) = two_processes(&app).await;
    let mut ada = account(&one, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&one, &mut ada, &ws).await;
    // $6: room for 300 completions of 2 cents, far more than four leases' worth.
    let res = save_rates(&mut ada, &ws, "6.00", ("", ""), ("1000", "")).await;
    assert!(res.status < 400, "{}", res.body);
    // Within a process the headers count each request, though the lease counted 32.
    for left in ["999", "998"] {
        let res = complete(&one, &secret).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(
            res.header("x-ratelimit-remaining-requests").as_deref(),
            Some(left)
        );
    }
    assert_eq!(
        one.count("spend_holds").await,
        1,
        "one lease, not a hold each"
    );

    let statuses = race(400, (&one, &two), &secret).await;
    assert!(
        statuses.iter().all(|&s| s == 200 || s == 429),
        "{statuses:?}"
    );
    let admitted = 2 + statuses.iter().filter(|&&s| s == 200).count() as i64;
    assert!(admitted <= 300, "{admitted} admitted");
    assert_eq!(spent(&one, &ws).await, admitted * 2 * CENT);

    // What the leases did not use comes back, and with it the last of the budget.
    tokio::time::sleep(LEASES_GIVEN_UP).await;
    let mut more = 0;
    while complete(&one, &secret).await.status == 200 {
        more += 1;
    }
    assert_eq!(spent(&one, &ws).await, 600 * CENT, "{admitted} + {more}");
    assert_eq!(page(&mut ada).await.workspaces[0].spent, Money(600));
    tokio::time::sleep(LEASES_GIVEN_UP).await;
    assert_eq!(one.count("spend_holds").await, 0);
    assert_eq!(reserved(&one, &ws).await, 0);
    // The rate window counts the requests admitted, not the room leases took.
    assert_eq!(window_requests(&one, &ws).await, 300);
}

async fn a_lowered_cap_voids_a_lease_at_the_next_request(app: TestApp) {
    let app = limits_app(&app).await;
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let secret = key(&app, &mut ada, &ws).await;
    assert!(save_workspace(&mut ada, &ws, "6.00", ("", "")).await.status < 400);
    for _ in 0..3 {
        assert_eq!(complete(&app, &secret).await.status, 200);
    }
    assert_eq!(app.count("spend_holds").await, 1, "a lease");
    // Lowered to what is spent: the lease's room does not outlive the cap it came under.
    assert!(save_workspace(&mut ada, &ws, "0.06", ("", "")).await.status < 400);
    let res = complete(&app, &secret).await;
    assert_eq!(res.status, 429, "{}", res.body);
    assert_eq!(spent(&app, &ws).await, 6 * CENT);
    assert_eq!(reserved(&app, &ws).await, 0);
    assert_eq!(app.count("spend_holds").await, 0);
    // Raised again: admitted at once.
    assert!(save_workspace(&mut ada, &ws, "6.00", ("", "")).await.status < 400);
    assert_eq!(complete(&app, &secret).await.status, 200);
}
