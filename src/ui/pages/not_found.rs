use leptos::prelude::*;
use leptos_meta::Title;

/// Anything that doesn't exist, or that the visitor may not know exists.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found"/>
        <main class="center-page">
            <div class="card narrow">
                <p class="eyebrow">"404"</p>
                <h1 class="h1">"Page not found"</h1>
                <p class="muted">
                    "This page doesn't exist, or you don't have access to it. "
                    "If someone sent you this link, ask them to invite you."
                </p>
                <a class="btn btn-primary" href="/">"Go to the console"</a>
            </div>
        </main>
    }
}
