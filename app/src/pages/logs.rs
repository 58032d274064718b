//! Logs: how every sign-in went, filtered by type, connection and application (in the URL, so
//! the page renders on the server and works without JavaScript).

use crate::api::logs::{list_logs, LogListing, LogRow, PAGE_SIZE};
use super::table::{empty, failure, href, LINK, TD, TH};
use crate::components::layout::PageHeader;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

/// The Logs page's filters, as in its URL.
#[derive(Clone, Debug, Default, PartialEq)]
struct LogQuery {
    kind: String,
    connection_id: String,
    client_id: String,
    page: u64,
}

impl LogQuery {
    /// The page's URL with these filters, `kind` replaced and paging restarted (or at `page`).
    fn href(&self, kind: &str, page: u64) -> String {
        href("/logs", &[("type", kind.to_string()), ("connection_id", self.connection_id.clone()), ("client_id", self.client_id.clone()), ("page", page.to_string())])
    }
}

const FILTER_SELECT: &str = "mt-1 block w-56 rounded-md border border-gray-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30";

#[component]
pub fn LogsPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        LogQuery {
            kind: q.get("type").unwrap_or_default(),
            connection_id: q.get("connection_id").unwrap_or_default(),
            client_id: q.get("client_id").unwrap_or_default(),
            page: q.get("page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(0),
        }
    });
    let events = Resource::new(move || filters.get(), |f| list_logs(Some(f.kind), Some(f.connection_id), Some(f.client_id), Some(f.page)));
    let chip = move |value: &'static str, label: &'static str| {
        let current = move || filters.read().kind == value;
        view! {
            // A plain link: the router's <A> would mark all three current (same path).
            <a href=move || filters.read().href(value, 0)
                class=move || if current() { "rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white" } else { LINK }
                aria-current=move || current().then_some("true")>{label}</a>
        }
    };
    view! {
        <Title text="Logs"/>
        <PageHeader title="Logs" description="Every sign-in through a connection, successes and failures with the check that failed, and every sign-out. Tokens are never logged."/>
        <nav aria-label="Filter events" class="mb-4 flex gap-2">
            {chip("", "All")}{chip("s", "Success")}{chip("f", "Failure")}{chip("slo", "Logout")}
        </nav>
        <Transition fallback=|| view! { <div class="h-40 animate-pulse rounded-xl bg-gray-100" aria-busy="true"></div> }>
            {move || events.get().map(|r| match r {
                Ok(listing) => {
                    let f = filters.get_untracked();
                    view! { {filter_form(&listing, &f)} {logs_table(listing.rows, &f)} }.into_any()
                }
                Err(e) => failure(e.to_string()),
            })}
        </Transition>
    }
}

/// Connection and Application filters: a GET form, so it works without JavaScript too.
fn filter_form(listing: &LogListing, f: &LogQuery) -> AnyView {
    let options = |all: &'static str, items: &[(String, String)], selected: &str| {
        let mut views = vec![view! { <option value="" selected=selected.is_empty()>{all}</option> }.into_any()];
        for (id, name) in items {
            let is_selected = id.as_str() == selected;
            views.push(view! { <option value=id.clone() selected=is_selected>{name.clone()}</option> }.into_any());
        }
        views
    };
    let (connections, applications) = (options("All connections", &listing.connections, &f.connection_id), options("All applications", &listing.applications, &f.client_id));
    let (kind, clear) = (f.kind.clone(), href("/logs", &[("type", f.kind.clone())]));
    let filtered = !f.connection_id.is_empty() || !f.client_id.is_empty();
    view! {
        <Form method="GET" action="/logs" attr:class="mb-4 flex flex-wrap items-end gap-3" attr:aria-label="Filter by connection and application">
            <input type="hidden" name="type" value=kind/>
            <div>
                <label for="log-connection" class="text-sm font-medium text-gray-700">"Connection"</label>
                <select id="log-connection" name="connection_id" class=FILTER_SELECT>{connections}</select>
            </div>
            <div>
                <label for="log-application" class="text-sm font-medium text-gray-700">"Application"</label>
                <select id="log-application" name="client_id" class=FILTER_SELECT>{applications}</select>
            </div>
            <button type="submit" class="rounded-md bg-white px-3 py-2 text-sm font-semibold text-gray-900 shadow-sm ring-1 ring-inset ring-gray-300 hover:bg-gray-50">"Filter"</button>
            {filtered.then(|| view! { <a href=clear class="py-2 text-sm font-medium text-indigo-600 hover:text-indigo-500">"Clear filters"</a> })}
        </Form>
    }
    .into_any()
}

