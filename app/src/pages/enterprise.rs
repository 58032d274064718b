//! Connections → Enterprise: the strategy catalogue and the table of connections.

use crate::components::icons::Plug;
use crate::components::layout::PageHeader;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn EnterprisePage() -> impl IntoView {
    view! {
        <Title text="Enterprise connections"/>
        <PageHeader title="Enterprise" description="Configure enterprise connections: OpenID Connect providers and Okta Workforce."/>
        <section class="rounded-xl border border-dashed border-gray-300 bg-white px-6 py-16 text-center">
            <Plug class="mx-auto h-10 w-10 text-gray-300"/>
            <h2 class="mt-4 text-base font-semibold text-gray-900">"No connections yet"</h2>
            <p class="mx-auto mt-2 max-w-md text-sm text-gray-500">
                "Creating connections from the dashboard arrives with the connections release."
            </p>
        </section>
    }
}
