//! Reusable pieces: form fields, buttons, alerts, menus, tables.

mod confirm;
mod copy_field;
mod cost_chart;
mod dialog;
mod form;
mod menu;
mod pager;
mod table;
mod usage_report;
mod when;

pub use confirm::ConfirmForm;
pub use copy_field::CopyField;
pub use dialog::{Dialog, DialogActions};
pub use form::{
    CheckboxField, FallbackForm, FormAlert, SubmitButton, TextField, field_error,
    focus_first_invalid, focus_first_invalid_by,
};
pub use menu::DropdownMenu;
pub use pager::{Pager, PagerText, use_page_at};
pub use table::{Column, EmptyState, Table};
pub use usage_report::UsageReportView;
pub use when::{when, when_exactly};
