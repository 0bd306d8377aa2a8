//! The signed-in page scaffold: loads the shell for the organization and workspace in
//! the URL, then shows the top bar and the page. Signed-out visitors go to sign-in;
//! organizations and workspaces the user can't see are "not found".

use super::create_org::{CREATE_ORGANIZATION, CreateOrganizationDialog};
use super::{server_once, switcher::Switcher, user_menu::UserMenu};
use crate::api::account::ResendVerification;
use crate::api::shell::load_shell;
use crate::domain::permissions::Action;
use crate::domain::shell::ShellData;
use crate::domain::{Error, paths};
use crate::ui::pages::NotFound;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

/// Bumped after a change that the shell shows (a new or renamed workspace), so the
/// switcher reloads.
#[derive(Debug, Clone, Copy)]
pub struct ShellRefresh(RwSignal<u64>);

impl ShellRefresh {
    /// Reloads the shell each time `value` turns into a success.
    pub fn after_success<T, E>(value: impl Fn() -> Option<Result<T, E>> + Send + Sync + 'static)
    where
        T: 'static,
        E: 'static,
    {
        let Some(ShellRefresh(version)) = use_context::<ShellRefresh>() else {
            return;
        };
        Effect::new(move |_| {
            if matches!(value(), Some(Ok(_))) {
                version.update(|v| *v += 1);
            }
        });
    }
}

/// The dialog that `?dialog=` names on the current page, if any.
pub fn open_dialog() -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get(paths::DIALOG_PARAM)))
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
    let version = RwSignal::new(0u64);
    provide_context(ShellRefresh(version));
    let shell = Resource::new(
        move || params.with(|p| (p.get("org").unwrap_or_default(), p.get("ws"), version.get())),
        |(org, ws, _)| load_shell(org, ws),
    );
    let dialog = open_dialog();
    let pathname = use_location().pathname;
    view! {
        <Transition fallback=|| view! { <div class="page-loading" aria-busy="true">"Loading…"</div> }>
            {server_once(move || {
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
                            <div class="console-body" id="main">
                                <UnconfirmedEmailBanner shell=data.clone()/>
                                <InvitationsBanner shell=data.clone()/>
                                <SpendCapBanner shell=data.clone()/>
                                {page(data)}
                            </div>
                            {move || {
                                (dialog.get().as_deref() == Some(CREATE_ORGANIZATION))
                                    .then(|| view! { <CreateOrganizationDialog close_href=pathname.get()/> })
                            }}
                        }
                        .into_any(),
                        Err(Error::Unauthenticated) => view! { <Redirect path=paths::SIGN_IN/> }.into_any(),
                        Err(Error::NotFound) => view! { <NotFound/> }.into_any(),
                        Err(error) => view! { <ErrorPanel error/> }.into_any(),
                    }
                })
            })}
        </Transition>
    }
}

/// On every page of a workspace at a spend cap: why its keys get 429, and for those who
/// may raise the cap, where.
#[component]
fn SpendCapBanner(shell: ShellData) -> impl IntoView {
    let message = shell.spend_cap_reached.clone()?;
    let raise = shell.can(Action::ManageLimits).then(|| {
        view! { <a class="btn btn-secondary btn-small" href=paths::settings_limits(&shell.org.id)>"Raise the limit"</a> }
    });
    Some(view! {
        <div class="banner banner-warning" role="status">
            <p><strong>"Monthly limit reached. "</strong>{message}</p>
            {raise}
        </div>
    })
}

/// Until the person's address is confirmed: where the link went, and a way to get another.
#[component]
fn UnconfirmedEmailBanner(shell: ShellData) -> impl IntoView {
    (!shell.user.email_verified).then(|| {
        let resend = ServerAction::<ResendVerification>::new();
        let error =
            move || {
                resend.value().get().and_then(Result::err).map(
                    |e| view! { <span class="banner-error" role="alert">{e.to_string()}</span> },
                )
            };
        view! {
            <aside class="banner banner-info" aria-label="Email address not confirmed">
                <p>
                    <strong>"Confirm your email address. "</strong>
                    {format!("We sent a link to {}.", shell.user.email)}
                    " " {error}
                </p>
                <ActionForm action=resend attr:class="banner-form">
                    <button type="submit" class="btn btn-secondary btn-small">"Resend link"</button>
                </ActionForm>
            </aside>
        }
    })
}

/// Invitations waiting for the person's confirmed address, and where to answer them.
#[component]
fn InvitationsBanner(shell: ShellData) -> impl IntoView {
    let n = shell.invitations_waiting;
    (n > 0).then(|| {
        let text = if n == 1 {
            "An organization is waiting for your answer.".to_owned()
        } else {
            format!("{n} organizations are waiting for your answer.")
        };
        view! {
            <aside class="banner banner-info" aria-label="Invitations for you">
                <p>{text}</p>
                <a class="btn btn-secondary btn-small" href=paths::WELCOME>"Review"</a>
            </aside>
        }
    })
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
