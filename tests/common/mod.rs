//! `TestApp`: the real router on a fresh database, SQLite or PostgreSQL, driven in-process.
#![allow(dead_code)]

pub mod client;
pub mod dns;
pub mod smtp;
pub mod v1;

use std::sync::atomic::{AtomicU64, Ordering};
use studio_console::api::auth::{SignIn, SignUp};
use studio_console::server::{AppState, Config, db::Db, router};

pub use client::Client;

/// A test that runs longer than this has hung: it fails instead of stalling the suite.
pub const TEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Runs a test on the one runtime all tests of this binary share, as the server shares
/// one in production: Leptos' global executor spawns onto "the current runtime", and a
/// response whose task landed on another test's runtime hung when that test ended.
pub fn run(test: impl std::future::Future<Output = ()> + Send + 'static) {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("test runtime")
    });
    let outcome =
        runtime.block_on(async { tokio::time::timeout(TEST_TIMEOUT, tokio::spawn(test)).await });
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(failure)) => match failure.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("test task failed: {e}"),
        },
        Err(_) => panic!("test timed out after {TEST_TIMEOUT:?}"),
    }
}

/// Runs each named `async fn name(app: TestApp)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    $crate::common::run(async {
                        let app = $crate::common::TestApp::sqlite().await;
                        super::$name(app).await;
                    });
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    $crate::common::run(async {
                        if let Some(app) = $crate::common::TestApp::postgres().await {
                            super::$name(app).await;
                        }
                    });
                }
            )*
        }
    };
}

/// Removes the test database when the test ends, however it ends.
enum Cleanup {
    SqliteDir(std::path::PathBuf),
    PostgresDb {
        admin_url: String,
        name: String,
        dir: std::path::PathBuf,
    },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PostgresDb {
                admin_url,
                name,
                dir,
            } => {
                let _ = std::fs::remove_dir_all(&*dir);
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime, which can't be blocked on: use a thread.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async {
                        use sqlx::Connection;
                        let mut conn = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn)
                            .await
                            .ok()
                    })
                })
                .join();
            }
        }
    }
}

pub struct TestApp {
    pub db: Db,
    pub config: Config,
    /// Closed by a test to stand for a database that stopped answering.
    pub db_gate: studio_console::server::http::db_gate::DbGate,
    router: axum::Router,
    _cleanup: std::sync::Arc<Cleanup>,
}

pub fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// The PostgreSQL server tests use: `TEST_POSTGRES_URL`, or the local one.
fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        let dir = std::env::temp_dir().join(format!("console_test_{}", unique_suffix()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}/console.db", dir.display());
        Self::start(&url, Cleanup::SqliteDir(dir)).await
    }

    /// A fresh PostgreSQL database, or `None` (test skipped) when no server answers.
    /// Under CI (`CI=true`) a missing server fails the test instead.
    pub async fn postgres() -> Option<TestApp> {
        use sqlx::Connection;
        let admin_url = postgres_admin_url();
        let mut conn = match sqlx::PgConnection::connect(&admin_url).await {
            Ok(c) => c,
            Err(e) if std::env::var("CI").as_deref() != Ok("true") => {
                eprintln!("skipped: no PostgreSQL at {admin_url} ({e})");
                return None;
            }
            Err(e) => panic!("CI=true but PostgreSQL is unreachable at {admin_url}: {e}"),
        };
        let name = format!("console_test_{}", unique_suffix());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(&admin_url);
        let url = format!("{base}/{name}");
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Some(
            Self::start(
                &url,
                Cleanup::PostgresDb {
                    admin_url,
                    name,
                    dir,
                },
            )
            .await,
        )
    }

    async fn start(url: &str, cleanup: Cleanup) -> TestApp {
        let mut config = Config::for_database(url);
        // Uploaded files go to the test's own folder, removed with it.
        config.data_dir = match &cleanup {
            Cleanup::SqliteDir(dir) | Cleanup::PostgresDb { dir, .. } => dir.join("data"),
        };
        Self::with_config(config, std::sync::Arc::new(cleanup)).await
    }

    async fn with_config(config: Config, cleanup: std::sync::Arc<Cleanup>) -> TestApp {
        // Every test's audit chain is sealed, as in a production that sets AUDIT_KEYS.
        studio_console::server::services::audit::use_keys(
            studio_console::server::services::audit::AuditKeys::parse(TEST_AUDIT_KEYS)
                .expect("test keys"),
        );
        let db = Db::connect(&config.database_url)
            .await
            .expect("connect test database");
        db.migrate().await.expect("migrate test database");
        let state = AppState::new(db.clone(), config.clone()).expect("app state");
        let db_gate = state.db_gate.clone();
        let router = router::build(state);
        TestApp {
            db,
            config,
            router,
            db_gate,
            _cleanup: cleanup,
        }
    }

    /// A console on a SQLite database of the test's making, in `dir` (removed with it).
    pub async fn sqlite_in(dir: std::path::PathBuf, config: Config) -> TestApp {
        Self::with_config(config, std::sync::Arc::new(Cleanup::SqliteDir(dir))).await
    }

    /// A second server process on the same database, as after a restart.
    pub async fn restarted(&self) -> TestApp {
        Self::with_config(self.config.clone(), self._cleanup.clone()).await
    }

    /// The same database, served with other settings.
    pub async fn reconfigured(&self, change: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = self.config.clone();
        change(&mut config);
        Self::with_config(config, self._cleanup.clone()).await
    }

    /// A browser-like client with its own cookie jar.
    pub fn client(&self) -> Client {
        Client::new(self.router.clone())
    }

    pub fn router(&self) -> axum::Router {
        self.router.clone()
    }

    /// `SELECT COUNT(*) FROM table`.
    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.db.pool)
            .await
            .expect("count rows")
    }
}

