//! Organizations: the list and the create page. One organization's page is in `organization`.

use crate::api::organizations::{list_organizations, organization_created, CreateOrganization};
use crate::components::form::{form_error, open_when_created, CreateButton, field_error, FieldErrorText, FormAlert, Help, INPUT, LABEL, PRIMARY_BUTTON};
use crate::components::icons::Building;
use crate::components::layout::PageHeader;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The list. "Create Organization" opens its own page (`/organizations/new`), as in Auth0's
/// dashboard, so the list is links only and a cold load of it ships no wasm
/// (`chunks::ships_no_wasm`).
#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let orgs = Resource::new(|| (), |_| list_organizations(None));
    view! {
        <Title text="Organizations"/>
        <PageHeader title="Organizations" description="Customers who own their connections and email domains. Invite an organization's IT admin to set up their own connection.">
            <A href="/organizations/new" attr:class=PRIMARY_BUTTON>"Create Organization"</A>
        </PageHeader>
        <Transition fallback=|| view! { <div class="h-40 animate-pulse rounded-xl bg-gray-100" aria-busy="true"></div> }>
            {move || orgs.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! {
                    <div class="rounded-xl border border-dashed border-gray-300 bg-white px-6 py-14 text-center">
                        <Building class="mx-auto h-10 w-10 text-gray-300"/>
                        <h3 class="mt-4 text-base font-semibold text-gray-900">"No organizations yet"</h3>
                        <p class="mx-auto mt-2 max-w-md text-sm text-gray-500">"Create an organization for each customer, then invite their IT admin to set up single sign-on."</p>
                    </div>
                }.into_any(),
                Ok(list) => view! {
                    <div class="overflow-hidden rounded-xl border border-gray-200 bg-white shadow-sm">
                        <table class="min-w-full divide-y divide-gray-200 text-sm">
                            <thead class="bg-gray-50 text-left text-xs font-semibold uppercase tracking-wide text-gray-500">
                                <tr><th class="px-4 py-3">"Organization"</th><th class="px-4 py-3">"Domains"</th><th class="px-4 py-3">"Connections"</th></tr>
                            </thead>
                            <tbody class="divide-y divide-gray-100">
                                {list.into_iter().map(|row| {
                                    let href = format!("/organizations/{}", row.organization.id);
                                    let (label, name) = (row.organization.label().to_string(), row.organization.name.clone());
                                    let domains = if row.domains.is_empty() { "—".to_string() } else { row.domains.join(", ") };
                                    view! {
                                        <tr class="hover:bg-gray-50">
                                            <td class="px-4 py-3">
                                                <A href=href attr:class="font-medium text-indigo-600 hover:text-indigo-500">{label}</A>
                                                <div class="text-xs text-gray-500">{name}</div>
                                            </td>
                                            <td class="px-4 py-3 text-gray-700">{domains}</td>
                                            <td class="px-4 py-3 text-gray-700">{row.connections}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
                Err(e) => view! { <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

/// Create Organization: its name and display name; on success, its page.
#[component]
pub fn NewOrganizationPage() -> impl IntoView {
    let create = ServerAction::<CreateOrganization>::new();
    open_when_created(create, organization_created);
    let other = form_error(create);
    view! {
        <Title text="Create Organization"/>
        <A href="/organizations" attr:class="mb-4 inline-block text-sm font-medium text-indigo-600 hover:text-indigo-500">"← Back to Organizations"</A>
        <PageHeader title="Create Organization" description="An organization for one customer: its IT admin can then set up their own connection from a setup link."/>
        <section aria-label="Create Organization" class="rounded-xl border border-gray-200 bg-white p-6 shadow-sm">
            <ActionForm action=create attr:class="space-y-5">
                <FormAlert message=other/>
                <div class="grid gap-5 sm:grid-cols-2">
                    <div>
                        <label for="org_name" class=LABEL>"Name"</label>
                        <input id="org_name" name="name" type="text" required maxlength="50" class=INPUT placeholder="acme" autofocus aria-describedby="org_name-help" data-keep-refused="org_name"/>
                        <Help for_id="org_name">"Lowercase letters, digits, - and _. Used in the connection's name."</Help>
                        <FieldErrorText message=field_error(create, "name")/>
                    </div>
                    <div>
                        <label for="org_display_name" class=LABEL>"Display Name"</label>
                        <input id="org_display_name" name="display_name" type="text" maxlength="255" class=INPUT placeholder="Acme Corporation" aria-describedby="org_display_name-help" data-keep-refused="org_display_name"/>
                        <Help for_id="org_display_name">"What the organization's IT admin and users see."</Help>
                        <FieldErrorText message=field_error(create, "display_name")/>
                    </div>
                </div>
                <CreateButton pending=create.pending() label="Add Organization" busy="Adding…"/>
            </ActionForm>
        </section>
    }
}
