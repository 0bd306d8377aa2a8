//! `/terms`: the Terms of Service accepted when creating an organization.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TermsPage() -> impl IntoView {
    view! {
        <Title text="Terms of Service"/>
        <main class="center-page">
            <article class="card prose">
                <p class="eyebrow">"Version " {crate::domain::TERMS_VERSION}</p>
                <h1 class="h1">"Terms of Service"</h1>
                <p>
                    "This console is operated by your company. By creating an organization you confirm "
                    "that you may act for the people and the budget it will hold, and that you will use "
                    "the AI platform it gives access to within your company's policies."
                </p>
                <h2 class="h2">"Your responsibilities"</h2>
                <ul>
                    <li>"Invite only people who are entitled to access your organization's resources."</li>
                    <li>"Keep API keys secret; revoke a key as soon as it may have leaked."</li>
                    <li>"Do not upload data you are not allowed to process on the platform."</li>
                </ul>
                <h2 class="h2">"What the operator does"</h2>
                <ul>
                    <li>"Stores passwords, invitation tokens and API keys only as hashes."</li>
                    <li>"Keeps the data of archived workspaces until an admin deletes it."</li>
                </ul>
                <p class="muted">"The acceptance time and this version are recorded with the organization."</p>
                <a class="btn btn-secondary" href="/">"Back to the console"</a>
            </article>
        </main>
    }
}
