//! `/`: sends the visitor where they belong (sign-in, or their last workspace).

use crate::api::auth::landing;
use crate::ui::layout::{ErrorPanel, server_once};
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn Landing() -> impl IntoView {
    let target = Resource::new(|| (), |_| landing());
    view! {
        <Suspense fallback=|| view! { <div class="page-loading">"Loading…"</div> }>
            {server_once(move || Suspend::new(async move {
                match target.await {
                    Ok(path) => view! { <Redirect path/> }.into_any(),
                    Err(error) => view! { <ErrorPanel error/> }.into_any(),
                }
            }))}
        </Suspense>
    }
}
