//! `/o/{org}/w/{ws}/usage`: the workspace's usage and cost this month (or an earlier
//! one), by model and by day; its Admins also see it by API key.

use crate::api::usage::get_workspace_usage;
use crate::domain::paths;
use crate::domain::shell::ShellData;
use crate::ui::components::UsageReportView;
use crate::ui::layout::{ConsolePage, WorkspaceFrame, WorkspaceSection, list_body};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn WorkspaceUsagePage() -> impl IntoView {
    view! { <ConsolePage page=|shell| view! { <Usage shell/> }/> }
}

#[component]
fn Usage(shell: ShellData) -> impl IntoView {
    let Some(ws) = shell.workspace.clone() else {
        return ().into_any();
    };
    let query = use_query_map();
    let report = Resource::new(
        {
            let (org_id, ws_id) = (shell.org.id.clone(), ws.id.clone());
            move || {
                (
                    org_id.clone(),
                    ws_id.clone(),
                    query.with(|q| q.get("period")),
                )
            }
        },
        |(org, ws, period)| get_workspace_usage(org, ws, period),
    );
    let here = paths::workspace_usage(&shell.org.id, &ws.id);
    let body = list_body(report, "Loading usage…", move |report| {
        view! { <UsageReportView report here=here.clone()/> }
    });
    view! {
        <WorkspaceFrame shell=shell.clone() current=WorkspaceSection::Usage section="Usage">
            {body}
        </WorkspaceFrame>
    }
    .into_any()
}
