//! A modal dialog opened by a URL query parameter (`?dialog=...`), so it works without
//! JavaScript and can be linked to. With JavaScript it traps focus, closes on Escape
//! and gives focus back to what opened it (a menu gives it to its button on a choice).

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlElement, KeyboardEvent};
use leptos_router::hooks::use_navigate;

const FOCUSABLE: &str =
    "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select, textarea";

fn focusables(panel: &Element) -> Vec<HtmlElement> {
    let Ok(list) = panel.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// Frames a dialog waits for its content (a form behind a Suspense) before it gives up
/// moving focus into it: 2 to 4 seconds, at 120 or 60 frames a second.
#[cfg(feature = "hydrate")]
const FOCUS_TRIES: u32 = 240;

/// Moves focus to the dialog's first field (else its first link) once the dialog has one,
/// trying on each frame while its content is still loading. Focus the person has already
/// put inside the dialog stays where it is.
#[cfg(feature = "hydrate")]
fn focus_first_when_ready(panel: NodeRef<leptos::html::Div>, tries: u32) {
    request_animation_frame(move || {
        let Some(element) = panel.try_get_untracked().flatten() else {
            return;
        };
        let active = document().active_element();
        if active.is_some_and(|a| element.contains(Some(a.unchecked_ref()))) {
            return;
        }
        let items = focusables(&element);
        let first_field = items.iter().find(|el| el.tag_name() != "A");
        match first_field.or(items.first()) {
            Some(el) => {
                let _ = el.focus();
            }
            None if tries > 0 => focus_first_when_ready(panel, tries - 1),
            None => {}
        }
    });
}

#[component]
pub fn Dialog(
    /// Prefix of the ids that tie the title and description to the dialog.
    id: &'static str,
    #[prop(into)] title: String,
    #[prop(optional, into)] description: Option<String>,
    /// Where Cancel and Escape lead: the same page without the dialog.
    #[prop(into)]
    close_href: String,
    children: Children,
) -> impl IntoView {
    let panel = NodeRef::<leptos::html::Div>::new();
    // Browser only: the opener is a DOM element, which must not be touched (or even
    // dropped) on the server's threads.
    #[cfg(feature = "hydrate")]
    {
        let opener = StoredValue::new_local(None::<HtmlElement>);
        Effect::new(move |_| {
            opener.set_value(
                document()
                    .active_element()
                    .and_then(|e| e.dyn_into::<HtmlElement>().ok()),
            );
            focus_first_when_ready(panel, FOCUS_TRIES);
        });
        on_cleanup(move || {
            if let Some(Some(el)) = opener.try_get_value() {
                let _ = el.focus();
            }
        });
    }
    let navigate = use_navigate();
    let close = close_href.clone();
    let on_key = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            navigate(&close, Default::default());
        }
        "Tab" => {
            let Some(panel) = panel.try_get_untracked().flatten() else {
                return;
            };
            let items = focusables(&panel);
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                return;
            };
            let active = document().active_element();
            let is = |el: &HtmlElement| {
                active
                    .as_ref()
                    .is_some_and(|a| a == el.unchecked_ref::<Element>())
            };
            if ev.shift_key() && is(first) {
                ev.prevent_default();
                let _ = last.focus();
            } else if !ev.shift_key() && is(last) {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
        _ => {}
    };
    let title_id = format!("{id}-title");
    let description_id = format!("{id}-description");
    let described_by = description.is_some().then(|| description_id.clone());
    let labelled_by = title_id.clone();
    let description = description.map(|d| view! { <p class="muted" id=description_id>{d}</p> });
    view! {
        <div class="dialog-backdrop">
            <div
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby=labelled_by
                aria-describedby=described_by
                node_ref=panel
                on:keydown=on_key
            >
                <h2 class="h2" id=title_id>{title}</h2>
                {description}
                {children()}
            </div>
        </div>
    }
}

/// The dialog's buttons: Cancel (back to the page) and the primary action.
#[component]
pub fn DialogActions(#[prop(into)] close_href: String, children: Children) -> impl IntoView {
    view! {
        <div class="dialog-actions">
            <a class="btn btn-secondary" href=close_href>"Cancel"</a>
            {children()}
        </div>
    }
}
