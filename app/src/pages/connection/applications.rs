//! Applications tab: which applications may sign users in with this connection. The same
//! switches as an application's Connections section, from this side.

use super::with_connection;
use crate::api::applications::connection_applications;
use crate::pages::applications::{EnableList, Side};
use leptos::prelude::*;

#[component]
pub fn ApplicationsTab() -> impl IntoView {
    with_connection(|c, _| {
        let id = c.id.clone();
        let rows = Resource::new(move || id.clone(), connection_applications);
        view! {
            <section aria-labelledby="connection-apps-title">
                <h2 id="connection-apps-title" class="text-base font-semibold text-gray-900">"Applications"</h2>
                <p class="mt-1 text-sm text-gray-500">"To use this enterprise connection, enable it for your applications."</p>
                <EnableList rows=rows side=Side::Connection fixed=c.id.clone()
                    empty="No applications yet. Create one under Applications, then enable this connection for it here."/>
            </section>
        }
    })
}
