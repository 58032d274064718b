//! The HTML shell and the route table of the dashboard.

use crate::components::layout::DashboardLayout;
use crate::components::toast::Toaster;
use crate::pages::connection::{
    applications::ApplicationsTab, login_experience::LoginExperienceTab, provisioning::ProvisioningTab, settings::SettingsTab,
    ConnectionPage,
};
use crate::pages::connection_new::{NewOidcConnectionPage, NewOktaConnectionPage};
use crate::pages::logs::LogsPage;
use crate::pages::users::{UserPage, UsersPage};
use crate::pages::applications::{ApplicationPage, ApplicationsPage};
use crate::pages::organization::OrganizationPage;
use crate::pages::organizations::OrganizationsPage;
use crate::pages::roles::RolesPage;
use crate::pages::setup::SetupPage;
use crate::pages::settings::SettingsPage;
use crate::pages::{
    enterprise::EnterprisePage, not_found::NotFound, signin::ChooseNewPasswordPage,
    signin::SignInPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::SsrMode;
use leptos_router::path;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The Content-Security-Policy names this response's script nonce, so it is set here.
    #[cfg(feature = "ssr")]
    crate::backend::security_headers::send_with_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="bg-gray-50 text-gray-900 antialiased">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let toaster = Toaster::provide();
    // Effects run only in the browser: this marks the page as hydrated (tests wait for it).
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/tessera.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="color-scheme" content="light"/>
        <Title formatter=|text: String| if text.is_empty() { "Tessera".to_string() } else { format!("{text} · Tessera") }/>
        // Dashboard pages wait for their data before sending HTML (SsrMode::Async), so they are
        // complete without JavaScript; they are small, and this keeps them readable by any client.
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/signin") view=SignInPage/>
                <Route path=path!("/signin/password") view=ChooseNewPasswordPage/>
                // A setup link's screens: no admin session, the link and its browser instead.
                <Route path=path!("/setup/:token/steps") view=SetupPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("") view=DashboardLayout ssr=SsrMode::Async>
                    <Route path=path!("/connections/enterprise") view=EnterprisePage ssr=SsrMode::Async/>
                    <Route path=path!("/connections/enterprise/oidc/new") view=NewOidcConnectionPage ssr=SsrMode::Async/>
                    <Route path=path!("/connections/enterprise/okta/new") view=NewOktaConnectionPage ssr=SsrMode::Async/>
                    <ParentRoute path=path!("/connections/enterprise/:id") view=ConnectionPage ssr=SsrMode::Async>
                        <Route path=path!("") view=SettingsTab ssr=SsrMode::Async/>
                        <Route path=path!("settings") view=SettingsTab ssr=SsrMode::Async/>
                        <Route path=path!("provisioning") view=ProvisioningTab ssr=SsrMode::Async/>
                        <Route path=path!("login-experience") view=LoginExperienceTab ssr=SsrMode::Async/>
                        <Route path=path!("applications") view=ApplicationsTab ssr=SsrMode::Async/>
                    </ParentRoute>
                    <Route path=path!("/applications") view=ApplicationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/applications/:id") view=ApplicationPage ssr=SsrMode::Async/>
                    <Route path=path!("/organizations") view=OrganizationsPage ssr=SsrMode::Async/>
                    <Route path=path!("/organizations/:id") view=OrganizationPage ssr=SsrMode::Async/>
                    <Route path=path!("/roles") view=RolesPage ssr=SsrMode::Async/>
                    <Route path=path!("/users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/users/:id") view=UserPage ssr=SsrMode::Async/>
                    <Route path=path!("/logs") view=LogsPage ssr=SsrMode::Async/>
                    <Route path=path!("/settings") view=SettingsPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
        {toaster.view()}
    }
}
