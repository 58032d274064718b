//! Which wasm chunk each page's code arrives in, and the lazy route that loads it.
//!
//! With `cargo leptos build --split` the browser's code comes in chunks besides the shell: the
//! sign-in pages, the dashboard's frame, the Enterprise list, the connection pages, and the other
//! pages. Each is one `#[lazy]` function, so a first load carries the shell and the chunks of its
//! page, never the others; the response's `Link` headers preload them. (A split point per page made
//! some 200 small shared chunks, and a page waited on all of them; a chunk per sidebar group of
//! the Manage pages made 116 files, 80 of them for a cold Users page, which hydrated at 0.9–1.3 s
//! instead of 0.56–0.8 s for 32 % fewer bytes.) The route table in `app.rs`
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
use crate::pages::applications::{ApplicationPage, ApplicationsPage, NewApplicationPage};
use crate::pages::organization::OrganizationPage;
use crate::pages::organizations::{NewOrganizationPage, OrganizationsPage};
use crate::pages::role::RolePage;
use crate::pages::roles::{NewRolePage, RolesPage};
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
    NewApplication,
    Application,
    Organizations,
    NewOrganization,
    Organization,
    Roles,
    NewRole,
    Role,
    Users,
    User,
    Logs,
    Settings,
}

#[lazy]
fn manage_view(which: ManageView) -> AnyView {
    match which {
        ManageView::Applications => view! { <ApplicationsPage/> }.into_any(),
        ManageView::NewApplication => view! { <NewApplicationPage/> }.into_any(),
        ManageView::Application => view! { <ApplicationPage/> }.into_any(),
        ManageView::Organizations => view! { <OrganizationsPage/> }.into_any(),
        ManageView::NewOrganization => view! { <NewOrganizationPage/> }.into_any(),
        ManageView::Organization => view! { <OrganizationPage/> }.into_any(),
        ManageView::Roles => view! { <RolesPage/> }.into_any(),
        ManageView::NewRole => view! { <NewRolePage/> }.into_any(),
        ManageView::Role => view! { <RolePage/> }.into_any(),
        ManageView::Users => view! { <UsersPage/> }.into_any(),
        ManageView::User => view! { <UserPage/> }.into_any(),
        ManageView::Logs => view! { <LogsPage/> }.into_any(),
        ManageView::Settings => view! { <SettingsPage/> }.into_any(),
    }
}

/// The pages a cold load (a document request) serves with no wasm: the server renders them, every
/// action on them is a link or a form, and one small inline script adds spinners and the
/// sidebar's toggle (`pages/plain_forms.js`).
/// - `/signin`: the form posts to the `sign_in` server function, which redirects (with `?error=`
///   when refused). An admin on a slow link signs in without first downloading the dashboard.
/// - `/connections/enterprise`, where an admin lands after signing in: the strategy cards and the
///   table are links, search and paging are a GET form and links. (Its first load was 467 KB gzip
///   when it hydrated; the dashboard's shell alone is 242 KB.)
/// - `/applications`, `/organizations` and `/roles`: tables of links; "Create" opens its own page.
/// - `/users` and `/logs`: their search and filters are GET forms and links, and so is their paging.
/// - `/roles/new`, a role's page (`/roles/{id}`), `/organizations/new` and `/applications/new`: their forms post to
///   their server functions, which answer a plain post with a redirect
///   (`api::ssr::answer_plain_form`): to the next page with its toast, or back with the error
///   shown under the field and what was typed. A new application's Client Secret, shown once,
///   comes back the same way, in the sealed flash (`crate::flash::ShownOnce`).
/// - a user's page (`/users/{id}`): Revoke, Disconnect and Delete user answer the same way.
/// - `/settings`: its three forms answer the same way, and "Rotate signing keys" is a link to its
///   confirmation (`?confirm=rotate`).
///
/// The same pages reached from inside the dashboard (a link from a hydrated page, signing out) are
/// the dashboard's own routes, rendered in the browser.
pub(crate) fn ships_no_wasm() -> bool {
    #[cfg(feature = "ssr")]
    return use_context::<http::request::Parts>().is_some_and(|p| is_plain_page(p.uri.path()));
    #[cfg(not(feature = "ssr"))]
    false
}

#[cfg(feature = "ssr")]
const PLAIN_PAGES: [&str; 10] =
    ["/signin", "/connections/enterprise", "/applications", "/applications/new", "/organizations", "/organizations/new", "/roles", "/users", "/logs", "/settings"];

/// Where one thing's page is plain too: `/roles/new`, `/roles/{id}`, `/users/{id}`.
#[cfg(feature = "ssr")]
const PLAIN_ITEM_PAGES: [&str; 2] = ["/roles/", "/users/"];

#[cfg(feature = "ssr")]
fn is_plain_page(path: &str) -> bool {
    let one_segment_under = |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| !rest.is_empty() && !rest.contains('/'));
    PLAIN_PAGES.contains(&path) || PLAIN_ITEM_PAGES.iter().any(|prefix| one_segment_under(prefix))
}

