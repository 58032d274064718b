//! The Provisioning tab's "Groups and role assignments": rows of IdP Group ID, optional Name and
//! Role, and a default role. "Group members without an explicit role will receive the default
//! role." Users get their roles at each sign-in (and when SCIM changes their groups).

use crate::api::roles::{load_role_assignments, SaveRoleAssignments};
use crate::components::form::{FormAlert, Help, Section, INPUT, LABEL, PRIMARY_BUTTON, SECONDARY_BUTTON, SELECT};
use crate::components::toast::Toaster;
use crate::error::AppError;
use crate::roles::{GroupRole, Role, RoleAssignments};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn GroupRoles(connection_id: String) -> impl IntoView {
    let loaded = Resource::new({ let id = connection_id.clone(); move || id.clone() }, load_role_assignments);
    let id = StoredValue::new(connection_id);
    view! {
        <Section title="Groups and role assignments" description="Give the identity provider's groups a role: Tessera's tokens carry them in the roles claim. Group members without an explicit role will receive the default role.">
            <Transition fallback=|| view! { <div class="h-24 animate-pulse rounded-lg bg-gray-100" aria-busy="true"></div> }>
                {move || loaded.get().map(|r| match r {
                    Ok((roles, _)) if roles.is_empty() => view! {
                        <p class="rounded-lg border border-dashed border-gray-300 px-4 py-6 text-center text-sm text-gray-500">
                            "No roles yet. " <A href="/roles" attr:class="font-medium text-indigo-600 hover:text-indigo-500">"Create roles"</A> " first, then map groups to them here."
                        </p>
                    }.into_any(),
                    Ok((roles, assignments)) => view! { <Editor connection_id=id.get_value() roles=roles assignments=assignments/> }.into_any(),
                    Err(e) => view! { <p role="alert" class="text-sm text-red-700">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </Section>
    }
}

#[component]
fn Editor(connection_id: String, roles: Vec<Role>, assignments: RoleAssignments) -> impl IntoView {
    let save = ServerAction::<SaveRoleAssignments>::new();
    let toaster = Toaster::get();
    // Each row has a key that stays while rows are added and removed.
    let next = StoredValue::new(assignments.groups.len());
    let rows = RwSignal::new(assignments.groups.into_iter().enumerate().collect::<Vec<(usize, GroupRole)>>());
    let default_role = RwSignal::new(assignments.default_role_id.unwrap_or_default());
    let roles = StoredValue::new(roles);
    let id = StoredValue::new(connection_id);
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            toaster.success("Role assignments saved: users get them at their next sign-in");
        }
    });
    let error_at = move |field: String| save.value().get().and_then(|r| r.err()).and_then(|e| e.field_message(&field));
    let other = Signal::derive(move || match save.value().get() {
        Some(Err(AppError::Invalid(_))) | None | Some(Ok(_)) => None,
        Some(Err(e)) => Some(e.to_string()),
    });
    let set = move |key: usize, f: &dyn Fn(&mut GroupRole)| rows.update(|list| {
        if let Some((_, row)) = list.iter_mut().find(|(k, _)| *k == key) {
            f(row);
        }
    });
    view! {
        <FormAlert message=other/>
        <div class="space-y-3">
            <For each=move || rows.get() key=|(k, _)| *k let:item>
                {
                    let key = item.0;
                    let index = move || rows.get().iter().position(|(k, _)| *k == key).unwrap_or(0);
                    let row = item.1.clone();
                    view! {
                        <div class="grid grid-cols-1 gap-3 rounded-lg border border-gray-200 p-3 sm:grid-cols-[1fr_1fr_12rem_auto]">
                            <div>
                                <label for=format!("group-{key}") class=LABEL>"IdP Group ID"</label>
                                <input id=format!("group-{key}") type="text" class=INPUT value=row.group_id.clone() placeholder="00g1abcd or Engineering"
                                    on:input=move |ev| { let v = event_target_value(&ev); set(key, &|r| r.group_id = v.clone()); }/>
                                {move || error_at(format!("groups[{}].group_id", index())).map(|m| view! { <p class="mt-1 text-xs font-medium text-red-600" role="alert">{m}</p> })}
                            </div>
                            <div>
                                <label for=format!("group-name-{key}") class=LABEL>"Name (optional)"</label>
                                <input id=format!("group-name-{key}") type="text" class=INPUT value=row.name.clone()
                                    on:input=move |ev| { let v = event_target_value(&ev); set(key, &|r| r.name = v.clone()); }/>
                            </div>
                            <div>
                                <label for=format!("group-role-{key}") class=LABEL>"Role"</label>
                                <select id=format!("group-role-{key}") class=SELECT on:change=move |ev| { let v = event_target_value(&ev); set(key, &|r| r.role_id = v.clone()); }>
                                    <option value="" selected=row.role_id.is_empty()>"Choose a role"</option>
                                    {roles.get_value().into_iter().map(|r| { let selected = r.id == row.role_id; view! { <option value=r.id.clone() selected=selected>{r.name.clone()}</option> } }).collect_view()}
                                </select>
                                {move || error_at(format!("groups[{}].role_id", index())).map(|m| view! { <p class="mt-1 text-xs font-medium text-red-600" role="alert">{m}</p> })}
                            </div>
                            <div class="flex items-end">
                                <button type="button" class=SECONDARY_BUTTON aria-label=format!("Remove group {}", if row.group_id.is_empty() { (key + 1).to_string() } else { row.group_id.clone() })
                                    on:click=move |_| rows.update(|list| list.retain(|(k, _)| *k != key))>"Remove"</button>
                            </div>
                        </div>
                    }
                }
            </For>
            <button type="button" class=SECONDARY_BUTTON on:click=move |_| {
                let key = next.get_value();
                next.set_value(key + 1);
                rows.update(|list| list.push((key, GroupRole { group_id: String::new(), name: String::new(), role_id: String::new() })));
            }>"Add group"</button>
        </div>
        <div class="mt-6">
            <label for="default_role" class=LABEL>"Default role"</label>
            <select id="default_role" class=SELECT aria-describedby="default_role-help" on:change=move |ev| default_role.set(event_target_value(&ev))>
                <option value="" selected=move || default_role.get().is_empty()>"No default role"</option>
                {roles.get_value().into_iter().map(|r| { let rid = r.id.clone(); view! { <option value=r.id.clone() selected=move || default_role.get() == rid>{r.name.clone()}</option> } }).collect_view()}
            </select>
            <Help for_id="default_role">"Group members without an explicit role will receive the default role."</Help>
        </div>
        <div class="mt-6 flex justify-end">
            <button type="button" class=PRIMARY_BUTTON disabled=move || save.pending().get() on:click=move |_| {
                let groups = rows.get_untracked().into_iter().map(|(_, r)| r).collect();
                let d = default_role.get_untracked();
                save.dispatch(SaveRoleAssignments { connection_id: id.get_value(), assignments: RoleAssignments { groups, default_role_id: (!d.is_empty()).then_some(d) } });
            }>{move || if save.pending().get() { "Saving…" } else { "Save role assignments" }}</button>
        </div>
    }
}
