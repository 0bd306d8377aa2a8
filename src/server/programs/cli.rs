//! Operator commands, run on the server machine against the same database:
//!
//! `studio-console grant-role --org ORG_ID --email EMAIL --role admin|billing|member`
//!
//! makes an existing account a member of an organization with that role (or changes
//! their role): for recovering an organization that lost its admins, and for tests.
//!
//! `studio-console demo-trainer` runs simulated fine-tuning jobs (see `demo_trainer`).

use crate::domain::roles::OrgRole;
use crate::domain::validation;
use crate::server::config::Config;
use crate::server::db::{Db, now_ms};
use crate::server::repo::{memberships, orgs, users};

pub const USAGE: &str = "usage: studio-console [serve]\n       studio-console grant-role --org ORG_ID --email EMAIL --role admin|billing|member\n       studio-console demo-trainer [--url http://127.0.0.1:3000] [--steps 10] [--step-ms 1000] [--once]";

/// Runs the command named by `args` (without the program name).
pub async fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("grant-role") => grant_role(&args[1..]).await,
        Some("demo-trainer") => super::demo_trainer::run(&args[1..]).await,
        Some("--help") | Some("-h") | Some("help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
        None => Err(USAGE.to_owned()),
    }
}

/// The value after `name` in `args`, if given.
pub fn flag_value<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn flag<'a>(args: &'a [String], name: &str) -> Result<&'a str, String> {
    flag_value(args, name).ok_or_else(|| format!("missing {name}\n{USAGE}"))
}

async fn grant_role(args: &[String]) -> Result<(), String> {
    let org_id = flag(args, "--org")?;
    let email = validation::email("email", flag(args, "--email")?).map_err(|e| e.to_string())?;
    let role_arg = flag(args, "--role")?;
    let role = OrgRole::parse(role_arg)
        .ok_or_else(|| format!("--role {role_arg:?}: use admin, billing or member"))?;
    let config = Config::from_env()?;
    let db = Db::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let user = users::find_by_email(&db.pool, &email)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no account with the email {email}"))?;
    orgs::find_by_id(&db.pool, org_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no organization {org_id}"))?;
    memberships::upsert_org_member(&db.pool, org_id, &user.id, role.as_str(), now_ms())
        .await
        .map_err(|e| e.to_string())?;
    println!("{email} is now {} of {org_id}", role.label());
    Ok(())
}
