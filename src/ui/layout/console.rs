//! The signed-in page scaffold: loads the shell for the organization and workspace in
//! the URL, then shows the top bar and the page. Signed-out visitors go to sign-in;
//! organizations and workspaces the user can't see are "not found".

use super::{switcher::Switcher, user_menu::UserMenu};
use crate::api::shell::load_shell;
use crate::domain::shell::ShellData;
use crate::domain::{Error, paths};
use crate::ui::pages::NotFound;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

/// Which Admin Settings section a page is (for the section navigation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsSection {
    General,
}

#[component]
pub fn ConsolePage<F, V>(
    /// Renders the page once the shell is loaded.
    page: F,
) -> impl IntoView
where
    F: Fn(ShellData) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let params = use_params_map();
    let shell = Resource::new(
        move || params.with(|p| (p.get("org").unwrap_or_default(), p.get("ws"))),
        |(org, ws)| load_shell(org, ws),
    );
    view! {
        <Transition fallback=|| view! { <div class="page-loading" aria-busy="true">"Loading…"</div> }>
            {move || {
                let page = page.clone();
                Suspend::new(async move {
                    match shell.await {
                        Ok(data) => view! {
                            <a class="skip-link" href="#main">"Skip to content"</a>
                            <header class="topbar">
                                <Switcher shell=data.clone()/>
                                <div class="topbar-spacer"></div>
                                <UserMenu user=data.user.clone() org_id=data.org.id.clone()/>
                            </header>
                            <div class="console-body" id="main">{page(data)}</div>
                        }
                        .into_any(),
                        Err(Error::Unauthenticated) => view! { <Redirect path=paths::SIGN_IN/> }.into_any(),
                        Err(Error::NotFound) => view! { <NotFound/> }.into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// A whole-page error for failures that are not the user's doing.
#[component]
pub fn ErrorPanel(error: Error) -> impl IntoView {
    view! {
        <div class="center-page">
            <div class="card narrow" role="alert">
                <h1 class="h2">"Something went wrong"</h1>
                <p class="muted">{error.to_string()}</p>
                <a class="btn btn-secondary" href="/">"Back to the console"</a>
            </div>
        </div>
    }
}
