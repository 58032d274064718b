//! Saving a tab: the "Save Changes" bar with its spinner, the "Unsaved changes" marker with the
//! warning when leaving, and the toast and refresh after a save.

use crate::components::form::PRIMARY_BUTTON;
use crate::components::icons::Spinner;
use crate::components::toast::Toaster;
use crate::connections::Connection;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

const LEAVE_WARNING: &str = "You have unsaved changes. Leave this page and lose them?";

/// After a successful save: toast, reload the connection, forget the edits.
pub fn on_saved<S>(action: ServerAction<S>, dirty: RwSignal<bool>, connection: Option<Resource<Result<Connection, AppError>>>)
where
    S: ServerFn<Output = Connection, Error = AppError> + Clone + Send + Sync + 'static,
{
    let toaster = Toaster::get();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            dirty.set(false);
            toaster.success("Changes saved");
            if let Some(c) = connection {
                c.refetch();
            }
        }
    });
}

/// The message a failed save shows above the form (field errors show under their fields).
pub fn form_level_error<S>(action: ServerAction<S>, fields_shown: &'static [&'static str]) -> Signal<Option<String>>
where
    S: ServerFn<Output = Connection, Error = AppError> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(Err(AppError::Invalid(fields))) => {
            let rest: Vec<String> = fields.iter().filter(|f| !fields_shown.contains(&f.field.as_str())).map(|f| f.to_string()).collect();
            (!rest.is_empty()).then(|| rest.join("; "))
        }
        Some(Err(AppError::Conflict(f))) if fields_shown.contains(&f.field.as_str()) => None,
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    })
}

/// "Save Changes" at the end of a tab, with the unsaved-changes marker.
#[component]
pub fn SaveBar(dirty: RwSignal<bool>, #[prop(into)] pending: Signal<bool>) -> impl IntoView {
    Effect::new(move |_| crate::components::browser::set_leave_warning(dirty.get(), LEAVE_WARNING));
    on_cleanup(move || crate::components::browser::set_leave_warning(false, LEAVE_WARNING));
    view! {
        <div class="sticky bottom-0 -mx-8 mt-8 flex items-center justify-end gap-4 border-t border-gray-200 bg-white/95 px-8 py-4 backdrop-blur">
            <Show when=move || dirty.get()>
                <span class="text-sm text-amber-700" role="status">"Unsaved changes"</span>
            </Show>
            <button type="submit" class=PRIMARY_BUTTON disabled=move || pending.get()>
                <Show when=move || pending.get()><Spinner class="h-4 w-4"/></Show>
                "Save Changes"
            </button>
        </div>
    }
}
