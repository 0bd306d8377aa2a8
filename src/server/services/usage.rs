//! Usage and cost for people: a workspace's (Workspace -> Usage: every member; by API key
//! for its Admins) and an organization's (Admin Settings -> Billing: Admin and Billing).
//! Read from the day sums (`repo::usage`), never from raw events.

use crate::domain::Error;
use crate::domain::billing::{Catalogue, DayRow, Names, UsageReport, report, row_cost};
use crate::domain::calendar::{Period, day_start, iso_date};
use crate::domain::keyset::PageAt;
use crate::domain::permissions::Action;
use crate::server::authz::{OrgActor, WorkspaceActor};
use crate::server::db::Db;
use crate::server::error::OrInternal;
use crate::server::repo::usage::{self, DailyRow};
use crate::server::repo::{api_keys, workspaces};
use crate::server::services::report_cache;
use std::collections::HashMap;

/// Ids to names, with a fallback for what was deleted since.
struct Labels {
    workspaces: HashMap<String, String>,
    keys: HashMap<String, String>,
}

impl Names for Labels {
    fn workspace(&self, id: &str) -> String {
        self.workspaces
            .get(id)
            .cloned()
            .unwrap_or_else(|| "Deleted workspace".into())
    }

    fn key(&self, id: &str) -> String {
        match (id, self.keys.get(id)) {
            ("", _) => "Without a key".into(),
            (_, Some(name)) => name.clone(),
            (_, None) => "Deleted key".into(),
        }
    }
}

pub(crate) fn day_rows(rows: Vec<DailyRow>) -> Vec<DayRow> {
    rows.into_iter()
        .map(|r| DayRow {
            workspace_id: r.workspace_id,
            api_key_id: r.api_key_id,
            model: r.model,
            day: r.day,
            requests: r.requests,
            input_tokens: r.input_tokens,
            output_tokens: r.output_tokens,
            training_tokens: r.training_tokens,
        })
        .collect()
}

/// The organization's workspaces by id (archived ones too: their usage still counts).
async fn workspace_names(db: &Db, org_id: &str) -> Result<HashMap<String, String>, Error> {
    Ok(workspaces::names_in_org(&db.pool, org_id)
        .await
        .or_internal("naming workspaces")?
        .into_iter()
        .collect())
}

/// The period named by `key` ("2026-11"), or the current one.
pub fn period(db: &Db, key: Option<&str>) -> Result<Period, Error> {
    match key.filter(|k| !k.is_empty()) {
        None => Ok(Period::containing(db.now())),
        Some(k) => Period::from_key(k)
            .filter(|p| p.start <= db.now())
            .ok_or_else(|| Error::invalid("period", "a past or current month such as 2026-11")),
    }
}

/// What a report is built from, for `report_cache`: its scope, month and day, the
/// requests counted so far, and a digest of the names it shows and the prices.
fn basis(
    scope: String,
    period: Period,
    now: i64,
    requests: i64,
    labels: &Labels,
    catalogue: &Catalogue,
) -> report_cache::Basis {
    report_cache::Basis {
        scope,
        period_start: period.start,
        today: day_start(now),
        requests,
        inputs: report_cache::digest(&(
            sorted(&labels.workspaces),
            sorted(&labels.keys),
            format!("{catalogue:?}"),
        )),
    }
}

fn sorted(m: &HashMap<String, String>) -> Vec<(&String, &String)> {
    let mut v: Vec<_> = m.iter().collect();
    v.sort();
    v
}

