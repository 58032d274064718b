//! Roles: the list, a create panel, and editing or deleting a role in place. Which groups get a
//! role is set on each connection's Provisioning tab ("Groups and role assignments").

use crate::api::roles::{list_roles, CreateRole, DeleteRole, UpdateRole};
use crate::components::form::{CreateButton, field_error, FieldErrorText, FormAlert, DANGER_BUTTON, INPUT, LABEL, PRIMARY_BUTTON, SECONDARY_BUTTON};
use crate::components::icons::Shield;
use crate::components::layout::PageHeader;
use crate::components::toast::Toaster;
use crate::error::AppError;
use crate::roles::Role;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RolesPage() -> impl IntoView {
    let roles = Resource::new(|| (), |_| list_roles());
    let create = ServerAction::<CreateRole>::new();
    let toaster = Toaster::get();
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(role)) = create.value().get() {
            toaster.success(format!("Role {} created", role.name));
            open.set(false);
            roles.refetch();
        }
    });
    let other = Signal::derive(move || match create.value().get() {
        Some(Err(AppError::Invalid(_) | AppError::Conflict(_))) | None | Some(Ok(_)) => None,
        Some(Err(e)) => Some(e.to_string()),
    });
    view! {
        <Title text="Roles"/>
        <PageHeader title="Roles" description="Roles your applications read from the roles claim of Tessera's tokens. Each connection maps its identity provider's groups to them.">
            <button type="button" class=PRIMARY_BUTTON on:click=move |_| open.update(|o| *o = !*o) aria-expanded=move || open.get().to_string()>"Create Role"</button>
        </PageHeader>
        <Show when=move || open.get()>
            <section aria-labelledby="create-role-title" class="mb-8 rounded-xl border border-gray-200 bg-white p-6 shadow-sm">
                <h2 id="create-role-title" class="text-base font-semibold text-gray-900">"Create Role"</h2>
                <ActionForm action=create attr:class="mt-4 space-y-5">
                    <FormAlert message=other/>
                    <div>
                        <label for="role_name" class=LABEL>"Name"</label>
                        <input id="role_name" name="name" type="text" required maxlength="64" class=INPUT placeholder="Admin" autofocus/>
                        <FieldErrorText message=field_error(create, "name")/>
                    </div>
                    <div>
                        <label for="role_description" class=LABEL>"Description"</label>
                        <input id="role_description" name="description" type="text" maxlength="140" class=INPUT placeholder="Manages the workspace"/>
                        <FieldErrorText message=field_error(create, "description")/>
                    </div>
                    <CreateButton pending=create.pending()/>
                </ActionForm>
            </section>
        </Show>
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
                    <ul class="divide-y divide-gray-100 rounded-xl border border-gray-200 bg-white shadow-sm">
                        {list.into_iter().map(|role| view! { <RoleRow role=role on_change=Callback::new(move |_| roles.refetch())/> }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn RoleRow(role: Role, on_change: Callback<()>) -> impl IntoView {
    let update = ServerAction::<UpdateRole>::new();
    let delete = ServerAction::<DeleteRole>::new();
    let toaster = Toaster::get();
    let editing = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(r)) = update.value().get() {
            toaster.success(format!("Role {} saved", r.name));
            editing.set(false);
            on_change.run(());
        }
    });
    let deleted = role.name.clone();
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(_)) => {
            toaster.success(format!("Role {deleted} deleted"));
            on_change.run(());
        }
        Some(Err(e)) => toaster.error(e.to_string()),
        None => {}
    });
    let r = StoredValue::new(role);
    view! {
        <li class="px-4 py-3">
            <Show when=move || editing.get() fallback=move || view! {
                <div class="flex items-center justify-between gap-4">
                    <div>
                        <div class="text-sm font-medium text-gray-900">{r.get_value().name}</div>
                        <div class="text-xs text-gray-500">{r.get_value().description}</div>
                        <code class="text-xs text-gray-400">{r.get_value().id}</code>
                    </div>
                    <div class="flex gap-2">
                        <button type="button" class=SECONDARY_BUTTON aria-label=format!("Edit {}", r.get_value().name) on:click=move |_| editing.set(true)>"Edit"</button>
                        <button type="button" class=DANGER_BUTTON aria-label=format!("Delete {}", r.get_value().name) disabled=move || delete.pending().get()
                            on:click=move |_| { delete.dispatch(DeleteRole { id: r.get_value().id }); }>"Delete"</button>
                    </div>
                </div>
            }>
                <ActionForm action=update attr:class="flex flex-wrap items-end gap-3">
                    <input type="hidden" name="id" value=r.get_value().id/>
                    <div class="min-w-48 flex-1">
                        <label for=format!("name-{}", r.get_value().id) class=LABEL>"Name"</label>
                        <input id=format!("name-{}", r.get_value().id) name="name" type="text" maxlength="64" class=INPUT value=r.get_value().name/>
                        <FieldErrorText message=field_error(update, "name")/>
                    </div>
                    <div class="min-w-64 flex-[2]">
                        <label for=format!("description-{}", r.get_value().id) class=LABEL>"Description"</label>
                        <input id=format!("description-{}", r.get_value().id) name="description" type="text" maxlength="140" class=INPUT value=r.get_value().description/>
                        <FieldErrorText message=field_error(update, "description")/>
                    </div>
                    <button type="submit" class=PRIMARY_BUTTON disabled=move || update.pending().get()>{move || if update.pending().get() { "Saving…" } else { "Save" }}</button>
                    <button type="button" class=SECONDARY_BUTTON on:click=move |_| editing.set(false)>"Cancel"</button>
                </ActionForm>
            </Show>
        </li>
    }
}