/// The site's split manifest: each `#[lazy]` function (`{name}_{hash}`) and the wasm files it
/// needs (paths under the site), read once from the site the server serves; empty when the site
/// was built without `--split`.
#[cfg(feature = "ssr")]
static MANIFEST: std::sync::OnceLock<Vec<(String, Vec<String>)>> = std::sync::OnceLock::new();

/// Reads the split manifest once; the shell calls it before any route renders.
#[cfg(feature = "ssr")]
fn split_manifest(options: &LeptosOptions) -> &'static [(String, Vec<String>)] {
    MANIFEST.get_or_init(|| {
        let pkg = options.site_pkg_dir.trim_matches('/');
        let path = std::path::Path::new(options.site_root.as_ref()).join(pkg).join("__wasm_split_manifest.json");
        let manifest: std::collections::HashMap<String, Vec<String>> =
            std::fs::read_to_string(path).ok().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default();
        manifest.into_iter().map(|(name, modules)| (name, modules.iter().map(|m| format!("/{pkg}/{m}.wasm")).collect())).collect()
    })
}

/// The wasm files of the `#[lazy]` function named `chunk`.
#[cfg(feature = "ssr")]
fn chunk_files(manifest: &'static [(String, Vec<String>)], chunk: &str) -> &'static [String] {
    let prefix = format!("{chunk}_");
    let ours = manifest.iter().find(|(name, _)| name.strip_prefix(&prefix).is_some_and(|hash| hash.bytes().all(|b| b.is_ascii_digit())));
    ours.map(|(_, files)| files.as_slice()).unwrap_or_default()
}

/// On a page that hydrates: asks for the stylesheet and the main module first (its JS and wasm),
/// before any chunk a route adds.
#[cfg(feature = "ssr")]
pub fn preload_main_module(options: &LeptosOptions) {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>().filter(|_| !split_manifest(options).is_empty()) else { return };
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

/// On a dashboard page served with no wasm: the files every hydrating dashboard page needs (the
/// main module and the frame's chunk), for `plain_forms.js` to prefetch once the admin points at
/// or focuses a link, so the next page does not start cold. None on a site built without `--split`
/// and on the sign-in page.
#[cfg(feature = "ssr")]
pub fn dashboard_prefetch(options: &LeptosOptions) -> Option<String> {
    let on_dashboard = use_context::<http::request::Parts>().is_some_and(|p| p.uri.path() != "/signin");
    let manifest = split_manifest(options);
    if !on_dashboard || manifest.is_empty() {
        return None;
    }
    let (pkg, name) = (options.site_pkg_dir.trim_matches('/'), &options.output_name);
    let mut files = vec![format!("/{pkg}/{name}.js"), format!("/{pkg}/{name}.wasm")];
    files.extend(chunk_files(manifest, "dashboard_frame_view").iter().cloned());
    Some(files.join(" "))
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
    let (Some(manifest), Some(response)) = (MANIFEST.get(), use_context::<leptos_axum::ResponseOptions>()) else { return };
    for file in chunk_files(manifest, chunk) {
        if let Ok(link) = http::HeaderValue::from_str(&format!("<{file}>; rel=preload; as=fetch; crossorigin")) {
            response.append_header(http::header::LINK, link);
        }
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
    NewApplicationPageRoute => manage_view / __preload_manage_view(ManageView::NewApplication),
    ApplicationPageRoute => manage_view / __preload_manage_view(ManageView::Application),
    OrganizationsPageRoute => manage_view / __preload_manage_view(ManageView::Organizations),
    NewOrganizationPageRoute => manage_view / __preload_manage_view(ManageView::NewOrganization),
    OrganizationPageRoute => manage_view / __preload_manage_view(ManageView::Organization),
    RolesPageRoute => manage_view / __preload_manage_view(ManageView::Roles),
    NewRolePageRoute => manage_view / __preload_manage_view(ManageView::NewRole),
    RolePageRoute => manage_view / __preload_manage_view(ManageView::Role),
    UsersPageRoute => manage_view / __preload_manage_view(ManageView::Users),
    UserPageRoute => manage_view / __preload_manage_view(ManageView::User),
    LogsPageRoute => manage_view / __preload_manage_view(ManageView::Logs),
    SettingsPageRoute => manage_view / __preload_manage_view(ManageView::Settings),
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::is_plain_page;

    #[test]
    fn the_lists_settings_a_roles_and_a_users_pages_are_plain_and_nothing_below_them() {
        for path in ["/roles", "/roles/new", "/roles/rol_abc", "/users", "/signin", "/settings", "/organizations/new", "/applications/new", "/users/oidc%7Cacme%7Calice"] {
            assert!(is_plain_page(path), "{path}");
        }
        for path in ["/roles/", "/roles/rol_abc/x", "/rolesx", "/settings/x", "/applications/new/x", "/applications/abc", "/users/", "/users/u_1/x", "/organizations/org_1"] {
            assert!(!is_plain_page(path), "{path}");
        }
    }
}
