//! Workspace -> Datasets, Fine-tuning, Models: what the workspace's keys and members
//! created, visible to every member of the workspace.

mod datasets;
mod fine_tuning;
mod models;

pub use datasets::DatasetsPage;
pub use fine_tuning::FineTuningPage;
pub use models::ModelsPage;

use crate::domain::format::thousands;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

/// Once a deletion succeeds, its dialog's object is gone: leave the dialog's URL for the
/// page's own, and say on the page what happened.
fn deleted_notice(deleted: Signal<bool>, here: String, message: &'static str) -> impl IntoView {
    let navigate = use_navigate();
    Effect::new(move |_| {
        if deleted.get() {
            let replace = NavigateOptions {
                replace: true,
                ..Default::default()
            };
            navigate(&here, replace);
        }
    });
    move || {
        deleted
            .get()
            .then(|| view! { <p class="alert alert-success" role="status">{message}</p> })
    }
}

/// "12.3 MB", "840 B".
fn size(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{} B", thousands(bytes));
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_well() {
        assert_eq!(super::size(840), "840 B");
        assert_eq!(super::size(1536), "1.5 KB");
        assert_eq!(super::size(200 * 1024 * 1024), "200.0 MB");
    }
}
