//! Applications: the list, the create page (which shows the new client secret once), one
//! application's page (Settings, Credentials with secret rotation, Connections, Danger zone), and
//! the enable switches the connection's Applications tab shares.

use crate::api::applications::{
    application_connections, application_created, get_application, list_applications, management_api_access, CreateApplication, DeleteApplication,
    RotateApplicationSecret, SaveApplication, SaveManagementApiAccess, SetConnectionEnabled, Toggle,
};
use crate::applications::{AppType, Application, ClientAuthMethod, IdTokenAlg};
use crate::flash::ShownOnce;
use crate::text::encode_path_segment;
use crate::components::form::{CreateButton, field_error, Checkbox, CopyField, FieldErrorText, FormAlert, Help, Section, DANGER_BUTTON, INPUT, LABEL, PRIMARY_BUTTON, SECONDARY_BUTTON, SELECT};
use crate::components::icons::Squares;
use crate::components::layout::PageHeader;
use crate::components::toast::Toaster;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

fn other_error<S>(action: ServerAction<S>, fields: &'static [&'static str]) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(Err(AppError::Invalid(list))) => {
            let rest: Vec<String> = list.iter().filter(|f| !fields.contains(&f.field.as_str())).map(|f| f.to_string()).collect();
            (!rest.is_empty()).then(|| rest.join("; "))
        }
        Some(Err(e)) if !fields.iter().any(|f| e.field_message(f).is_some()) => Some(e.to_string()),
        _ => None,
    })
}

/// The client id and the secret, shown once after create or rotate.
#[component]
fn SecretOnce(shown: ShownOnce) -> impl IntoView {
    let ShownOnce { of, title, secret } = shown;
    view! {
        <div role="status" class="rounded-xl border border-green-200 bg-green-50 p-5">
            <h3 class="text-sm font-semibold text-green-800">{title}</h3>
            <p class="mt-1 text-sm text-green-800">"Copy the client secret now: Tessera keeps only a hash of it and cannot show it again."</p>
            <div class="mt-4 space-y-4">
                <CopyField id="new_client_id" label="Client ID" value=Signal::derive(move || of.clone())/>
                <CopyField id="new_client_secret" label="Client Secret" value=Signal::derive(move || secret.clone())/>
            </div>
        </div>
    }
}

