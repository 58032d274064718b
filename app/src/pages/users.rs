//! Users: who signed in through your connections (search and paging in the URL, so the page
//! renders on the server and works without JavaScript), and one user's profile, sessions and
//! Danger zone, whose every action is a form (a cold load of either ships no wasm).

use crate::api::users::{
    get_user, list_users, user_deleted, ConnectedAccountRow, DeleteUser, DisconnectAccount, GrantRow, RevokeGrant, RevokeSession, SessionRow, UserDetails, UserListing,
    ACCOUNT_DISCONNECTED, GRANT_REVOKED, PAGE_SIZE, SESSION_REVOKED,
};
use super::table::{empty, failure, href, LINK, TD, TH};
use crate::components::form::{field_error, form_error, FieldErrorText, FormAlert, DANGER_BUTTON, INPUT};
use crate::components::icons::MagnifyingGlass;
use crate::components::layout::PageHeader;
use crate::components::toast::Toaster;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(0));
    let listing = Resource::new(move || (q.get(), page.get()), |(q, page)| list_users(Some(q), Some(page)));
    view! {
        <Title text="Users"/>
        <PageHeader title="Users" description="People who signed in through your connections, or whom SCIM provisioning created. A user is kept per connection and identity provider subject."/>
        <div class="mb-4 flex justify-end">
            <Form method="GET" action="/users" attr:role="search" attr:class="relative w-full max-w-xs">
                <label for="user-search" class="sr-only">"Search users by email"</label>
                <MagnifyingGlass class="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-gray-400"/>
                <input id="user-search" name="q" type="search" placeholder="Search by email" value=move || q.get() prop:value=move || q.get()
                    class="block w-full rounded-md border border-gray-300 bg-white py-2 pl-9 pr-3 text-sm shadow-sm placeholder:text-gray-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30"/>
            </Form>
        </div>
        <Transition fallback=|| view! { <div class="h-40 animate-pulse rounded-xl bg-gray-100" aria-busy="true"></div> }>
            {move || listing.get().map(|r| match r {
                Ok(l) => users_table(l, q.get_untracked()),
                Err(e) => failure(e.to_string()),
            })}
        </Transition>
    }
}

