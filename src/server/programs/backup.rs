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
    let files_from = config.data_dir.join(FILES_DIR);
    if to.starts_with(&config.data_dir) {
        return Err(format!(
            "{} is inside DATA_DIR: back up somewhere else",
            to.display()
        ));
    }
    let files_to = to.join(FILES_DIR);
    std::fs::create_dir_all(&files_to)
        .map_err(|e| format!("cannot create {}: {e}", files_to.display()))?;
    let mut copied = copy_new_files(&files_from, &files_to)?;
    let Some(database) = sqlite_path(&config.database_url) else {
        return Ok(Summary {
            database: false,
            files: copied.0,
            bytes: copied.1,
        });
    };
    let database_to = to.join(DATABASE_FILE);
    let target = database_to
        .to_str()
        .ok_or_else(|| format!("{}: not a UTF-8 path", database_to.display()))?;
    let mut live = open_read_only(&database).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut live)
        .await
        .map_err(|e| format!("cannot copy the database: {e}"))?;
    let later = copy_new_files(&files_from, &files_to)?;
    copied = (copied.0 + later.0, copied.1 + later.1);
    let missing = datasets_without_file(&database_to, &files_to).await?;
    if let Some(first) = missing.first() {
        return Err(format!(
            "{} datasets (first {first}) were deleted while the backup ran, so the copy of the \
             database lists them without their file: remove {} and run the backup again",
            missing.len(),
            to.display()
        ));
    }
    Ok(Summary {
        database: true,
        files: copied.0,
        bytes: copied.1,
    })
}

/// Puts a backup back: the console must be stopped (a running one is detected and the
/// restore refused). The backup is staged beside the live database and datasets and
/// checked there; only then are they swapped in. What it replaces (with `replace`) is kept
/// beside it, renamed `*.replaced-<time>`, never deleted.
pub async fn restore(config: &Config, from: &Path, replace: bool) -> Result<Summary, String> {
    let database_from = from.join(DATABASE_FILE);
    if !database_from.is_file() {
        return Err(format!(
            "{} has no {DATABASE_FILE}: not a backup of a SQLite console",
            from.display()
        ));
    }
    let database_to = sqlite_path(&config.database_url).ok_or(
        "DATABASE_URL is not a SQLite file: restore a PostgreSQL database with pg_restore or psql",
    )?;
    let files_to = config.data_dir.join(FILES_DIR);
    let replacing: Vec<&PathBuf> = [&database_to, &files_to]
        .into_iter()
        .filter(|p| p.exists())
        .collect();
    if let (Some(existing), false) = (replacing.first(), replace) {
        return Err(format!(
            "{} exists: stop the console and add --replace to put the backup in its place \
             (what it replaces is kept, renamed)",
            existing.display()
        ));
    }
    if database_to.exists() {
        fold_journal_while_stopped(&database_to).await?;
    }
    if let Some(parent) = database_to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| format!("{}: {e}", config.data_dir.display()))?;

    // Staged and checked first: a failure here leaves the live console as it was.
    let staged_database = with_suffix(&database_to, ".restoring");
    let staged_files = with_suffix(&files_to, ".restoring");
    let _ = std::fs::remove_file(&staged_database);
    let _ = std::fs::remove_dir_all(&staged_files);
    std::fs::copy(&database_from, &staged_database)
        .and_then(|_| std::fs::File::open(&staged_database)?.sync_all())
        .map_err(|e| format!("cannot copy the database: {e}"))?;
    std::fs::create_dir_all(&staged_files)
        .map_err(|e| format!("{}: {e}", staged_files.display()))?;
    let (files, bytes) = copy_new_files(&from.join(FILES_DIR), &staged_files)?;
    check_integrity(&staged_database).await?;
    let missing = datasets_without_file(&staged_database, &staged_files).await?;
    if let Some(first) = missing.first() {
        let _ = std::fs::remove_file(&staged_database);
        let _ = std::fs::remove_dir_all(&staged_files);
        return Err(format!(
            "the backup is incomplete: {} datasets (first {first}) have no whole file in it",
            missing.len()
        ));
    }

    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    let swap = |from: &Path, to: &Path, moved: &mut Vec<(PathBuf, PathBuf)>| {
        std::fs::rename(from, to)
            .map(|()| moved.push((from.to_owned(), to.to_owned())))
            .map_err(|e| format!("cannot move {} to {}: {e}", from.display(), to.display()))
    };
    let swapped = (|| {
        for existing in &replacing {
            swap(existing, &free_name_aside(existing, stamp), &mut moved)?;
        }
        swap(&staged_files, &files_to, &mut moved)?;
        swap(&staged_database, &database_to, &mut moved)
    })();
    if let Err(e) = swapped {
        // Put back what was moved, newest first.
        for (from, to) in moved.iter().rev() {
            let _ = std::fs::rename(to, from);
        }
        return Err(e);
    }
    Ok(Summary {
        database: true,
        files,
        bytes,
    })
}

/// Writes the live database's journal into it, so that the file moved aside holds every
/// commit; refused while a console has the database open.
async fn fold_journal_while_stopped(database: &Path) -> Result<(), String> {
    use sqlx::{ConnectOptions, Connection, Executor};
    let running = || {
        format!(
            "{} is in use: stop the console before restoring",
            database.display()
        )
    };
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(database)
        .busy_timeout(std::time::Duration::ZERO)
        .locking_mode(sqlx::sqlite::SqliteLockingMode::Exclusive)
        .connect()
        .await
        .map_err(|e| format!("cannot open {}: {e}", database.display()))?;
    let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(&mut conn)
        .await
        .map_err(|_| running())?;
    if busy != 0 {
        return Err(running());
    }
    conn.execute("BEGIN EXCLUSIVE; COMMIT;")
        .await
        .map_err(|_| running())?;
    conn.close().await.map_err(|e| e.to_string())
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

/// The datasets a database copy lists whose file is not in `files`, or not whole.
async fn datasets_without_file(database: &Path, files: &Path) -> Result<Vec<String>, String> {
    let mut db = open_read_only(database).await?;
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT workspace_id, id, bytes FROM files")
            .fetch_all(&mut db)
            .await
            .map_err(|e| format!("cannot list the datasets of {}: {e}", database.display()))?;
    Ok(rows
        .into_iter()
        .filter(|(workspace, id, bytes)| {
            let file = files.join(workspace).join(format!("{id}.jsonl"));
            std::fs::metadata(file).map(|m| m.len() as i64).ok() != Some(*bytes)
        })
        .map(|(_, id, _)| id)
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

/// The file of a `sqlite:` database URL, as sqlx reads it.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    use std::str::FromStr;
    if !url.starts_with("sqlite:") {
        return None;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    let path = options.get_filename();
    // An in-memory database is named `file:sqlx-in-memory-<n>`: nothing to copy.
    let in_memory = path.to_string_lossy().starts_with("file:");
    (!path.as_os_str().is_empty() && !in_memory).then(|| path.to_owned())
}

/// `<path>.replaced-<stamp>`, or with `-2`, `-3`... when a restore in the same millisecond
/// took it: a rename onto an existing file would replace it.
fn free_name_aside(path: &Path, stamp: u128) -> PathBuf {
    let base = with_suffix(path, &format!(".replaced-{stamp}"));
    std::iter::once(base.clone())
        .chain((2..).map(|n| with_suffix(&base, &format!("-{n}"))))
        .find(|p| !p.exists())
        .unwrap_or(base)
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
