//! The HTML shell and the route table of the dashboard.

use crate::chunks::*;
use crate::components::toast::Toaster;
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The Content-Security-Policy names this response's script nonce, so it is set here.
    #[cfg(feature = "ssr")]
    crate::backend::security_headers::send_with_nonce();
    let plain = ships_no_wasm();
    #[cfg(feature = "ssr")]
    if !plain {
        crate::chunks::preload_main_module(&options);
    }
    #[cfg(feature = "ssr")]
    let prefetch = plain.then(|| crate::chunks::dashboard_prefetch(&options)).flatten();
    #[cfg(not(feature = "ssr"))]
    let prefetch: Option<String> = None;
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                {(!plain).then(|| view! { <AutoReload options=options.clone()/><HydrationScripts options/> })}
                <MetaTags/>
            </head>
            <body class="bg-gray-50 text-gray-900 antialiased" data-prefetch=prefetch>
                <App/>
                {plain.then(plain_forms_script)}
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
fn plain_forms_script() -> impl IntoView {
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string());
    view! { <script nonce=nonce inner_html=crate::pages::PLAIN_FORMS_SCRIPT></script> }
}

#[cfg(not(feature = "ssr"))]
fn plain_forms_script() -> impl IntoView {}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // What a plain form post left for this page: its toast (carried to the browser with the
    // hydration data); why it was refused, for the form's `ServerAction`; a secret to show once
    // (a new application's Client Secret). A refused post and a secret always come back to a page
    // that ships no wasm, so those two stay on the server, never in the hydration data.
    let flash = leptos::server::SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        let mut flash = crate::api::ssr::take_flash();
        #[cfg(not(feature = "ssr"))]
        let mut flash = crate::flash::Flash::default();
        if let Some(refused) = flash.refused.take().filter(|_| ships_no_wasm()) {
            provide_context(leptos::server::ServerActionError::new(&refused.path, &refused.error));
        }
        if let Some(shown_once) = flash.shown_once.take().filter(|_| ships_no_wasm()) {
            provide_context(shown_once);
        }
        flash
    })
    .into_inner();
    let toaster = Toaster::provide(flash.toast);
    view! {
        <Stylesheet id="leptos" href="/pkg/tessera.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="color-scheme" content="light"/>
        <Title formatter=|text: String| if text.is_empty() { "Tessera".to_string() } else { format!("{text} · Tessera") }/>
        // Dashboard pages wait for their data before sending HTML (SsrMode::Async), so they are
        // complete without JavaScript; they are small, and this keeps them readable by any client.
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/signin") view={Lazy::<SignInPageRoute>::new()}/>
                <Route path=path!("/signin/password") view={Lazy::<ChooseNewPasswordPageRoute>::new()}/>
                <ParentRoute path=path!("") view={Lazy::<DashboardLayoutRoute>::new()} ssr=SsrMode::Async>
                    <Route path=path!("/connections/enterprise") view={Lazy::<EnterprisePageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/connections/enterprise/oidc/new") view={Lazy::<NewOidcConnectionPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/connections/enterprise/okta/new") view={Lazy::<NewOktaConnectionPageRoute>::new()} ssr=SsrMode::Async/>
                    <ParentRoute path=path!("/connections/enterprise/:id") view={Lazy::<ConnectionPageRoute>::new()} ssr=SsrMode::Async>
                        <Route path=path!("") view={Lazy::<SettingsTabRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("settings") view={Lazy::<SettingsTabRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("provisioning") view={Lazy::<ProvisioningTabRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("login-experience") view={Lazy::<LoginExperienceTabRoute>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("applications") view={Lazy::<ApplicationsTabRoute>::new()} ssr=SsrMode::Async/>
                    </ParentRoute>
                    <Route path=path!("/applications") view={Lazy::<ApplicationsPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/applications/new") view={Lazy::<NewApplicationPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/applications/:id") view={Lazy::<ApplicationPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/organizations") view={Lazy::<OrganizationsPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/organizations/new") view={Lazy::<NewOrganizationPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/organizations/:id") view={Lazy::<OrganizationPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/roles") view={Lazy::<RolesPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/roles/new") view={Lazy::<NewRolePageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/roles/:id") view={Lazy::<RolePageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/users") view={Lazy::<UsersPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/users/:id") view={Lazy::<UserPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/logs") view={Lazy::<LogsPageRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings") view={Lazy::<SettingsPageRoute>::new()} ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
        {toaster.view()}
    }
}
