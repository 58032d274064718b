//! The connection page: a header (logo, name, strategy, id with a copy button, Try) and the
//! tabs Settings, Provisioning, Login Experience and Applications, each a nested route.

pub mod applications;
pub mod danger;
pub mod login_experience;
pub mod provisioning;
pub mod roles;
pub mod scim;
pub mod settings;

use crate::api::connections::{get_connection, get_deployment_info, DeploymentInfo};
use crate::components::form::CopyButton;
use crate::connections::Connection;
use crate::error::AppError;
use crate::pages::enterprise::logo_url;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_params_map;

/// What every tab reads: the connection and the deployment facts.
#[derive(Clone, Copy)]
pub struct CurrentConnection {
    pub connection: Resource<Result<Connection, AppError>>,
    pub info: Resource<Result<DeploymentInfo, AppError>>,
}

impl CurrentConnection {
    pub fn get() -> Option<Self> {
        use_context::<CurrentConnection>()
    }
}

/// Renders `body` with the loaded connection and deployment info, or the loading/error state.
pub fn with_connection<V: IntoView + 'static>(body: impl Fn(Connection, DeploymentInfo) -> V + Send + Sync + 'static) -> impl IntoView {
    let ctx = CurrentConnection::get();
    view! {
        <Transition fallback=|| view! { <div class="h-64 animate-pulse rounded-xl bg-gray-100" aria-busy="true"></div> }>
            {move || {
                let ctx = ctx?;
                let connection = ctx.connection.get()?;
                let info = ctx.info.get()?;
                Some(match (connection, info) {
                    (Ok(c), Ok(i)) => body(c, i).into_any(),
                    (Err(e), _) | (_, Err(e)) => view! { <p role="alert" class="text-sm text-red-700">{e.to_string()}</p> }.into_any(),
                })
            }}
        </Transition>
    }
}

#[component]
pub fn ConnectionPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let connection = Resource::new(move || id.get(), get_connection);
    let info = Resource::new(|| (), |_| get_deployment_info());
    provide_context(CurrentConnection { connection, info });
    let activity = Resource::new(move || id.get(), crate::api::logs::connection_activity);

    view! {
        <A href="/connections/enterprise" attr:class="text-sm font-medium text-indigo-600 hover:text-indigo-500">"← Enterprise"</A>
        <Transition fallback=|| view! { <div class="mt-4 h-20 animate-pulse rounded-xl bg-gray-100"></div> }>
            {move || connection.get().map(|result| match result {
                Ok(c) => view! { <Header c/> }.into_any(),
                Err(AppError::NotFound(_)) => view! {
                    <div class="mt-6 rounded-xl border border-gray-200 bg-white px-6 py-12 text-center">
                        <h1 class="text-lg font-semibold text-gray-900">"Connection not found"</h1>
                        <p class="mt-2 text-sm text-gray-500">"It may have been deleted."</p>
                    </div>
                }.into_any(),
                Err(e) => view! { <p role="alert" class="mt-6 text-sm text-red-700">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
        <Transition fallback=|| view! { <div class="mt-6 h-32 animate-pulse rounded-xl bg-gray-100"></div> }>
            {move || activity.get().and_then(Result::ok).map(|hours| view! { <crate::logs_activity::ActivityChart hours/> })}
        </Transition>
        <nav class="mt-6 mb-8 flex gap-6 border-b border-gray-200 text-sm" aria-label="Connection">
            <Tab id=id path="settings" label="Settings"/>
            <Tab id=id path="provisioning" label="Provisioning"/>
            <Tab id=id path="login-experience" label="Login Experience"/>
            <Tab id=id path="applications" label="Applications"/>
        </nav>
        <Outlet/>
    }
}

#[component]
fn Tab(id: Memo<String>, path: &'static str, label: &'static str) -> impl IntoView {
    view! {
        <A href=move || format!("/connections/enterprise/{}/{path}", id.get())
            attr:class="-mb-px border-b-2 border-transparent px-1 pb-3 font-medium text-gray-500 hover:border-gray-300 hover:text-gray-700 aria-[current=page]:border-indigo-600 aria-[current=page]:text-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
            {label}
        </A>
    }
}

#[component]
fn Header(c: Connection) -> impl IntoView {
    let id = c.id.clone();
    view! {
        <Title text=c.name.clone()/>
        <div class="mt-4 flex flex-wrap items-center justify-between gap-4">
            <div class="flex items-center gap-4">
                <img src=logo_url(c.strategy) alt="" class="h-12 w-12"/>
                <div>
                    <h1 class="text-2xl font-semibold tracking-tight text-gray-900">{c.name.clone()}</h1>
                    <div class="mt-1 flex flex-wrap items-center gap-3 text-sm text-gray-500">
                        <span>{c.strategy.label()}</span>
                        <span aria-hidden="true">"·"</span>
                        <code class="rounded bg-gray-100 px-1.5 py-0.5 text-xs text-gray-700" data-testid="connection-id">{id.clone()}</code>
                        <CopyButton text=Signal::derive(move || id.clone()) label="Copy connection ID"/>
                    </div>
                </div>
            </div>
            <a href=format!("/connections/enterprise/{}/try", c.id) target="_blank" rel="noopener"
                class="inline-flex items-center gap-2 rounded-md border border-gray-300 bg-white px-4 py-2 text-sm font-medium text-gray-700 shadow-sm hover:bg-gray-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                title="Sign in through this connection in a new tab, with your own account at the identity provider">
                "Try"
            </a>
        </div>
        {c.not_ready.clone().map(|reason| view! {
            <div role="status" data-testid="not-ready" class="mt-4 flex gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
                <svg class="mt-0.5 h-5 w-5 shrink-0 text-amber-500" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true">
                    <path fill-rule="evenodd" d="M8.485 2.495c.673-1.167 2.357-1.167 3.03 0l6.28 10.875c.673 1.167-.17 2.625-1.516 2.625H3.72c-1.347 0-2.189-1.458-1.515-2.625L8.485 2.495zM10 6a.75.75 0 01.75.75v3.5a.75.75 0 01-1.5 0v-3.5A.75.75 0 0110 6zm0 9a1 1 0 100-2 1 1 0 000 2z" clip-rule="evenodd"/>
                </svg>
                <div>
                    <p class="font-semibold">"Not ready: this connection cannot sign anyone in yet"</p>
                    <p class="mt-1">{reason}". Complete it on the Settings tab."</p>
                </div>
            </div>
        })}
    }
}
