//! Connections → Enterprise: the strategy catalogue and the table of connections, with search
//! and paging in the URL (`?q=…&page=…`) so the page renders on the server and works without
//! JavaScript.

use crate::api::connections::{list_connections, ConnectionListing, ConnectionSummary};
use crate::components::icons::{MagnifyingGlass, Plug, Plus};
use crate::components::layout::PageHeader;
use crate::connections::options::Channel;
use crate::connections::{CheckStatus, Strategy};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

pub fn logo_url(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Oidc => "/logos/oidc.svg",
        Strategy::Okta => "/logos/okta.svg",
    }
}

pub fn create_url(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Oidc => "/connections/enterprise/oidc/new",
        Strategy::Okta => "/connections/enterprise/okta/new",
    }
}

/// Dot colour and words for a connection's last issuer check.
pub fn status_badge(status: CheckStatus) -> (&'static str, &'static str) {
    match status {
        CheckStatus::Found => ("bg-green-500", "Issuer verified"),
        CheckStatus::NotChecked => ("bg-gray-400", "Explicit settings"),
        CheckStatus::NotFound => ("bg-red-500", "Issuer not found"),
        CheckStatus::Invalid => ("bg-amber-500", "Issuer invalid"),
    }
}

pub fn channel_label(channel: Channel) -> &'static str {
    match channel {
        Channel::FrontChannel => "Front Channel",
        Channel::BackChannel => "Back Channel",
    }
}

/// "Showing 26–50 of 10,000".
pub fn range_text(listing: &ConnectionListing) -> String {
    if listing.total == 0 {
        return "No connections".into();
    }
    let first = listing.page.saturating_mul(listing.per_page).saturating_add(1);
    let last = first.saturating_add(listing.items.len() as u64).saturating_sub(1);
    format!("Showing {}–{} of {}", group(first), group(last), group(listing.total))
}

fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The URL of another page of the list, keeping the search.
pub fn page_href(q: &str, page: u64) -> String {
    let mut params = Vec::new();
    if !q.is_empty() {
        params.push(format!("q={}", crate::text::encode_query_value(q)));
    }
    if page > 0 {
        params.push(format!("page={page}"));
    }
    if params.is_empty() { "/connections/enterprise".into() } else { format!("/connections/enterprise?{}", params.join("&")) }
}

