//! Email verification, changing the address, and passwords (changed, forgotten, reset),
//! with the emails read from a mail sink on loopback, on SQLite and PostgreSQL.

use crate::common;

use common::smtp::{Mode, Sink, start};
use common::{PASSWORD, TestApp, signed_up};
use studio_console::api::account::{
    ChangeEmail, ChangePassword, GetAccount, GetPasswordResetLanding, RequestPasswordReset,
    ResendVerification, ResetPassword, VerifyEmail,
};
use studio_console::api::auth::{GetCurrentUser, SignIn};
use studio_console::domain::account_links::{AccountView, ResetLanding};
use studio_console::domain::shell::CurrentUser;
use studio_console::server::ids::secret_hash;

backend_tests!(
    sign_up_sends_a_link_that_confirms_the_address_once,
    verification_links_expire_and_a_newer_one_replaces_the_older,
    resending_is_limited_to_five_links_an_hour,
    a_new_address_takes_effect_when_its_link_is_opened,
    a_new_address_taken_meanwhile_is_refused_at_confirmation,
    reset_answers_alike_for_every_address_and_ends_every_session,
    a_reset_link_works_once_for_an_hour,
    changing_the_password_ends_the_other_sessions_and_reset_links,
    an_invitations_link_confirms_no_address,
    one_link_opened_twice_at_once_works_once,
    a_new_address_ends_reset_links_and_a_reset_ends_address_changes,
    malformed_links_are_dead_without_costing_a_password_hash,
    confirming_and_changing_the_address_do_not_cancel_each_other,
    a_session_ended_meanwhile_is_not_saved_back,
);

/// The same database, with its mail going to a sink on loopback.
async fn with_mail(app: &TestApp) -> (TestApp, Sink) {
    let sink = start(Mode::Plain, &app.config.data_dir.join("smtp")).await;
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let app = app.reconfigured(|c| c.smtp_url = Some(url)).await;
    (app, sink)
}

/// The messages sent to `to` so far, quoted-printable soft breaks undone.
fn mail_to(sink: &Sink, to: &str) -> Vec<String> {
    let header = format!("To: {to}\r\n");
    sink.received
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.data.contains(&header))
        .map(|m| m.data.replace("=\r\n", ""))
        .collect()
}

