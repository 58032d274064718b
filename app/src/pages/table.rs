//! What the list pages share: cell padding, the pager's links (parameters in the URL, so the
//! pages render on the server and work without JavaScript), the empty state and a failure.

use leptos::prelude::*;

pub const TH: &str = "px-4 py-3";
pub const TD: &str = "px-4 py-3 align-top";
pub const LINK: &str = "rounded-md border border-gray-300 bg-white px-3 py-1.5 text-sm font-medium text-gray-700 hover:bg-gray-50";

/// `path` with the non-empty `params` in its query (a page of 0 is the default and left out).
pub fn href(path: &str, params: &[(&str, String)]) -> String {
    let query: Vec<String> = params.iter().filter(|(_, v)| !v.is_empty() && v != "0").map(|(k, v)| format!("{k}={}", crate::text::encode_query_value(v))).collect();
    if query.is_empty() { path.to_string() } else { format!("{path}?{}", query.join("&")) }
}

pub fn failure(message: String) -> AnyView {
    view! { <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">{message}</p> }.into_any()
}

pub fn empty(title: &'static str, text: &'static str) -> AnyView {
    view! {
        <div class="rounded-xl border border-dashed border-gray-300 bg-white px-6 py-14 text-center">
            <h3 class="text-base font-semibold text-gray-900">{title}</h3>
            <p class="mx-auto mt-2 max-w-md text-sm text-gray-500">{text}</p>
        </div>
    }
    .into_any()
}
