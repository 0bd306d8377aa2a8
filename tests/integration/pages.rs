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
    // A dialog's page must show the dialog (its title), or the check below proves nothing.
    let dialog = |page: String, name: &str| {
        let path = paths::with_param(&page, &format!("dialog={name}"));
        (path, Some(format!("id=\"{name}-title\"")))
    };
    let page = |path: String| (path, None);
    let review = paths::with_param(
        &paths::settings_members(&org),
        "dialog=invite-review&emails=grace%40example.com&role=member",
    );
    let pages = [
        page(paths::workspace_home(&org, &ws)),
        page(paths::settings_general(&org)),
        page(paths::settings_members(&org)),
        dialog(paths::settings_members(&org), "invite"),
        (review, Some("grace@example.com".to_owned())),
        page(paths::settings_invitations(&org)),
        dialog(paths::settings_invitations(&org), "invite"),
        page(paths::settings_join_requests(&org)),
        page(paths::settings_workspaces(&org)),
        dialog(paths::settings_workspaces(&org), "new-workspace"),
        page(paths::settings_permissions(&org)),
        page(paths::settings_domains(&org)),
        page(paths::settings_audit(&org)),
        page(paths::settings_limits(&org)),
        page(paths::settings_billing(&org)),
        page(paths::billing_subscription(&org)),
        page(paths::billing_invoices(&org)),
        page(paths::workspace_members(&org, &ws)),
        dialog(paths::workspace_members(&org, &ws), "add-members"),
        page(paths::workspace_api_keys(&org, &ws)),
        dialog(paths::workspace_api_keys(&org, &ws), "new-key"),
        page(paths::workspace_datasets(&org, &ws)),
        page(paths::workspace_fine_tuning(&org, &ws)),
        dialog(paths::workspace_fine_tuning(&org, &ws), "new-job"),
        page(paths::workspace_models(&org, &ws)),
        page(paths::workspace_usage(&org, &ws)),
        page(paths::ACCOUNT.to_owned()),
        page(paths::WELCOME.to_owned()),
    ];
    for (page, shows) in &pages {
        for _ in 0..3 {
            let res = ada.client.get(page).await;
            assert_eq!(res.status, 200, "{page}");
            if let Some(marker) = shows {
                assert!(res.body.contains(marker.as_str()), "{page} shows {marker}");
            }
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
                .map(|(value, n)| format!("{n}x {}", value.chars().take(120).collect::<String>()))
                .collect();
            assert!(
                twice.is_empty(),
                "{page} carries a resource twice: {twice:?}"
            );
        }
    }
}
