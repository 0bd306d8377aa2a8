//! The body of a list card, the same on every list page.

use super::{ErrorPanel, server_once};
use crate::domain::Error;
use leptos::prelude::*;

/// "Loading …" until the list first arrives (a Transition keeps the shown rows while it
/// reloads after a change), then what `render` makes of it, or the error.
pub fn list_body<T, V>(
    list: Resource<Result<T, Error>>,
    loading: &'static str,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let body = move || {
        let render = render.clone();
        Suspend::new(async move {
            match list.await {
                Ok(items) => render(items).into_any(),
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
            }
        })
    };
    view! {
        <Transition fallback=move || view! { <p class="muted pad">{loading}</p> }>{server_once(body)}</Transition>
    }
}
