//! One role's page: its Settings (Name, Description) and the Danger zone, where deleting it is
//! confirmed by typing its name, as for an application.

use crate::api::roles::{get_role, role_deleted, role_saved, DeleteRole, UpdateRole};
use crate::components::danger::DangerZone;
use crate::components::form::{form_error, field_error, FieldErrorText, FormAlert, DANGER_BUTTON, INPUT, PRIMARY_BUTTON};
use crate::components::toast::Toaster;
use crate::pages::roles::RoleFields;
use crate::roles::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

#[component]
pub fn RolePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let role = Resource::new(move || id.get(), get_role);
    view! {
        <Transition fallback=|| view! { <div class="h-40 animate-pulse rounded-xl bg-gray-100" aria-busy="true"></div> }>
            {move || role.get().map(|r| match r {
                Ok(role) => view! { <RoleDetails role=role/> }.into_any(),
                Err(e) => view! {
                    <A href="/roles" attr:class="text-sm font-medium text-indigo-600 hover:text-indigo-500">"← Roles"</A>
                    <p role="alert" class="mt-4 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">{e.to_string()}</p>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn RoleDetails(role: Role) -> impl IntoView {
    let save = ServerAction::<UpdateRole>::new();
    let toaster = Toaster::get();
    let title = RwSignal::new(role.name.clone());
    Effect::new(move |_| {
        if let Some(Ok(r)) = save.value().get() {
            toaster.success(role_saved(&r.name));
            title.set(r.name);
        }
    });
    let other = form_error(save);
    let Role { id, name, description } = role;
    let form_id = id.clone();
    view! {
        <Title text=move || title.get()/>
        <A href="/roles" attr:class="text-sm font-medium text-indigo-600 hover:text-indigo-500">"← Roles"</A>
        <div class="mt-4 mb-8">
            <h1 class="text-2xl font-semibold tracking-tight text-gray-900">{move || title.get()}</h1>
            <p class="mt-1 text-sm text-gray-500">"Role ID "<code data-testid="role-id">{id.clone()}</code></p>
        </div>
        <section aria-labelledby="role-settings-title" class="rounded-xl border border-gray-200 bg-white p-6 shadow-sm">
            <h2 id="role-settings-title" class="text-base font-semibold text-gray-900">"Settings"</h2>
            <ActionForm action=save attr:class="mt-4 space-y-5">
                <FormAlert message=other/>
                <input type="hidden" name="id" value=form_id/>
                <RoleFields name=name description=description name_error=field_error(save, "name") description_error=field_error(save, "description")/>
                <div class="flex justify-end">
                    <button type="submit" class=PRIMARY_BUTTON disabled=move || save.pending().get() data-pending="Saving…">
                        {move || if save.pending().get() { "Saving…" } else { "Save" }}
                    </button>
                </div>
            </ActionForm>
        </section>
        <DeleteRoleZone id=id name=title.into()/>
    }
}

/// `name` follows a rename on this page, so the prompt names what the server will compare.
#[component]
fn DeleteRoleZone(id: String, name: Signal<String>) -> impl IntoView {
    let action = ServerAction::<DeleteRole>::new();
    let toaster = Toaster::get();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            toaster.success(role_deleted(&name.get_untracked()));
            use_navigate()("/roles", Default::default());
        }
    });
    view! {
        <DangerZone title_id="role-danger-title" description="Deleting this role removes it from every connection's group mappings. Users keep it in their tokens until they next sign in. This cannot be undone.">
            <ActionForm action=action attr:class="mt-4 flex flex-wrap items-end gap-3">
                <input type="hidden" name="id" value=id/>
                <div class="min-w-64 flex-1">
                    <label for="confirm_name" class="block text-sm text-gray-700">{move || format!("Type {} to confirm.", name.get())}</label>
                    <input id="confirm_name" name="confirm_name" type="text" autocomplete="off" class=INPUT/>
                    <FieldErrorText message=field_error(action, "confirm_name")/>
                </div>
                <button type="submit" class=DANGER_BUTTON disabled=move || action.pending().get() data-pending="Deleting…">"Delete role"</button>
            </ActionForm>
        </DangerZone>
    }
}
