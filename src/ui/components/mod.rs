//! Reusable pieces: form fields, buttons, alerts, menus.

mod form;
mod menu;

pub use form::{FormAlert, SubmitButton, TextField, field_error, focus_first_invalid};
pub use menu::DropdownMenu;
