//! The few browser APIs the dashboard uses directly (clipboard, files, leaving the page). On the
//! server these are no-ops: they only ever run from event handlers and effects.

pub use imp::*;

#[cfg(feature = "hydrate")]
mod imp {
    use wasm_bindgen::JsCast;

    /// Writes `text` to the clipboard and reports whether it worked.
    pub fn copy_to_clipboard(text: String, done: impl FnOnce(bool) + 'static) {
        let promise = web_sys::window().map(|w| w.navigator().clipboard().write_text(&text));
        leptos::task::spawn_local(async move {
            let ok = match promise {
                Some(p) => wasm_bindgen_futures::JsFuture::from(p).await.is_ok(),
                None => false,
            };
            done(ok);
        });
    }

    /// Reads the first file chosen in the `<input type=file>` that fired `ev`: `(name, text)`.
    pub fn read_chosen_file(ev: &leptos::ev::Event, done: impl FnOnce(Option<(String, String)>) + 'static) {
        let input = leptos::prelude::event_target::<web_sys::HtmlInputElement>(ev);
        let file = input.files().and_then(|files| files.get(0));
        leptos::task::spawn_local(async move {
            let read = match file {
                Some(file) => {
                    let name = file.name();
                    wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|v| v.as_string()).map(|text| (name, text))
                }
                None => None,
            };
            done(read);
        });
    }

    struct LeaveGuard {
        before_unload: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::BeforeUnloadEvent)>,
        on_click: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MouseEvent)>,
    }

    thread_local! {
        static LEAVE_GUARD: std::cell::RefCell<Option<LeaveGuard>> = const { std::cell::RefCell::new(None) };
    }

    /// While on, leaving the page (reload, close, or a link inside the dashboard) asks the admin
    /// to confirm with `message`.
    pub fn set_leave_warning(on: bool, message: &'static str) {
        use wasm_bindgen::closure::Closure;
        let Some(window) = web_sys::window() else { return };
        LEAVE_GUARD.with_borrow_mut(|guard| match (on, guard.is_some()) {
            (true, false) => {
                let before_unload = Closure::<dyn FnMut(web_sys::BeforeUnloadEvent)>::new(move |ev: web_sys::BeforeUnloadEvent| {
                    ev.prevent_default();
                    ev.set_return_value(message);
                });
                let on_click = Closure::<dyn FnMut(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
                    let link = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.closest("a[href]").ok().flatten());
                    if link.is_some() {
                        let leave = web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(true);
                        if !leave {
                            ev.prevent_default();
                            ev.stop_immediate_propagation();
                        }
                    }
                });
                let _ = window.add_event_listener_with_callback("beforeunload", before_unload.as_ref().unchecked_ref());
                let _ = window.add_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
                *guard = Some(LeaveGuard { before_unload, on_click });
            }
            (false, true) => {
                if let Some(g) = guard.take() {
                    let _ = window.remove_event_listener_with_callback("beforeunload", g.before_unload.as_ref().unchecked_ref());
                    let _ = window.remove_event_listener_with_callback_and_bool("click", g.on_click.as_ref().unchecked_ref(), true);
                }
            }
            _ => {}
        });
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    pub fn copy_to_clipboard(_text: String, _done: impl FnOnce(bool) + 'static) {}

    pub fn read_chosen_file(_ev: &leptos::ev::Event, _done: impl FnOnce(Option<(String, String)>) + 'static) {}

    pub fn set_leave_warning(_on: bool, _message: &'static str) {}
}
