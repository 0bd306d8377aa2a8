//! `/o/{org}`: opens the organization's first workspace the user can see.

use crate::domain::paths;
use crate::ui::layout::ConsolePage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn OrgHome() -> impl IntoView {
    view! {
        <ConsolePage page=|shell| match shell.workspaces.first() {
            Some(ws) => view! { <Redirect path=paths::workspace_home(&shell.org.id, &ws.id)/> }.into_any(),
            None => view! {
                <Title text=shell.org.name.clone()/>
                <section class="content narrow-content">
                    <h1 class="h1">{shell.org.name.clone()}</h1>
                    <div class="empty-state">
                        <h2 class="h2">"No workspace yet"</h2>
                        <p class="muted">
                            "You are a member of this organization but of none of its workspaces. "
                            "Ask an organization admin to add you to one."
                        </p>
                    </div>
                </section>
            }
            .into_any(),
        }/>
    }
}
