//! A view that waits on resources, built once per render on the server.

use leptos::prelude::*;

/// What `make` builds, kept reactive in the browser but built only once on the server.
///
/// On the server a Suspense walks its children more than once (dry runs that register
/// resource reads, then the render), calling a closure child each time. A page built in
/// such a closure would create its resources again on each call: a second query, and the
/// list serialized twice into the page.
///
/// Call it where the view goes (inline in a Suspense's children, so a `Suspend` is made
/// under the boundary that waits for it), and read resources only inside a `Suspend`.
/// Resources are matched with the browser by the order they are created in, and `make`
/// runs on the server where the view is built but in the browser where it is hydrated:
/// when `make` creates a resource before any `await` (a dialog with its own list), put
/// the call after every sibling that creates one.
#[cfg(feature = "ssr")]
pub fn server_once<V>(make: impl Fn() -> V + Send + Sync + 'static) -> impl IntoView
where
    V: IntoView + 'static,
{
    make()
}

/// In the browser the view re-renders when what it reads changes.
#[cfg(not(feature = "ssr"))]
pub fn server_once<V>(make: impl Fn() -> V + Send + Sync + 'static) -> impl IntoView
where
    V: IntoView + 'static,
{
    make
}
