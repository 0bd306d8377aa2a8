//! The frames of the pages outside the console: the centred card of sign-in, sign-up and
//! the emailed links, and the single column of the account and welcome pages.

use leptos::prelude::*;

#[component]
fn Brand() -> impl IntoView {
    view! {
        <span class="auth-brand">
            <span class="brand-mark" aria-hidden="true">"S"</span>
            <span class="brand-name">"Studio Console"</span>
        </span>
    }
}

#[component]
pub fn AuthCard(title: &'static str, subtitle: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="auth-page">
            <Brand/>
            <section class="card auth-card" aria-labelledby="auth-title">
                <h1 class="h1" id="auth-title">{title}</h1>
                <p class="muted">{subtitle}</p>
                {children()}
            </section>
        </main>
    }
}

/// A column of cards under the brand, with one action at the top right (back to the
/// console, sign out).
#[component]
pub fn PlainPage(
    /// What the top right offers.
    #[prop(into)]
    action: ViewFn,
    children: Children,
) -> impl IntoView {
    view! {
        <main class="account-page">
            <div class="account-top">
                <Brand/>
                {action.run()}
            </div>
            {children()}
        </main>
    }
}