fn logs_table(rows: Vec<LogRow>, f: &LogQuery) -> AnyView {
    let page = f.page;
    if rows.is_empty() && page == 0 {
        return if f == &LogQuery::default() {
            empty("No events", "Sign-ins through connections are recorded here, with the reason when one fails.")
        } else {
            empty("No events match", "No sign-in matches these filters. Clear them to see every event.")
        };
    }
    let has_next = rows.len() as u64 == PAGE_SIZE;
    let (prev, next) = (f.href(&f.kind, page.saturating_sub(1)), f.href(&f.kind, page.saturating_add(1)));
    view! {
        <div class="overflow-hidden rounded-xl border border-gray-200 bg-white shadow-sm">
            <table class="min-w-full divide-y divide-gray-200 text-sm">
                <thead class="bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
                    <tr><th scope="col" class=TH>"Event"</th><th scope="col" class=TH>"Description"</th><th scope="col" class=TH>"Connection"</th><th scope="col" class=TH>"Application"</th><th scope="col" class=TH>"User"</th><th scope="col" class=TH>"Date"</th></tr>
                </thead>
                <tbody class="divide-y divide-gray-100">
                    {rows.into_iter().map(|e| view! {
                        <tr>
                            <td class=TD>
                                {if e.success {
                                    view! { <span class="inline-flex items-center gap-1.5 whitespace-nowrap rounded-full bg-green-50 px-2 py-0.5 text-xs font-medium text-green-700"><span class="h-1.5 w-1.5 rounded-full bg-green-500"></span>{e.label.clone()}</span> }.into_any()
                                } else {
                                    view! { <span class="inline-flex items-center gap-1.5 whitespace-nowrap rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700"><span class="h-1.5 w-1.5 rounded-full bg-red-500"></span>{e.label.clone()}</span> }.into_any()
                                }}
                            </td>
                            <td class="max-w-md px-4 py-3 align-top text-gray-700">
                                {crate::text::sentence(&e.description)}
                                {e.check.clone().map(|check| view! {
                                    <p class="mt-1.5 flex gap-1.5 text-xs text-gray-600" data-testid="failure-check">
                                        <span class="shrink-0 whitespace-nowrap font-semibold text-gray-800">"What to check:"</span><span>{check}</span>
                                    </p>
                                })}
                            </td>
                            <td class=TD>{e.connection.clone().unwrap_or_default()}</td>
                            <td class=TD>{e.application.clone().unwrap_or_default()}</td>
                            <td class=TD>{e.user_id.clone().map(|id| {
                                let link = format!("/users/{}", crate::text::encode_path_segment(&id));
                                view! { <A href=link attr:class="font-mono text-xs text-indigo-700 hover:text-indigo-500">{id}</A> }
                            })}</td>
                            <td class="whitespace-nowrap px-4 py-3 align-top text-gray-500">{e.time.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {(page > 0 || has_next).then(|| view! {
                <div class="flex justify-end gap-2 border-t border-gray-200 px-4 py-3">
                    {(page > 0).then(|| view! { <A href=prev.clone() attr:class=LINK>"Previous"</A> })}
                    {has_next.then(|| view! { <A href=next.clone() attr:class=LINK>"Next"</A> })}
                </div>
            })}
        </div>
    }
    .into_any()
}
