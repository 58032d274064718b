//! Roles: the list and the create page; one role's page is in `role`. Which groups get a role is
//! set on each connection's Provisioning tab ("Groups and role assignments").

use crate::api::roles::{list_roles, role_created, role_page, CreateRole};
use crate::components::form::{form_error, open_when_created, field_error, CreateButton, FieldErrorText, FormAlert, Help, INPUT, LABEL, PRIMARY_BUTTON};
use crate::components::icons::Shield;
use crate::components::layout::PageHeader;
use crate::roles::{DESCRIPTION_MAX, NAME_MAX};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The list. "Create Role" opens its own page (`/roles/new`) and each role's name opens the
/// role, so the list is links only and a cold load of it ships no wasm (`chunks::ships_no_wasm`).
#[component]
pub fn RolesPage() -> impl IntoView {
    let roles = Resource::new(|| (), |_| list_roles());
    view! {
        <Title text="Roles"/>
        <PageHeader title="Roles" description="Roles your applications read from the roles claim of Tessera's tokens. Each connection maps its identity provider's groups to them.">
            <A href="/roles/new" attr:class=PRIMARY_BUTTON>"Create Role"</A>
        </PageHeader>
        <Transition fallback=|| view! { <div class="h-40 animate-pulse rounded-xl bg-gray-100" aria-busy="true"></div> }>
            {move || roles.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! {
                    <div class="rounded-xl border border-dashed border-gray-300 bg-white px-6 py-14 text-center">
                        <Shield class="mx-auto h-10 w-10 text-gray-300"/>
                        <h3 class="mt-4 text-base font-semibold text-gray-900">"No roles yet"</h3>
                        <p class="mx-auto mt-2 max-w-md text-sm text-gray-500">"Create a role, then map identity provider groups to it on a connection's Provisioning tab."</p>
                    </div>
                }.into_any(),
                Ok(list) => view! {
                    <div class="overflow-hidden rounded-xl border border-gray-200 bg-white shadow-sm">
                        <table class="min-w-full divide-y divide-gray-200 text-sm">
                            <thead class="bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
                                <tr><th scope="col" class="px-4 py-3">"Name"</th><th scope="col" class="px-4 py-3">"Description"</th><th scope="col" class="px-4 py-3">"Role ID"</th></tr>
                            </thead>
                            <tbody class="divide-y divide-gray-100">
                                {list.into_iter().map(|role| view! {
                                    <tr class="hover:bg-gray-50">
                                        <td class="px-4 py-3"><A href=role_page(&role.id) attr:class="font-medium text-indigo-700 hover:text-indigo-500">{role.name}</A></td>
                                        <td class="px-4 py-3 text-gray-600">{role.description}</td>
                                        <td class="px-4 py-3"><code class="text-xs text-gray-500">{role.id}</code></td>
                                    </tr>
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

/// Create Role: its name and description; on success, the role's page.
#[component]
pub fn NewRolePage() -> impl IntoView {
    let create = ServerAction::<CreateRole>::new();
    open_when_created(create, role_created);
    let other = form_error(create);
    view! {
        <Title text="Create Role"/>
        <A href="/roles" attr:class="mb-4 inline-block text-sm font-medium text-indigo-600 hover:text-indigo-500">"← Back to Roles"</A>
        <PageHeader title="Create Role" description="A role your applications read from the roles claim; map identity provider groups to it on a connection's Provisioning tab."/>
        <section aria-label="Create Role" class="rounded-xl border border-gray-200 bg-white p-6 shadow-sm">
            <ActionForm action=create attr:class="space-y-5">
                <FormAlert message=other/>
                <RoleFields name=String::new() description=String::new() name_error=field_error(create, "name") description_error=field_error(create, "description") autofocus=true/>
                <CreateButton pending=create.pending()/>
            </ActionForm>
        </section>
    }
}

/// A role's Name and Description, with their rules and the server's messages; the create page and
/// the role's page share them. On a page served with no wasm, what was typed comes back after a
/// refused post (`data-keep-refused`, `plain_forms.js`).
#[component]
pub fn RoleFields(name: String, description: String, name_error: Signal<Option<String>>, description_error: Signal<Option<String>>, #[prop(optional)] autofocus: bool) -> impl IntoView {
    view! {
        <div>
            <label for="role_name" class=LABEL>"Name"</label>
            <input id="role_name" name="name" type="text" required maxlength=NAME_MAX class=INPUT placeholder="Admin" value=name autofocus=autofocus aria-describedby="role_name-help" data-keep-refused="role_name"/>
            <Help for_id="role_name">"Unique, up to 64 characters: the value in the roles claim."</Help>
            <FieldErrorText message=name_error/>
        </div>
        <div>
            <label for="role_description" class=LABEL>"Description"</label>
            <input id="role_description" name="description" type="text" maxlength=DESCRIPTION_MAX class=INPUT placeholder="Manages the workspace" value=description data-keep-refused="role_description"/>
            <FieldErrorText message=description_error/>
        </div>
    }
}
