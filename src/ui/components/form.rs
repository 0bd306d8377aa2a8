//! Form building blocks: a labelled field with help and error text, a form-level
//! alert, and a submit button that shows progress and can't be pressed twice.

use crate::domain::Error;
use leptos::prelude::*;

/// The message for `field` out of the latest action error.
pub fn field_error(error: Signal<Option<Error>>, field: &'static str) -> Signal<Option<String>> {
    // `try_*` throughout: a form can be taken down (a dialog turning into its success view)
    // in the same update that changes the error, and a disposed signal reads as "no error".
    Signal::derive(move || {
        error
            .try_with(|e| e.as_ref().and_then(|e| e.field_message(field)))
            .flatten()
    })
}

/// After a failed submission, moves focus to the first field the error names.
pub fn focus_first_invalid(error: Signal<Option<Error>>) {
    focus_first_invalid_by(error, |field| format!("field-{field}"));
}

/// The same, for a form whose fields have ids of their own (`TextField`'s `id`).
pub fn focus_first_invalid_by(error: Signal<Option<Error>>, id_of: fn(&str) -> String) {
    Effect::new(move |_| {
        let Some(field) = error
            .try_with(|e| e.as_ref().and_then(|e| e.field().map(str::to_owned)))
            .flatten()
        else {
            return;
        };
        if let Some(el) = document().get_element_by_id(&id_of(&field)) {
            use leptos::wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// A labelled input with optional help text and its error underneath.
#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] help: Option<&'static str>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] readonly: bool,
    #[prop(optional)] autofocus: bool,
    #[prop(optional)] maxlength: Option<usize>,
    /// Not required (fields are required unless said otherwise).
    #[prop(optional)]
    optional: bool,
    /// The element id when `field-{name}` is taken (two forms with a field of one name).
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let id = id.map_or_else(|| format!("field-{name}"), str::to_owned);
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described_by = {
        let (help_id, error_id) = (help_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if help.is_some() {
                ids.push(help_id.clone());
            }
            if error.try_with(Option::is_some).unwrap_or(false) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label class="field-label" for=id.clone()>{label}</label>
            <input
                class="input"
                id=id
                type=kind
                name=name
                value=value
                autocomplete=autocomplete
                readonly=readonly
                autofocus=autofocus
                maxlength=maxlength
                required=!optional
                aria-invalid=move || error.try_with(Option::is_some).unwrap_or(false).then_some("true")
                aria-describedby=described_by
            />
            {help.map(|h| view! { <p class="field-help" id=help_id>{h}</p> })}
            {move || error.try_get().flatten().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
        </div>
    }
}

/// A checkbox with its label (which may hold links) and its error underneath.
#[component]
pub fn CheckboxField(
    name: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let described_by = {
        let error_id = error_id.clone();
        move || {
            error
                .try_with(Option::is_some)
                .unwrap_or(false)
                .then(|| error_id.clone())
        }
    };
    view! {
        <div class="field">
            <label class="checkbox">
                <input
                    type="checkbox"
                    id=id
                    name=name
                    value="on"
                    aria-invalid=move || error.try_with(Option::is_some).unwrap_or(false).then_some("true")
                    aria-describedby=described_by
                />
                <span>{children()}</span>
            </label>
            {move || error.try_get().flatten().map(|message| view! { <p class="field-error" id=error_id.clone()>{message}</p> })}
        </div>
    }
}

/// An error that belongs to no field of this form (bad credentials, server trouble).
#[component]
pub fn FormAlert(error: Signal<Option<Error>>, fields: &'static [&'static str]) -> impl IntoView {
    let message = move || {
        error
            .try_with(|e| {
                e.as_ref()
                    .filter(|e| e.field().is_none_or(|f| !fields.contains(&f)))
                    .map(ToString::to_string)
            })
            .flatten()
    };
    view! {
        <div role="alert" class="form-alert-slot">
            {move || message().map(|m| view! { <p class="alert alert-error">{m}</p> })}
        </div>
    }
}

/// The primary action of a form; disabled and relabelled while the request runs.
#[component]
pub fn SubmitButton(
    label: &'static str,
    busy_label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    #[prop(optional)] wide: bool,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="btn btn-primary"
            class:btn-wide=wide
            disabled=move || pending.try_get().unwrap_or(false)
            aria-busy=move || pending.try_get().unwrap_or(false).then_some("true")
        >
            {move || if pending.try_get().unwrap_or(false) { busy_label } else { label }}
        </button>
    }
}

/// A form that, with JavaScript, dispatches `action` as `ActionForm` does and, without
/// it, posts to `fallback`: a plain route that answers with a page of its own. For server
/// functions whose answer is shown once (a new secret, a link), which a no-JS server
/// function response cannot show (see `server::console::forms`).
#[component]
pub fn FallbackForm<ServFn>(
    action: ServerAction<ServFn>,
    /// Where the browser posts when the page has no JavaScript.
    fallback: String,
    #[prop(optional, into)] class: String,
    children: Children,
) -> impl IntoView
where
    ServFn:
        leptos::server_fn::ServerFn + serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    ServFn::Output: Send + Sync + 'static,
    ServFn::Error: Send + Sync + 'static,
{
    use leptos::form::FromFormData;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if ev.default_prevented() {
            return;
        }
        ev.prevent_default();
        if let Ok(input) = ServFn::from_event(&ev) {
            action.dispatch(input);
        }
    };
    view! {
        <form class=class method="post" action=fallback novalidate=true on:submit=on_submit>
            {children()}
        </form>
    }
}
