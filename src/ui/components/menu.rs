//! A menu button (WAI-ARIA pattern): Enter, Space or a click opens it and focuses the
//! first item; arrow keys, Home and End move; Escape closes and returns focus to the
//! button; leaving the menu closes it. Without JavaScript the stylesheet opens the
//! menu while focus is inside it, so its links and forms still work.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{FocusEvent, HtmlElement, KeyboardEvent};

#[component]
pub fn DropdownMenu(
    /// Id of the menu element (the button gets `{id}-button`).
    id: &'static str,
    /// Extra class on the wrapper.
    class: &'static str,
    /// Accessible name of the button, when its visible content is not the right one.
    #[prop(optional, into)]
    label: Option<String>,
    /// Which edge of the button the menu aligns to: "start" or "end".
    #[prop(default = "start")]
    align: &'static str,
    /// What the button shows.
    #[prop(into)]
    trigger: ViewFn,
    /// The menu's items: elements with `role="menuitem"`, optionally grouped.
    children: Children,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();
    let menu = NodeRef::<leptos::html::Div>::new();
    let wrapper = NodeRef::<leptos::html::Div>::new();
    // A click that landed before hydration opened the menu by focus (the no-JavaScript
    // rule): it stays open, now by the signal, instead of closing under the person's eyes.
    // Focus that came by keyboard (`:focus-visible`, Tab onto the button) opens nothing:
    // the menu button pattern opens on Enter.
    Effect::new(move |_| {
        let focused_inside = wrapper
            .get_untracked()
            .zip(document().active_element())
            .is_some_and(|(w, active)| {
                w.contains(Some(&active)) && !active.matches(":focus-visible").unwrap_or(true)
            });
        if focused_inside {
            open.set(true);
        }
        hydrated.set(true);
    });

    // Handlers use the try_ accessors: a click on a link navigates, the page (and this
    // menu) is disposed, and the browser may still deliver focusout to the handlers.
    let set_open = move |value: bool| {
        let _ = open.try_set(value);
    };
    // Closing because of a click or a focus change waits a frame: the click may be
    // navigating away, and a signal set now would update a menu that is being removed.
    let close_soon = move || request_animation_frame(move || set_open(false));
    let items = move || -> Vec<HtmlElement> {
        let Some(menu) = menu.try_get_untracked().flatten() else {
            return Vec::new();
        };
        let Ok(list) = menu.query_selector_all("[role=menuitem]") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
            .collect()
    };
    // Focus after the menu became visible: the class change lands on the next frame.
    let focus_item = move |pick: fn(usize) -> usize| {
        request_animation_frame(move || {
            let list = items();
            if !list.is_empty() {
                let _ = list[pick(list.len()).min(list.len() - 1)].focus();
            }
        });
    };
    let close = move |refocus: bool| {
        set_open(false);
        if refocus && let Some(b) = button.try_get_untracked().flatten() {
            let _ = b.focus();
        }
    };

    let on_button_click = move |_| {
        if open.try_get_untracked().unwrap_or(false) {
            set_open(false);
        } else {
            set_open(true);
            focus_item(|_| 0);
        }
    };
    let on_button_key = move |ev: KeyboardEvent| match ev.key().as_str() {
        "ArrowDown" => {
            ev.prevent_default();
            set_open(true);
            focus_item(|_| 0);
        }
        "ArrowUp" => {
            ev.prevent_default();
            set_open(true);
            focus_item(|n| n - 1);
        }
        "Escape" => close(true),
        _ => {}
    };
    let on_menu_key = move |ev: KeyboardEvent| {
        let list = items();
        if list.is_empty() {
            return;
        }
        let active = document().active_element();
        let current = list.iter().position(|el| {
            active
                .as_ref()
                .is_some_and(|a| a == el.unchecked_ref::<leptos::web_sys::Element>())
        });
        let n = list.len();
        let target = match ev.key().as_str() {
            "ArrowDown" => Some(current.map_or(0, |i| (i + 1) % n)),
            "ArrowUp" => Some(current.map_or(n - 1, |i| (i + n - 1) % n)),
            "Home" => Some(0),
            "End" => Some(n - 1),
            "Escape" => {
                ev.prevent_default();
                close(true);
                None
            }
            "Tab" => {
                set_open(false);
                None
            }
            _ => None,
        };
        if let Some(i) = target {
            ev.prevent_default();
            let _ = list[i].focus();
        }
    };
    // Close when focus leaves the whole widget (a click elsewhere, Tab away).
    let on_focus_out = move |ev: FocusEvent| {
        let wrapper: Option<leptos::web_sys::Node> = ev
            .current_target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::Node>().ok());
        let next: Option<leptos::web_sys::Node> = ev
            .related_target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::Node>().ok());
        let inside = match (wrapper, next) {
            (Some(w), Some(n)) => w.contains(Some(&n)),
            _ => false,
        };
        if !inside {
            close_soon();
        }
    };
    // Choosing an item closes the menu (links navigate, forms submit) and gives focus back
    // to the button, as the menu button pattern does: a dialog the item opens returns it
    // there when it closes.
    let on_menu_click = move |ev: leptos::ev::MouseEvent| {
        let chose = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
            .and_then(|el| el.closest("[role=menuitem]").ok().flatten())
            .is_some();
        if chose {
            if let Some(b) = button.try_get_untracked().flatten() {
                let _ = b.focus();
            }
            close_soon();
        }
    };

    view! {
        <div
            class=format!("dropdown {class}")
            data-hydrated=move || hydrated.get().then_some("true")
            on:focusout=on_focus_out
            node_ref=wrapper
        >
            <button
                type="button"
                class="dropdown-button"
                id=format!("{id}-button")
                aria-haspopup="menu"
                aria-controls=id
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-label=label
                node_ref=button
                on:click=on_button_click
                on:keydown=on_button_key
            >
                {trigger.run()}
            </button>
            <div
                class=format!("menu menu-{align}")
                class:open=move || open.get()
                id=id
                role="menu"
                aria-labelledby=format!("{id}-button")
                node_ref=menu
                on:keydown=on_menu_key
                on:click=on_menu_click
            >
                {children()}
            </div>
        </div>
    }
}
