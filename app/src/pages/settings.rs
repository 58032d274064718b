//! Settings: tenant-wide Login Session Management (the single sign-on session's inactivity
//! timeout and maximum lifetime) and Tessera's signing keys, with rotation. Every action is a form
//! or a link (the rotation's confirmation is `?confirm=rotate`), so a cold load ships no wasm
//! (`chunks::ships_no_wasm`).

use crate::api::settings::{dynamic_registration_saved, get_tenant_settings, KeyRow, RotateSigningKeys, SaveDynamicRegistration, SaveSessionLifetimes, SESSION_LIFETIMES_SAVED, SIGNING_KEYS_ROTATED};
use crate::components::form::{field_error, form_error, Checkbox, CopyField, FormAlert, FieldErrorText, Help, Section, DANGER_BUTTON, INPUT, LABEL, PRIMARY_BUTTON, SECONDARY_BUTTON};
use crate::components::layout::PageHeader;
use crate::components::toast::Toaster;
use crate::tenant::{SessionLifetimes, MAX_IDLE_MINUTES, MAX_SESSION_MINUTES};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_tenant_settings());
    view! {
        <Title text="Settings"/>
        <PageHeader title="Settings" description="Tenant-wide settings: how long single sign-on sessions last, whether clients may register themselves, and the keys Tessera signs tokens with."/>
        <Transition fallback=|| view! { <div class="h-40 animate-pulse rounded-xl bg-gray-100" aria-busy="true"></div> }>
            {move || settings.get().map(|r| match r {
                Ok(s) => view! {
                    <div class="rounded-xl border border-gray-200 bg-white px-6 py-8 shadow-sm">
                        <SessionLifetimesForm lifetimes=s.lifetimes/>
                        <DynamicRegistrationForm on=s.dynamic_registration endpoint=s.registration_endpoint/>
                        <SigningKeysSection keys=s.keys/>
                    </div>
                }.into_any(),
                Err(e) => view! { <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn SessionLifetimesForm(lifetimes: SessionLifetimes) -> impl IntoView {
    let save = ServerAction::<SaveSessionLifetimes>::new();
    let toaster = Toaster::get();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            toaster.success(SESSION_LIFETIMES_SAVED);
        }
    });
    let other = form_error(save);
    view! {
        <ActionForm action=save>
            <Section title="Login Session Management" description="How long a user stays signed in to Tessera, so other applications sign them in without another trip to their identity provider. Sessions already started keep the lifetimes they started with.">
                <FormAlert message=other/>
                <MinutesField id="idle_session_lifetime_minutes" label="Inactivity timeout" max=MAX_IDLE_MINUTES value=lifetimes.idle_session_lifetime_minutes
                    help="A session unused this long ends, and the user signs in again. Default 4320 (3 days); at most 144000 (100 days)."
                    error=field_error(save, "idle_session_lifetime_minutes")/>
                <MinutesField id="session_lifetime_minutes" label="Require log in after" max=MAX_SESSION_MINUTES value=lifetimes.session_lifetime_minutes
                    help="A session ends this long after the user signed in, however active. Default 10080 (7 days); at most 525600 (365 days)."
                    error=field_error(save, "session_lifetime_minutes")/>
                <div class="flex justify-end">
                    <button type="submit" class=PRIMARY_BUTTON disabled=move || save.pending().get() data-pending="Saving…">
                        {move || if save.pending().get() { "Saving…" } else { "Save Changes" }}
                    </button>
                </div>
            </Section>
        </ActionForm>
    }
}

/// "OIDC Dynamic Application Registration": partner and agent clients register themselves at
/// `/oidc/register` (RFC 7591) as third-party applications.
#[component]
fn DynamicRegistrationForm(on: bool, endpoint: String) -> impl IntoView {
    let save = ServerAction::<SaveDynamicRegistration>::new();
    let toaster = Toaster::get();
    Effect::new(move |_| {
        if let Some(Ok(on)) = save.value().get() {
            toaster.success(dynamic_registration_saved(on));
        }
    });
    view! {
        <ActionForm action=save>
            <Section title="Advanced" description="Let partner and AI agent clients (MCP clients among them) register themselves with OpenID Connect Dynamic Client Registration. What they register is a third-party application: it signs users in only through connections promoted to domain level, after each user consents.">
                <FormAlert message=form_error(save)/>
                <Checkbox id="dynamic_registration" name="enabled" label="OIDC Dynamic Application Registration" checked=on
                    help="Off by default. When on, discovery advertises registration_endpoint; registrations are rate-limited per address and logged."/>
                <CopyField id="registration_endpoint" label="Registration endpoint" value=Signal::stored(endpoint)/>
                <div class="flex justify-end">
                    <button type="submit" class=PRIMARY_BUTTON disabled=move || save.pending().get() data-pending="Saving…">
                        {move || if save.pending().get() { "Saving…" } else { "Save" }}
                    </button>
                </div>
            </Section>
        </ActionForm>
    }
}

/// A whole number of minutes, with its label, help text and error.
#[component]
fn MinutesField(id: &'static str, label: &'static str, max: i64, value: i64, help: &'static str, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div>
            <label for=id class=LABEL>{label}</label>
            <div class="mt-1 flex items-center gap-2">
                <input id=id name=id type="number" min="1" max=max required class=format!("{INPUT} mt-0 w-40") value=value.to_string()
                    aria-describedby=format!("{id}-help") data-keep-refused=id/>
                <span class="text-sm text-gray-500">"minutes"</span>
            </div>
            <Help for_id=id>{help}</Help>
            <FieldErrorText message=error/>
        </div>
    }
}

#[component]
fn SigningKeysSection(keys: Vec<KeyRow>) -> impl IntoView {
    let rotate = ServerAction::<RotateSigningKeys>::new();
    let toaster = Toaster::get();
    // The confirmation is part of the address, so it opens and closes as a link, with or without wasm.
    let query = use_query_map();
    let confirming = Memo::new(move |_| query.read().get("confirm").as_deref() == Some("rotate"));
    let rows = RwSignal::new(keys);
    Effect::new(move |_| {
        if let Some(Ok(keys)) = rotate.value().get() {
            rows.set(keys);
            toaster.success(SIGNING_KEYS_ROTATED);
            use_navigate()("/settings", Default::default());
        }
    });
    view! {
        <Section title="Signing Keys" description="Tessera signs ID, access and logout tokens with these keys and publishes them at /.well-known/jwks.json. RS256 is the default; applications may choose ES256.">
            <div class="overflow-x-auto rounded-lg border border-gray-200">
                <table class="min-w-full divide-y divide-gray-200 text-sm">
                    <thead class="bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
                        <tr>
                            <th scope="col" class="px-3 py-2">"Key ID"</th>
                            <th scope="col" class="px-3 py-2">"Algorithm"</th>
                            <th scope="col" class="px-3 py-2">"Created"</th>
                            <th scope="col" class="px-3 py-2">"Status"</th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-gray-100">
                        <For each=move || rows.get() key=|k| (k.kid.clone(), k.signing, k.leaves.clone()) let:k>
                            <tr>
                                <td class="whitespace-nowrap px-3 py-2"><code class="text-xs text-gray-700" title=k.kid.clone()>{short_kid(&k.kid)}</code></td>
                                <td class="px-3 py-2 text-gray-700">{k.alg.clone()}</td>
                                <td class="whitespace-nowrap px-3 py-2 text-gray-600">{k.created.clone()}</td>
                                <td class="px-3 py-2">{status(&k)}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </div>
            <div>
                <Show when=move || confirming.get() fallback=move || view! {
                    <A href="/settings?confirm=rotate" attr:class=SECONDARY_BUTTON>"Rotate signing keys"</A>
                }>
                    <div role="alertdialog" aria-labelledby="rotate-title" aria-describedby="rotate-text" class="rounded-lg border border-amber-200 bg-amber-50 p-4">
                        <h3 id="rotate-title" class="text-sm font-semibold text-amber-900">"Rotate the signing keys?"</h3>
                        <p id="rotate-text" class="mt-1 text-sm text-amber-900">"A new key per algorithm signs from now on. The current keys stay published for 24 hours, so tokens already issued keep verifying; after that they leave the JWKS."</p>
                        <FormAlert message=form_error(rotate)/>
                        <ActionForm action=rotate attr:class="mt-3 flex gap-2">
                            <button type="submit" class=DANGER_BUTTON disabled=move || rotate.pending().get() data-pending="Rotating…" autofocus>
                                {move || if rotate.pending().get() { "Rotating…" } else { "Rotate now" }}
                            </button>
                            <A href="/settings" attr:class=SECONDARY_BUTTON>"Cancel"</A>
                        </ActionForm>
                    </div>
                </Show>
            </div>
        </Section>
    }
}

/// The first characters of a key id (the whole one is its tooltip): enough to tell keys apart.
fn short_kid(kid: &str) -> String {
    match kid.char_indices().nth(16) {
        Some((i, _)) => format!("{}…", &kid[..i]),
        None => kid.to_string(),
    }
}

fn status(k: &KeyRow) -> AnyView {
    match (&k.leaves, k.signing) {
        (Some(leaves), _) => view! {
            <span class="inline-flex items-center rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200">"Rotated out"</span>
            <span class="mt-1 block text-xs text-gray-500">{format!("Leaves the JWKS {leaves}")}</span>
        }.into_any(),
        (None, true) => view! {
            <span class="inline-flex items-center rounded-full bg-green-50 px-2 py-0.5 text-xs font-medium text-green-800 ring-1 ring-green-200">"Signing"</span>
        }.into_any(),
        (None, false) => view! {
            <span class="inline-flex items-center rounded-full bg-gray-50 px-2 py-0.5 text-xs font-medium text-gray-700 ring-1 ring-gray-200">"Published"</span>
        }.into_any(),
    }
}