fn users_table(l: UserListing, q: String) -> AnyView {
    if l.items.is_empty() {
        return if q.is_empty() {
            empty("No users yet", "Users appear here after their first sign-in through a connection. Use Try on a connection page to sign in yourself.")
        } else {
            empty("No users match", "No user's email contains that text.")
        };
    }
    let has_next = l.page.saturating_add(1).saturating_mul(PAGE_SIZE) < l.total;
    let (prev, next) = (href("/users", &[("q", q.clone()), ("page", l.page.saturating_sub(1).to_string())]), href("/users", &[("q", q), ("page", l.page.saturating_add(1).to_string())]));
    view! {
        <div class="overflow-hidden rounded-xl border border-gray-200 bg-white shadow-sm">
            <table class="min-w-full divide-y divide-gray-200 text-sm">
                <thead class="bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
                    <tr><th scope="col" class=TH>"User"</th><th scope="col" class=TH>"Connection"</th><th scope="col" class=TH>"Logins"</th><th scope="col" class=TH>"Last login"</th></tr>
                </thead>
                <tbody class="divide-y divide-gray-100">
                    {l.items.into_iter().map(|u| {
                        let label = u.name.clone().or_else(|| u.email.clone()).unwrap_or_else(|| u.id.clone());
                        let link = format!("/users/{}", crate::text::encode_path_segment(&u.id));
                        view! {
                        <tr>
                            <td class=TD>
                                <A href=link attr:class="font-medium text-indigo-700 hover:text-indigo-500">{label}</A>
                                {(!u.active).then(|| view! { <span class="ml-2 rounded bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-700 ring-1 ring-red-200">"Deactivated"</span> })}
                                <div class="text-gray-500">{u.email.clone().unwrap_or_default()}
                                    {(!u.email_verified && u.email.is_some()).then(|| view! { <span class="ml-2 rounded bg-amber-50 px-1.5 py-0.5 text-xs text-amber-700">"unverified"</span> })}
                                </div>
                                <code class="text-xs text-gray-400">{u.id.clone()}</code>
                            </td>
                            <td class=TD>{u.connection.clone()}</td>
                            <td class=TD>{u.logins_count}</td>
                            <td class=TD>{if u.last_login.is_empty() { "Never".to_string() } else { u.last_login.clone() }}</td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
            <div class="flex items-center justify-between border-t border-gray-200 px-4 py-3 text-sm text-gray-500">
                <span>{format!("{} user{}", l.total, if l.total == 1 { "" } else { "s" })}</span>
                <div class="flex gap-2">
                    {(l.page > 0).then(|| view! { <A href=prev attr:class=LINK>"Previous"</A> })}
                    {has_next.then(|| view! { <A href=next attr:class=LINK>"Next"</A> })}
                </div>
            </div>
        </div>
    }
    .into_any()
}

#[component]
pub fn UserPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let user = Resource::new(move || id.get(), get_user);
    view! {
        <Transition fallback=|| view! { <div class="h-40 animate-pulse rounded-xl bg-gray-100" aria-busy="true"></div> }>
            {move || user.get().map(|r| match r {
                Ok(u) => user_details(u),
                Err(e) => failure(e.to_string()),
            })}
        </Transition>
    }
}

fn user_details(u: UserDetails) -> AnyView {
    let title = u.name.clone().or_else(|| u.email.clone()).unwrap_or_else(|| u.id.clone());
    let fact = |label: &'static str, value: String| view! {
        <div class="py-3 sm:grid sm:grid-cols-3 sm:gap-4">
            <dt class="text-sm font-medium text-gray-500">{label}</dt>
            <dd class="mt-1 text-sm text-gray-900 sm:col-span-2 sm:mt-0">{value}</dd>
        </div>
    };
    view! {
        <Title text=title.clone()/>
        <A href="/users" attr:class="text-sm font-medium text-indigo-600 hover:text-indigo-500">"← Users"</A>
        <h1 class="mt-4 text-2xl font-semibold tracking-tight text-gray-900">{title}</h1>
        <p class="mt-1 font-mono text-xs text-gray-500">{u.id.clone()}</p>
        {(!u.active).then(|| view! {
            <p role="status" class="mt-4 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">"Deactivated by the identity provider's SCIM provisioning: their sessions ended and they cannot sign in until it reactivates them."</p>
        })}
        <div class="mt-8 grid grid-cols-1 gap-6 lg:grid-cols-2">
            <section class="rounded-xl border border-gray-200 bg-white p-6 shadow-sm" aria-labelledby="identity-title">
                <h2 id="identity-title" class="text-base font-semibold text-gray-900">"Identity"</h2>
                <dl class="mt-2 divide-y divide-gray-100">
                    {fact("Email", format!("{}{}", u.email.clone().unwrap_or_default(), if u.email_verified { " (verified)" } else { " (not verified)" }))}
                    {fact("Connection", u.connection.clone())}
                    {fact("Identity provider subject", u.subject.clone())}
                    {fact("Groups", if u.groups.is_empty() { "None".to_string() } else { u.groups.join(", ") })}
                    {fact("Logins", u.logins_count.to_string())}
                    {fact("Last login", if u.last_login.is_empty() { "Never".to_string() } else { u.last_login.clone() })}
                    {fact("Created", u.created.clone())}
                </dl>
            </section>
            <section class="rounded-xl border border-gray-200 bg-white p-6 shadow-sm" aria-labelledby="profile-title">
                <h2 id="profile-title" class="text-base font-semibold text-gray-900">"Profile"</h2>
                <p class="mt-1 text-sm text-gray-500">"What the connection's user mapping kept from the identity provider."</p>
                <pre class="mt-4 overflow-x-auto rounded-md bg-gray-900 p-4 text-xs text-gray-100">{u.profile.clone()}</pre>
            </section>
        </div>
        <SessionsSection user_id=u.id.clone() sessions=u.sessions.clone()/>
        <GrantsSection user_id=u.id.clone() grants=u.authorized_applications.clone()/>
        <ConnectedAccountsSection user_id=u.id.clone() accounts=u.connected_accounts.clone()/>
        <DeleteUserZone id=u.id.clone() confirm=u.email.clone().unwrap_or_else(|| u.id.clone())/>
    }
    .into_any()
}

#[component]
fn DeleteUserZone(id: String, confirm: String) -> impl IntoView {
    let action = ServerAction::<DeleteUser>::new();
    let toaster = Toaster::get();
    let deleted = confirm.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            toaster.success(user_deleted(&deleted));
            use_navigate()("/users", Default::default());
        }
    });
    view! {
        <crate::components::danger::DangerZone title_id="user-danger-title" description="Deleting this user ends their sessions and revokes their tokens at once. If they sign in again through the connection, a new user is created.">
            <ActionForm action=action attr:class="mt-4 flex flex-wrap items-end gap-3">
                <input type="hidden" name="id" value=id/>
                <div class="min-w-64 flex-1">
                    <label for="confirm_name" class="block text-sm text-gray-700">{format!("Type {confirm} to confirm.")}</label>
                    <input id="confirm_name" name="confirm_name" type="text" autocomplete="off" class=INPUT/>
                    <FieldErrorText message=field_error(action, "confirm_name")/>
                </div>
                <button type="submit" class=DANGER_BUTTON disabled=move || action.pending().get() data-pending="Deleting…">
                    {move || if action.pending().get() { "Deleting…" } else { "Delete user" }}
                </button>
            </ActionForm>
        </crate::components::danger::DangerZone>
    }
}