/// The secret of the `nth` link (0-based) to `path` sent to `to`, waiting for it to arrive.
async fn link(sink: &Sink, to: &str, path: &str, nth: usize) -> String {
    for _ in 0..250 {
        let tokens: Vec<String> = mail_to(sink, to)
            .iter()
            .filter_map(|m| {
                let at = m.find(path)? + path.len();
                Some(m[at..at + 64].to_owned())
            })
            .collect();
        if let Some(token) = tokens.get(nth) {
            assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
            return token.clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no link #{nth} to {path} reached {to}");
}

async fn me(client: &mut common::Client) -> Option<CurrentUser> {
    let res = client.run(GetCurrentUser {}).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> (u16, common::Client) {
    let mut client = app.client();
    let res = client
        .run(SignIn {
            email: email.into(),
            password: password.into(),
            next: None,
        })
        .await;
    (res.status, client)
}

async fn sign_up_sends_a_link_that_confirms_the_address_once(app: TestApp) {
    let (app, sink) = with_mail(&app).await;
    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    assert!(!me(&mut ada).await.unwrap().email_verified);
    let token = link(&sink, "ada@example.com", "/verify-email/", 0).await;
    // Only the hash is stored.
    let stored = |hash: String| {
        let pool = app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM account_links WHERE token_hash = $1")
                .bind(hash)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(stored(token.clone()).await, 0);
    assert_eq!(stored(secret_hash(&token)).await, 1);
    // Fetching the link's page uses nothing up.
    assert_eq!(ada.get(&format!("/verify-email/{token}")).await.status, 200);
    assert!(!me(&mut ada).await.unwrap().email_verified);

    // Opened signed out (another browser): having the link is the proof.
    let mut other = app.client();
    let res = other
        .run(VerifyEmail {
            token: token.clone(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(me(&mut ada).await.unwrap().email_verified);
    let again = other.run(VerifyEmail { token }).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.error().field(), Some("token"));
    let bogus = other
        .run(VerifyEmail {
            token: "0".repeat(64),
        })
        .await;
    assert_eq!(bogus.status, 409);
    // Nothing left to resend.
    assert_eq!(ada.run(ResendVerification {}).await.status, 409);
}

async fn verification_links_expire_and_a_newer_one_replaces_the_older(app: TestApp) {
    let (app, sink) = with_mail(&app).await;
    let start_ms = 1_800_000_000_000;
    app.db.clock.set(start_ms);
    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    let first = link(&sink, "ada@example.com", "/verify-email/", 0).await;
    assert_eq!(ada.run(ResendVerification {}).await.status, 200);
    let second = link(&sink, "ada@example.com", "/verify-email/", 1).await;
    assert_ne!(first, second);
    assert_eq!(ada.run(VerifyEmail { token: first }).await.status, 409);
    // 48 hours: the last millisecond works, the next does not.
    app.db.clock.set(start_ms + 48 * 3_600_000);
    assert_eq!(ada.run(VerifyEmail { token: second }).await.status, 409);
    assert_eq!(ada.run(ResendVerification {}).await.status, 200);
    let third = link(&sink, "ada@example.com", "/verify-email/", 2).await;
    app.db.clock.advance(48 * 3_600_000 - 1);
    assert_eq!(ada.run(VerifyEmail { token: third }).await.status, 200);
    assert!(me(&mut ada).await.unwrap().email_verified);
}

async fn resending_is_limited_to_five_links_an_hour(app: TestApp) {
    let (app, sink) = with_mail(&app).await;
    app.db.clock.set(1_800_000_000_000);
    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    for _ in 0..4 {
        app.db.clock.advance(60_000);
        assert_eq!(ada.run(ResendVerification {}).await.status, 200);
    }
    let refused = ada.run(ResendVerification {}).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    let wait: i64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert_eq!(wait, 60 * 60 - 4 * 60);
    link(&sink, "ada@example.com", "/verify-email/", 4).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(mail_to(&sink, "ada@example.com").len(), 5);
    // Once the sign-up's link is an hour old, one more may go.
    app.db.clock.advance(wait * 1000);
    assert_eq!(ada.run(ResendVerification {}).await.status, 200);
}

async fn a_new_address_takes_effect_when_its_link_is_opened(app: TestApp) {
    let (app, sink) = with_mail(&app).await;
    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    let change = |email: &str, password: &str| ChangeEmail {
        email: email.into(),
        password: password.into(),
    };
    let wrong = ada.run(change("ada@new.example", "not my password")).await;
    assert_eq!(wrong.status, 422);
    assert_eq!(wrong.error().field(), Some("password"));
    let same = ada.run(change("ADA@example.com", PASSWORD)).await;
    assert_eq!(same.error().field(), Some("email"));
    let bad = ada.run(change("not an address", PASSWORD)).await;
    assert_eq!(bad.error().field(), Some("email"));
    assert_eq!(
        ada.run(change("Ada@New.example", PASSWORD)).await.status,
        200
    );
    let account: AccountView = ada.run(GetAccount {}).await.json();
    assert_eq!(account.email, "ada@example.com");
    assert_eq!(account.pending_email.as_deref(), Some("ada@new.example"));

    let token = link(&sink, "ada@new.example", "/verify-email/", 0).await;
    assert!(mail_to(&sink, "ada@new.example")[0].contains("Confirm your new email address"));
    assert_eq!(ada.run(VerifyEmail { token }).await.status, 200);
    let account: AccountView = ada.run(GetAccount {}).await.json();
    assert_eq!(account.email, "ada@new.example");
    assert!(account.email_verified);
    assert_eq!(account.pending_email, None);
    // The sign-up's link for the old address ended with the change.
    let old = link(&sink, "ada@example.com", "/verify-email/", 0).await;
    assert_eq!(ada.run(VerifyEmail { token: old }).await.status, 409);
    assert_eq!(sign_in(&app, "ada@new.example", PASSWORD).await.0, 200);
    assert_eq!(sign_in(&app, "ada@example.com", PASSWORD).await.0, 401);
}

async fn a_new_address_taken_meanwhile_is_refused_at_confirmation(app: TestApp) {
    let (app, sink) = with_mail(&app).await;
    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    let res = ada
        .run(ChangeEmail {
            email: "bob@example.com".into(),
            password: PASSWORD.into(),
        })
        .await;
    assert_eq!(res.status, 200);
    signed_up(&app, "Bob", "bob@example.com").await;
    let token = link(&sink, "bob@example.com", "/verify-email/", 0).await;
    let clash = ada.run(VerifyEmail { token }).await;
    assert_eq!(clash.status, 409, "{}", clash.body);
    assert_eq!(clash.error().field(), Some("email"));
    let account: AccountView = ada.run(GetAccount {}).await.json();
    assert_eq!(account.email, "ada@example.com");
}

async fn reset_answers_alike_for_every_address_and_ends_every_session(app: TestApp) {
    let (app, sink) = with_mail(&app).await;
    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    let (_, mut ada_laptop) = sign_in(&app, "ada@example.com", PASSWORD).await;
    let mut stranger = app.client();
    let known = stranger
        .run(RequestPasswordReset {
            email: "ADA@example.com".into(),
        })
        .await;
    let unknown = stranger
        .run(RequestPasswordReset {
            email: "nobody@example.com".into(),
        })
        .await;
    assert_eq!((known.status, unknown.status), (200, 200));
    assert_eq!(known.body, unknown.body);
    assert_eq!(known.header("location"), unknown.header("location"));
    let bad = stranger
        .run(RequestPasswordReset {
            email: "nobody".into(),
        })
        .await;
    assert_eq!(bad.error().field(), Some("email"));

    let token = link(&sink, "ada@example.com", "/reset-password/", 0).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(mail_to(&sink, "nobody@example.com").is_empty());
    let landing: ResetLanding = stranger
        .run(GetPasswordResetLanding {
            token: token.clone(),
        })
        .await
        .json();
    assert_eq!(landing.email, "ada@example.com");

    let short = stranger
        .run(ResetPassword {
            token: token.clone(),
            password: "short".into(),
        })
        .await;
    assert_eq!(short.error().field(), Some("password"));
    let res = stranger
        .run(ResetPassword {
            token: token.clone(),
            password: "a brand new passphrase".into(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    // Every earlier session ended; the resetting browser is signed in, and the link
    // proved the address.
    assert_eq!(me(&mut ada).await, None);
    assert_eq!(me(&mut ada_laptop).await, None);
    let now = me(&mut stranger).await.expect("signed in after the reset");
    assert!(now.email_verified);
    assert_eq!(sign_in(&app, "ada@example.com", PASSWORD).await.0, 401);
    assert_eq!(
        sign_in(&app, "ada@example.com", "a brand new passphrase")
            .await
            .0,
        200
    );
}

async fn a_reset_link_works_once_for_an_hour(app: TestApp) {
    let (app, sink) = with_mail(&app).await;
    let start_ms = 1_800_000_000_000;
    app.db.clock.set(start_ms);
    signed_up(&app, "Ada", "ada@example.com").await;
    let mut anyone = app.client();
    let ask = RequestPasswordReset {
        email: "ada@example.com".into(),
    };
    assert_eq!(anyone.run(ask.clone()).await.status, 200);
    let first = link(&sink, "ada@example.com", "/reset-password/", 0).await;
    app.db.clock.set(start_ms + 3_600_000);
    let landing = anyone
        .run(GetPasswordResetLanding {
            token: first.clone(),
        })
        .await;
    assert_eq!(landing.status, 404, "an hour old");
    let page = anyone.get(&format!("/reset-password/{first}")).await;
    assert_eq!(page.status, 404);
    assert!(
        page.body.contains("This link no longer works"),
        "{}",
        page.body
    );
    assert_eq!(anyone.run(ask.clone()).await.status, 200);
    let second = link(&sink, "ada@example.com", "/reset-password/", 1).await;
    assert_eq!(anyone.run(ask).await.status, 200);
    let third = link(&sink, "ada@example.com", "/reset-password/", 2).await;
    let reset = |token: &str| ResetPassword {
        token: token.into(),
        password: "another passphrase".into(),
    };
    assert_eq!(anyone.run(reset(&second)).await.status, 409, "replaced");
    assert_eq!(anyone.run(reset(&third)).await.status, 200);
    assert_eq!(anyone.run(reset(&third)).await.status, 409, "used");
}

async fn changing_the_password_ends_the_other_sessions_and_reset_links(app: TestApp) {
    let (app, sink) = with_mail(&app).await;
    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    let (_, mut laptop) = sign_in(&app, "ada@example.com", PASSWORD).await;
    let mut anyone = app.client();
    let ask = RequestPasswordReset {
        email: "ada@example.com".into(),
    };
    assert_eq!(anyone.run(ask).await.status, 200);
    let reset_token = link(&sink, "ada@example.com", "/reset-password/", 0).await;

    let change = |current: &str, new: &str| ChangePassword {
        current_password: current.into(),
        new_password: new.into(),
    };
    let both_bad = ada.run(change("", "short")).await;
    assert_eq!(both_bad.status, 422);
    assert!(both_bad.error().field_message("current_password").is_some());
    assert!(both_bad.error().field_message("new_password").is_some());
    let wrong = ada.run(change("not it", "a fine new passphrase")).await;
    assert_eq!(wrong.error().field(), Some("current_password"));
    let res = ada.run(change(PASSWORD, "a fine new passphrase")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(me(&mut ada).await.is_some(), "this session stays");
    assert_eq!(me(&mut laptop).await, None, "the other one ends");
    let stale = anyone
        .run(ResetPassword {
            token: reset_token,
            password: "sneaky passphrase".into(),
        })
        .await;
    assert_eq!(stale.status, 409, "a reset link dies with the old password");
    assert_eq!(
        sign_in(&app, "ada@example.com", "a fine new passphrase")
            .await
            .0,
        200
    );
}

/// An admin's "Copy link" hands an invitation's link to anyone, and anyone may create an
/// organization and invite any address: accepting a link never confirms the address, or
/// a person could confirm another's address and be shown that person's invitations.
async fn an_invitations_link_confirms_no_address(app: TestApp) {
    use studio_console::api::invitations::{AcceptInvitation, GetYourInvitations, SignUpInvited};
    use studio_console::api::members::{GetInvitationLink, SendInvitations};
    use studio_console::domain::invitations::{FreshLink, YourInvitations};
    let (app, sink) = with_mail(&app).await;
    let invite = |org_id: String, email: &str| SendInvitations {
        org_id,
        emails: email.into(),
        role: "member".into(),
        workspaces: None,
    };
    // Corp invites its CFO. Mallory signs up as the CFO, and from her own organization
    // invites that address and copies the link.
    let mut corp = common::account(&app, "Corp Admin", "admin@corp.example").await;
    let res = corp
        .client
        .run(invite(corp.org_id.clone(), "cfo@corp.example"))
        .await;
    assert_eq!(res.status, 200);
    let mut mallory = common::account(&app, "Mallory", "cfo@corp.example").await;
    let mut evil = common::account(&app, "Mallory again", "mal@evil.example").await;
    let res = evil
        .client
        .run(invite(evil.org_id.clone(), "cfo@corp.example"))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let inv_id: String = sqlx::query_scalar("SELECT id FROM invitations WHERE org_id = $1")
        .bind(&evil.org_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let link: FreshLink = evil
        .client
        .run(GetInvitationLink {
            org_id: evil.org_id.clone(),
            invitation_id: inv_id,
        })
        .await
        .json();
    let token = link.url.rsplit('/').next().unwrap().to_owned();
    let res = mallory.client.run(AcceptInvitation { token }).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(!me(&mut mallory.client).await.unwrap().email_verified);
    let shown: YourInvitations = mallory
        .client
        .run(GetYourInvitations { joined: None })
        .await
        .json();
    assert!(
        shown.invitations.is_empty(),
        "Corp's invitation stays hidden"
    );

    // Signing up through an emailed invitation's link: the address is confirmed by its own
    // link, as any.
    let res = corp
        .client
        .run(invite(corp.org_id.clone(), "ivy@example.com"))
        .await;
    assert_eq!(res.status, 200);
    let token = link_to(&sink, "ivy@example.com", "/invite/").await;
    let mut ivy = app.client();
    let res = ivy
        .run(SignUpInvited {
            token,
            name: "Ivy".into(),
            password: PASSWORD.into(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(!me(&mut ivy).await.unwrap().email_verified);
    let confirm = link_to(&sink, "ivy@example.com", "/verify-email/").await;
    assert_eq!(ivy.run(VerifyEmail { token: confirm }).await.status, 200);
    assert!(me(&mut ivy).await.unwrap().email_verified);
}

/// The first link to `path` sent to `to`.
async fn link_to(sink: &Sink, to: &str, path: &str) -> String {
    link(sink, to, path, 0).await
}

async fn one_link_opened_twice_at_once_works_once(app: TestApp) {
    let (app, sink) = with_mail(&app).await;
    signed_up(&app, "Ada", "ada@example.com").await;
    let token = link(&sink, "ada@example.com", "/verify-email/", 0).await;
    let (mut a, mut b) = (app.client(), app.client());
    let (ra, rb) = tokio::join!(
        a.run(VerifyEmail {
            token: token.clone()
        }),
        b.run(VerifyEmail { token })
    );
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", ra.body, rb.body);
}

async fn a_new_address_ends_reset_links_and_a_reset_ends_address_changes(app: TestApp) {
    let (app, sink) = with_mail(&app).await;
    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    let mut anyone = app.client();
    let ask = |email: &str| RequestPasswordReset {
        email: email.into(),
    };
    // A reset link to the old address dies when the address changes.
    assert_eq!(anyone.run(ask("ada@example.com")).await.status, 200);
    let old_reset = link(&sink, "ada@example.com", "/reset-password/", 0).await;
    let change = |email: &str| ChangeEmail {
        email: email.into(),
        password: PASSWORD.into(),
    };
    assert_eq!(ada.run(change("ada@new.example")).await.status, 200);
    let token = link(&sink, "ada@new.example", "/verify-email/", 0).await;
    assert_eq!(ada.run(VerifyEmail { token }).await.status, 200);
    let res = anyone
        .run(ResetPassword {
            token: old_reset,
            password: "taken over at last".into(),
        })
        .await;
    assert_eq!(res.status, 409, "{}", res.body);

    // A change of address asked for before a reset dies with the reset (whoever asked may
    // have had the old password).
    assert_eq!(ada.run(change("mallory@evil.example")).await.status, 200);
    let stolen = link(&sink, "mallory@evil.example", "/verify-email/", 0).await;
    assert_eq!(anyone.run(ask("ada@new.example")).await.status, 200);
    let reset = link(&sink, "ada@new.example", "/reset-password/", 0).await;
    let res = anyone
        .run(ResetPassword {
            token: reset,
            password: "mine again, all mine".into(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        app.client().run(VerifyEmail { token: stolen }).await.status,
        409
    );
    let (status, mut back) = sign_in(&app, "ada@new.example", "mine again, all mine").await;
    assert_eq!(status, 200);
    let account: AccountView = back.run(GetAccount {}).await.json();
    assert_eq!(account.email, "ada@new.example");
}

async fn malformed_links_are_dead_without_costing_a_password_hash(app: TestApp) {
    let mut anyone = app.client();
    for token in ["", "zz", &"0".repeat(65), &"x".repeat(10_000)] {
        let res = anyone
            .run(ResetPassword {
                token: token.to_owned(),
                password: "a fine passphrase".into(),
            })
            .await;
        assert_eq!(res.status, 409, "{token:.20}");
        let landing = anyone
            .run(GetPasswordResetLanding {
                token: token.to_owned(),
            })
            .await;
        assert_eq!(landing.status, 404, "{token:.20}");
        let verify = anyone
            .run(VerifyEmail {
                token: token.to_owned(),
            })
            .await;
        assert_eq!(verify.status, 409, "{token:.20}");
    }
    assert_eq!(app.count("account_links").await, 0);
}

async fn confirming_and_changing_the_address_do_not_cancel_each_other(app: TestApp) {
    let (app, sink) = with_mail(&app).await;
    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    let own = link(&sink, "ada@example.com", "/verify-email/", 0).await;
    let res = ada
        .run(ChangeEmail {
            email: "ada@new.example".into(),
            password: PASSWORD.into(),
        })
        .await;
    assert_eq!(res.status, 200);
    // The sign-up's link still confirms the current address, and the change stays pending.
    assert_eq!(ada.run(VerifyEmail { token: own }).await.status, 200);
    let account: AccountView = ada.run(GetAccount {}).await.json();
    assert!(account.email_verified);
    assert_eq!(account.pending_email.as_deref(), Some("ada@new.example"));
    let change = link(&sink, "ada@new.example", "/verify-email/", 0).await;
    assert_eq!(ada.run(VerifyEmail { token: change }).await.status, 200);
    let account: AccountView = ada.run(GetAccount {}).await.json();
    assert_eq!(account.email, "ada@new.example");
}

async fn a_session_ended_meanwhile_is_not_saved_back(app: TestApp) {
    use std::collections::HashMap;
    use studio_console::server::session::DbSessionStore;
    use tower_sessions::cookie::time::{Duration, OffsetDateTime};
    use tower_sessions::session::{Id, Record};
    use tower_sessions::session_store::SessionStore;
    let store = DbSessionStore::new(app.db.clone(), Default::default());
    let mut record = Record {
        id: Id::default(),
        data: HashMap::from([("user_id".to_owned(), serde_json::json!("usr_1"))]),
        expiry_date: OffsetDateTime::now_utc() + Duration::days(1),
    };
    store.create(&mut record).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_some());
    // A password reset ends the account's sessions while a request still holds this one.
    studio_console::server::repo::sessions::end_for_user(&app.db.pool, "usr_1", None)
        .await
        .unwrap();
    record
        .data
        .insert("seen".to_owned(), serde_json::json!(true));
    store.save(&record).await.unwrap();
    assert!(
        store.load(&record.id).await.unwrap().is_none(),
        "resurrected"
    );
}
