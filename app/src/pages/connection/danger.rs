//! The Danger zone: deleting a connection, confirmed by typing its name.

use crate::api::connections::DeleteConnection;
use crate::components::form::{DANGER_BUTTON, ERROR, INPUT, SECONDARY_BUTTON};
use crate::components::toast::Toaster;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn DeleteConnectionZone(id: String, name: String) -> impl IntoView {
    let open = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let action = ServerAction::<DeleteConnection>::new();
    let toaster = Toaster::get();
    let expected = StoredValue::new(name.clone());
    let matches = move || expected.with_value(|e| typed.get().trim() == e);
    let deleted_name = name.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            toaster.success(format!("Connection {deleted_name} deleted"));
            use_navigate()("/connections/enterprise", Default::default());
        }
    });
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e.field_message("confirm_name").unwrap_or_else(|| e.to_string())),
        _ => None,
    };
    let prompt = format!("Type {name} to confirm.");
    let id = StoredValue::new(id);
    let prompt = StoredValue::new(prompt);
    // Opening the dialog puts the keyboard in its only field.
    let confirm_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if open.get() {
            if let Some(input) = confirm_input.get() {
                let _ = input.focus();
            }
        }
    });
    view! {
        <crate::components::danger::DangerZone title_id="danger-title" description="Deleting this connection signs no one out of your applications, but its users can no longer sign in through it. This cannot be undone.">
            <div class="mt-4">
                <button type="button" class=DANGER_BUTTON on:click=move |_| open.set(true)>"Delete connection"</button>
            </div>
            <Show when=move || open.get()>
                <div class="fixed inset-0 z-40 grid place-items-center bg-gray-900/40 p-4" on:keydown=move |ev| if ev.key() == "Escape" { open.set(false) }>
                    <div role="dialog" aria-modal="true" aria-labelledby="delete-title" class="w-full max-w-md rounded-xl bg-white p-6 shadow-xl">
                        <h3 id="delete-title" class="text-lg font-semibold text-gray-900">"Delete connection"</h3>
                        <ActionForm action=action attr:class="mt-4 space-y-4">
                            <input type="hidden" name="id" value=id.get_value()/>
                            <div>
                                <label for="confirm_name" class="block text-sm text-gray-700">{prompt.get_value()}</label>
                                <input id="confirm_name" name="confirm_name" type="text" autocomplete="off" class=INPUT node_ref=confirm_input
                                    prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
                                <Show when=move || error().is_some()><p class=ERROR role="alert">{error}</p></Show>
                            </div>
                            <div class="flex justify-end gap-3">
                                <button type="button" class=SECONDARY_BUTTON on:click=move |_| open.set(false)>"Cancel"</button>
                                <button type="submit" class=DANGER_BUTTON disabled=move || !matches() || action.pending().get()>"Delete"</button>
                            </div>
                        </ActionForm>
                    </div>
                </div>
            </Show>
        </crate::components::danger::DangerZone>
    }
}
