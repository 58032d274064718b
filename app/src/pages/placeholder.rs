//! Sections of the sidebar whose screens arrive in later releases. Each says so plainly.

use crate::components::icons::Wrench;
use crate::components::layout::PageHeader;
use leptos::prelude::*;
use leptos_meta::Title;

/// Title, description, and what the section will hold.
/// (Organizations is the one section left.)
pub fn placeholder_text(_page: &str) -> (&'static str, &'static str, &'static str) {
    ("Organizations", "Customers whose IT admins set up their own connections.",
        "Organization self-service setup links, with group-to-role assignment, arrive in a later release.")
}

#[component]
pub fn PlaceholderPage(page: &'static str) -> impl IntoView {
    let (title, description, later) = placeholder_text(page);
    view! {
        <Title text=title/>
        <PageHeader title=title description=description/>
        <section class="rounded-xl border border-dashed border-gray-300 bg-white px-6 py-16 text-center">
            <Wrench class="mx-auto h-10 w-10 text-gray-300"/>
            <h2 class="mt-4 text-base font-semibold text-gray-900">"Not available yet"</h2>
            <p class="mx-auto mt-2 max-w-md text-sm text-gray-500">{later}</p>
        </section>
    }
}
