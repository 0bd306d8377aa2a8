//! A read-only value with a Copy button: a new invite link, a new API key.

use leptos::prelude::*;

#[component]
pub fn CopyField(
    /// Id of the input, for its label.
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    value: String,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let to_copy = value.clone();
    let copy = move |_| {
        let _ = window().navigator().clipboard().write_text(&to_copy);
        copied.set(true);
    };
    view! {
        <div class="link-box" role="status">
            <label class="field-label" for=id.clone()>{label}</label>
            <div class="link-row">
                <input class="input" id=id readonly=true value=value/>
                <button type="button" class="btn btn-secondary" on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </div>
        </div>
    }
}
