//! The browser's entry point, called by `frontend`'s exported `hydrate()`.
//!
//! It hydrates `App`: its pages are lazy routes (split into wasm chunks of their own by
//! `cargo leptos build --split`), so hydration waits for the chunk of the page being shown before
//! it attaches. (The setup screens ship no wasm: `setup_screens`.)
//! `data-hydrated` on `<body>` is set once hydration has finished: the end-to-end tests wait for it.

use leptos::prelude::document;

pub fn hydrate() {
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = document().body() else { return };
        let owner = leptos::mount::hydrate_from_async(body.clone(), crate::App).await;
        owner.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
