//! Everything people see: layout, reusable components and one file per page.

pub mod components;
pub mod layout;
pub mod pages;
