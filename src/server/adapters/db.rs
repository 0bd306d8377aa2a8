//! The database: one `sqlx::Any` pool over SQLite or PostgreSQL. Where the two dialects
//! differ, the difference lives here.

use super::clock::Clock;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// What every timestamp the console stores is read from.
    pub clock: Clock,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Db {
    /// Opens a pool. A SQLite file and its folder are created when missing.
    pub async fn connect(url: &str) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if url.starts_with("sqlite:") {
            (Backend::Sqlite, prepare_sqlite_url(url)?)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            (Backend::Postgres, url.to_owned())
        } else {
            return Err(sqlx::Error::Configuration(
                "DATABASE_URL must start with sqlite: or postgres:".into(),
            ));
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool_options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10));
        let pool = match backend {
            Backend::Sqlite => {
                pool_options
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL lets readers work while one writer writes; the busy timeout
                            // makes a second writer wait instead of failing at once.
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => pool_options.connect_with(options).await?,
        };
        Ok(Db {
            pool,
            backend,
            clock: Clock::default(),
        })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await,
        }
    }

    /// Milliseconds since the Unix epoch, from the clock: how every timestamp is stored.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Whether the database answers a trivial query.
    pub async fn is_healthy(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// Adds `mode=rwc` (create when missing) and creates the parent folder of the file.
fn prepare_sqlite_url(url: &str) -> Result<String, sqlx::Error> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:"
        && !path.is_empty()
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            sqlx::Error::Configuration(
                format!("cannot create the folder {}: {e}", parent.display()).into(),
            )
        })?;
    }
    if query.split('&').any(|p| p.starts_with("mode=")) {
        Ok(url.to_owned())
    } else if query.is_empty() {
        Ok(format!("{url}?mode=rwc"))
    } else {
        Ok(format!("{url}&mode=rwc"))
    }
}

/// Whether an error is a unique-constraint violation, on either backend.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Whether a statement failed for a reason that may pass if it runs again: the database
/// was busy or locked (SQLite), a deadlock, serialization failure or lock timeout
/// (PostgreSQL), or no answer at all (connection, pool). Anything else the database said
/// (a constraint, bad data) fails again the same way.
pub fn is_transient(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => match error_code(db.code().as_deref()) {
            Code::Sqlite(code) => matches!(code & 0xff, SQLITE_BUSY | SQLITE_LOCKED),
            Code::Sqlstate(state) => {
                matches!(
                    state,
                    "40001" | "40P01" | "55P03" | "57P01" | "57P02" | "57P03"
                ) || state.starts_with("08")
            }
            Code::None => false,
        },
        sqlx::Error::RowNotFound
        | sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::TypeNotFound { .. }
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::ColumnIndexOutOfBounds { .. }
        | sqlx::Error::Encode(_) => false,
        _ => true,
    }
}

/// Whether a failed COMMIT surely rolled its transaction back: SQLite answers for itself
/// (a busy COMMIT leaves the transaction open, and dropping it rolls back); PostgreSQL's
/// serialization failures, deadlocks and constraint checks abort it. Anything else (no
/// answer, the server shutting down) may have come after the commit was durable.
pub fn commit_surely_failed(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = err else {
        return false;
    };
    match error_code(db.code().as_deref()) {
        Code::Sqlite(_) => true,
        Code::Sqlstate(state) => matches!(state, "40001" | "40P01") || state.starts_with("23"),
        Code::None => false,
    }
}

const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;

/// A database error's code, by backend: SQLite's (extended) result code is a number of
/// at most four digits; PostgreSQL's SQLSTATE is always five characters (often digits).
#[derive(Debug, PartialEq)]
enum Code<'a> {
    Sqlite(i64),
    Sqlstate(&'a str),
    None,
}

fn error_code(code: Option<&str>) -> Code<'_> {
    match code {
        Some(state) if state.len() == 5 => Code::Sqlstate(state),
        Some(code) => code.parse().map_or(Code::None, Code::Sqlite),
        None => Code::None,
    }
}

#[cfg(test)]
mod tests {
    /// Dialect differences a PostgreSQL migration may have from its SQLite twin, as
    /// (SQLite text, PostgreSQL text): the schema is written in the SQL both accept but for
    /// these. A difference that is not listed here fails the test below.
    const DIALECT: &[(&str, &str)] = &[
        (
            // The time the migration runs, in milliseconds since the epoch.
            "CAST(strftime('%s', 'now') AS BIGINT) * 1000",
            "CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT)",
        ),
        (
            // The signed-in user a stored session names (its JSON text's `user_id`).
            "json_extract(data, '$.user_id')",
            "CAST(data AS json) ->> 'user_id'",
        ),
    ];

    #[test]
    fn the_two_migration_folders_say_the_same_but_for_the_dialect() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let names = |dir: &str| {
            let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let (sqlite, postgres) = (names("sqlite"), names("postgres"));
        assert_eq!(sqlite, postgres, "each migration exists for both backends");
        for name in &sqlite {
            let read = |dir: &str| std::fs::read_to_string(root.join(dir).join(name)).unwrap();
            let mut expected = read("sqlite");
            for (lite, pg) in DIALECT {
                expected = expected.replace(lite, pg);
            }
            assert_eq!(
                expected,
                read("postgres"),
                "{name}: the PostgreSQL migration differs from the SQLite one beyond the dialect"
            );
        }
    }
}

#[cfg(test)]
mod error_codes {
    use super::{Code, error_code};

    #[test]
    fn sqlstates_are_told_from_sqlite_codes_even_when_all_digits() {
        assert_eq!(error_code(Some("40001")), Code::Sqlstate("40001"));
        assert_eq!(error_code(Some("08006")), Code::Sqlstate("08006"));
        assert_eq!(error_code(Some("22021")), Code::Sqlstate("22021"));
        assert_eq!(error_code(Some("23505")), Code::Sqlstate("23505"));
        assert_eq!(error_code(Some("40P01")), Code::Sqlstate("40P01"));
        assert_eq!(error_code(Some("5")), Code::Sqlite(5));
        assert_eq!(error_code(Some("517")), Code::Sqlite(517));
        assert_eq!(error_code(Some("2067")), Code::Sqlite(2067));
        assert_eq!(error_code(None), Code::None);
    }
}
