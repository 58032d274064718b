//! Which wasm chunk each page's code arrives in, and the lazy route that loads it.
//!
//! With `cargo leptos build --split` the browser's code comes in chunks besides the shell: the
//! sign-in pages, the dashboard's frame, the Enterprise list, the connection pages, and the other
//! pages. Each is one `#[lazy]` function, so a first load carries the shell and the chunks of its
//! page, never the others; the response's `Link` headers preload them. (A split point per page made
//! some 200 small shared chunks, and a page waited on all of them.) The route table in `app.rs`
//! names the `…Route` types below. The setup screens are not here: they ship no wasm
//! (`setup_screens.rs`).

use crate::components::layout::DashboardLayout;
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
use crate::pages::settings::SettingsPage;
use crate::pages::{enterprise::EnterprisePage, signin::ChooseNewPasswordPage, signin::SignInPage};
use leptos::lazy;
use leptos::prelude::*;
use leptos_router::LazyRoute;

#[derive(Clone, Copy)]
enum SignInView {
    SignIn,
    ChooseNewPassword,
}

#[lazy]
fn sign_in_view(which: SignInView) -> AnyView {
    match which {
        SignInView::SignIn => view! { <SignInPage/> }.into_any(),
        SignInView::ChooseNewPassword => view! { <ChooseNewPasswordPage/> }.into_any(),
    }
}

#[lazy]
fn dashboard_frame_view() -> AnyView {
    view! { <DashboardLayout/> }.into_any()
}

/// The Enterprise list, where an admin lands after signing in: a chunk of its own, so that first
/// load does not carry the connection pages' forms.
#[lazy]
fn enterprise_view() -> AnyView {
    view! { <EnterprisePage/> }.into_any()
}

#[derive(Clone, Copy)]
enum ConnectionsView {
    NewOidcConnection,
    NewOktaConnection,
    Connection,
    SettingsTab,
    ProvisioningTab,
    LoginExperienceTab,
    ApplicationsTab,
}

#[lazy]
fn connections_view(which: ConnectionsView) -> AnyView {
    match which {
        ConnectionsView::NewOidcConnection => view! { <NewOidcConnectionPage/> }.into_any(),
        ConnectionsView::NewOktaConnection => view! { <NewOktaConnectionPage/> }.into_any(),
        ConnectionsView::Connection => view! { <ConnectionPage/> }.into_any(),
        ConnectionsView::SettingsTab => view! { <SettingsTab/> }.into_any(),
        ConnectionsView::ProvisioningTab => view! { <ProvisioningTab/> }.into_any(),
        ConnectionsView::LoginExperienceTab => view! { <LoginExperienceTab/> }.into_any(),
        ConnectionsView::ApplicationsTab => view! { <ApplicationsTab/> }.into_any(),
    }
}

#[derive(Clone, Copy)]
enum ManageView {
    Applications,
    Application,
    Organizations,
    Organization,
    Roles,
    Users,
    User,
    Logs,
    Settings,
}

#[lazy]
fn manage_view(which: ManageView) -> AnyView {
    match which {
        ManageView::Applications => view! { <ApplicationsPage/> }.into_any(),
        ManageView::Application => view! { <ApplicationPage/> }.into_any(),
        ManageView::Organizations => view! { <OrganizationsPage/> }.into_any(),
        ManageView::Organization => view! { <OrganizationPage/> }.into_any(),
        ManageView::Roles => view! { <RolesPage/> }.into_any(),
        ManageView::Users => view! { <UsersPage/> }.into_any(),
        ManageView::User => view! { <UserPage/> }.into_any(),
        ManageView::Logs => view! { <LogsPage/> }.into_any(),
        ManageView::Settings => view! { <SettingsPage/> }.into_any(),
    }
}

/// A cold `/signin` is served as a plain form, with no wasm: the server renders the page, the
/// form posts to the `sign_in` server function, which redirects (with `?error=` when refused),
/// and one small script adds the spinner. An admin on a slow link signs in without first
/// downloading the dashboard; the dashboard's module loads after, on the page they land on.
/// Sign-in reached from inside the dashboard (signing out, a session that ended) is still the
/// dashboard's own route.
pub(crate) fn ships_no_wasm() -> bool {
    #[cfg(feature = "ssr")]
    return use_context::<http::request::Parts>().is_some_and(|p| p.uri.path() == "/signin");
    #[cfg(not(feature = "ssr"))]
    false
}

/// The site's split manifest: each `#[lazy]` function (`{name}_{hash}`) and the wasm files it
/// needs, as `Link` header values; read once by the shell (`app.rs`) from the site it serves, and
/// empty when the site was built without `--split`.
#[cfg(feature = "ssr")]
static SPLIT_PRELOADS: std::sync::OnceLock<Vec<(String, Vec<http::HeaderValue>)>> = std::sync::OnceLock::new();

