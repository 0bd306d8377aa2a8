//! Sessions people can see and end: listed with where and when, one ended or all the
//! others, idle and absolute expiry on a clock the test moves, and activity written at
//! most every few minutes rather than on every request.

use crate::common;

use common::{TestApp, account};
use studio_console::api::account::GetAccount;
use studio_console::api::sessions::{EndOtherSessions, EndSession, GetSessions};
use studio_console::domain::calendar::DAY_MS;
use studio_console::domain::sessions::{SessionsPage, TOUCH_EVERY_MS};

backend_tests!(
    sessions_are_listed_and_exactly_the_chosen_one_ends,
    signing_out_everywhere_else_keeps_this_session,
    a_session_ends_idle_or_at_its_absolute_limit,
    activity_is_written_at_most_every_few_minutes,
);

async fn sessions(client: &mut common::Client) -> SessionsPage {
    let res = client.run(GetSessions {}).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

async fn account_status(client: &mut common::Client) -> u16 {
    client.run(GetAccount {}).await.status
}

async fn sessions_are_listed_and_exactly_the_chosen_one_ends(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let mut laptop = app.sign_in("ada@example.com").await;
    let mut phone = app.sign_in("ada@example.com").await;
    let page = sessions(&mut laptop).await;
    assert_eq!(page.sessions.len(), 3);
    assert_eq!(page.sessions.iter().filter(|s| s.current).count(), 1);
    assert_eq!((page.idle_days, page.max_days), (7, 30));
    let laptop_id = page.sessions.iter().find(|s| s.current).unwrap().id.clone();
    // From the phone, end the laptop's session: only it ends.
    let res = phone
        .run(EndSession {
            id: laptop_id.clone(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(account_status(&mut laptop).await, 401);
    assert_eq!(account_status(&mut phone).await, 200);
    assert_eq!(account_status(&mut ada.client).await, 200);
    assert_eq!(sessions(&mut phone).await.sessions.len(), 2);
    // Someone else's session, or one already ended, is not found.
    let mut eve = account(&app, "Eve", "eve@example.com").await;
    let ada_id = sessions(&mut ada.client).await.sessions[0].id.clone();
    assert_eq!(eve.client.run(EndSession { id: ada_id }).await.status, 404);
    assert_eq!(phone.run(EndSession { id: laptop_id }).await.status, 404);
    // No secret leaves the server: the listed ids are not the cookies' ids.
    let cookie = phone.cookie.clone().unwrap();
    assert!(
        sessions(&mut phone)
            .await
            .sessions
            .iter()
            .all(|s| !cookie.contains(&s.id[4..]))
    );
}

async fn signing_out_everywhere_else_keeps_this_session(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let mut other = app.sign_in("ada@example.com").await;
    let mut bob = account(&app, "Bob", "bob@example.com").await;
    let res = ada.client.run(EndOtherSessions {}).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(account_status(&mut other).await, 401);
    assert_eq!(account_status(&mut ada.client).await, 200);
    assert_eq!(
        account_status(&mut bob.client).await,
        200,
        "another person's sessions stay"
    );
    assert_eq!(sessions(&mut ada.client).await.sessions.len(), 1);
}

async fn a_session_ends_idle_or_at_its_absolute_limit(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let mut idle = app.sign_in("ada@example.com").await;
    // Used every six days, a session lives on; left alone for more than seven, it ends.
    for _ in 0..4 {
        app.db.clock.advance(6 * DAY_MS);
        assert_eq!(account_status(&mut ada.client).await, 200);
    }
    assert_eq!(account_status(&mut idle).await, 401, "idle for 24 days");
    // 30 days after signing in it ends, however active.
    app.db.clock.advance(5 * DAY_MS);
    assert_eq!(
        account_status(&mut ada.client).await,
        200,
        "29 days after sign-in"
    );
    app.db.clock.advance(2 * DAY_MS);
    assert_eq!(
        account_status(&mut ada.client).await,
        401,
        "31 days after sign-in"
    );
    let mut again = app.sign_in("ada@example.com").await;
    assert_eq!(account_status(&mut again).await, 200);
}

async fn activity_is_written_at_most_every_few_minutes(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let seen = || async {
        let v: Vec<Option<i64>> =
            sqlx::query_scalar("SELECT seen_at FROM sessions WHERE user_id IS NOT NULL")
                .fetch_all(&app.db.pool)
                .await
                .unwrap();
        v[0].unwrap()
    };
    let first = seen().await;
    app.db.clock.advance(TOUCH_EVERY_MS / 2);
    for _ in 0..5 {
        assert_eq!(account_status(&mut ada.client).await, 200);
    }
    assert_eq!(
        seen().await,
        first,
        "reading pages within minutes writes nothing"
    );
    app.db.clock.advance(TOUCH_EVERY_MS);
    assert_eq!(account_status(&mut ada.client).await, 200);
    // The clock also runs on by itself: a second is slack enough.
    let moved = seen().await - first;
    let expected = TOUCH_EVERY_MS / 2 + TOUCH_EVERY_MS;
    assert!(
        (expected..expected + 1000).contains(&moved),
        "seen {moved} ms later"
    );
}
