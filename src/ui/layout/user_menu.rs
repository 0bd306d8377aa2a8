//! The user menu at the top right: the account, Admin Settings and Sign out.

use crate::api::auth::SignOut;
use crate::domain::paths;
use crate::domain::shell::{CurrentUser, initials};
use crate::ui::components::DropdownMenu;
use leptos::prelude::*;

#[component]
pub fn UserMenu(user: CurrentUser, org_id: String) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let user_initials = initials(&user.name);
    let name = user.name.clone();
    let trigger = move || {
        view! {
            <span class="avatar" aria-hidden="true">{user_initials.clone()}</span>
            <span class="user-name">{name.clone()}</span>
        }
    };
    view! {
        <DropdownMenu id="user-menu" class="user-menu" label=user.name.clone() align="end" trigger>
            <div class="menu-header">
                <span class="menu-header-name">{user.name.clone()}</span>
                <span class="menu-header-email">{user.email.clone()}</span>
            </div>
            <a role="menuitem" class="menu-item" href=paths::ACCOUNT>"Your account"</a>
            <a role="menuitem" class="menu-item" href=paths::settings_general(&org_id)>"Admin Settings"</a>
            <div role="separator" class="menu-sep"></div>
            <ActionForm action=sign_out attr:class="menu-form">
                <button type="submit" role="menuitem" class="menu-item">"Sign out"</button>
            </ActionForm>
        </DropdownMenu>
    }
}
