//! Console pages as a browser loads them: each carries every resource it reads once.

use crate::common;

use common::{TestApp, account};
use std::collections::HashMap;
use studio_console::domain::paths;

backend_tests!(every_page_carries_each_resource_once);

/// The values a page hands to the browser for hydration, one per resource it resolved.
fn serialized_resources(html: &str) -> Vec<&str> {
    const MARK: &str = "__RESOLVED_RESOURCES[";
    html.match_indices(MARK)
        .filter_map(|(at, _)| {
            let rest = &html[at + MARK.len()..];
            quoted(rest.split_once("] = ")?.1)
        })
        .collect()
}

/// The string literal `text` starts with, quotes and escapes included.
fn quoted(text: &str) -> Option<&str> {
    text.starts_with('"').then_some(())?;
    let mut escaped = false;
    for (at, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(&text[..=at]),
            _ => {}
        }
    }
    None
}

/// A page built twice on the server (Suspense walks its children more than once) creates
/// its resources twice: the list is read twice and sent twice. Loaded three times each,
/// because the doubling used to depend on timing.
async fn every_page_carries_each_resource_once(app: TestApp) {
    let mut ada = account(&app, "Ada", "ada@example.com").await;
    let (org, ws) = (ada.org_id.clone(), ada.workspace_id.clone());
    let dialog = |page: String, name: &str| paths::with_param(&page, &format!("dialog={name}"));
    let pages = [
        paths::workspace_home(&org, &ws),
        paths::settings_general(&org),
        paths::settings_members(&org),
        dialog(paths::settings_members(&org), "invite"),
        paths::settings_invitations(&org),
        dialog(paths::settings_invitations(&org), "invite"),
        paths::settings_join_requests(&org),
        paths::settings_workspaces(&org),
        dialog(paths::settings_workspaces(&org), "new-workspace"),
        paths::settings_permissions(&org),
        paths::settings_domains(&org),
        paths::settings_audit(&org),
        paths::settings_limits(&org),
        paths::settings_billing(&org),
        paths::billing_subscription(&org),
        paths::billing_invoices(&org),
        paths::workspace_members(&org, &ws),
        dialog(paths::workspace_members(&org, &ws), "add-members"),
        paths::workspace_api_keys(&org, &ws),
        dialog(paths::workspace_api_keys(&org, &ws), "new-key"),
        paths::workspace_datasets(&org, &ws),
        paths::workspace_fine_tuning(&org, &ws),
        dialog(paths::workspace_fine_tuning(&org, &ws), "new-job"),
        paths::workspace_models(&org, &ws),
        paths::workspace_usage(&org, &ws),
        paths::ACCOUNT.to_owned(),
        paths::WELCOME.to_owned(),
    ];
    for page in &pages {
        for _ in 0..3 {
            let res = ada.client.get(page).await;
            assert_eq!(res.status, 200, "{page}");
            let resources = serialized_resources(&res.body);
            assert!(
                !resources.is_empty(),
                "{page} hands its data to the browser"
            );
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for value in &resources {
                *seen.entry(value).or_default() += 1;
            }
            // Small values (a bare `Ok(())` or an empty list) may well repeat.
            let twice: Vec<_> = seen
                .iter()
                .filter(|(value, n)| **n > 1 && value.len() > 40)
                .map(|(value, n)| format!("{n}x {}", &value[..value.len().min(120)]))
                .collect();
            assert!(
                twice.is_empty(),
                "{page} carries a resource twice: {twice:?}"
            );
        }
    }
}