/// Reads the split manifest of the site `options` names, once; and on a page that hydrates,
/// asks for the stylesheet and the main module first (its JS and wasm), before any chunk a route
/// adds.
#[cfg(feature = "ssr")]
pub fn preload_main_module(options: &LeptosOptions) {
    let preloads = SPLIT_PRELOADS.get_or_init(|| {
        let pkg = options.site_pkg_dir.trim_matches('/');
        let path = std::path::Path::new(options.site_root.as_ref()).join(pkg).join("__wasm_split_manifest.json");
        let manifest: std::collections::HashMap<String, Vec<String>> =
            std::fs::read_to_string(path).ok().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default();
        let link = |module: &String| http::HeaderValue::from_str(&format!("</{pkg}/{module}.wasm>; rel=preload; as=fetch; crossorigin")).ok();
        manifest.into_iter().map(|(name, modules)| (name, modules.iter().filter_map(link).collect())).collect()
    });
    let Some(response) = use_context::<leptos_axum::ResponseOptions>().filter(|_| !preloads.is_empty()) else { return };
    let (pkg, name) = (options.site_pkg_dir.trim_matches('/'), &options.output_name);
    // The stylesheet first: until it has arrived the page's inline scripts and its module wait
    // (it blocks scripts), and over HTTP/1.1's six connections a chunk asked for before it holds
    // it back (measured: the stylesheet arrived 100–200 ms in behind 19 chunks).
    let first = [
        format!("</{pkg}/{name}.css>; rel=preload; as=style"),
        format!("</{pkg}/{name}.js>; rel=modulepreload"),
        format!("</{pkg}/{name}.wasm>; rel=preload; as=fetch; crossorigin"),
    ];
    for link in first {
        if let Ok(value) = http::HeaderValue::from_str(&link) {
            response.append_header(http::header::LINK, value);
        }
    }
}

/// On the server, when a route is chosen: the response asks the browser to preload the wasm
/// files of `chunk` (a `#[lazy]` function's name) with `Link` headers, so a first load fetches
/// them beside the main module instead of once it has started. (Leptos writes `<link
/// rel=preload>`s for the lazy functions that ran before the head was written, which in an async
/// render was most often none: measured, a first load asked for its chunks 400 ms in.)
#[cfg(feature = "ssr")]
fn preload_on_server(chunk: &str) {
    if ships_no_wasm() {
        return;
    }
    let (Some(preloads), Some(response)) = (SPLIT_PRELOADS.get(), use_context::<leptos_axum::ResponseOptions>()) else { return };
    let prefix = format!("{chunk}_");
    let ours = preloads.iter().find(|(name, _)| name.strip_prefix(&prefix).is_some_and(|hash| hash.bytes().all(|b| b.is_ascii_digit())));
    for link in ours.map(|(_, links)| links.as_slice()).unwrap_or_default() {
        response.append_header(http::header::LINK, link.clone());
    }
}

/// A route whose view is `$chunk($arg)`: its code arrives with that chunk. The router preloads
/// the chunk (`__preload_$chunk`, made by `#[lazy]` in the browser) before it hydrates or shows the
/// route, as `#[lazy_route]` does for a split point of its own.
macro_rules! lazy_routes {
    ($($route:ident => $chunk:ident / $preload:ident ($($arg:expr)?)),* $(,)?) => {$(
        pub struct $route;
        impl LazyRoute for $route {
            fn data() -> Self {
                #[cfg(feature = "ssr")]
                preload_on_server(stringify!($chunk));
                $route
            }
            async fn view(_this: Self) -> AnyView {
                $chunk($($arg)?).await
            }
            async fn preload() {
                #[cfg(target_arch = "wasm32")]
                $preload().await;
            }
        }
    )*};
}

lazy_routes! {
    SignInPageRoute => sign_in_view / __preload_sign_in_view(SignInView::SignIn),
    ChooseNewPasswordPageRoute => sign_in_view / __preload_sign_in_view(SignInView::ChooseNewPassword),
    DashboardLayoutRoute => dashboard_frame_view / __preload_dashboard_frame_view(),
    EnterprisePageRoute => enterprise_view / __preload_enterprise_view(),
    NewOidcConnectionPageRoute => connections_view / __preload_connections_view(ConnectionsView::NewOidcConnection),
    NewOktaConnectionPageRoute => connections_view / __preload_connections_view(ConnectionsView::NewOktaConnection),
    ConnectionPageRoute => connections_view / __preload_connections_view(ConnectionsView::Connection),
    SettingsTabRoute => connections_view / __preload_connections_view(ConnectionsView::SettingsTab),
    ProvisioningTabRoute => connections_view / __preload_connections_view(ConnectionsView::ProvisioningTab),
    LoginExperienceTabRoute => connections_view / __preload_connections_view(ConnectionsView::LoginExperienceTab),
    ApplicationsTabRoute => connections_view / __preload_connections_view(ConnectionsView::ApplicationsTab),
    ApplicationsPageRoute => manage_view / __preload_manage_view(ManageView::Applications),
    ApplicationPageRoute => manage_view / __preload_manage_view(ManageView::Application),
    OrganizationsPageRoute => manage_view / __preload_manage_view(ManageView::Organizations),
    OrganizationPageRoute => manage_view / __preload_manage_view(ManageView::Organization),
    RolesPageRoute => manage_view / __preload_manage_view(ManageView::Roles),
    UsersPageRoute => manage_view / __preload_manage_view(ManageView::Users),
    UserPageRoute => manage_view / __preload_manage_view(ManageView::User),
    LogsPageRoute => manage_view / __preload_manage_view(ManageView::Logs),
    SettingsPageRoute => manage_view / __preload_manage_view(ManageView::Settings),
}
