//! How the domain error crosses the wire between server functions and the browser.

use crate::domain::Error;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};

impl FromServerFnError for Error {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => {
                Error::invalid("form", format!("The form was incomplete or malformed: {m}"))
            }
            other => Error::Transport(other.to_string()),
        }
    }
}
