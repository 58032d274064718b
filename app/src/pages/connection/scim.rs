//! The Provisioning tab's SCIM setup, shown once "Sync user profiles using SCIM" is saved on:
//! the endpoint to give the identity provider (copy), its bearer tokens (name, created, last
//! used, Revoke), and "Generate token", whose secret is shown this once with a copy button.

use crate::api::scim::{scim_settings, CreateScimToken, RevokeScimToken};
use crate::components::form::{field_error, CopyField, FieldErrorText, Help, Section, DANGER_BUTTON, INPUT, LABEL, PRIMARY_BUTTON};
use crate::components::toast::Toaster;
use leptos::prelude::*;

#[component]
pub fn ScimSetup(connection_id: String) -> impl IntoView {
    let setup = Resource::new({ let id = connection_id.clone(); move || id.clone() }, scim_settings);
    let create = ServerAction::<CreateScimToken>::new();
    let revoke = ServerAction::<RevokeScimToken>::new();
    let toaster = Toaster::get();
    let name = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
            setup.refetch();
        }
    });
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(_)) => {
            toaster.success("Token revoked: it stops working at once");
            setup.refetch();
        }
        Some(Err(e)) => toaster.error(e.to_string()),
        None => {}
    });
    let id = StoredValue::new(connection_id);
    view! {
        <Section title="SCIM setup" description="Give these to the identity provider's SCIM provisioning (Okta: Provisioning → Integration; Microsoft Entra: Provisioning → Admin Credentials).">
            <Transition fallback=|| view! { <div class="h-24 animate-pulse rounded-lg bg-gray-100" aria-busy="true"></div> }>
                {move || setup.get().map(|r| match r {
                    Ok(s) => {
                        let endpoint = s.endpoint.clone();
                        view! {
                            <div class="space-y-6">
                                <CopyField id="scim_endpoint" label="SCIM endpoint (Tenant URL)" value=Signal::derive(move || endpoint.clone())
                                    help="The SCIM 2.0 base URL: /Users, /Groups, /ServiceProviderConfig, /ResourceTypes and /Schemas are under it."/>
                                <div>
                                    <h3 class="text-sm font-medium text-gray-800">"Bearer tokens"</h3>
                                    {if s.tokens.is_empty() {
                                        view! { <p class="mt-2 rounded-lg border border-dashed border-gray-300 px-4 py-6 text-center text-sm text-gray-500">"No tokens yet. Generate one for the identity provider below."</p> }.into_any()
                                    } else {
                                        view! {
                                            <div class="mt-2 overflow-x-auto rounded-lg border border-gray-200">
                                                <table class="min-w-full divide-y divide-gray-200 text-sm">
                                                    <thead class="bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
                                                        <tr><th scope="col" class="px-3 py-2">"Name"</th><th scope="col" class="px-3 py-2">"Created"</th><th scope="col" class="px-3 py-2">"Last used"</th><th scope="col" class="px-3 py-2"><span class="sr-only">"Actions"</span></th></tr>
                                                    </thead>
                                                    <tbody class="divide-y divide-gray-100">
                                                        {s.tokens.into_iter().map(|t| {
                                                            let token_id = t.id.clone();
                                                            let label = format!("Revoke {}", t.name);
                                                            view! {
                                                                <tr>
                                                                    <td class="px-3 py-2 font-medium text-gray-900">{t.name.clone()}</td>
                                                                    <td class="whitespace-nowrap px-3 py-2 text-gray-600">{t.created.clone()}</td>
                                                                    <td class="whitespace-nowrap px-3 py-2 text-gray-600">{t.last_used.clone().unwrap_or_else(|| "Never".into())}</td>
                                                                    <td class="px-3 py-2 text-right">
                                                                        <button type="button" class=DANGER_BUTTON aria-label=label disabled=move || revoke.pending().get()
                                                                            on:click=move |_| { revoke.dispatch(RevokeScimToken { connection_id: id.get_value(), token_id: token_id.clone() }); }>"Revoke"</button>
                                                                    </td>
                                                                </tr>
                                                            }
                                                        }).collect_view()}
                                                    </tbody>
                                                </table>
                                            </div>
                                        }.into_any()
                                    }}
                                </div>
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <p role="alert" class="text-sm text-red-700">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
            {move || match create.value().get() {
                Some(Ok(created)) => {
                    let secret = created.secret.clone();
                    view! {
                        <div role="status" class="rounded-xl border border-green-200 bg-green-50 p-5">
                            <h3 class="text-sm font-semibold text-green-800">{format!("Token {} generated", created.token.name)}</h3>
                            <p class="mt-1 text-sm text-green-800">"Copy it now into the identity provider: Tessera keeps only a hash and cannot show it again."</p>
                            <div class="mt-4"><CopyField id="new_scim_token" label="Bearer token" value=Signal::derive(move || secret.clone())/></div>
                        </div>
                    }.into_any()
                }
                _ => ().into_any(),
            }}
            <div class="flex flex-wrap items-end gap-3">
                <div class="min-w-64 flex-1">
                    <label for="scim_token_name" class=LABEL>"Token name"</label>
                    <input id="scim_token_name" type="text" maxlength="64" class=INPUT placeholder="Okta provisioning" aria-describedby="scim_token_name-help"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    <Help for_id="scim_token_name">"A name to tell tokens apart, such as the identity provider's."</Help>
                    <FieldErrorText message=field_error(create, "name")/>
                </div>
                <button type="button" class=PRIMARY_BUTTON disabled=move || create.pending().get()
                    on:click=move |_| { create.dispatch(CreateScimToken { connection_id: id.get_value(), name: name.get_untracked() }); }>
                    {move || if create.pending().get() { "Generating…" } else { "Generate token" }}
                </button>
            </div>
        </Section>
    }
}

/// What the SCIM section says while SCIM is off.
#[component]
pub fn ScimOff() -> impl IntoView {
    view! {
        <p class="rounded-lg border border-dashed border-gray-300 px-4 py-4 text-sm text-gray-500">
            "Turn on \"Sync user profiles using SCIM\" and save: the SCIM endpoint and its tokens appear here."
        </p>
    }
}