/// The list. "Create Application" opens its own page (`/applications/new`), so the list is links
/// only and a cold load of it ships no wasm (`chunks::ships_no_wasm`).
#[component]
pub fn ApplicationsPage() -> impl IntoView {
    let listing = Resource::new(|| (), |_| list_applications(None, Some(0)));
    view! {
        <Title text="Applications"/>
        <PageHeader title="Applications" description="The applications that sign users in through Tessera, with the connections each may use."/>
        <div class="mb-6 flex justify-end">
            <A href="/applications/new" attr:class=PRIMARY_BUTTON>"Create Application"</A>
        </div>
        <Transition fallback=|| view! { <div class="h-40 animate-pulse rounded-xl bg-gray-100" aria-busy="true"></div> }>
            {move || listing.get().map(|r| match r {
                Ok(l) if l.items.is_empty() => view! {
                    <div class="rounded-xl border border-dashed border-gray-300 bg-white px-6 py-14 text-center">
                        <Squares class="mx-auto h-10 w-10 text-gray-300"/>
                        <h3 class="mt-4 text-base font-semibold text-gray-900">"No applications yet"</h3>
                        <p class="mx-auto mt-2 max-w-md text-sm text-gray-500">"Create an application, enable a connection for it, and point its OpenID Connect library at Tessera."</p>
                    </div>
                }.into_any(),
                Ok(l) => view! {
                    <div class="overflow-hidden rounded-xl border border-gray-200 bg-white shadow-sm">
                        <table class="min-w-full divide-y divide-gray-200 text-sm">
                            <thead class="bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
                                <tr><th scope="col" class="px-4 py-3">"Name"</th><th scope="col" class="px-4 py-3">"Type"</th><th scope="col" class="px-4 py-3">"Client ID"</th></tr>
                            </thead>
                            <tbody class="divide-y divide-gray-100">
                                {l.items.into_iter().map(|a| view! {
                                    <tr>
                                        <td class="px-4 py-3"><A href=format!("/applications/{}", a.client_id) attr:class="font-medium text-indigo-700 hover:text-indigo-500">{a.name.clone()}</A></td>
                                        <td class="px-4 py-3 text-gray-600">{a.app_type.label()}</td>
                                        <td class="px-4 py-3"><code class="text-xs text-gray-600">{a.client_id.clone()}</code></td>
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

/// Create Application: the name, type and callbacks; the client secret is shown once after, on
/// this page: from the action (hydrated) or from the flash a plain post left (a cold load ships
/// no wasm, `chunks::ships_no_wasm`).
#[component]
pub fn NewApplicationPage() -> impl IntoView {
    let create = ServerAction::<CreateApplication>::new();
    let flashed = use_context::<ShownOnce>();
    let created = Signal::derive(move || match create.value().get() {
        Some(Ok(app)) => Some(application_created(&app)),
        _ => flashed.clone(),
    });
    view! {
        <Title text="Create Application"/>
        <A href="/applications" attr:class="mb-4 inline-block text-sm font-medium text-indigo-600 hover:text-indigo-500">"← Back to Applications"</A>
        <PageHeader title="Create Application" description="Name the application, choose its type and where /authorize may send its users back."/>
        <section aria-label="Create Application" class="rounded-xl border border-gray-200 bg-white p-6 shadow-sm">
            {move || match created.get() {
                Some(shown) => view! {
                    <div class="space-y-4">
                        {let settings = format!("/applications/{}", encode_path_segment(&shown.of));
                        view! { <SecretOnce shown/><A href=settings attr:class=SECONDARY_BUTTON>"Open its settings"</A> }}
                    </div>
                }.into_any(),
                None => view! {
                    <ActionForm action=create attr:class="space-y-5">
                        <FormAlert message=other_error(create, &["name", "app_type", "callbacks"])/>
                        <div>
                            <label for="app_name" class=LABEL>"Name"</label>
                            <input id="app_name" name="name" type="text" required maxlength="128" class=INPUT placeholder="My App" autofocus data-keep-refused="app_name"/>
                            <FieldErrorText message=field_error(create, "name")/>
                        </div>
                        <fieldset>
                            <legend class=LABEL>"Application type"</legend>
                            <div class="mt-2 grid grid-cols-1 gap-3 sm:grid-cols-3">
                                {AppType::ALL.iter().map(|t| view! {
                                    <label class="flex cursor-pointer items-start gap-2 rounded-lg border border-gray-200 p-3 text-sm has-[:checked]:border-indigo-500 has-[:checked]:bg-indigo-50">
                                        <input type="radio" name="app_type" value=t.as_str() checked=*t == AppType::RegularWeb class="mt-0.5" data-keep-refused=format!("app_type_{}", t.as_str())/>
                                        <span class="font-medium text-gray-900">{t.label()}</span>
                                    </label>
                                }).collect_view()}
                            </div>
                        </fieldset>
                        <div>
                            <label for="app_callbacks" class=LABEL>"Allowed Callback URLs"</label>
                            <textarea id="app_callbacks" name="callbacks" rows="2" class=INPUT placeholder="https://app.example.com/callback" aria-describedby="app_callbacks-help" data-keep-refused="app_callbacks"></textarea>
                            <Help for_id="app_callbacks">"One per line or separated by commas. /authorize sends users back only to these, matched exactly."</Help>
                            <FieldErrorText message=field_error(create, "callbacks")/>
                        </div>
                        <Checkbox id="app_third_party" name="third_party" label="This application is owned by a third party" checked=false keep_refused="app_third_party"
                            help="A partner's or an agent's application: it signs users in only through connections promoted to domain level, and each user consents first. Cannot be changed later."/>
                        <CreateButton pending=create.pending()/>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
pub fn ApplicationPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let app = Resource::new(move || id.get(), get_application);
    view! {
        <Transition fallback=|| view! { <div class="h-40 animate-pulse rounded-xl bg-gray-100" aria-busy="true"></div> }>
            {move || app.get().map(|r| match r {
                Ok(a) => view! { <ApplicationDetails app=a/> }.into_any(),
                Err(e) => view! { <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ApplicationDetails(app: Application) -> impl IntoView {
    let save = ServerAction::<SaveApplication>::new();
    let rotate = ServerAction::<RotateApplicationSecret>::new();
    let toaster = Toaster::get();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            toaster.success("Changes saved");
        }
    });
    let id = app.client_id.clone();
    let connections = Resource::new({ let id = id.clone(); move || id.clone() }, application_connections);
    let methods = app.app_type.possible_auth_methods();
    let current_method = app.token_endpoint_auth_method;
    let method = RwSignal::new(current_method);
    let grants = app.app_type.possible_grants();
    let granted = app.grant_types.clone();
    let alg = app.id_token_signed_response_alg;
    let backchannel = StoredValue::new(app.backchannel_logout_uri.clone().unwrap_or_default());
    let jwks_text = StoredValue::new(app.jwks.as_ref().and_then(|j| serde_json::to_string_pretty(j).ok()).unwrap_or_default());
    let machine = app.app_type == AppType::NonInteractive;
    let rotate_id = StoredValue::new(app.client_id.clone());
    let (name, description, app_type) = (app.name.clone(), app.description.clone(), app.app_type);
    let (callbacks, logout_urls) = (StoredValue::new(app.callbacks.join("\n")), StoredValue::new(app.allowed_logout_urls.join("\n")));
    let (web_origins, allowed_origins) = (StoredValue::new(app.web_origins.join("\n")), StoredValue::new(app.allowed_origins.join("\n")));
    let (delete_id, delete_name) = (app.client_id.clone(), app.name.clone());
    view! {
        <Title text=name.clone()/>
        <A href="/applications" attr:class="text-sm font-medium text-indigo-600 hover:text-indigo-500">"← Applications"</A>
        <div class="mt-4 mb-8">
            <h1 class="text-2xl font-semibold tracking-tight text-gray-900">{name.clone()}</h1>
            <p class="mt-1 text-sm text-gray-500">{app_type.label()}</p>
            {(!app.is_first_party).then(|| view! {
                <p role="note" data-testid="third-party" class="mt-3 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
                    "This application is owned by a third party. It signs users in only through connections promoted to domain level, and each user consents first (see the user's Authorized applications)."
                </p>
            })}
        </div>
        <ActionForm action=save>
            <input type="hidden" name="id" value=id.clone()/>
            <FormAlert message=other_error(save, &["name", "description", "callbacks", "allowed_logout_urls", "web_origins", "allowed_origins", "token_endpoint_auth_method", "grant_types", "id_token_signed_response_alg", "backchannel_logout_uri", "jwks"])/>
            <Section title="Basic Information">
                <div>
                    <label for="name" class=LABEL>"Name"</label>
                    <input id="name" name="name" type="text" required maxlength="128" class=INPUT value=name.clone()/>
                    <FieldErrorText message=field_error(save, "name")/>
                </div>
                <div>
                    <label for="description" class=LABEL>"Description"</label>
                    <input id="description" name="description" type="text" maxlength="140" class=INPUT value=description.clone()/>
                    <FieldErrorText message=field_error(save, "description")/>
                </div>
                <CopyField id="client_id" label="Client ID" value=Signal::derive({ let id = id.clone(); move || id.clone() })/>
            </Section>
            <Show when=move || !machine>
                <Section title="Application URIs">
                    <div>
                        <label for="callbacks" class=LABEL>"Allowed Callback URLs"</label>
                        <textarea id="callbacks" name="callbacks" rows="3" class=INPUT aria-describedby="callbacks-help">{callbacks.get_value()}</textarea>
                        <Help for_id="callbacks">"One per line. /authorize sends users back only to these, matched exactly."</Help>
                        <FieldErrorText message=field_error(save, "callbacks")/>
                    </div>
                    <div>
                        <label for="allowed_logout_urls" class=LABEL>"Allowed Logout URLs"</label>
                        <textarea id="allowed_logout_urls" name="allowed_logout_urls" rows="2" class=INPUT>{logout_urls.get_value()}</textarea>
                        <FieldErrorText message=field_error(save, "allowed_logout_urls")/>
                    </div>
                    <div>
                        <label for="web_origins" class=LABEL>"Allowed Web Origins"</label>
                        <textarea id="web_origins" name="web_origins" rows="2" class=INPUT aria-describedby="web_origins-help" placeholder="https://app.example.com">{web_origins.get_value()}</textarea>
                        <Help for_id="web_origins">"One origin per line. Pages on these origins may sign users in silently (prompt=none in a hidden iframe, response_mode=web_message)."</Help>
                        <FieldErrorText message=field_error(save, "web_origins")/>
                    </div>
                    <div>
                        <label for="allowed_origins" class=LABEL>"Allowed Origins (CORS)"</label>
                        <textarea id="allowed_origins" name="allowed_origins" rows="2" class=INPUT aria-describedby="allowed_origins-help" placeholder="https://app.example.com">{allowed_origins.get_value()}</textarea>
                        <Help for_id="allowed_origins">"One origin per line. Browser code on these origins may call the token, revocation and userinfo endpoints."</Help>
                        <FieldErrorText message=field_error(save, "allowed_origins")/>
                    </div>
                </Section>
            </Show>
            <Show when=move || !machine>
                <Section title="Back-Channel Logout" description="When a user's Tessera session ends, Tessera POSTs a signed logout token (OpenID Connect Back-Channel Logout) to this URI, retrying until the application answers 200.">
                    <div>
                        <label for="backchannel_logout_uri" class=LABEL>"Back-Channel Logout URI"</label>
                        <input id="backchannel_logout_uri" name="backchannel_logout_uri" type="url" class=INPUT value=backchannel.get_value() placeholder="https://app.example.com/backchannel-logout" aria-describedby="backchannel_logout_uri-help"/>
                        <Help for_id="backchannel_logout_uri">"Leave empty for none. The logout token carries the user's sub and the session's sid."</Help>
                        <FieldErrorText message=field_error(save, "backchannel_logout_uri")/>
                    </div>
                </Section>
            </Show>
            <Section title="Credentials" description="How the application authenticates at Tessera's token endpoint.">
                <div>
                    <label for="token_endpoint_auth_method" class=LABEL>"Authentication Method"</label>
                    <select id="token_endpoint_auth_method" name="token_endpoint_auth_method" class=SELECT
                        on:change=move |ev| if let Some(m) = ClientAuthMethod::parse(&event_target_value(&ev)) { method.set(m) }>
                        {methods.iter().map(|m| view! { <option value=m.as_str() selected=*m == current_method>{m.as_str()}</option> }).collect_view()}
                    </select>
                    <FieldErrorText message=field_error(save, "token_endpoint_auth_method")/>
                </div>
                <Show when=move || method.get() == ClientAuthMethod::PrivateKeyJwt>
                    <div>
                        <label for="jwks" class=LABEL>"Public keys (JWK Set)"</label>
                        <textarea id="jwks" name="jwks" rows="6" class=format!("{INPUT} font-mono text-xs") placeholder="{\"keys\": [{\"kty\": \"RSA\", \"kid\": \"…\", \"n\": \"…\", \"e\": \"AQAB\"}]}" aria-describedby="jwks-help">{jwks_text.get_value()}</textarea>
                        <Help for_id="jwks">"The public keys the application signs its client assertions with (RS256 or ES256). Only public keys: Tessera refuses a private one."</Help>
                        <FieldErrorText message=field_error(save, "jwks")/>
                    </div>
                </Show>
                <Show when=move || !machine>
                    <div>
                        <label for="id_token_signed_response_alg" class=LABEL>"ID Token Signature Algorithm"</label>
                        <select id="id_token_signed_response_alg" name="id_token_signed_response_alg" class=SELECT aria-describedby="id_token_signed_response_alg-help">
                            {IdTokenAlg::ALL.iter().map(|a| view! { <option value=a.as_str() selected=*a == alg>{a.as_str()}</option> }).collect_view()}
                        </select>
                        <Help for_id="id_token_signed_response_alg">"RS256 works with every OpenID Connect library; ES256 makes shorter tokens. Logout tokens use the same."</Help>
                        <FieldErrorText message=field_error(save, "id_token_signed_response_alg")/>
                    </div>
                </Show>
            </Section>
            <Section title="Grant Types" description="The ways this application may get tokens from Tessera.">
                <fieldset>
                    <legend class="sr-only">"Grant Types"</legend>
                    <div class="grid grid-cols-1 gap-3 sm:grid-cols-2">
                        {grants.iter().map(|g| {
                            let name = format!("grant_{}", g.as_str());
                            let id = format!("grant-{}", g.as_str());
                            let for_id = id.clone();
                            view! {
                                <label for=for_id class="flex items-center gap-2 text-sm text-gray-800">
                                    <input id=id type="checkbox" name=name checked=granted.contains(g) class="h-4 w-4 rounded border-gray-300 text-indigo-600 focus:ring-2 focus:ring-indigo-500"/>
                                    {g.label()}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <FieldErrorText message=field_error(save, "grant_types")/>
            </Section>
            <div class="flex justify-end py-6">
                <button type="submit" class=PRIMARY_BUTTON disabled=move || save.pending().get()>{move || if save.pending().get() { "Saving…" } else { "Save Changes" }}</button>
            </div>
        </ActionForm>
        <Section title="Client Secret" description="Rotating makes a new secret at once; the old one stops working.">
            {move || match rotate.value().get() {
                Some(Ok(rotated)) => view! { <SecretOnce shown=ShownOnce { title: "The client secret was rotated".into(), ..application_created(&rotated) }/> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="text-sm text-red-700">{e.to_string()}</p> }.into_any(),
                None => view! {
                    <ActionForm action=rotate>
                        <input type="hidden" name="id" value=rotate_id.get_value()/>
                        <button type="submit" class=SECONDARY_BUTTON disabled=move || rotate.pending().get()>
                            {move || if rotate.pending().get() { "Rotating…" } else { "Rotate secret" }}
                        </button>
                    </ActionForm>
                }.into_any(),
            }}
        </Section>
        <Show when=move || machine>
            <ManagementApiAccess client_id=rotate_id.get_value()/>
        </Show>
        <Show when=move || !machine>
            <section class="mt-8" aria-labelledby="app-connections-title">
                <h2 id="app-connections-title" class="text-base font-semibold text-gray-900">"Connections"</h2>
                <p class="mt-1 text-sm text-gray-500">"The connections this application's users may sign in with."</p>
                <EnableList rows=connections side=Side::Application fixed=rotate_id.get_value()
                    empty="No connections yet. Create one under Connections → Enterprise."/>
            </section>
        </Show>
        <DeleteApplicationZone id=delete_id name=delete_name/>
    }
}

/// Which side a list of switches is on: an application's connections, or a connection's applications.
#[derive(Clone, Copy, PartialEq)]
pub enum Side {
    Application,
    Connection,
}

/// Switches that enable a connection for an application, from either side.
#[component]
pub fn EnableList(rows: Resource<Result<Vec<Toggle>, AppError>>, side: Side, fixed: String, empty: &'static str) -> impl IntoView {
    let action = ServerAction::<SetConnectionEnabled>::new();
    let toaster = Toaster::get();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => {
            rows.refetch();
            toaster.success("Saved");
        }
        Some(Err(e)) => toaster.error(e.to_string()),
        None => {}
    });
    let fixed = StoredValue::new(fixed);
    view! {
        <Transition fallback=|| view! { <div class="mt-4 h-20 animate-pulse rounded-xl bg-gray-100" aria-busy="true"></div> }>
            {move || rows.get().map(|r| match r {
                Ok(list) if list.is_empty() => view! { <p class="mt-4 rounded-xl border border-dashed border-gray-300 bg-white px-6 py-8 text-center text-sm text-gray-500">{empty}</p> }.into_any(),
                Ok(list) => view! {
                    <ul class="mt-4 divide-y divide-gray-100 rounded-xl border border-gray-200 bg-white shadow-sm">
                        {list.into_iter().map(|t| {
                            let (connection_id, client_id) = match side {
                                Side::Application => (t.id.clone(), fixed.get_value()),
                                Side::Connection => (fixed.get_value(), t.id.clone()),
                            };
                            let enabled = t.enabled;
                            let label = format!("{} {}", if enabled { "Disable" } else { "Enable" }, t.name);
                            view! {
                                <li class="flex items-center justify-between gap-4 px-4 py-3">
                                    <div>
                                        <div class="text-sm font-medium text-gray-900">{t.name.clone()}</div>
                                        <div class="text-xs text-gray-500">{t.kind.clone()}</div>
                                    </div>
                                    <button type="button" role="switch" aria-checked=enabled.to_string() aria-label=label
                                        disabled=move || action.pending().get()
                                        class=if enabled { "relative inline-flex h-6 w-11 shrink-0 rounded-full bg-indigo-600 transition focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2" } else { "relative inline-flex h-6 w-11 shrink-0 rounded-full bg-gray-200 transition focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2" }
                                        on:click=move |_| { action.dispatch(SetConnectionEnabled { connection_id: connection_id.clone(), client_id: client_id.clone(), enabled: !enabled }); }>
                                        <span class=if enabled { "mt-0.5 ml-[1.375rem] h-5 w-5 rounded-full bg-white shadow" } else { "mt-0.5 ml-0.5 h-5 w-5 rounded-full bg-white shadow" }></span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p role="alert" class="mt-4 text-sm text-red-700">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn DeleteApplicationZone(id: String, name: String) -> impl IntoView {
    let action = ServerAction::<DeleteApplication>::new();
    let toaster = Toaster::get();
    let deleted = name.clone();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            toaster.success(format!("Application {deleted} deleted"));
            use_navigate()("/applications", Default::default());
        }
    });
    view! {
        <crate::components::danger::DangerZone title_id="app-danger-title" description="Deleting this application stops its sign-ins at once. This cannot be undone.">
            <ActionForm action=action attr:class="mt-4 flex flex-wrap items-end gap-3">
                <input type="hidden" name="id" value=id/>
                <div class="min-w-64 flex-1">
                    <label for="confirm_name" class="block text-sm text-gray-700">{format!("Type {name} to confirm.")}</label>
                    <input id="confirm_name" name="confirm_name" type="text" autocomplete="off" class=INPUT/>
                    <FieldErrorText message=field_error(action, "confirm_name")/>
                </div>
                <button type="submit" class=DANGER_BUTTON>"Delete application"</button>
            </ActionForm>
        </crate::components::danger::DangerZone>
    }
}

/// A machine-to-machine application's "APIs" section: whether it may call the Management API
/// with client credentials, and with which permissions.
#[component]
fn ManagementApiAccess(client_id: String) -> impl IntoView {
    let access = Resource::new({ let id = client_id.clone(); move || id.clone() }, management_api_access);
    let save = ServerAction::<SaveManagementApiAccess>::new();
    let toaster = Toaster::get();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => toaster.success("Management API access saved"),
        Some(Err(e)) => toaster.error(e.to_string()),
        None => {}
    });
    let client_id = StoredValue::new(client_id);
    view! {
        <section class="mt-8 rounded-xl border border-gray-200 bg-white p-6 shadow-sm" aria-labelledby="m2m-title">
            <h2 id="m2m-title" class="text-base font-semibold text-gray-900">"APIs"</h2>
            <p class="mt-1 text-sm text-gray-500">"A machine-to-machine application gets access tokens with client credentials. Authorize it for the Tessera Management API and choose what it may do."</p>
            <Transition fallback=|| view! { <div class="mt-4 h-20 animate-pulse rounded-lg bg-gray-100" aria-busy="true"></div> }>
                {move || access.get().map(|r| match r {
                    Ok(a) => {
                        let authorized = RwSignal::new(a.granted.is_some());
                        let chosen = RwSignal::new(a.granted.clone().unwrap_or_default());
                        let audience = a.audience.clone();
                        view! {
                            <div class="mt-4 rounded-lg border border-gray-200 p-4">
                                <div class="flex items-center justify-between gap-4">
                                    <div>
                                        <div class="text-sm font-medium text-gray-900">"Tessera Management API"</div>
                                        <div class="text-xs text-gray-500">"Audience: "<code>{audience}</code></div>
                                    </div>
                                    <button type="button" role="switch" aria-checked=move || authorized.get().to_string() aria-label="Authorized"
                                        class=move || if authorized.get() { "relative inline-flex h-6 w-11 shrink-0 rounded-full bg-indigo-600 transition focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2" } else { "relative inline-flex h-6 w-11 shrink-0 rounded-full bg-gray-200 transition focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2" }
                                        on:click=move |_| authorized.update(|a| *a = !*a)>
                                        <span class=move || if authorized.get() { "mt-0.5 ml-[1.375rem] h-5 w-5 rounded-full bg-white shadow" } else { "mt-0.5 ml-0.5 h-5 w-5 rounded-full bg-white shadow" }></span>
                                    </button>
                                </div>
                                <Show when=move || authorized.get()>
                                    <fieldset class="mt-4">
                                        <legend class="text-sm font-medium text-gray-800">"Permissions"</legend>
                                        <div class="mt-2 grid grid-cols-1 gap-2 sm:grid-cols-2">
                                            {a.all_scopes.iter().map(|scope| {
                                                let s = scope.clone();
                                                let checked = { let s = s.clone(); move || chosen.get().contains(&s) };
                                                let id = format!("perm-{}", scope.replace(':', "-"));
                                                let for_id = id.clone();
                                                view! {
                                                    <label for=for_id class="flex items-center gap-2 text-sm text-gray-800">
                                                        <input id=id type="checkbox" prop:checked=checked class="h-4 w-4 rounded border-gray-300 text-indigo-600 focus:ring-2 focus:ring-indigo-500"
                                                            on:change=move |ev| {
                                                                let on = event_target_checked(&ev);
                                                                chosen.update(|c| { c.retain(|x| *x != s); if on { c.push(s.clone()); } });
                                                            }/>
                                                        <code class="text-xs">{scope.clone()}</code>
                                                    </label>
                                                }
                                            }).collect_view()}
                                        </div>
                                    </fieldset>
                                </Show>
                                <div class="mt-4 flex justify-end">
                                    <button type="button" class=PRIMARY_BUTTON disabled=move || save.pending().get()
                                        on:click=move |_| { save.dispatch(SaveManagementApiAccess { client_id: client_id.get_value(), authorized: authorized.get_untracked(), scope: chosen.get_untracked() }); }>
                                        {move || if save.pending().get() { "Saving…" } else { "Save" }}
                                    </button>
                                </div>
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <p role="alert" class="mt-4 text-sm text-red-700">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
