//! `studio-console backup PATH` and `restore PATH`: an online, consistent copy of a SQLite
//! console (its database and the datasets in `DATA_DIR/files`), and putting one back.
//!
//! The database is copied with `VACUUM INTO`, one read transaction, so it is consistent
//! while the console keeps serving. Datasets are write-once files named by their id, and a
//! deletion removes the row before the file: so the files are copied once before the
//! database (every file the copy can refer to that existed then) and once after (those
//! stored meanwhile), and the backup is then checked to hold a file for each dataset the
//! database copy lists. PostgreSQL has its own tools (`pg_dump`); there this command
//! copies the datasets only.

use crate::server::config::Config;
use crate::server::db::{Backend, Db};
use std::path::{Path, PathBuf};

/// The database's name inside a backup.
const DATABASE_FILE: &str = "console.db";
/// The datasets' folder, inside a backup and inside `DATA_DIR`.
const FILES_DIR: &str = "files";

/// What a backup holds.
#[derive(Debug, PartialEq, Eq)]
pub struct Summary {
    /// Whether the database is in it (SQLite), or left to `pg_dump` (PostgreSQL).
    pub database: bool,
    pub files: u64,
    pub bytes: u64,
}

/// Copies the console into `to`, a folder that must not exist yet or be empty.
pub async fn backup(config: &Config, to: &Path) -> Result<Summary, String> {
    if to.exists()
        && std::fs::read_dir(to)
            .map_err(|e| format!("{}: {e}", to.display()))?
            .next()
            .is_some()
    {
        return Err(format!(
            "{} is not empty: back up into a new folder",
            to.display()
        ));
    }
    let files_to = to.join(FILES_DIR);
    std::fs::create_dir_all(&files_to)
        .map_err(|e| format!("cannot create {}: {e}", files_to.display()))?;
    let files_from = config.data_dir.join(FILES_DIR);
    let mut copied = copy_new_files(&files_from, &files_to)?;
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    if db.backend == Backend::Postgres {
        return Ok(Summary {
            database: false,
            files: copied.0,
            bytes: copied.1,
        });
    }
    let database_to = to.join(DATABASE_FILE);
    let target = database_to
        .to_str()
        .ok_or_else(|| format!("{}: not a UTF-8 path", database_to.display()))?;
    sqlx::query(&format!("VACUUM INTO '{}'", target.replace('\'', "''")))
        .execute(&db.pool)
        .await
        .map_err(|e| format!("cannot copy the database: {e}"))?;
    db.pool.close().await;
    let later = copy_new_files(&files_from, &files_to)?;
    copied = (copied.0 + later.0, copied.1 + later.1);
    let missing = datasets_without_file(&database_to, &files_to).await?;
    if let Some(first) = missing.first() {
        return Err(format!(
            "{} datasets (first {first}) were deleted while the backup ran, so the copy of the \
             database lists them without their file: run the backup again",
            missing.len()
        ));
    }
    Ok(Summary {
        database: true,
        files: copied.0,
        bytes: copied.1,
    })
}

/// Puts a backup back: the console must be stopped. What it replaces (with `replace`) is
/// kept beside it, renamed `*.replaced-<time>`, never deleted.
pub async fn restore(config: &Config, from: &Path, replace: bool) -> Result<Summary, String> {
    let database_from = from.join(DATABASE_FILE);
    let files_from = from.join(FILES_DIR);
    if !database_from.is_file() {
        return Err(format!(
            "{} has no {DATABASE_FILE}: not a backup of a SQLite console",
            from.display()
        ));
    }
    let database_to = sqlite_path(&config.database_url).ok_or(
        "DATABASE_URL is not a SQLite file: restore a PostgreSQL database with pg_restore or psql",
    )?;
    check_integrity(&database_from).await?;
    let missing = datasets_without_file(&database_from, &files_from).await?;
    if let Some(first) = missing.first() {
        return Err(format!(
            "the backup is incomplete: {} datasets (first {first}) have no file in it",
            missing.len()
        ));
    }
    let files_to = config.data_dir.join(FILES_DIR);
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    for existing in [&database_to, &files_to] {
        if existing.exists() {
            if !replace {
                return Err(format!(
                    "{} exists: stop the console and add --replace to put the backup in its \
                     place (what it replaces is kept, renamed)",
                    existing.display()
                ));
            }
            let aside = with_suffix(existing, &format!(".replaced-{stamp}"));
            std::fs::rename(existing, &aside)
                .map_err(|e| format!("cannot move {} aside: {e}", existing.display()))?;
        }
    }
    // The old database's journal would be replayed into the restored one.
    for journal in ["-wal", "-shm"] {
        let path = with_suffix(&database_to, journal);
        if path.exists() {
            std::fs::rename(&path, with_suffix(&path, &format!(".replaced-{stamp}")))
                .map_err(|e| format!("cannot move {} aside: {e}", path.display()))?;
        }
    }
    if let Some(parent) = database_to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    // Copied under a temporary name first, so an interrupted restore leaves no half database.
    let partial = with_suffix(&database_to, ".restoring");
    std::fs::copy(&database_from, &partial)
        .and_then(|_| std::fs::File::open(&partial)?.sync_all())
        .map_err(|e| format!("cannot copy the database: {e}"))?;
    std::fs::rename(&partial, &database_to)
        .map_err(|e| format!("cannot put the database in place: {e}"))?;
    std::fs::create_dir_all(&files_to).map_err(|e| format!("{}: {e}", files_to.display()))?;
    let (files, bytes) = copy_new_files(&files_from, &files_to)?;
    Ok(Summary {
        database: true,
        files,
        bytes,
    })
}

