//! The centred card that frames the sign-in and sign-up pages.

use leptos::prelude::*;

#[component]
pub fn AuthCard(title: &'static str, subtitle: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="auth-page">
            <div class="auth-brand">
                <span class="brand-mark" aria-hidden="true">"S"</span>
                <span class="brand-name">"Studio Console"</span>
            </div>
            <section class="card auth-card" aria-labelledby="auth-title">
                <h1 class="h1" id="auth-title">{title}</h1>
                <p class="muted">{subtitle}</p>
                {children()}
            </section>
        </main>
    }
}
