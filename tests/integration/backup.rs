//! `studio-console backup` and `restore`: a copy taken while the console serves comes
//! back whole, and a restore never throws away what it replaces.

use crate::common;

use common::v1::{GOOD, key, upload, v1};
use common::{TestApp, account, unique_suffix};
use studio_console::server::programs::backup::{self, Summary};

backend_tests!(a_backup_restores_into_a_working_console);

async fn a_backup_restores_into_a_working_console(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let ws = ada.workspace_id.clone();
    let key = key(&app, &mut ada, &ws).await;
    let file: serde_json::Value = upload(&app, &key, "fine-tune", GOOD).await.json();
    let file_id = file["id"].as_str().unwrap().to_owned();
    let home = std::env::temp_dir().join(format!("console_backup_{}", unique_suffix()));
    let copy = home.join("backup");

    let summary = backup::backup(&app.config, &copy).await.unwrap();
    let postgres = !app.config.database_url.starts_with("sqlite:");
    assert_eq!(
        summary,
        Summary {
            database: !postgres,
            files: 1,
            bytes: GOOD.len() as u64
        }
    );
    let again = backup::backup(&app.config, &copy).await.unwrap_err();
    assert!(again.contains("not empty"), "{again}");
    if postgres {
        // The database is pg_dump's; nothing more to restore here.
        let _ = std::fs::remove_dir_all(&home);
        return;
    }

    // Restored elsewhere, as onto a new machine.
    let mut config = app.config.clone();
    config.database_url = format!("sqlite://{}/restored/console.db", home.display());
    config.data_dir = home.join("restored").join("data");
    let restored = backup::restore(&config, &copy, false).await.unwrap();
    assert_eq!((restored.files, restored.bytes), (1, GOOD.len() as u64));
    let refused = backup::restore(&config, &copy, false).await.unwrap_err();
    assert!(refused.contains("--replace"), "{refused}");
    backup::restore(&config, &copy, true).await.unwrap();

    // A backup missing a dataset's file is refused before anything is touched.
    let damaged = home.join("damaged");
    backup::backup(&app.config, &damaged).await.unwrap();
    std::fs::remove_dir_all(damaged.join("files").join(&ws)).unwrap();
    let incomplete = backup::restore(&config, &damaged, true).await.unwrap_err();
    assert!(incomplete.contains("incomplete"), "{incomplete}");

    let console = TestApp::sqlite_in(home.clone(), config.clone()).await;
    console.sign_in("ada@example.com").await;
    let content = v1(
        &console,
        "GET",
        &format!("/v1/files/{file_id}/content"),
        &key,
    )
    .await;
    assert_eq!((content.status, content.body.as_str()), (200, GOOD));

    // Written on the restored console, then replaced by the backup again: refused while the
    // console runs; once stopped, the write survives in the copy kept aside (its journal
    // folded in first).
    let later: serde_json::Value = upload(&console, &key, "fine-tune", GOOD).await.json();
    let later_id = later["id"].as_str().unwrap().to_owned();
    let running = backup::restore(&config, &copy, true).await.unwrap_err();
    assert!(running.contains("stop the console"), "{running}");
    console.db.pool.close().await;
    backup::restore(&config, &copy, true).await.unwrap();
    let aside = std::fs::read_dir(home.join("restored"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("console.db.replaced-") && !name.ends_with("-wal")
        })
        .max()
        .expect("the replaced database is kept");
    use sqlx::ConnectOptions;
    let mut kept = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&aside)
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM files")
        .fetch_all(&mut kept)
        .await
        .unwrap();
    assert!(
        ids.contains(&later_id),
        "the write made after the restore is kept aside"
    );
}
