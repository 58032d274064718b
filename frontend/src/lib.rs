//! The browser half of Tessera: hydrates the server-rendered pages (`app::browser`). Built twice:
//! as is for the dashboard, and with `app/setup-module` for the setup screens' own module.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::browser::hydrate();
}
