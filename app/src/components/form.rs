//! Form building blocks in the dashboard's one style: label above the field, help text below in
//! muted gray (the seeds' wording), the error in red under it naming the rule.

use crate::components::icons::Clipboard;
use crate::components::toast::Toaster;
use leptos::prelude::*;

pub const INPUT: &str = "mt-1 block w-full rounded-md border border-gray-300 bg-white px-3 py-2 text-sm text-gray-900 shadow-sm placeholder:text-gray-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 disabled:bg-gray-50 disabled:text-gray-500 read-only:bg-gray-50 aria-[invalid=true]:border-red-400";
pub const SELECT: &str = "mt-1 block w-full rounded-md border border-gray-300 bg-white px-3 py-2 text-sm text-gray-900 shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30";
pub const LABEL: &str = "block text-sm font-medium text-gray-800";
pub const HELP: &str = "mt-1 text-xs leading-5 text-gray-500";
pub const ERROR: &str = "mt-1 text-xs font-medium text-red-600";
pub const PRIMARY_BUTTON: &str = "inline-flex items-center justify-center gap-2 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:cursor-not-allowed disabled:opacity-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2";
pub const SECONDARY_BUTTON: &str = "inline-flex items-center justify-center gap-2 rounded-md border border-gray-300 bg-white px-3 py-2 text-sm font-medium text-gray-700 shadow-sm hover:bg-gray-50 disabled:cursor-not-allowed disabled:opacity-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";
pub const DANGER_BUTTON: &str = "inline-flex items-center justify-center gap-2 rounded-md bg-red-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-red-500 disabled:cursor-not-allowed disabled:opacity-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 focus-visible:ring-offset-2";

/// A titled group of fields.
#[component]
pub fn Section(
    #[prop(into)] title: String,
    #[prop(into, optional)] description: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="grid grid-cols-1 gap-x-8 gap-y-4 border-b border-gray-200 py-8 first:pt-0 lg:grid-cols-3">
            <div>
                <h2 class="text-base font-semibold text-gray-900">{title}</h2>
                {description.map(|d| view! { <p class="mt-1 text-sm leading-6 text-gray-500">{d}</p> })}
            </div>
            <div class="min-w-0 space-y-6 lg:col-span-2">{children()}</div>
        </section>
    }
}

/// A create form's submit button: `busy` ("Creating…") and not pressable again while its action
/// runs (on a page served with no wasm, `plain_forms.js` does the same from `data-pending`).
#[component]
pub fn CreateButton(
    #[prop(into)] pending: Signal<bool>,
    #[prop(default = "Create")] label: &'static str,
    #[prop(default = "Creating…")] busy: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class=PRIMARY_BUTTON disabled=move || pending.get() data-pending=busy>
            {move || if pending.get() { busy } else { label }}
        </button>
    }
}

/// A form-level message above a form (a failed sign-in, a save that broke a rule).
#[component]
pub fn FormAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <div role="alert" class="mb-6 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">{move || message.get()}</div>
        </Show>
    }
}

/// Help text under a field; its id is `{for_id}-help` for `aria-describedby`.
#[component]
pub fn Help(for_id: &'static str, children: Children) -> impl IntoView {
    view! { <p id=format!("{for_id}-help") class=HELP>{children()}</p> }
}

/// The error under a field, announced when it appears.
#[component]
pub fn FieldErrorText(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <p class=ERROR role="alert">{move || message.get()}</p>
        </Show>
    }
}

/// Copies `text` to the clipboard and confirms with a toast (on a page served with no wasm,
/// `plain_forms.js` copies `data-copy` and says so in the `data-label`).
#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>, #[prop(into)] label: String) -> impl IntoView {
    let toaster = Toaster::get();
    let copied = RwSignal::new(false);
    let aria = label.clone();
    view! {
        <button
            type="button"
            class=SECONDARY_BUTTON
            aria-label=aria
            title=label
            data-copy=move || text.get()
            on:click=move |_| {
                let value = text.get_untracked();
                crate::components::browser::copy_to_clipboard(value, move |ok| {
                    if ok {
                        copied.set(true);
                        toaster.success("Copied to the clipboard");
                        set_timeout(move || copied.set(false), std::time::Duration::from_millis(1500));
                    } else {
                        toaster.error("Could not copy: select the text and copy it by hand");
                    }
                });
            }
        >
            <Clipboard class="h-4 w-4"/>
            <span data-label="">{move || if copied.get() { "Copied" } else { "Copy" }}</span>
        </button>
    }
}

/// A read-only value with a copy button (callback URL, connection id, revocation endpoint).
#[component]
pub fn CopyField(
    id: &'static str,
    #[prop(into)] label: String,
    #[prop(into)] value: Signal<String>,
    #[prop(optional)] help: Option<&'static str>,
) -> impl IntoView {
    let copy_label = format!("Copy {label}");
    view! {
        <div>
            <label for=id class=LABEL>{label}</label>
            <div class="mt-1 flex gap-2">
                <input id=id type="text" readonly class=format!("{INPUT} mt-0 min-w-0 flex-1 font-mono text-xs") prop:value=move || value.get() value=value.get_untracked()
                    aria-describedby=help.map(|_| format!("{id}-help"))/>
                <CopyButton text=value label=copy_label/>
            </div>
            {help.map(|h| view! { <Help for_id=id>{h}</Help> })}
        </div>
    }
}

/// A checkbox with its label and help text beside it.
#[component]
pub fn Checkbox(
    id: &'static str,
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(optional)] help: Option<&'static str>,
    checked: bool,
    #[prop(optional)] on_change: Option<Callback<bool>>,
    /// Kept across a refused plain post under this key (`plain_forms.js`).
    #[prop(optional)] keep_refused: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="flex items-start gap-3">
            <input id=id name=name type="checkbox" value="true" checked=checked data-keep-refused=keep_refused
                class="mt-0.5 h-4 w-4 rounded border-gray-300 text-indigo-600 focus:ring-2 focus:ring-indigo-500"
                aria-describedby=help.map(|_| format!("{id}-help"))
                on:change=move |ev| if let Some(cb) = on_change { cb.run(event_target_checked(&ev)) }/>
            <div>
                <label for=id class="text-sm font-medium text-gray-800">{label}</label>
                {help.map(|h| view! { <Help for_id=id>{h}</Help> })}
            </div>
        </div>
    }
}

/// After a create form's action succeeds: a toast saying so, then the created thing's page.
/// `done` gives both from what the server answered.
pub fn open_when_created<S>(action: ServerAction<S>, done: impl Fn(&S::Output) -> (String, String) + 'static)
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let toaster = Toaster::get();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(created)) = action.value().get() {
            let (message, path) = done(&created);
            toaster.success(message);
            navigate(&path, Default::default());
        }
    });
}

/// The message for a form's `FormAlert`: an error that names no field (a field's own error, a
/// broken rule or a taken name, is shown under the field by `field_error`).
pub fn form_error<S>(action: ServerAction<S>) -> Signal<Option<String>>
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(Err(crate::error::AppError::Invalid(_) | crate::error::AppError::Conflict(_))) | None | Some(Ok(_)) => None,
        Some(Err(e)) => Some(e.to_string()),
    })
}

/// The message a server action's last answer has for `field`, if any.
pub fn field_error<S>(action: ServerAction<S>, field: &'static str) -> Signal<Option<String>>
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(Err(e)) => e.field_message(field),
        _ => None,
    })
}
