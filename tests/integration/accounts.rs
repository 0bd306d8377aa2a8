//! Sign-up, sign-in, sessions and the cross-site guard, on SQLite and PostgreSQL.

use crate::common;

use common::{TestApp, signed_up};
use studio_console::api::auth::{GetCurrentUser, SignIn, SignOut, SignUp};
use studio_console::api::shell::LoadShell;
use studio_console::domain::shell::{CurrentUser, ShellData};
use studio_console::domain::{Error, paths};

backend_tests!(
    sign_up_creates_one_org_one_workspace_two_memberships,
    sign_up_rejects_bad_input_naming_each_field_and_stores_nothing,
    duplicate_email_in_any_letter_case_is_refused,
    long_password_is_accepted_whole,
    wrong_password_and_unknown_email_get_the_same_answer,
    session_cookie_flags,
    secure_cookie_when_configured,
    session_id_changes_at_sign_in,
    old_cookie_is_dead_after_sign_out,
    sessions_are_stored_hashed_and_survive_a_restart,
    cross_origin_post_is_refused_and_changes_nothing,
    landing_sends_visitors_where_they_belong,
    hostile_links_neither_redirect_away_nor_speak,
    failed_sign_ins_are_throttled,
    security_headers_on_pages_and_the_rest,
    static_files_are_served_precompressed_and_cached,
    every_console_form_works_without_javascript,
    server_function_bodies_are_bounded,
    another_users_organization_is_not_found,
    forms_work_without_javascript,
    health_reports_the_database,
    while_the_database_is_down_requests_get_503_at_once,
);