/// A person who signed up: their signed-in client and the ids sign-up created.
pub struct Account {
    pub client: Client,
    pub user_id: String,
    pub org_id: String,
    pub workspace_id: String,
}

pub const PASSWORD: &str = "correct horse battery";

/// The audit keys of every test process (`AUDIT_KEYS`).
pub const TEST_AUDIT_KEYS: &str = "test:a-test-only-secret-of-32-characters";

/// Signs up and returns the account with its default organization and workspace.
pub async fn account(app: &TestApp, name: &str, email: &str) -> Account {
    let client = signed_up(app, name, email).await;
    let (user_id, org_id, workspace_id): (String, String, String) = sqlx::query_as(
        "SELECT u.id, o.id, w.id FROM users u JOIN organizations o ON o.created_by = u.id \
         JOIN workspaces w ON w.org_id = o.id AND w.is_default = 1 WHERE u.email = $1",
    )
    .bind(email)
    .fetch_one(&app.db.pool)
    .await
    .expect("the account's default organization");
    Account {
        client,
        user_id,
        org_id,
        workspace_id,
    }
}

impl TestApp {
    /// Puts the organization on the Team plan with `seats` seats, as a confirmed change
    /// would (without its proration).
    pub async fn set_seats(&self, org_id: &str, seats: i64) {
        sqlx::query(
            "INSERT INTO subscriptions (org_id, plan_id, seats, updated_at) VALUES ($1, 'team', $2, 0) \
             ON CONFLICT (org_id) DO UPDATE SET plan_id = 'team', seats = excluded.seats",
        )
        .bind(org_id)
        .bind(seats)
        .execute(&self.db.pool)
        .await
        .expect("set seats");
    }

    /// Makes `user_id` a member of the organization (what an accepted invitation will do).
    pub async fn add_org_member(&self, org_id: &str, user_id: &str, role: &str) {
        studio_console::server::repo::memberships::add_org_member(
            &self.db.pool,
            org_id,
            user_id,
            role,
            0,
        )
        .await
        .expect("add org member");
    }

    pub async fn add_workspace_member(&self, workspace_id: &str, user_id: &str, role: &str) {
        sqlx::query("INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, 0)")
            .bind(workspace_id)
            .bind(user_id)
            .bind(role)
            .execute(&self.db.pool)
            .await
            .expect("add workspace member");
    }

    /// Marks the address confirmed, as opening its emailed link does (tested in
    /// `account_links`).
    pub async fn confirm_email(&self, email: &str) {
        sqlx::query("UPDATE users SET email_verified_at = 1 WHERE email = $1")
            .bind(email.to_lowercase())
            .execute(&self.db.pool)
            .await
            .expect("confirm an address");
    }

    /// Signs in as `email` (an owned address, for signing in several at once).
    pub async fn sign_in_later(&self, email: String) -> Client {
        self.sign_in(&email).await
    }

    /// A client signed in as `email`.
    pub async fn sign_in(&self, email: &str) -> Client {
        let mut client = self.client();
        let res = client
            .run(SignIn {
                email: email.to_owned(),
                password: PASSWORD.to_owned(),
                next: None,
            })
            .await;
        assert_eq!(res.status, 200, "sign-in of {email} failed: {}", res.body);
        client
    }
}

/// Signs up a new person and returns the signed-in client.
pub async fn signed_up(app: &TestApp, name: &str, email: &str) -> Client {
    let mut client = app.client();
    let res = client
        .run(SignUp {
            name: name.to_owned(),
            email: email.to_owned(),
            password: "correct horse battery".into(),
        })
        .await;
    assert_eq!(res.status, 200, "sign-up failed: {}", res.body);
    client
}
