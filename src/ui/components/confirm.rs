//! The form of a confirmation dialog: the server function's arguments as hidden inputs,
//! an alert for its error, Cancel, and one danger button.

use super::{DialogActions, FormAlert};
use crate::domain::Error;
use leptos::prelude::*;
use leptos::server_fn::client::Client;
use leptos::server_fn::codec::PostUrl;
use leptos::server_fn::request::ClientReq;
use leptos::server_fn::{Http, ServerFn};
use leptos::web_sys::FormData;
use serde::de::DeserializeOwned;

#[component]
pub fn ConfirmForm<ServFn, OutputProtocol>(
    action: ServerAction<ServFn>,
    /// The arguments of the call, as (name, value).
    fields: Vec<(&'static str, String)>,
    /// What the danger button says ("Delete dataset").
    #[prop(into)]
    button: String,
    #[prop(into)] close_href: String,
) -> impl IntoView
where
    ServFn: DeserializeOwned
        + ServerFn<Protocol = Http<PostUrl, OutputProtocol>, Error = Error>
        + Clone
        + Send
        + Sync
        + 'static,
    <<ServFn::Client as Client<Error>>::Request as ClientReq<Error>>::FormData: From<FormData>,
    ServFn::Output: Clone + Send + Sync + 'static,
    <ServFn as ServerFn>::Client: Client<Error>,
    OutputProtocol: 'static,
{
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let hidden = fields
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
        .collect_view();
    view! {
        <ActionForm action attr:class="form">
            {hidden}
            <FormAlert error fields=&[]/>
            <DialogActions close_href>
                <button type="submit" class="btn btn-danger"
                    disabled=move || action.pending().try_get().unwrap_or(false)>{button}</button>
            </DialogActions>
        </ActionForm>
    }
}
