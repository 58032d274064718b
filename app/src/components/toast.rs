//! Toasts: short confirmations bottom-right ("Connection saved"), announced to screen readers.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub message: String,
}

#[derive(Clone, Copy)]
pub struct Toaster {
    toasts: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

const SHOW_FOR: std::time::Duration = std::time::Duration::from_millis(4_000);

impl Toaster {
    /// Called once, by `App`, with the toast a plain form post left for this page (`crate::flash`),
    /// which shows first. The page's hydration data carries it to the browser, so both render the
    /// same toasts.
    pub fn provide(flashed: Option<String>) -> Self {
        let toasts = flashed.map(|message| vec![Toast { id: 0, kind: ToastKind::Success, message }]).unwrap_or_default();
        let toaster = Toaster { toasts: RwSignal::new(toasts), next_id: StoredValue::new(1) };
        if toaster.toasts.with_untracked(|t| !t.is_empty()) {
            Effect::new(move |_| set_timeout(move || toaster.dismiss(0), SHOW_FOR));
        }
        provide_context(toaster);
        toaster
    }

    pub fn get() -> Self {
        use_context::<Toaster>().unwrap_or_else(|| Toaster::provide(None))
    }

    pub fn success(&self, message: impl Into<String>) {
        self.push(ToastKind::Success, message.into());
    }

    pub fn error(&self, message: impl Into<String>) {
        self.push(ToastKind::Error, message.into());
    }

    fn push(&self, kind: ToastKind, message: String) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.toasts.update(|t| t.push(Toast { id, kind, message }));
        let toasts = self.toasts;
        set_timeout(move || toasts.update(|t| t.retain(|x| x.id != id)), SHOW_FOR);
    }

    fn dismiss(&self, id: u64) {
        self.toasts.update(|t| t.retain(|x| x.id != id));
    }

    pub fn view(self) -> impl IntoView {
        view! {
            <div class="fixed bottom-4 right-4 z-50 flex flex-col gap-2 w-80" role="status" aria-live="polite">
                <For each=move || self.toasts.get() key=|t| t.id let:toast>
                    <div class=move || {
                        let tone = match toast.kind {
                            ToastKind::Success => "border-green-200",
                            ToastKind::Error => "border-red-200",
                        };
                        format!("flex items-start gap-3 rounded-lg border {tone} bg-white px-4 py-3 text-sm shadow-lg")
                    } data-toast="">
                        {match toast.kind {
                            ToastKind::Success => view! { <crate::components::icons::CheckCircle class="h-5 w-5 text-green-600 shrink-0"/> }.into_any(),
                            ToastKind::Error => view! { <crate::components::icons::XCircle class="h-5 w-5 text-red-600 shrink-0"/> }.into_any(),
                        }}
                        <p class="flex-1 text-gray-800">{toast.message.clone()}</p>
                        <button type="button" class="text-gray-400 hover:text-gray-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 rounded"
                            aria-label="Dismiss" data-toast-dismiss="" on:click=move |_| self.dismiss(toast.id)>
                            "×"
                        </button>
                    </div>
                </For>
            </div>
        }
    }
}
