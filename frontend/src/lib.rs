//! The browser half of Tessera: hydrates the server-rendered dashboard.
//!
//! The pages are lazy routes (split into wasm chunks of their own by `cargo leptos build
//! --split`), so hydration waits for the chunk of the page being shown before it attaches.
//! `data-hydrated` on `<body>` is set once that has finished: the end-to-end tests wait for it.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else { return };
        let owner = leptos::mount::hydrate_from_async(body.clone(), app::App).await;
        owner.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
