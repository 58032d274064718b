//! The HTML shell of the setup screens an organization's IT admin opens from a link.
//!
//! They are a page of their own, not a route of the dashboard: no router, no dashboard chunks,
//! and a wasm module of their own (`/pkg/setup.js`, built by `make build` from `frontend` with its
//! `setup` feature), so someone opening a link from an email on a slow connection downloads the
//! screens and the Leptos runtime, not the admin dashboard. The server renders it for
//! `GET /setup/{token}/steps`; the browser hydrates it with `frontend`'s `setup` build.

use crate::components::toast::Toaster;
use crate::pages::setup::SetupPage;
use leptos::prelude::*;

/// The name of the setup screens' module under `/pkg` (`setup.js` and its wasm).
pub const SETUP_OUTPUT_NAME: &str = "setup";

pub fn setup_shell(mut options: LeptosOptions) -> impl IntoView {
    // The Content-Security-Policy names this response's script nonce, so it is set here.
    #[cfg(feature = "ssr")]
    crate::backend::security_headers::send_with_nonce();
    options.output_name = SETUP_OUTPUT_NAME.into();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <title>"Set up single sign-on · Tessera"</title>
                <link rel="stylesheet" href="/pkg/tessera.css"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <HydrationScripts options/>
            </head>
            <body class="bg-gray-50 text-gray-900 antialiased">
                <SetupApp/>
            </body>
        </html>
    }
}

/// What the setup module hydrates: the screens and their toasts.
#[component]
pub fn SetupApp() -> impl IntoView {
    let toaster = Toaster::provide();
    view! {
        <SetupPage/>
        {toaster.view()}
    }
}
