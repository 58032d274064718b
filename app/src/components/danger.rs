//! The Danger zone every deletable thing's page ends with: a red-bordered section, its heading
//! and what deleting means; the confirmation form goes inside.

use leptos::prelude::*;

#[component]
pub fn DangerZone(
    /// The heading's id (the section is labelled by it), unique on the page.
    title_id: &'static str,
    /// What deleting does, in one or two sentences.
    description: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="mt-10 rounded-xl border border-red-200 bg-white p-6" aria-labelledby=title_id>
            <h2 id=title_id class="text-base font-semibold text-red-700">"Danger zone"</h2>
            <p class="mt-2 text-sm text-gray-600">{description}</p>
            {children()}
        </section>
    }
}