pub async fn workspace_report(
    db: &Db,
    catalogue: &Catalogue,
    ws: &WorkspaceActor,
    period: Period,
) -> Result<UsageReport, Error> {
    ws.require(Action::UseWorkspace)?;
    let with_keys = ws.require(Action::ViewKeyUsage).is_ok();
    let now = db.now();
    let keys: HashMap<String, String> = if with_keys {
        // Every key's name, for the labels (the report names keys that have usage).
        api_keys::list(&db.pool, &ws.workspace.id, &PageAt::First, i64::MAX)
            .await
            .or_internal("listing API keys")?
            .into_iter()
            .map(|k| (k.id, format!("{} ({}…)", k.name, k.prefix)))
            .collect()
    } else {
        HashMap::new()
    };
    let labels = Labels {
        workspaces: HashMap::from([(ws.workspace.id.clone(), ws.workspace.name.clone())]),
        keys,
    };
    let requests = usage::workspace_requests(&db.pool, &ws.workspace.id, period.start, period.end)
        .await
        .or_internal("counting a workspace's usage")?;
    let scope = format!("{}:{with_keys}", ws.workspace.id);
    let basis = basis(scope, period, now, requests, &labels, catalogue);
    report_cache::kept_or_built(basis, async {
        let rows = usage::for_workspace(&db.pool, &ws.workspace.id, period.start, period.end)
            .await
            .or_internal("reading a workspace's usage")?;
        Ok(report(
            catalogue,
            period,
            now,
            &day_rows(rows),
            &labels,
            with_keys,
        ))
    })
    .await
}

pub async fn org_report(
    db: &Db,
    catalogue: &Catalogue,
    actor: &OrgActor,
    period: Period,
) -> Result<UsageReport, Error> {
    actor.require(Action::ViewBilling)?;
    let now = db.now();
    let labels = Labels {
        workspaces: workspace_names(db, &actor.org_id).await?,
        keys: HashMap::new(),
    };
    let requests = usage::org_requests(&db.pool, &actor.org_id, period.start, period.end)
        .await
        .or_internal("counting an organization's usage")?;
    let basis = basis(
        actor.org_id.clone(),
        period,
        now,
        requests,
        &labels,
        catalogue,
    );
    report_cache::kept_or_built(basis, async {
        let rows = usage::for_org(&db.pool, &actor.org_id, period.start, period.end)
            .await
            .or_internal("reading an organization's usage")?;
        Ok(report(
            catalogue,
            period,
            now,
            &day_rows(rows),
            &labels,
            false,
        ))
    })
    .await
}

/// The organization's usage in `period` as CSV: one row per day, workspace and model, each
/// with its exact cost rounded to the cent (the invoice rounds per line, so a column sum
/// may differ from the invoice by cents). Text is quoted, and a cell that a spreadsheet
/// would run as a formula is prefixed with `'`.
pub async fn org_csv(
    db: &Db,
    catalogue: &Catalogue,
    actor: &OrgActor,
    period: Period,
) -> Result<String, Error> {
    actor.require(Action::ViewBilling)?;
    let mut rows = day_rows(
        usage::for_org(&db.pool, &actor.org_id, period.start, period.end)
            .await
            .or_internal("reading an organization's usage")?,
    );
    rows.sort_by(|a, b| {
        (a.day, &a.workspace_id, &a.model).cmp(&(b.day, &b.workspace_id, &b.model))
    });
    let names = workspace_names(db, &actor.org_id).await?;
    let mut out = format!(
        "day,workspace_id,workspace,model,requests,input_tokens,output_tokens,training_tokens,cost_{}\n",
        catalogue.currency.to_lowercase()
    );
    for r in rows {
        let name = names.get(&r.workspace_id).map(String::as_str).unwrap_or("");
        let cost = row_cost(catalogue, &r);
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}.{:02}\n",
            iso_date(r.day),
            csv_text(&r.workspace_id),
            csv_text(name),
            csv_text(&r.model),
            r.requests,
            r.input_tokens,
            r.output_tokens,
            r.training_tokens,
            cost.0 / 100,
            cost.0 % 100,
        ));
    }
    Ok(out)
}

/// A text cell: quoted, quotes doubled, formulas defused.
pub(crate) fn csv_text(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    format!("\"{}\"", defused.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_text_is_quoted_and_defused() {
        assert_eq!(super::csv_text("Research"), "\"Research\"");
        assert_eq!(super::csv_text("a \"b\", c"), "\"a \"\"b\"\", c\"");
        assert_eq!(super::csv_text("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
    }
}