/// Copies each dataset of `from` (`<workspace>/<file>.jsonl`) that `to` lacks, skipping
/// uploads still being received. Returns how many files and bytes it copied.
fn copy_new_files(from: &Path, to: &Path) -> Result<(u64, u64), String> {
    let (mut files, mut bytes) = (0, 0);
    let workspaces = match std::fs::read_dir(from) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((0, 0)),
        Err(e) => return Err(format!("cannot read {}: {e}", from.display())),
    };
    for workspace in workspaces.flatten().filter(|e| e.path().is_dir()) {
        let into = to.join(workspace.file_name());
        std::fs::create_dir_all(&into).map_err(|e| format!("{}: {e}", into.display()))?;
        let entries = std::fs::read_dir(workspace.path())
            .map_err(|e| format!("cannot read {}: {e}", workspace.path().display()))?;
        for file in entries.flatten() {
            let name = file.file_name();
            let target = into.join(&name);
            if name.to_string_lossy().starts_with('.') || target.exists() {
                continue;
            }
            match std::fs::copy(file.path(), &target) {
                Ok(n) => (files, bytes) = (files + 1, bytes + n),
                // Deleted since it was listed.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot copy {}: {e}", file.path().display())),
            }
        }
    }
    Ok((files, bytes))
}

/// The datasets a database copy lists whose file is not in `files`.
async fn datasets_without_file(database: &Path, files: &Path) -> Result<Vec<String>, String> {
    let mut db = open_read_only(database).await?;
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT workspace_id, id FROM files")
        .fetch_all(&mut db)
        .await
        .map_err(|e| format!("cannot list the datasets of {}: {e}", database.display()))?;
    Ok(rows
        .into_iter()
        .filter(|(workspace, id)| !files.join(workspace).join(format!("{id}.jsonl")).is_file())
        .map(|(_, id)| id)
        .collect())
}

async fn check_integrity(database: &Path) -> Result<(), String> {
    let mut db = open_read_only(database).await?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .map_err(|e| format!("cannot check {}: {e}", database.display()))?;
    if verdict == "ok" {
        Ok(())
    } else {
        Err(format!("{} is damaged: {verdict}", database.display()))
    }
}

/// A copy is only read: no journal mode set, nothing written beside it.
async fn open_read_only(database: &Path) -> Result<sqlx::SqliteConnection, String> {
    use sqlx::ConnectOptions;
    sqlx::sqlite::SqliteConnectOptions::new()
        .filename(database)
        .read_only(true)
        .connect()
        .await
        .map_err(|e| format!("cannot open {}: {e}", database.display()))
}

/// The file of a `sqlite:` database URL.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?.trim_start_matches("//");
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;
    use std::path::PathBuf;

    #[test]
    fn the_database_file_is_read_from_the_url() {
        let path = |url| sqlite_path(url);
        assert_eq!(
            path("sqlite://data/console.db"),
            Some(PathBuf::from("data/console.db"))
        );
        assert_eq!(
            path("sqlite:///var/lib/c.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/c.db"))
        );
        assert_eq!(path("sqlite::memory:"), None);
        assert_eq!(path("postgres://localhost/console"), None);
    }
}
