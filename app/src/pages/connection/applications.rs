//! Applications tab: which applications may use this connection.

use super::with_connection;
use crate::components::icons::Squares;
use leptos::prelude::*;

#[component]
pub fn ApplicationsTab() -> impl IntoView {
    with_connection(|c, _| {
        let count = c.enabled_clients.len();
        view! {
            <section class="rounded-xl border border-dashed border-gray-300 bg-white px-6 py-14 text-center">
                <Squares class="mx-auto h-10 w-10 text-gray-300"/>
                <h2 class="mt-4 text-base font-semibold text-gray-900">"No applications yet"</h2>
                <p class="mx-auto mt-2 max-w-lg text-sm text-gray-500">
                    "To use your new enterprise connection, you must first enable the connection for your Applications. "
                    "Registering applications arrives with Tessera as an OpenID Provider; until then this connection is enabled for "
                    {count} " application(s) through the Management API's enabled_clients."
                </p>
            </section>
        }
    })
}
