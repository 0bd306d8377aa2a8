//! A view that waits on resources, built once per render on the server.

use leptos::prelude::*;

/// What `make` builds, kept reactive in the browser but built only once on the server.
///
/// On the server a Suspense walks its children more than once (dry runs that register
/// resource reads, then the render), calling a closure child each time. A page built in
/// such a closure would create its resources again on each call: a second query, and the
/// list serialized twice into the page. Call this inline in a Suspense's or Transition's
/// children, so the view is made under the boundary that waits for it.
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
