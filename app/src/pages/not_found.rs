//! The 404 page (the server's fallback handler sets the status).

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Title text="Page not found"/>
        <main class="min-h-screen grid place-items-center px-4">
            <div class="text-center">
                <p class="text-sm font-semibold text-indigo-600">"404"</p>
                <h1 class="mt-2 text-2xl font-semibold tracking-tight text-gray-900">"Page not found"</h1>
                <p class="mt-2 text-sm text-gray-500">"There is nothing at this address."</p>
                <a href="/connections/enterprise" class="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
                    "Go to Enterprise connections"
                </a>
            </div>
        </main>
    }
}
