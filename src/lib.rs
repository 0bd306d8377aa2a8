#![recursion_limit = "256"]
//! A self-hosted web console for organizations and workspaces.
//!
//! Layers, top to bottom (data flows one way): `ui` -> `api` -> `server::services`
//! -> `server::repo` -> database. `domain` is pure and shared by all of them.

pub mod api;
pub mod app;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

/// The browser entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