#[component]
pub fn EnterprisePage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(0));
    let listing = Resource::new(move || (q.get(), page.get()), |(q, page)| list_connections(Some(q), Some(page)));

    view! {
        <Title text="Enterprise connections"/>
        <PageHeader title="Enterprise" description="Let your customers' employees sign in with their company identity provider: OpenID Connect providers and Okta Workforce."/>

        <section aria-labelledby="catalogue-title" class="mb-10">
            <h2 id="catalogue-title" class="sr-only">"Create a connection"</h2>
            <div class="grid grid-cols-1 gap-4 sm:grid-cols-2">
                <StrategyCard strategy=Strategy::Oidc description="Connect any OpenID Provider through its discovery document."/>
                <StrategyCard strategy=Strategy::Okta description="The streamlined integration for Okta Workforce Identity Cloud."/>
            </div>
        </section>

        <section aria-labelledby="connections-title">
            <div class="mb-4 flex flex-wrap items-center justify-between gap-4">
                <h2 id="connections-title" class="text-lg font-semibold text-gray-900">"Connections"</h2>
                <Form method="GET" action="/connections/enterprise" attr:role="search" attr:class="relative w-full max-w-xs">
                    <label for="connection-search" class="sr-only">"Search connections by name"</label>
                    <MagnifyingGlass class="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-gray-400"/>
                    <input id="connection-search" name="q" type="search" placeholder="Search by name"
                        value=move || q.get() prop:value=move || q.get()
                        class="block w-full rounded-md border border-gray-300 bg-white py-2 pl-9 pr-3 text-sm shadow-sm placeholder:text-gray-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30"/>
                </Form>
            </div>
            <Transition fallback=|| view! { <TableSkeleton/> }>
                {move || listing.get().map(|result| match result {
                    Ok(listing) => view! { <ConnectionsTable listing q=q.get_untracked()/> }.into_any(),
                    Err(e) => view! {
                        <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">{e.to_string()}</p>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn StrategyCard(strategy: Strategy, description: &'static str) -> impl IntoView {
    view! {
        <div class="flex items-center gap-4 rounded-xl border border-gray-200 bg-white p-5 shadow-sm">
            <img src=logo_url(strategy) alt="" class="h-10 w-10 shrink-0"/>
            <div class="min-w-0 flex-1">
                <h3 class="text-sm font-semibold text-gray-900">{strategy.label()}</h3>
                <p class="mt-0.5 text-sm text-gray-500">{description}</p>
            </div>
            <A href=create_url(strategy) attr:class="inline-flex shrink-0 items-center gap-1.5 rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2"
                attr:aria-label=format!("Create {} connection", strategy.label())>
                <Plus class="h-4 w-4"/>"Create"
            </A>
        </div>
    }
}

#[component]
fn TableSkeleton() -> impl IntoView {
    view! {
        <div class="space-y-2 rounded-xl border border-gray-200 bg-white p-4" aria-busy="true" aria-label="Loading connections">
            {(0..4).map(|_| view! { <div class="h-10 animate-pulse rounded bg-gray-100"></div> }).collect_view()}
        </div>
    }
}

#[component]
fn ConnectionsTable(listing: ConnectionListing, q: String) -> impl IntoView {
    if listing.items.is_empty() {
        return if q.is_empty() {
            view! {
                <div class="rounded-xl border border-dashed border-gray-300 bg-white px-6 py-14 text-center">
                    <Plug class="mx-auto h-10 w-10 text-gray-300"/>
                    <h3 class="mt-4 text-base font-semibold text-gray-900">"No enterprise connections yet"</h3>
                    <p class="mx-auto mt-2 max-w-md text-sm text-gray-500">
                        "Create an OpenID Connect or Okta Workforce connection above so a customer's employees can sign in with their company account."
                    </p>
                    <div class="mt-6 flex justify-center gap-3">
                        <A href=create_url(Strategy::Oidc) attr:class="rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Create OpenID Connect"</A>
                        <A href=create_url(Strategy::Okta) attr:class="rounded-md border border-gray-300 bg-white px-3 py-2 text-sm font-medium text-gray-700 hover:bg-gray-50">"Create Okta Workforce"</A>
                    </div>
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="rounded-xl border border-gray-200 bg-white px-6 py-10 text-center text-sm text-gray-500">
                    "No connections match “" {q.clone()} "”. "
                    <A href="/connections/enterprise" attr:class="font-medium text-indigo-600 hover:text-indigo-500">"Clear the search"</A>
                </div>
            }
            .into_any()
        };
    }
    let range = range_text(&listing);
    let has_prev = listing.page > 0;
    let has_next = listing.page.saturating_add(1).saturating_mul(listing.per_page) < listing.total;
    let prev = page_href(&q, listing.page.saturating_sub(1));
    let next = page_href(&q, listing.page.saturating_add(1));
    view! {
        <div class="overflow-hidden rounded-xl border border-gray-200 bg-white shadow-sm">
            <table class="min-w-full divide-y divide-gray-200 text-sm">
                <thead class="bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
                    <tr>
                        <th scope="col" class="px-4 py-3">"Name"</th>
                        <th scope="col" class="px-4 py-3">"Issuer / domain"</th>
                        <th scope="col" class="hidden px-4 py-3 lg:table-cell">"Channel"</th>
                        <th scope="col" class="hidden px-4 py-3 md:table-cell">"Applications"</th>
                        <th scope="col" class="px-4 py-3">"Status"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-gray-100">
                    {listing.items.into_iter().map(|c| view! { <ConnectionRow c/> }).collect_view()}
                </tbody>
            </table>
            <nav class="flex items-center justify-between border-t border-gray-200 bg-gray-50 px-4 py-3 text-sm text-gray-600" aria-label="Pages">
                <p>{range}</p>
                <div class="flex gap-2">
                    {has_prev.then(|| view! { <A href=prev attr:class="rounded-md border border-gray-300 bg-white px-3 py-1.5 font-medium text-gray-700 hover:bg-gray-50" attr:rel="prev">"Previous"</A> })}
                    {has_next.then(|| view! { <A href=next attr:class="rounded-md border border-gray-300 bg-white px-3 py-1.5 font-medium text-gray-700 hover:bg-gray-50" attr:rel="next">"Next"</A> })}
                </div>
            </nav>
        </div>
    }
    .into_any()
}

#[component]
fn ConnectionRow(c: ConnectionSummary) -> impl IntoView {
    let (dot, words) = status_badge(c.status);
    let href = format!("/connections/enterprise/{}/settings", c.id);
    view! {
        <tr class="hover:bg-gray-50">
            <td class="px-4 py-3">
                <A href=href attr:class="flex items-center gap-3 font-medium text-gray-900 hover:text-indigo-600 focus:outline-none focus-visible:underline">
                    <img src=logo_url(c.strategy) alt="" class="h-7 w-7 shrink-0"/>
                    <span>
                        <span class="block">{c.name.clone()}</span>
                        <span class="block text-xs font-normal text-gray-500">{c.strategy.label()}</span>
                    </span>
                </A>
            </td>
            <td class="max-w-xs truncate px-4 py-3 font-mono text-xs text-gray-600" title=c.issuer_or_domain.clone()>{c.issuer_or_domain.clone()}</td>
            <td class="hidden px-4 py-3 text-gray-600 lg:table-cell">{channel_label(c.channel)}</td>
            <td class="hidden px-4 py-3 text-gray-600 md:table-cell">{c.applications}</td>
            <td class="px-4 py-3">
                {match c.not_ready.clone() {
                    Some(reason) => view! {
                        <span class="inline-flex items-center gap-1.5 rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-inset ring-amber-600/20" title=reason data-testid="not-ready">
                            "Not ready"
                        </span>
                    }.into_any(),
                    None => view! {
                        <span class="inline-flex items-center gap-2 text-gray-700">
                            <span class=format!("h-2 w-2 rounded-full {dot}") aria-hidden="true"></span>
                            <span class="text-xs">{words}</span>
                        </span>
                    }.into_any(),
                }}
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(page: u64, items: usize, total: u64) -> ConnectionListing {
        let item = ConnectionSummary {
            id: "con_1".into(),
            name: "a".into(),
            strategy: Strategy::Oidc,
            issuer_or_domain: String::new(),
            channel: Channel::BackChannel,
            applications: 0,
            status: CheckStatus::Found,
            not_ready: None,
        };
        ConnectionListing { items: vec![item; items], total, page, per_page: 25 }
    }

    #[test]
    fn the_range_line_counts_from_one_and_groups_thousands() {
        assert_eq!(range_text(&listing(0, 25, 10_000)), "Showing 1–25 of 10,000");
        assert_eq!(range_text(&listing(399, 25, 10_000)), "Showing 9,976–10,000 of 10,000");
        assert_eq!(range_text(&listing(0, 0, 0)), "No connections");
    }

    #[test]
    fn page_links_keep_the_search() {
        assert_eq!(page_href("", 0), "/connections/enterprise");
        assert_eq!(page_href("acme corp", 2), "/connections/enterprise?q=acme+corp&page=2");
    }
}
