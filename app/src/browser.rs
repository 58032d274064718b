//! The browser's entry point, called by `frontend`'s exported `hydrate()`.
//!
//! Two modules ship. The dashboard's hydrates `App`: its pages are lazy routes (split into wasm
//! chunks of their own by `cargo leptos build --split`), so hydration waits for the chunk of the
//! page being shown before it attaches. The setup screens' (feature `setup-module`, served as
//! `/pkg/setup.js`) hydrates `SetupApp` only, with nothing of the dashboard linked in.
//! `data-hydrated` on `<body>` is set once hydration has finished: the end-to-end tests wait for it.

use leptos::prelude::document;

#[cfg(not(feature = "setup-module"))]
pub fn hydrate() {
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = document().body() else { return };
        let owner = leptos::mount::hydrate_from_async(body.clone(), crate::App).await;
        owner.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}

#[cfg(feature = "setup-module")]
pub fn hydrate() {
    let Some(body) = document().body() else { return };
    leptos::mount::hydrate_from(body.clone(), crate::SetupApp).forget();
    let _ = body.set_attribute("data-hydrated", "true");
}
