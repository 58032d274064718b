//! The browser half of Tessera: hydrates the server-rendered dashboard (`app::browser`).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::browser::hydrate();
}