/// Revoke, Disconnect: the button each row of a user's revocable lists ends with.
const REVOKE_BUTTON: &str = "rounded-md border border-gray-300 bg-white px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50";

/// One of the user's revocable lists (sessions, authorized applications, connected accounts):
/// a card with its title and what it holds, and the list, or `empty_text` when nothing is left.
#[component]
fn RevocableList(
    id: &'static str,
    title: &'static str,
    description: &'static str,
    empty_text: &'static str,
    #[prop(into)] empty: Signal<bool>,
    /// Why the last Revoke or Disconnect was refused (the list was out of date, say).
    #[prop(into)] error: Signal<Option<String>>,
    children: ChildrenFn,
) -> impl IntoView {
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    view! {
        <section class="mt-6 rounded-xl border border-gray-200 bg-white p-6 shadow-sm" aria-labelledby=labelled_by>
            <h2 id=title_id class="text-base font-semibold text-gray-900">{title}</h2>
            <p class="mt-1 text-sm text-gray-500">{description}</p>
            <FormAlert message=error/>
            {move || if empty.get() {
                view! { <p class="mt-4 text-sm text-gray-500">{empty_text}</p> }.into_any()
            } else {
                children().into_any()
            }}
        </section>
    }
}

/// The user's single sign-on sessions, each revocable.
#[component]
fn SessionsSection(user_id: String, sessions: Vec<SessionRow>) -> impl IntoView {
    let revoke = ServerAction::<RevokeSession>::new();
    let toaster = Toaster::get();
    let (rows, set_rows) = signal(sessions);
    Effect::new(move |_| {
        if let Some(Ok(revoked)) = revoke.value().get() {
            set_rows.update(|r| r.retain(|s| s.id != revoked));
            toaster.success(SESSION_REVOKED);
        }
    });
    let user_id = StoredValue::new(user_id);
    view! {
        <RevocableList id="sessions" title="Sessions" empty_text="No active sessions." empty=Signal::derive(move || rows.read().is_empty()) error=form_error(revoke)
            description="Single sign-on sessions: while one lives, the user signs in to applications without going back to the identity provider.">
            <table class="mt-4 min-w-full divide-y divide-gray-200 text-sm">
                <thead class="text-left text-xs font-medium uppercase tracking-wide text-gray-500">
                    <tr><th scope="col" class="py-2 pr-4">"Session"</th><th scope="col" class="py-2 pr-4">"Started"</th><th scope="col" class="py-2 pr-4">"Last seen"</th><th scope="col" class="py-2 pr-4">"Expires"</th><th scope="col" class="py-2"><span class="sr-only">"Actions"</span></th></tr>
                </thead>
                <tbody class="divide-y divide-gray-100">
                    {move || rows.get().into_iter().map(|s| view! {
                        <tr>
                            <td class="py-2 pr-4 font-mono text-xs text-gray-600">{s.id.clone()}</td>
                            <td class="py-2 pr-4 text-gray-700">{s.started.clone()}</td>
                            <td class="py-2 pr-4 text-gray-700">{s.last_seen.clone()}</td>
                            <td class="py-2 pr-4 text-gray-700">{s.expires.clone()}</td>
                            <td class="py-2 text-right">
                                <ActionForm action=revoke>
                                    <input type="hidden" name="user_id" value=user_id.get_value()/>
                                    <input type="hidden" name="session_id" value=s.id.clone()/>
                                    <button type="submit" class=REVOKE_BUTTON disabled=move || revoke.pending().get() data-pending="Revoking…">"Revoke"</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </RevocableList>
    }
}

/// Third-party applications the user allowed, each revocable (Auth0's user grants).
#[component]
fn GrantsSection(user_id: String, grants: Vec<GrantRow>) -> impl IntoView {
    let revoke = ServerAction::<RevokeGrant>::new();
    let toaster = Toaster::get();
    let (rows, set_rows) = signal(grants);
    Effect::new(move |_| {
        if let Some(Ok(revoked)) = revoke.value().get() {
            set_rows.update(|r| r.retain(|g| g.id != revoked));
            toaster.success(GRANT_REVOKED);
        }
    });
    let user_id = StoredValue::new(user_id);
    view! {
        <RevocableList id="grants" title="Authorized applications" empty_text="No third-party application is authorized." empty=Signal::derive(move || rows.read().is_empty()) error=form_error(revoke)
            description="Third-party applications this user allowed on the consent screen, and what they may see.">
            <ul class="mt-4 divide-y divide-gray-100" aria-label="Authorized applications">
                {move || rows.get().into_iter().map(|g| view! {
                    <li class="flex items-center justify-between gap-3 py-3" data-testid="grant">
                        <div>
                            <p class="text-sm font-medium text-gray-900">{g.application.clone()}</p>
                            <p class="font-mono text-xs text-gray-500">{g.scopes.join(" ")}</p>
                        </div>
                        <ActionForm action=revoke>
                            <input type="hidden" name="user_id" value=user_id.get_value()/>
                            <input type="hidden" name="grant_id" value=g.id.clone()/>
                            <button type="submit" class=REVOKE_BUTTON aria-label=format!("Revoke {}", g.application) disabled=move || revoke.pending().get() data-pending="Revoking…">"Revoke"</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
        </RevocableList>
    }
}

/// Connected accounts (the token vault): connections whose IdP tokens Tessera keeps for this
/// user, so applications can call the IdP's APIs on their behalf. Disconnect forgets them.
#[component]
fn ConnectedAccountsSection(user_id: String, accounts: Vec<ConnectedAccountRow>) -> impl IntoView {
    let disconnect = ServerAction::<DisconnectAccount>::new();
    let toaster = Toaster::get();
    let (rows, set_rows) = signal(accounts);
    Effect::new(move |_| {
        if let Some(Ok(gone)) = disconnect.value().get() {
            set_rows.update(|r| r.retain(|a| a.connection_id != gone));
            toaster.success(ACCOUNT_DISCONNECTED);
        }
    });
    let user_id = StoredValue::new(user_id);
    view! {
        <RevocableList id="accounts" title="Connected accounts" empty_text="No connected accounts." empty=Signal::derive(move || rows.read().is_empty()) error=form_error(disconnect)
            description="Identity provider accounts whose tokens Tessera keeps (connections for connected accounts), so applications can call the provider's APIs for this user.">
            <table class="mt-4 min-w-full divide-y divide-gray-200 text-sm" aria-label="Connected accounts">
                <thead class="text-left text-xs font-medium uppercase tracking-wide text-gray-500">
                    <tr><th scope="col" class="py-2 pr-4">"Connection"</th><th scope="col" class="py-2 pr-4">"Scopes"</th><th scope="col" class="py-2 pr-4">"Connected"</th><th scope="col" class="py-2 pr-4">"Last used"</th><th scope="col" class="py-2"><span class="sr-only">"Actions"</span></th></tr>
                </thead>
                <tbody class="divide-y divide-gray-100">
                    {move || rows.get().into_iter().map(|a| view! {
                        <tr data-testid="connected-account">
                            <td class="py-2 pr-4 font-medium text-gray-900">{a.connection.clone()}</td>
                            <td class="py-2 pr-4 font-mono text-xs text-gray-600">{a.scope.clone()}</td>
                            <td class="py-2 pr-4 text-gray-700">{a.connected.clone()}</td>
                            <td class="py-2 pr-4 text-gray-700">{a.last_used.clone()}</td>
                            <td class="py-2 text-right">
                                <ActionForm action=disconnect>
                                    <input type="hidden" name="user_id" value=user_id.get_value()/>
                                    <input type="hidden" name="connection_id" value=a.connection_id.clone()/>
                                    <button type="submit" class=REVOKE_BUTTON aria-label=format!("Disconnect {}", a.connection) disabled=move || disconnect.pending().get() data-pending="Disconnecting…">"Disconnect"</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </RevocableList>
    }
}
