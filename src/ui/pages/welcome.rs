//! `/welcome`: a signed-in user who belongs to no organization.

use crate::api::auth::{SignOut, get_current_user};
use crate::domain::paths;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn WelcomePage() -> impl IntoView {
    let user = Resource::new(|| (), |_| get_current_user());
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <Title text="Welcome"/>
        <Suspense>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => view! {
                        <main class="center-page">
                            <div class="card narrow">
                                <h1 class="h1">"Welcome, " {user.name}</h1>
                                <p class="muted">
                                    "You are not a member of any organization at the moment. "
                                    "Ask an admin of your company's organization to invite "
                                    {user.email}
                                    "."
                                </p>
                                <ActionForm action=sign_out>
                                    <button type="submit" class="btn btn-secondary">"Sign out"</button>
                                </ActionForm>
                            </div>
                        </main>
                    }
                    .into_any(),
                    _ => view! { <Redirect path=paths::SIGN_IN/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
