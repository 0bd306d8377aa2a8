//! Reusable pieces: form fields, buttons, alerts, menus.

mod confirm;
mod copy_field;
mod dialog;
mod form;
mod menu;
mod when;

pub use confirm::ConfirmForm;
pub use copy_field::CopyField;
pub use dialog::{Dialog, DialogActions};
pub use form::{
    CheckboxField, FallbackForm, FormAlert, SubmitButton, TextField, field_error,
    focus_first_invalid,
};
pub use menu::DropdownMenu;
pub use when::when;
