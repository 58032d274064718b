//! The dashboard frame: a fixed sidebar with the product's sections and a top bar with the
//! signed-in admin and sign-out. Every dashboard page renders inside it.

use crate::api::auth::{current_admin, SignOut};
use crate::components::icons::*;
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_location, use_navigate};

#[component]
pub fn DashboardLayout() -> impl IntoView {
    let admin = Resource::new(|| (), |_| current_admin());
    let collapsed = RwSignal::new(false);
    let location = use_location();

    // A session that ended while the page was open: go to sign-in and come back here after.
    Effect::new(move |_| {
        if let Some(Ok(None) | Err(crate::error::AppError::Unauthorized)) = admin.get() {
            let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
            let to = format!("/signin?return_to={}", crate::text::encode_query_value(&here));
            use_navigate()(&to, Default::default());
        }
    });

    view! {
        <div class="min-h-screen flex">
            <aside
                class=move || format!(
                    "sticky top-0 h-screen shrink-0 border-r border-gray-200 bg-white flex flex-col transition-[width] duration-150 {}",
                    if collapsed.get() { "w-16" } else { "w-60" },
                )
                aria-label="Sidebar"
                data-sidebar=""
            >
                <div class="h-14 flex items-center gap-2 px-4 border-b border-gray-100">
                    <TesseraMark class="h-7 w-7 shrink-0"/>
                    <span class="font-semibold tracking-tight text-gray-900" data-sidebar-label="" class:sr-only=move || collapsed.get()>"Tessera"</span>
                </div>
                <nav class="flex-1 overflow-y-auto px-2 py-4 space-y-6 text-sm" aria-label="Main">
                    <div>
                        <p class="px-2 mb-1 text-xs font-medium uppercase tracking-wide text-gray-400" data-sidebar-label="" class:sr-only=move || collapsed.get()>
                            "Connections"
                        </p>
                        <NavItem href="/connections/enterprise" label="Enterprise connections" short="Enterprise" collapsed>
                            <Plug class="h-5 w-5 shrink-0"/>
                        </NavItem>
                    </div>
                    <div>
                        <p class="px-2 mb-1 text-xs font-medium uppercase tracking-wide text-gray-400" data-sidebar-label="" class:sr-only=move || collapsed.get()>
                            "Manage"
                        </p>
                        <NavItem href="/applications" label="Applications" short="Applications" collapsed>
                            <Squares class="h-5 w-5 shrink-0"/>
                        </NavItem>
                        <NavItem href="/organizations" label="Organizations" short="Organizations" collapsed>
                            <Building class="h-5 w-5 shrink-0"/>
                        </NavItem>
                        <NavItem href="/users" label="Users" short="Users" collapsed>
                            <Users class="h-5 w-5 shrink-0"/>
                        </NavItem>
                        <NavItem href="/roles" label="Roles" short="Roles" collapsed>
                            <Shield class="h-5 w-5 shrink-0"/>
                        </NavItem>
                    </div>
                    <div>
                        <p class="px-2 mb-1 text-xs font-medium uppercase tracking-wide text-gray-400" data-sidebar-label="" class:sr-only=move || collapsed.get()>
                            "Monitor"
                        </p>
                        <NavItem href="/logs" label="Logs" short="Logs" collapsed>
                            <ListLines class="h-5 w-5 shrink-0"/>
                        </NavItem>
                        <NavItem href="/settings" label="Settings" short="Settings" collapsed>
                            <Cog class="h-5 w-5 shrink-0"/>
                        </NavItem>
                    </div>
                </nav>
                <div class="border-t border-gray-100 p-2">
                    <button
                        type="button"
                        class="w-full flex items-center gap-3 rounded-md px-2 py-2 text-sm text-gray-500 hover:bg-gray-100 hover:text-gray-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                        aria-expanded=move || (!collapsed.get()).to_string()
                        aria-label=move || if collapsed.get() { "Expand sidebar" } else { "Collapse sidebar" }
                        data-sidebar-toggle=""
                        on:click=move |_| collapsed.update(|c| *c = !*c)
                    >
                        {move || if collapsed.get() {
                            view! { <ChevronDoubleRight class="h-5 w-5 shrink-0"/> }.into_any()
                        } else {
                            view! { <ChevronDoubleLeft class="h-5 w-5 shrink-0"/> }.into_any()
                        }}
                        <span data-sidebar-label="" class:sr-only=move || collapsed.get()>"Collapse"</span>
                    </button>
                </div>
            </aside>
            <div class="flex-1 min-w-0 flex flex-col">
                <header class="sticky top-0 z-10 h-14 border-b border-gray-200 bg-white/95 backdrop-blur flex items-center justify-end gap-4 px-6">
                    <Transition fallback=|| view! { <span class="h-4 w-40 rounded bg-gray-100"></span> }>
                        {move || admin.get().and_then(|r| r.ok()).flatten().map(|a| view! {
                            <div class="flex items-center gap-2 text-sm text-gray-700">
                                <span class="grid h-7 w-7 place-items-center rounded-full bg-indigo-100 text-xs font-semibold text-indigo-700" aria-hidden="true">
                                    {a.email.chars().next().map(|c| c.to_ascii_uppercase().to_string()).unwrap_or_default()}
                                </span>
                                <span data-testid="signed-in-admin">{a.email.clone()}</span>
                            </div>
                        })}
                    </Transition>
                    <SignOutButton/>
                </header>
                <main class="flex-1 px-8 py-8">
                    <div class="mx-auto max-w-[1100px]">
                        <Outlet/>
                    </div>
                </main>
            </div>
        </div>
    }
}

#[component]
fn NavItem(
    href: &'static str,
    label: &'static str,
    short: &'static str,
    collapsed: RwSignal<bool>,
    children: Children,
) -> impl IntoView {
    view! {
        <A href=href attr:class="group flex items-center gap-3 rounded-md px-2 py-2 text-gray-600 hover:bg-gray-100 hover:text-gray-900 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-700 aria-[current=page]:font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500" attr:title=label>
            {children()}
            <span data-sidebar-label="" class:sr-only=move || collapsed.get()>{short}</span>
        </A>
    }
}

/// Sign-out is a form post, so it works before (or without) hydration too.
#[component]
pub fn SignOutButton() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=sign_out>
            <button type="submit"
                class="inline-flex items-center gap-2 rounded-md border border-gray-200 bg-white px-3 py-1.5 text-sm font-medium text-gray-700 hover:bg-gray-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
                <ArrowRightOnRect class="h-4 w-4"/>
                "Sign out"
            </button>
        </ActionForm>
    }
}

/// The page title and its one-line description, with the page's primary action on the right.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="mb-8 flex items-start justify-between gap-6">
            <div>
                <h1 class="text-2xl font-semibold tracking-tight text-gray-900">{title}</h1>
                <p class="mt-1 text-sm text-gray-500">{description}</p>
            </div>
            {children.map(|c| view! { <div class="shrink-0">{c()}</div> })}
        </div>
    }
}