async fn current_user(client: &mut common::Client) -> Option<CurrentUser> {
    let res = client.run(GetCurrentUser {}).await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

async fn sign_up_creates_one_org_one_workspace_two_memberships(app: TestApp) {
    let mut ada = signed_up(&app, "Ada Lovelace", "ada@example.com").await;
    assert_eq!(app.count("users").await, 1);
    assert_eq!(app.count("organizations").await, 1);
    assert_eq!(app.count("workspaces").await, 1);
    assert_eq!(app.count("org_members").await, 1);
    assert_eq!(app.count("workspace_members").await, 1);

    let (org_id, org_name): (String, String) = sqlx::query_as("SELECT id, name FROM organizations")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(org_name, "Ada Lovelace's Organization");
    assert!(org_id.starts_with("org_"));
    let (ws_id, ws_name, is_default): (String, String, i64) =
        sqlx::query_as("SELECT id, name, is_default FROM workspaces WHERE org_id = $1")
            .bind(&org_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((ws_name.as_str(), is_default), ("Default", 1));
    let org_role: String = sqlx::query_scalar("SELECT role FROM org_members")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let ws_role: String = sqlx::query_scalar("SELECT role FROM workspace_members")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!((org_role.as_str(), ws_role.as_str()), ("admin", "admin"));

    // Signed in, and the shell shows the new organization and workspace.
    let me = current_user(&mut ada)
        .await
        .expect("signed in after sign-up");
    assert_eq!(me.email, "ada@example.com");
    let res = ada
        .run(LoadShell {
            org_id: org_id.to_owned(),
            workspace_id: Some(ws_id.to_owned()),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let shell: ShellData = res.json();
    assert_eq!(shell.org.name, "Ada Lovelace's Organization");
    assert_eq!(shell.workspace.map(|w| w.name).as_deref(), Some("Default"));
}

async fn sign_up_rejects_bad_input_naming_each_field_and_stores_nothing(app: TestApp) {
    let mut client = app.client();
    let res = client
        .run(SignUp {
            name: "  ".into(),
            email: "not-an-email".into(),
            password: "short".into(),
        })
        .await;
    assert_eq!(res.status, 422, "{}", res.body);
    let err = res.error();
    assert_eq!(
        err.field_message("name").as_deref(),
        Some("Name is required.")
    );
    assert!(
        err.field_message("email")
            .unwrap()
            .contains("not a valid email"),
        "{err:?}"
    );
    assert!(
        err.field_message("password")
            .unwrap()
            .contains("at least 8"),
        "{err:?}"
    );
    assert_eq!(app.count("users").await, 0);
    assert_eq!(app.count("organizations").await, 0);
    assert!(client.cookie.is_none() || current_user(&mut client).await.is_none());
}

async fn duplicate_email_in_any_letter_case_is_refused(app: TestApp) {
    signed_up(&app, "Ada", "ada@example.com").await;
    let mut other = app.client();
    let res = other
        .run(SignUp {
            name: "Imposter".into(),
            email: " ADA@Example.COM ".into(),
            password: "another password".into(),
        })
        .await;
    assert_eq!(res.status, 409, "{}", res.body);
    let err = res.error();
    assert!(
        err.field_message("email")
            .unwrap()
            .contains("already exists"),
        "{err:?}"
    );
    assert_eq!(app.count("users").await, 1);
    assert_eq!(app.count("organizations").await, 1);
    assert_eq!(app.count("workspaces").await, 1);
}

async fn long_password_is_accepted_whole(app: TestApp) {
    let long = "a very long passphrase that keeps going ".repeat(3);
    assert!(long.len() > 64);
    let mut client = app.client();
    let res = client
        .run(SignUp {
            name: "Grace".into(),
            email: "grace@example.com".into(),
            password: long.to_owned(),
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let mut fresh = app.client();
    let ok = fresh
        .run(SignIn {
            email: "grace@example.com".into(),
            password: long.to_owned(),
            next: None,
        })
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    // Only the last character differs: a truncating hash would let this in.
    let mut almost = long.clone();
    almost.pop();
    almost.push('!');
    let mut fresh = app.client();
    let bad = fresh
        .run(SignIn {
            email: "grace@example.com".into(),
            password: almost.to_owned(),
            next: None,
        })
        .await;
    assert_eq!(bad.status, 401);
}

async fn wrong_password_and_unknown_email_get_the_same_answer(app: TestApp) {
    signed_up(&app, "Ada", "ada@example.com").await;
    let mut c = app.client();
    let wrong = c
        .run(SignIn {
            email: "ada@example.com".into(),
            password: "wrong password".into(),
            next: None,
        })
        .await;
    let unknown = c
        .run(SignIn {
            email: "nobody@example.com".into(),
            password: "wrong password".into(),
            next: None,
        })
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!((wrong.status, &wrong.body), (unknown.status, &unknown.body));
    assert_eq!(wrong.error(), Error::BadCredentials);
    assert!(wrong.session_set_cookie().is_none() && unknown.session_set_cookie().is_none());
}

async fn session_cookie_flags(app: TestApp) {
    let mut c = app.client();
    let res = c
        .run(SignUp {
            name: "Ada".into(),
            email: "ada@example.com".into(),
            password: "12345678".into(),
        })
        .await;
    let line = res
        .session_set_cookie()
        .expect("session cookie set at sign-up");
    assert!(line.contains("HttpOnly"), "{line}");
    assert!(line.contains("SameSite=Lax"), "{line}");
    assert!(line.contains("Path=/"), "{line}");
    assert!(
        !line.contains("Secure"),
        "COOKIE_SECURE is off by default: {line}"
    );
}

async fn secure_cookie_when_configured(app: TestApp) {
    let secure = app.reconfigured(|c| c.cookie_secure = true).await;
    let mut c = secure.client();
    let res = c
        .run(SignUp {
            name: "Ada".into(),
            email: "ada@example.com".into(),
            password: "12345678".into(),
        })
        .await;
    let line = res.session_set_cookie().expect("session cookie");
    assert!(line.contains("Secure"), "{line}");
}

async fn session_id_changes_at_sign_in(app: TestApp) {
    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    let before = ada.cookie.clone().expect("cookie after sign-up");
    let res = ada
        .run(SignIn {
            email: "ada@example.com".into(),
            password: "correct horse battery".into(),
            next: None,
        })
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let after = ada.cookie.clone().expect("cookie after sign-in");
    assert_ne!(before, after, "sign-in must issue a new session id");
    assert!(current_user(&mut ada).await.is_some());
    // The id from before sign-in is worthless now.
    let mut replay = app.client();
    replay.cookie = Some(before);
    assert!(current_user(&mut replay).await.is_none());
}

async fn old_cookie_is_dead_after_sign_out(app: TestApp) {
    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    let cookie = ada.cookie.clone().expect("cookie");
    assert_eq!(app.count("sessions").await, 1);
    let res = ada.run(SignOut { next: None }).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        app.count("sessions").await,
        0,
        "sign-out deletes the session row"
    );
    let mut replay = app.client();
    replay.cookie = Some(cookie);
    assert!(current_user(&mut replay).await.is_none());
}

async fn sessions_are_stored_hashed_and_survive_a_restart(app: TestApp) {
    let ada = signed_up(&app, "Ada", "ada@example.com").await;
    let cookie = ada.cookie.clone().expect("cookie");
    let id = cookie.split_once('=').unwrap().1;
    let stored: String = sqlx::query_scalar("SELECT id_hash FROM sessions")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(!stored.contains(id));
    use sha2::Digest;
    assert_eq!(stored, hex::encode(sha2::Sha256::digest(id.as_bytes())));

    let restarted = app.restarted().await;
    let mut again = restarted.client();
    again.cookie = Some(cookie);
    assert_eq!(
        current_user(&mut again).await.map(|u| u.email).as_deref(),
        Some("ada@example.com")
    );
}

async fn cross_origin_post_is_refused_and_changes_nothing(app: TestApp) {
    let mut c = app.client();
    let fields = [
        ("name", "Eve"),
        ("email", "eve@example.com"),
        ("password", "12345678"),
    ];
    let res = c
        .post(
            "/api/sign_up",
            &fields,
            &[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000"),
            ],
        )
        .await;
    assert_eq!(res.status, 403);
    let res = c
        .post("/api/sign_up", &fields, &[("sec-fetch-site", "cross-site")])
        .await;
    assert_eq!(res.status, 403);
    assert_eq!(app.count("users").await, 0);

    // A signed-in victim is not signed out by a forged request either.
    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    let res = ada
        .post("/api/sign_out", &[], &[("sec-fetch-site", "cross-site")])
        .await;
    assert_eq!(res.status, 403);
    assert!(current_user(&mut ada).await.is_some());
    // The same request from our own pages goes through.
    let res = ada
        .post("/api/sign_out", &[], &[("sec-fetch-site", "same-origin")])
        .await;
    assert_eq!(res.status, 200);
}

async fn landing_sends_visitors_where_they_belong(app: TestApp) {
    let mut anon = app.client();
    let res = anon.get("/").await;
    assert_eq!(res.status, 302, "{}", res.body);
    assert_eq!(res.header("location").as_deref(), Some("/signin"));

    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    let res = ada.get("/").await;
    assert_eq!(res.status, 302);
    let location = res.header("location").unwrap();
    assert!(
        location.starts_with("/o/org_") && location.contains("/w/ws_"),
        "{location}"
    );
    let page = ada.get(&location).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Ada&#x27;s Organization") || page.body.contains("Ada's Organization")
    );

    // Signed-out visitors of a console page go to sign-in.
    let res = anon.get(&location).await;
    assert_eq!(res.status, 302);
    assert_eq!(res.header("location").as_deref(), Some("/signin"));
}

async fn another_users_organization_is_not_found(app: TestApp) {
    let mut ada = signed_up(&app, "Ada", "ada@example.com").await;
    let location = ada.get("/").await.header("location").unwrap();
    let org_id = location.split('/').nth(2).unwrap().to_owned();
    let mut bob = signed_up(&app, "Bob", "bob@example.com").await;
    let res = bob
        .run(LoadShell {
            org_id: org_id.to_owned(),
            workspace_id: None,
        })
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(res.error(), Error::NotFound);
    // The same answer as for an organization that does not exist at all.
    let res = bob
        .run(LoadShell {
            org_id: "org_000000000000000000000000".into(),
            workspace_id: None,
        })
        .await;
    assert_eq!((res.status, res.error()), (404, Error::NotFound));
    let page = bob.get(&location).await;
    assert_eq!(page.status, 404);
}

async fn forms_work_without_javascript(app: TestApp) {
    let mut browser = app.client();
    let fields = [
        ("name", "Ada"),
        ("email", "ada@example.com"),
        ("password", "12345678"),
    ];
    let res = browser
        .submit_form("/api/sign_up", &fields, "http://localhost/signup")
        .await;
    assert_eq!(res.status, 302, "{}", res.body);
    let to = res.header("location").unwrap();
    assert!(to.starts_with("/o/org_"), "{to}");
    assert_eq!(browser.get(&to).await.status, 200);

    // An error comes back to the form, in its URL, and the page shows it.
    let mut other = app.client();
    let res = other
        .submit_form("/api/sign_up", &fields, "http://localhost/signup")
        .await;
    assert_eq!(res.status, 302);
    let back = res.header("location").unwrap();
    assert!(
        back.starts_with("http://localhost/signup?") && back.contains("__err="),
        "{back}"
    );
    let path = back.trim_start_matches("http://localhost");
    let page = other.get(path).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("already exists"),
        "the form shows the error"
    );

    let res = browser.submit_form("/api/sign_out", &[], &to).await;
    assert_eq!(
        (res.status, res.header("location").as_deref()),
        (302, Some("/signin"))
    );
    let res = browser
        .submit_form(
            "/api/sign_in",
            &[("email", "ada@example.com"), ("password", "12345678")],
            "http://localhost/signin",
        )
        .await;
    assert_eq!(res.status, 302);
    assert_eq!(res.header("location"), Some(to), "back where she was");
}

/// `next` values a browser would follow to another site stay on the console; a newline
/// there no longer breaks sign-out; a crafted `__err` in a link is dropped, while the
/// browser whose own form failed still sees its error.
async fn hostile_links_neither_redirect_away_nor_speak(app: TestApp) {
    let mut ada = common::signed_up(&app, "Ada", "ada@example.com").await;
    let landing = ada
        .submit_form(
            "/api/sign_in",
            &[("email", "ada@example.com"), ("password", common::PASSWORD)],
            "http://localhost/signin",
        )
        .await
        .header("location")
        .unwrap();
    for next in [
        "/\t/evil.example",
        "/\\evil.example",
        "//evil.example",
        "/\n/evil.example",
    ] {
        let res = ada
            .submit_form(
                "/api/sign_in",
                &[
                    ("email", "ada@example.com"),
                    ("password", common::PASSWORD),
                    ("next", next),
                ],
                "http://localhost/signin",
            )
            .await;
        assert_eq!(res.status, 302, "{next:?}: {}", res.body);
        assert_eq!(res.header("location"), Some(landing.clone()), "{next:?}");
    }
    let res = ada
        .submit_form(
            "/api/sign_out",
            &[("next", "/\r\nSet-Cookie: x=y")],
            &landing,
        )
        .await;
    assert_eq!(
        (res.status, res.header("location").as_deref()),
        (302, Some("/signin"))
    );

    // A form error is shown to the browser whose post failed, and to no one else.
    let mut eve = app.client();
    let fields = [("email", "ada@example.com"), ("password", "wrong password")];
    let res = eve
        .submit_form("/api/sign_in", &fields, "http://localhost/signin")
        .await;
    let back = res.header("location").unwrap();
    let path = back.trim_start_matches("http://localhost").to_owned();
    let page = eve.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Incorrect email or password"),
        "the form shows its own error"
    );
    let mut victim = app.client();
    let crafted = victim.get(&path).await;
    assert_eq!(crafted.status, 303, "a link's __err is not shown");
    assert_eq!(crafted.header("location").as_deref(), Some("/signin"));
    // Nor spelled in percent escapes, nor twice (Eve's own error first), nor smuggled
    // through `next`; and dropping it never redirects to another site.
    let own = path
        .split("__err=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    for crafted in [
        format!("/signin?%5F%5Ferr={own}X&__path=/api/sign_in"),
        format!("/signin?__err={own}&__err={own}X&__path=/api/sign_in"),
    ] {
        let res = eve.get(&crafted).await;
        assert_eq!(res.status, 303, "{crafted}");
        assert_eq!(
            res.header("location").as_deref(),
            Some("/signin"),
            "{crafted}"
        );
    }
    let res = victim.get("//evil.example/?__err=QUJD").await;
    assert_eq!(
        res.header("location").as_deref(),
        Some("/"),
        "no redirect away"
    );
    let next = format!("/signin?__err={own}&__path=/api/sign_in");
    let res = ada
        .submit_form(
            "/api/sign_in",
            &[
                ("email", "ada@example.com"),
                ("password", common::PASSWORD),
                ("next", &next),
            ],
            "http://localhost/signin",
        )
        .await;
    assert_eq!(
        res.header("location"),
        Some(landing.clone()),
        "no error through next"
    );
}

/// Ten failures a minute, then 429 with Retry-After, for a known and an unknown email
/// alike and even with the right password (no oracle); no password is hashed then.
async fn failed_sign_ins_are_throttled(app: TestApp) {
    common::signed_up(&app, "Ada", "ada@example.com").await;
    let mut eve = app.client();
    let attempt = |email: &'static str, password: &'static str| {
        let mut c = app.client();
        async move {
            c.run(SignIn {
                email: email.to_owned(),
                password: password.to_owned(),
                next: None,
            })
            .await
        }
    };
    for _ in 0..10 {
        let res = attempt("ada@example.com", "wrong password").await;
        assert_eq!(res.status, 401, "{}", res.body);
    }
    let known = attempt("ada@example.com", "wrong password").await;
    assert_eq!(known.status, 429, "{}", known.body);
    let wait: i64 = known.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(
        matches!(known.error(), Error::TooManyAttempts { .. }),
        "{}",
        known.body
    );
    assert!(
        known
            .error()
            .to_string()
            .starts_with("Too many attempts. Try again in")
    );
    let right = attempt("ada@example.com", common::PASSWORD).await;
    assert_eq!(
        right.status, 429,
        "the right password does not get through either"
    );
    // The client address has failed ten times too: an unknown email gets the same answer.
    let unknown = eve
        .run(SignIn {
            email: "nobody@example.com".into(),
            password: "x".into(),
            next: None,
        })
        .await;
    // (The seconds to wait may have ticked on between the two answers.)
    assert_eq!(unknown.status, 429, "{}", unknown.body);
    assert!(matches!(unknown.error(), Error::TooManyAttempts { .. }));
    // Once the minute has passed, the right password works.
    sqlx::query("UPDATE sign_in_attempts SET created_at = created_at - 61000")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let res = attempt("ada@example.com", common::PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.body);
}

/// The built files go out as their precompressed copies to browsers that accept them,
/// with how long to keep them; a path with no file is the console's 404 page.
async fn static_files_are_served_precompressed_and_cached(app: TestApp) {
    // In the test's data folder, removed with it.
    let site = app.config.data_dir.join("site");
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for (name, content) in [
        ("studio-console.wasm", "the wasm"),
        ("studio-console.wasm.br", "the wasm, brotli"),
        ("studio-console.wasm.gz", "the wasm, gzip"),
    ] {
        std::fs::write(pkg.join(name), content).unwrap();
    }
    let root = site.to_string_lossy().into_owned();
    let app = app.reconfigured(|c| c.site_root = root).await;
    let fetch = |encoding: &'static str| {
        let router = app.router();
        async move {
            let mut req = axum::http::Request::get("/pkg/studio-console.wasm");
            if !encoding.is_empty() {
                req = req.header("accept-encoding", encoding);
            }
            let mut c = common::Client::new(router);
            c.send(req.body(axum::body::Body::empty()).unwrap()).await
        }
    };
    let br = fetch("gzip, deflate, br").await;
    assert_eq!(br.status, 200);
    assert_eq!(br.header("content-encoding").as_deref(), Some("br"));
    assert_eq!(br.body, "the wasm, brotli");
    assert_eq!(
        br.header("content-type").as_deref(),
        Some("application/wasm")
    );
    // A test build does not hash the names: checked at every use, not kept for ever.
    assert_eq!(br.header("cache-control").as_deref(), Some("no-cache"));
    assert_eq!(br.header("vary").as_deref(), Some("accept-encoding"));
    let gz = fetch("gzip").await;
    assert_eq!(
        (gz.header("content-encoding").as_deref(), gz.body.as_str()),
        (Some("gzip"), "the wasm, gzip")
    );
    let plain = fetch("").await;
    assert_eq!(
        (plain.header("content-encoding"), plain.body.as_str()),
        (None, "the wasm")
    );
    let missing = app.client().get("/pkg/nothing-here.js").await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Page not found"), "{}", missing.body);
    assert_eq!(missing.header("cache-control"), None);
    let posted = app
        .client()
        .send(
            axum::http::Request::post("/no/such/page")
                .header("origin", "http://localhost")
                .header("host", "localhost")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(posted.status, 405, "only GET and HEAD reach files");
    let posted_file = app
        .client()
        .send(
            axum::http::Request::post("/pkg/studio-console.wasm")
                .header("origin", "http://localhost")
                .header("host", "localhost")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(posted_file.status, 405, "a file is not served to a POST");
}

/// A page's policy names the nonce its inline scripts carry, and only that; other
/// responses load nothing; nothing may frame the console; HSTS only over HTTPS.
async fn security_headers_on_pages_and_the_rest(app: TestApp) {
    let mut c = app.client();
    let page = c.get("/signin").await;
    let policy = page.header("content-security-policy").unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    let scripts = page.body.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        page.body
            .matches(&format!("<script nonce=\"{nonce}\""))
            .count()
            + page
                .body
                .matches(&format!("<script type=\"module\" nonce=\"{nonce}\""))
                .count(),
        scripts,
        "every inline script carries this render's nonce"
    );
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-eval'") || policy.contains("wasm-unsafe-eval"));
    let again = c
        .get("/signin")
        .await
        .header("content-security-policy")
        .unwrap();
    assert_ne!(again, policy, "a new nonce for every render");
    let api = c.get("/v1/openapi.json").await;
    assert_eq!(
        api.header("content-security-policy").as_deref(),
        Some("default-src 'none'; frame-ancestors 'none'; base-uri 'none'")
    );
    assert_eq!(page.header("strict-transport-security"), None);
    let https = app.reconfigured(|c| c.cookie_secure = true).await;
    let page = https.client().get("/signin").await;
    assert!(
        page.header("strict-transport-security")
            .unwrap()
            .contains("max-age=")
    );
}

/// Every form of the console, submitted as a browser without JavaScript submits it: each
/// answers with a redirect to a page (not an error in the URL), and the change is made.
/// The two forms whose answer is shown once post to a plain route that shows it.
async fn every_console_form_works_without_javascript(app: TestApp) {
    let app = common::v1::with_trainer(&app).await;
    let mut ada = common::account(&app, "Ada", "ada@example.com").await;
    let bob = common::account(&app, "Bob", "bob@example.com").await;
    let (org, ws) = (ada.org_id.clone(), ada.workspace_id.clone());
    app.add_org_member(&org, &bob.user_id, "member").await;
    let page = |path: String| format!("http://localhost{path}");
    let members = page(format!("/o/{org}/settings/members"));
    let workspaces = page(format!("/o/{org}/settings/workspaces"));
    let ws_members = page(format!("/o/{org}/w/{ws}/members"));
    let keys = page(format!("/o/{org}/w/{ws}/api-keys"));

    // (server function, fields, the page the form is on)
    async fn submit(c: &mut common::Client, f: &str, fields: &[(&str, &str)], on: &str) -> String {
        let res = c.submit_form(f, fields, on).await;
        assert!(
            [302, 303].contains(&res.status),
            "{f}: {} {}",
            res.status,
            res.body
        );
        let to = res.header("location").unwrap_or_default();
        assert!(!to.contains("__err"), "{f} failed: {to}");
        to
    }
    let c = &mut ada.client;
    submit(
        c,
        "/api/rename_organization",
        &[("org_id", &org), ("name", "Acme")],
        &page(format!("/o/{org}/settings/general")),
    )
    .await;
    submit(
        c,
        "/api/create_workspace",
        &[("org_id", &org), ("name", "Research")],
        &workspaces,
    )
    .await;
    let research: String = sqlx::query_scalar("SELECT id FROM workspaces WHERE name = 'Research'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let in_research = [
        ("org_id", org.as_str()),
        ("workspace_id", research.as_str()),
    ];
    let mut rename = in_research.to_vec();
    rename.push(("name", "Research Lab"));
    submit(c, "/api/rename_workspace", &rename, &workspaces).await;
    submit(c, "/api/archive_workspace", &in_research, &workspaces).await;
    submit(c, "/api/unarchive_workspace", &in_research, &workspaces).await;
    submit(
        c,
        "/api/create_organization",
        &[("name", "Side project"), ("accept_tos", "on")],
        &page("/o/x".into()),
    )
    .await;
    assert_eq!(app.count("organizations").await, 3);

    // Members and invitations.
    submit(
        c,
        "/api/change_member_role",
        &[
            ("org_id", &org),
            ("user_id", &bob.user_id),
            ("role", "billing"),
        ],
        &members,
    )
    .await;
    let sent = submit(
        c,
        "/api/send_invitations",
        &[
            ("org_id", &org),
            ("emails", "carol@example.com dan@example.com"),
            ("role", "member"),
            ("workspaces", ""),
        ],
        &members,
    )
    .await;
    let invitations_path = paths::settings_invitations(&org);
    assert_eq!(
        sent,
        format!("{invitations_path}?sent=2"),
        "on to the invitations"
    );
    let invitations_page = page(invitations_path.clone());
    let invitation = |email: &'static str| {
        let pool = app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT id FROM invitations WHERE email = $1")
                .bind(email)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let carol_inv = invitation("carol@example.com").await;
    let dan_inv = invitation("dan@example.com").await;
    submit(
        c,
        "/api/resend_invitation",
        &[("org_id", &org), ("invitation_id", &carol_inv)],
        &invitations_page,
    )
    .await;
    submit(
        c,
        "/api/revoke_invitation",
        &[("org_id", &org), ("invitation_id", &dan_inv)],
        &invitations_page,
    )
    .await;
    // "Copy link" (in the invitation's dialog) posts to a page that shows the link; the
    // form says where.
    let list = c
        .get(&format!(
            "{invitations_path}?dialog=manage-invitation&invitation={carol_inv}"
        ))
        .await;
    let link_form = paths::invitation_link_form(&org, &carol_inv);
    assert!(
        list.body.contains(&format!("action=\"{link_form}\"")),
        "the form posts to the link page"
    );
    let shown = c
        .submit_form(
            &link_form,
            &[("org_id", &org), ("invitation_id", &carol_inv)],
            &invitations_page,
        )
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    let token = shown_value(&shown.body, "/invite/");
    assert_eq!(shown.header("cache-control").as_deref(), Some("no-store"));
    // Carol signs up through the link without JavaScript.
    let mut carol = app.client();
    let to = submit(
        &mut carol,
        "/api/sign_up_invited",
        &[
            ("token", &token),
            ("name", "Carol"),
            ("password", "long enough"),
        ],
        &page(format!("/invite/{token}")),
    )
    .await;
    assert!(to.starts_with(&format!("/o/{org}")), "{to}");
    let carol_id: String =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'carol@example.com'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    // Bob, signed in, accepts an invitation to another organization.
    let mut eve = common::account(&app, "Eve", "eve@example.com").await;
    let eve_org = eve.org_id.clone();
    submit(
        &mut eve.client,
        "/api/send_invitations",
        &[
            ("org_id", &eve_org),
            ("emails", "bob@example.com"),
            ("role", "member"),
            ("workspaces", ""),
        ],
        &page(format!("/o/{eve_org}/settings/members")),
    )
    .await;
    let bob_inv = invitation("bob@example.com").await;
    let shown = eve
        .client
        .submit_form(
            &paths::invitation_link_form(&eve_org, &bob_inv),
            &[],
            &members,
        )
        .await;
    let bob_token = shown_value(&shown.body, "/invite/");
    let mut bob_browser = app.sign_in("bob@example.com").await;
    let to = submit(
        &mut bob_browser,
        "/api/accept_invitation",
        &[("token", &bob_token)],
        &page(format!("/invite/{bob_token}")),
    )
    .await;
    assert!(to.starts_with(&format!("/o/{eve_org}")), "{to}");

    // A workspace's members.
    let c = &mut ada.client;
    let in_ws = [("org_id", org.as_str()), ("workspace_id", ws.as_str())];
    let mut add = in_ws.to_vec();
    add.extend([
        ("user_ids[0]", bob.user_id.as_str()),
        ("role", "contributor"),
    ]);
    submit(c, "/api/add_workspace_members", &add, &ws_members).await;
    let mut change = in_ws.to_vec();
    change.extend([("user_id", bob.user_id.as_str()), ("role", "admin")]);
    submit(c, "/api/change_workspace_role", &change, &ws_members).await;
    let mut remove = in_ws.to_vec();
    remove.push(("user_id", bob.user_id.as_str()));
    submit(c, "/api/remove_workspace_member", &remove, &ws_members).await;

    // API keys: "Create API key" posts to a page that shows the key once.
    let dialog = c
        .get(&format!("/o/{org}/w/{ws}/api-keys?dialog=new-key"))
        .await;
    let key_form = paths::api_key_form(&org, &ws);
    assert!(
        dialog.body.contains(&format!("action=\"{key_form}\"")),
        "the form posts to the key page"
    );
    let shown = c
        .submit_form(&key_form, &[("name", "CI"), ("expiry", "never")], &keys)
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    let secret = shown_value(&shown.body, "value=\"");
    assert!(secret.starts_with("sk-"), "{secret}");
    assert_eq!(
        common::v1::v1(&app, "GET", "/v1/models", &secret)
            .await
            .status,
        200
    );
    // A bad name goes back to the dialog with the error, shown to this browser.
    let refused = c
        .submit_form(&key_form, &[("name", ""), ("expiry", "never")], &keys)
        .await;
    let back = refused.header("location").unwrap();
    assert!(
        back.contains("dialog=new-key") && back.contains("__err="),
        "{back}"
    );
    assert!(back.starts_with('/'), "a path of this site: {back}");
    let shown_again = c.get(&back).await;
    assert_eq!(shown_again.status, 200);
    assert!(
        shown_again.body.contains("aria-invalid=\"true\""),
        "the field is marked"
    );
    let key_id: String = sqlx::query_scalar("SELECT id FROM api_keys WHERE name = 'CI'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let mut revoke = in_ws.to_vec();
    revoke.push(("key_id", key_id.as_str()));
    submit(c, "/api/revoke_api_key", &revoke, &keys).await;

    // Datasets, fine-tuning and models.
    let upload = common::v1::upload(
        &app,
        &common::v1::key(&app, &mut ada, &ws).await,
        "fine-tune",
        common::v1::GOOD,
    )
    .await;
    let file: serde_json::Value = upload.json();
    let file = file["id"].as_str().unwrap().to_owned();
    let c = &mut ada.client;
    let ft = page(format!("/o/{org}/w/{ws}/fine-tuning"));
    let mut job = in_ws.to_vec();
    job.extend([
        ("model", "open-mistral-7b"),
        ("training_file", file.as_str()),
        ("suffix", ""),
        ("n_epochs", ""),
    ]);
    submit(c, "/api/create_fine_tuning_job", &job, &ft).await;
    submit(c, "/api/create_fine_tuning_job", &job, &ft).await;
    let done = common::v1::train_next(&app).await;
    let queued: String =
        sqlx::query_scalar("SELECT id FROM fine_tuning_jobs WHERE status = 'queued'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let mut cancel = in_ws.to_vec();
    cancel.push(("job_id", queued.as_str()));
    submit(c, "/api/cancel_fine_tuning_job", &cancel, &ft).await;
    let mut delete_model = in_ws.to_vec();
    let model = done["fine_tuned_model"].as_str().unwrap().to_owned();
    delete_model.push(("model_id", model.as_str()));
    submit(
        c,
        "/api/delete_model",
        &delete_model,
        &page(format!("/o/{org}/w/{ws}/models")),
    )
    .await;
    let mut delete_file = in_ws.to_vec();
    delete_file.push(("file_id", file.as_str()));
    submit(
        c,
        "/api/delete_dataset",
        &delete_file,
        &page(format!("/o/{org}/w/{ws}/datasets")),
    )
    .await;
    assert_eq!(app.count("files").await, 0);
    assert_eq!(app.count("fine_tuned_models").await, 0);

    // Last: removing a member.
    submit(
        c,
        "/api/remove_member",
        &[("org_id", &org), ("user_id", &carol_id)],
        &members,
    )
    .await;
    let still: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM org_members WHERE user_id = $1 AND org_id = $2")
            .bind(&carol_id)
            .bind(&org)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(still, 0);
}

/// A server function's body is read whole into memory: past 64 KB it is refused, with or
/// without a declared length, and the message says the bound.
async fn server_function_bodies_are_bounded(app: TestApp) {
    use axum::body::Body;
    use axum::http::Request;
    // A padded sign-up within the bound creates the account (extra fields are ignored)...
    let small = Request::post("/api/sign_up")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(
            "name=Bob&email=bob%40example.com&password=long+enough+password&pad=xx",
        ))
        .unwrap();
    assert_eq!(app.client().send(small).await.status, 200);
    // ...and padded past it, it would too if it were read whole.
    let big = format!(
        "name=Ada&email=ada%40example.com&password=long+enough+password&pad={}",
        "x".repeat(1024 * 1024)
    );
    let declared = Request::post("/api/sign_up")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("content-length", big.len())
        .body(Body::from(big.clone()))
        .unwrap();
    let res = app.client().send(declared).await;
    assert_eq!(res.status, 413, "{}", res.body);
    assert!(res.body.contains("64 KB"), "{}", res.body);
    let chunked = Request::post("/api/sign_up")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from_stream(chunked(big)))
        .unwrap();
    let res = app.client().send(chunked).await;
    assert!(
        res.status >= 400,
        "an unbounded chunked body was read: {}",
        res.status
    );
    assert_eq!(app.count("users").await, 1, "nothing more was created");
    // An ordinary form still goes through.
    let res = app
        .client()
        .run(SignIn {
            email: "a@example.com".into(),
            password: "x".into(),
            next: None,
        })
        .await;
    assert_eq!(res.status, 401);
}

/// The text after `marker` in a page, up to the next quote: a value the page shows.
fn shown_value(body: &str, marker: &str) -> String {
    let after = body
        .split(marker)
        .nth(1)
        .expect("the marker is on the page");
    after.split('"').next().unwrap_or_default().to_owned()
}

/// The body in 8 KB chunks, with no length known in advance.
fn chunked(
    text: String,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send {
    let chunks: Vec<Vec<u8>> = text.into_bytes().chunks(8192).map(<[u8]>::to_vec).collect();
    futures_util::stream::iter(chunks.into_iter().map(Ok))
}

async fn health_reports_the_database(app: TestApp) {
    let mut c = app.client();
    assert_eq!(c.get("/healthz").await.status, 200);
    app.db.pool.close().await;
    assert_eq!(c.get("/healthz").await.status, 503);
}

async fn while_the_database_is_down_requests_get_503_at_once(app: TestApp) {
    let ada = common::account(&app, "Ada", "ada@example.com").await;
    let mut c = app.client();
    c.cookie = ada.client.cookie.clone();
    let home = paths::workspace_home(&ada.org_id, &ada.workspace_id);
    assert_eq!(c.get(&home).await.status, 200);
    app.db_gate.set(false);
    let started = std::time::Instant::now();
    let page = c.get(&home).await;
    assert_eq!(page.status, 503);
    assert_eq!(page.header("retry-after").as_deref(), Some("5"));
    assert!(
        page.body.contains("database is not answering"),
        "{}",
        page.body
    );
    let api = c.get("/v1/models").await;
    assert_eq!(api.status, 503);
    let error: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(error["error"]["code"], "database_unavailable");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    // Health asks the database itself, which here still answers.
    assert_eq!(c.get("/healthz").await.status, 200);
    app.db_gate.set(true);
    assert_eq!(c.get(&home).await.status, 200);
}
