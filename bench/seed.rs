//! Seeds a benchmark database: an admin account whose organization has N members.
//!
//! `DATABASE_URL=... bench-seed --members 10000 --email admin@bench.local --password "..."`
//! prints the organization id. With `--jobs N` it also fills the default workspace with N
//! fine-tuning jobs and N datasets (rows only) and prints "org_id workspace_id". With
//! `--usage-events N` it adds 19 workspaces and meters N usage events over the 20
//! workspaces, 50 keys, 6 models and the last 90 days (summed per day, as the console
//! does), and prints "org_id workspace_id". `--sum-requests WS` prints the requests metered
//! for a workspace (to check one usage event per completion).

use studio_console::domain::calendar::{DAY_MS, day_start};
use studio_console::server::db::Db;
use studio_console::server::repo::usage::{self, DaySum};
use studio_console::server::services::accounts::{self, SignUp};

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let members: usize = arg(&args, "--members", "10000")
        .parse()
        .map_err(|_| "--members: a number")?;
    let email = arg(&args, "--email", "admin@bench.local");
    let password = arg(&args, "--password", "benchmark password");
    let url = std::env::var("DATABASE_URL").map_err(|_| "set DATABASE_URL")?;
    let db = Db::connect(&url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    if let Some(ws) = args
        .iter()
        .position(|a| a == "--sum-requests")
        .and_then(|i| args.get(i + 1))
    {
        let sum: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(requests), 0) AS BIGINT) FROM usage_daily WHERE workspace_id = $1",
        )
        .bind(ws)
        .fetch_one(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
        println!("{sum}");
        return Ok(());
    }
    let account = accounts::sign_up(
        &db,
        SignUp {
            name: "Bench Admin".into(),
            email,
            password,
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let org = account.org_id.clone();
    // Room for the bulk-invite benchmark on top of the members.
    sqlx::query(
        "INSERT INTO subscriptions (org_id, plan_id, seats, updated_at) VALUES ($1, 'team', $2, 0)",
    )
    .bind(&org)
    .bind((members + 2_000) as i64)
    .execute(&db.pool)
    .await
    .map_err(|e| e.to_string())?;

    let now = db.now();
    let mut tx = db.pool.begin().await.map_err(|e| e.to_string())?;
    for chunk_start in (0..members).step_by(500) {
        let chunk: Vec<usize> = (chunk_start..(chunk_start + 500).min(members)).collect();
        let mut users_sql =
            String::from("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ");
        let mut members_sql = String::from(
            "INSERT INTO org_members (org_id, user_id, role, created_at, name_key) VALUES ",
        );
        for (i, _) in chunk.iter().enumerate() {
            let p = i * 4;
            users_sql.push_str(&format!(
                "{}(${}, ${}, ${}, 'x', ${})",
                if i > 0 { "," } else { "" },
                p + 1,
                p + 2,
                p + 3,
                p + 4
            ));
            let q = i * 4;
            members_sql.push_str(&format!(
                "{}(${}, ${}, 'member', ${}, ${})",
                if i > 0 { "," } else { "" },
                q + 1,
                q + 2,
                q + 3,
                q + 4
            ));
        }
        let mut users = sqlx::query(&users_sql);
        let mut rows = sqlx::query(&members_sql);
        for n in &chunk {
            let id = format!("usr_bench{n:07}");
            users = users
                .bind(id.clone())
                .bind(format!("member{n:05}@bench.local"))
                .bind(format!("Member {n:05}"))
                .bind(now);
            // The name key: the name lower-cased, as `repo::memberships` stores it.
            rows = rows
                .bind(org.clone())
                .bind(id)
                .bind(now)
                .bind(format!("member {n:05}"));
        }
        users.execute(&mut *tx).await.map_err(|e| e.to_string())?;
        rows.execute(&mut *tx).await.map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    let events: usize = arg(&args, "--usage-events", "0")
        .parse()
        .map_err(|_| "--usage-events: a number")?;
    if events > 0 {
        let ws = account.workspace_id.clone();
        seed_usage(&db, &org, &ws, events, now).await?;
        println!("{org} {ws}");
        return Ok(());
    }
    let entries: usize = arg(&args, "--audit-entries", "0")
        .parse()
        .map_err(|_| "--audit-entries: a number")?;
    if entries > 0 {
        let admin_email = arg(&args, "--email", "admin@bench.local");
        seed_audit(
            &db,
            &org,
            &account.user_id,
            &admin_email,
            members,
            entries,
            now,
        )
        .await?;
        println!("{org} {}", account.user_id);
        return Ok(());
    }
    let jobs: usize = arg(&args, "--jobs", "0")
        .parse()
        .map_err(|_| "--jobs: a number")?;
    if jobs == 0 {
        println!("{org}");
        return Ok(());
    }
    let ws = account.workspace_id.clone();
    seed_workspace(&db, &org, &ws, jobs, now).await?;
    println!("{org} {ws}");
    Ok(())
}

/// `n` audit entries in the organization, one a second up to `now`: role changes by the
/// admin of member i mod `members`, every tenth a rename of the default workspace. Their
/// hashes are placeholders (the page and exports never read them; `audit-verify` would
/// report the seeded chain broken). Written by the database itself, 50,000 to a statement.
async fn seed_audit(
    db: &Db,
    org: &str,
    admin: &str,
    admin_email: &str,
    members: usize,
    n: usize,
    now: i64,
) -> Result<(), String> {
    let ws: String = sqlx::query_scalar("SELECT id FROM workspaces WHERE org_id = $1")
        .bind(org)
        .fetch_one(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
    let first = now - n as i64 * 1000;
    let members = members.max(1) as i64;
    // In place of the founding entry sign-up wrote.
    sqlx::query("DELETE FROM audit_log WHERE org_id = $1")
        .bind(org)
        .execute(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
    for start in (0..n).step_by(50_000) {
        let count = (n - start).min(50_000) as i64;
        sqlx::query(
            "WITH RECURSIVE k(i) AS (SELECT $3 UNION ALL SELECT i + 1 FROM k WHERE i < $4) \
             INSERT INTO audit_log (org_id, seq, at, actor_kind, actor_id, actor_label, action, \
             target_kind, target_id, target_label, workspace_id, before_json, after_json, \
             client_ip, user_agent, request_id, prev_hash, hash) \
             SELECT $1, i + 1, $5 + i * 1000, 'person', $2, $8, \
             CASE WHEN i % 10 = 0 THEN 'workspace.renamed' ELSE 'member.role_changed' END, \
             CASE WHEN i % 10 = 0 THEN 'workspace' ELSE 'member' END, \
             CASE WHEN i % 10 = 0 THEN $6 \
             ELSE 'usr_bench' || substr(CAST(10000000 + i % $7 AS TEXT), 2) END, \
             'member@bench.local', CASE WHEN i % 10 = 0 THEN $6 ELSE NULL END, \
             '{\"role\":\"member\"}', '{\"role\":\"billing\"}', '127.0.0.1', \
             'bench', 'bench', 'x', 'x' FROM k",
        )
        .bind(org)
        .bind(admin)
        .bind(start as i64)
        .bind(start as i64 + count - 1)
        .bind(first)
        .bind(&ws)
        .bind(members)
        .bind(admin_email)
        .execute(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
    }
    sqlx::query("UPDATE audit_heads SET seq = $2, at = $3 WHERE org_id = $1")
        .bind(org)
        .bind(n as i64)
        .bind(now)
        .execute(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// `n` datasets and `n` jobs (a third succeeded, with their models) in workspace `ws`.
async fn seed_workspace(db: &Db, org: &str, ws: &str, n: usize, now: i64) -> Result<(), String> {
    let mut tx = db.pool.begin().await.map_err(|e| e.to_string())?;
    for i in 0..n {
        let file = format!("file-bench{i:07}");
        let job = format!("ftjob-bench{i:07}");
        let at = now - (n - i) as i64 * 1000;
        sqlx::query("INSERT INTO files (id, org_id, workspace_id, filename, purpose, bytes, line_count, created_at) VALUES ($1, $2, $3, $4, 'fine-tune', 2048, 20, $5)")
            .bind(&file).bind(org).bind(ws).bind(format!("data-{i:05}.jsonl")).bind(at)
            .execute(&mut *tx).await.map_err(|e| e.to_string())?;
        let model = (i % 3 == 0).then(|| format!("ft:open-mistral-7b:default:b:{i:012}"));
        let status = if model.is_some() {
            "succeeded"
        } else {
            "queued"
        };
        sqlx::query("INSERT INTO fine_tuning_jobs (id, org_id, workspace_id, model, training_file, hyperparameters, status, progress, fine_tuned_model, created_at) VALUES ($1, $2, $3, 'open-mistral-7b', $4, '{}', $5, 0, $6, $7)")
            .bind(&job).bind(org).bind(ws).bind(&file).bind(status).bind(&model).bind(at)
            .execute(&mut *tx).await.map_err(|e| e.to_string())?;
        if let Some(model) = model {
            sqlx::query("INSERT INTO fine_tuned_models (id, org_id, workspace_id, base_model, job_id, created_at) VALUES ($1, $2, $3, 'open-mistral-7b', $4, $5)")
                .bind(model).bind(org).bind(ws).bind(&job).bind(at)
                .execute(&mut *tx).await.map_err(|e| e.to_string())?;
        }
    }
    tx.commit().await.map_err(|e| e.to_string())
}

/// `n` usage events over 20 workspaces (`ws` and 19 more), 50 keys (key k in workspace
/// k mod 20), 6 models and the last 90 days, each added to its day's sums as metering does.
async fn seed_usage(db: &Db, org: &str, ws: &str, n: usize, now: i64) -> Result<(), String> {
    const MODELS: [&str; 6] = [
        "open-mistral-7b",
        "mistral-small-latest",
        "open-mistral-nemo",
        "mistral-large-latest",
        "demo-echo",
        "ft:open-mistral-7b:default:bench:000000000001",
    ];
    let mut workspaces = vec![ws.to_owned()];
    let mut tx = db.pool.begin().await.map_err(|e| e.to_string())?;
    for i in 1..20 {
        let id = format!("ws_bench{i:02}");
        sqlx::query("INSERT INTO workspaces (id, org_id, name, is_default, created_at) VALUES ($1, $2, $3, 0, $4)")
            .bind(&id).bind(org).bind(format!("Team {i:02}")).bind(now)
            .execute(&mut *tx).await.map_err(|e| e.to_string())?;
        workspaces.push(id);
    }
    let today = day_start(now);
    for i in 0..n {
        let key = i % 50;
        let seed = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let tokens = 50 + (seed >> 40) as i64 % 2_000;
        // Straight into the day sums: the spend ledger is not filled (the benchmark's caps,
        // if any, are far above it).
        let metered = DaySum {
            org_id: org.to_owned(),
            workspace_id: workspaces[key % 20].clone(),
            api_key_id: format!("key_bench{key:02}"),
            model: MODELS[(i / 50) % 6].to_owned(),
            day: today - ((seed >> 20) % 90) as i64 * DAY_MS,
            requests: 1,
            input_tokens: tokens,
            output_tokens: tokens / 2,
            training_tokens: 0,
            cost: 0,
        };
        usage::add(&mut *tx, &metered)
            .await
            .map_err(|e| e.to_string())?;
        if i % 50_000 == 49_999 {
            tx.commit().await.map_err(|e| e.to_string())?;
            tx = db.pool.begin().await.map_err(|e| e.to_string())?;
        }
    }
    tx.commit().await.map_err(|e| e.to_string())
}
