//! The create forms: OpenID Connect and Okta Workforce, with the live name check and the live
//! issuer checkmark. "Create" stays disabled until both are green and the required fields are
//! filled; the server validates everything again. The forms are plain form posts underneath, so
//! they still submit without JavaScript.

use crate::api::connections::{
    get_deployment_info, prepare_signing_key, CreateOidcConnection, CreateOktaConnection, DeploymentInfo, PreparedSigningKey,
};
use crate::components::form::*;
use crate::components::icons::Spinner;
use crate::components::issuer_field::{watch_issuer, IssuerStatus, IssuerStatusMark};
use crate::components::name_field::{ConnectionNameField, NameStatus};
use crate::components::toast::Toaster;
use crate::connections::options::{Channel, Purpose, SigningAlg, TokenEndpointAuthMethod};
use crate::connections::validate::{discovery_target, okta_issuer};
use crate::connections::{Connection, Strategy};
use crate::error::AppError;
use crate::pages::enterprise::logo_url;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Whether the OpenID Connect form may be submitted.
pub fn can_create_oidc(name: &NameStatus, issuer: &IssuerStatus, client_id: &str, channel: Channel, method: TokenEndpointAuthMethod, secret: &str) -> bool {
    let needs_secret = channel == Channel::BackChannel
        && matches!(method, TokenEndpointAuthMethod::ClientSecretPost | TokenEndpointAuthMethod::ClientSecretBasic);
    name.is_ok() && issuer.is_found() && !client_id.trim().is_empty() && (!needs_secret || !secret.is_empty())
}

/// Whether the Okta Workforce form may be submitted.
pub fn can_create_okta(name: &NameStatus, issuer: &IssuerStatus, client_id: &str, secret: &str) -> bool {
    name.is_ok() && issuer.is_found() && !client_id.trim().is_empty() && !secret.is_empty()
}

/// A server error for one field, or for the form as a whole (`None` field).
fn server_error(result: Option<Result<Connection, AppError>>, field: Option<&str>) -> Option<String> {
    match (result, field) {
        (Some(Err(e)), Some(f)) => e.field_message(f),
        (Some(Err(AppError::Invalid(fields))), None) => {
            let known = ["name", "options.discovery_url", "options.domain", "options.client_id", "options.client_secret"];
            let rest: Vec<String> = fields.iter().filter(|f| !known.contains(&f.field.as_str())).map(|f| f.to_string()).collect();
            (!rest.is_empty()).then(|| rest.join("; "))
        }
        (Some(Err(AppError::Conflict(_))), None) => None,
        (Some(Err(e)), None) => Some(e.to_string()),
        _ => None,
    }
}

#[component]
fn NewConnectionFrame(strategy: Strategy, children: Children) -> impl IntoView {
    view! {
        <Title text=format!("New {} connection", strategy.label())/>
        <A href="/connections/enterprise" attr:class="text-sm font-medium text-indigo-600 hover:text-indigo-500">"← Enterprise"</A>
        <div class="mt-4 mb-8 flex items-center gap-4">
            <img src=logo_url(strategy) alt="" class="h-12 w-12"/>
            <div>
                <h1 class="text-2xl font-semibold tracking-tight text-gray-900">{format!("New {} connection", strategy.label())}</h1>
                <p class="mt-1 text-sm text-gray-500">{match strategy {
                    Strategy::Oidc => "Connect an OpenID Provider. Tessera reads its discovery document to learn its endpoints and keys.",
                    Strategy::Okta => "Connect an Okta Workforce organization. Register an OIDC Web App in Okta first; it gives you the client ID and secret.",
                }}</p>
            </div>
        </div>
        <div class="rounded-xl border border-gray-200 bg-white p-8 shadow-sm">{children()}</div>
    }
}

#[component]
fn SubmitRow(#[prop(into)] enabled: Signal<bool>, #[prop(into)] pending: Signal<bool>) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <div class="flex items-center justify-end gap-3 pt-8">
            <A href="/connections/enterprise" attr:class=SECONDARY_BUTTON>"Cancel"</A>
            // Disabled only once hydrated: without JavaScript the server's validation answers.
            <button type="submit" class=PRIMARY_BUTTON disabled=move || hydrated.get() && (!enabled.get() || pending.get())>
                <Show when=move || pending.get()><Spinner class="h-4 w-4"/></Show>
                "Create"
            </button>
        </div>
    }
}

/// "Client ID", shared by both create forms.
#[component]
fn ClientIdField(value: RwSignal<String>, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div>
            <label for="client_id" class=LABEL>"Client ID"</label>
            <input id="client_id" name="client_id" type="text" required autocomplete="off" spellcheck="false" class=INPUT
                aria-describedby="client_id-help" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            <FieldErrorText message=error/>
            <Help for_id="client_id">"Unique identifier for your registered application."</Help>
        </div>
    }
}

/// "Client Secret", shared by both create forms.
#[component]
fn ClientSecretField(value: RwSignal<String>, #[prop(into)] error: Signal<Option<String>>, help: &'static str) -> impl IntoView {
    view! {
        <div>
            <label for="client_secret" class=LABEL>"Client Secret"</label>
            <input id="client_secret" name="client_secret" type="password" autocomplete="new-password" class=INPUT
                aria-describedby="client_secret-help" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            <FieldErrorText message=error/>
            <Help for_id="client_secret">{help}</Help>
        </div>
    }
}

#[component]
pub fn NewOidcConnectionPage() -> impl IntoView {
    let info = Resource::new(|| (), |_| get_deployment_info());
    let action = ServerAction::<CreateOidcConnection>::new();
    let toaster = Toaster::get();
    let name = RwSignal::new(String::new());
    let name_status = RwSignal::new(NameStatus::Empty);
    let discovery = RwSignal::new(String::new());
    let channel = RwSignal::new(Channel::BackChannel);
    let method = RwSignal::new(TokenEndpointAuthMethod::ClientSecretPost);
    let client_id = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let issuer_status = RwSignal::new(IssuerStatus::Empty);
    watch_issuer(discovery.into(), channel.into(), issuer_status, |typed| Ok(typed.to_string()));
    Effect::new(move |_| {
        if let Some(Ok(created)) = action.value().get() {
            toaster.success(format!("Connection {} created", created.name));
        }
    });
    let result = move || action.value().get();
    let enabled = Signal::derive(move || {
        can_create_oidc(&name_status.get(), &issuer_status.get(), &client_id.get(), channel.get(), method.get(), &secret.get())
    });
    let shows_secret = move || {
        channel.get() == Channel::BackChannel
            && matches!(method.get(), TokenEndpointAuthMethod::ClientSecretPost | TokenEndpointAuthMethod::ClientSecretBasic)
    };

    view! {
        <NewConnectionFrame strategy=Strategy::Oidc>
            <FormAlert message=Signal::derive(move || server_error(result(), None))/>
            <ActionForm action=action attr:novalidate=true>
                <Section title="General" description="How you intend to use the connection and how it is called.">
                    <div>
                        <label for="purpose" class=LABEL>"Purpose"</label>
                        <select id="purpose" name="purpose" class=SELECT aria-describedby="purpose-help">
                            <option value=Purpose::Authentication.as_str() selected>"User authentication"</option>
                            <option value=Purpose::ConnectedAccounts.as_str()>"Connected accounts"</option>
                            <option value=Purpose::Both.as_str()>"Both"</option>
                        </select>
                        <Help for_id="purpose">"Determines how you intend to use the connection."</Help>
                    </div>
                    <ConnectionNameField value=name status=name_status server_error=Signal::derive(move || server_error(result(), Some("name")))/>
                </Section>
                <Section title="Identity provider" description="Where the OpenID Provider publishes its configuration.">
                    <div>
                        <label for="discovery_url" class=LABEL>"OpenID Connect Discovery URL (Issuer URL)"</label>
                        <input id="discovery_url" name="discovery_url" type="url" required autocomplete="off" spellcheck="false" class=INPUT
                            placeholder="https://idp.example.com/.well-known/openid-configuration"
                            aria-describedby="discovery_url-help discovery_url-status"
                            prop:value=move || discovery.get() on:input=move |ev| discovery.set(event_target_value(&ev))/>
                        <IssuerStatusMark status=issuer_status id="discovery_url-status"/>
                        <FieldErrorText message=Signal::derive(move || server_error(result(), Some("options.discovery_url")))/>
                        <Help for_id="discovery_url">"The issuer's base URL or its full /.well-known/openid-configuration URL. You will see a green checkmark if it can be found at that location, a red mark if it cannot be found, or an error message if the file is found but the required information is not present in the configuration file."</Help>
                    </div>
                    <ClientIdField value=client_id error=Signal::derive(move || server_error(result(), Some("options.client_id")))/>
                </Section>
                <Section title="Authentication" description="How the identity provider's answer reaches Tessera.">
                    <fieldset>
                        <legend class=LABEL>"Communication Channel"</legend>
                        <div class="mt-2 grid grid-cols-1 gap-3 sm:grid-cols-2">
                            <ChannelOption value=Channel::FrontChannel current=channel title="Front Channel" text="Uses response_mode=form_post and response_type=id_token. No client secret is needed."/>
                            <ChannelOption value=Channel::BackChannel current=channel title="Back Channel" text="Uses response_type=code: Tessera exchanges the code for tokens at the token endpoint."/>
                        </div>
                    </fieldset>
                    <Show when=move || channel.get() == Channel::BackChannel>
                        <div>
                            <label for="auth_method" class=LABEL>"Authentication Method"</label>
                            <select id="auth_method" name="auth_method" class=SELECT aria-describedby="auth_method-help"
                                on:change=move |ev| if let Some(m) = TokenEndpointAuthMethod::parse(&event_target_value(&ev)) { method.set(m) }>
                                <option value="client_secret_post" selected=move || method.get() == TokenEndpointAuthMethod::ClientSecretPost>"Client Secret (Post)"</option>
                                <option value="client_secret_basic" selected=move || method.get() == TokenEndpointAuthMethod::ClientSecretBasic>"Client Secret (Basic)"</option>
                                <option value="private_key_jwt" selected=move || method.get() == TokenEndpointAuthMethod::PrivateKeyJwt>"Private Key JWT"</option>
                                <option value="none" selected=move || method.get() == TokenEndpointAuthMethod::None>"None (public client with PKCE)"</option>
                            </select>
                            <Help for_id="auth_method">"How Tessera authenticates to the identity provider's token endpoint."</Help>
                        </div>
                        <Show when=move || method.get() == TokenEndpointAuthMethod::PrivateKeyJwt>
                            <PrivateKeyPanel/>
                        </Show>
                    </Show>
                    <Show when=shows_secret>
                        <ClientSecretField value=secret error=Signal::derive(move || server_error(result(), Some("options.client_secret")))
                            help="The secret of the application you registered at the identity provider. Stored encrypted; never shown again."/>
                    </Show>
                    <Transition fallback=|| ()>
                        {move || info.get().and_then(|r| r.ok()).map(|i: DeploymentInfo| view! {
                            <CopyField id="callback_url" label="Callback URL" value=i.callback_url
                                help="Ensure that this value is configured for the app you registered with the OIDC Identity Provider."/>
                        })}
                    </Transition>
                </Section>
                <Section title="Behaviour">
                    <Checkbox id="sync_attributes" name="sync_attributes" label="Sync user profile attributes at each login" checked=true
                        help="Updates name, nickname, given_name, family_name and picture from the identity provider at each login."/>
                    <Checkbox id="domain_level" name="domain_level" label="Promote Connection to Domain Level" checked=false
                        help="Allows third-party applications to access the connection."/>
                </Section>
                <SubmitRow enabled pending=action.pending()/>
            </ActionForm>
        </NewConnectionFrame>
    }
}

/// Private Key JWT: a key pair is made as soon as the method is chosen, so its public key can be
/// registered at the identity provider before the connection is created.
#[component]
fn PrivateKeyPanel() -> impl IntoView {
    let alg = RwSignal::new(SigningAlg::RS256);
    let prepared = RwSignal::new(None::<Result<PreparedSigningKey, AppError>>);
    let tickets = StoredValue::new(crate::components::issuer_field::Tickets::default());
    Effect::new(move |_| {
        let alg = alg.get();
        let ticket = tickets.try_update_value(|t| t.issue()).unwrap_or_default();
        prepared.set(None);
        leptos::task::spawn_local(async move {
            let key = prepare_signing_key(alg).await;
            if tickets.with_value(|t| t.is_current(ticket)) {
                prepared.set(Some(key));
            }
        });
    });
    view! {
        <div>
            <label for="signing_alg" class=LABEL>"Signing Algorithm"</label>
            <select id="signing_alg" name="signing_alg" class=SELECT
                on:change=move |ev| if let Some(a) = SigningAlg::parse(&event_target_value(&ev)) { alg.set(a) }>
                {SigningAlg::ALL.iter().map(|a| view! { <option value=a.as_str() selected=*a == SigningAlg::RS256>{a.as_str()}</option> }).collect_view()}
            </select>
        </div>
        {move || match prepared.get() {
            None => view! { <p class="flex items-center gap-2 text-sm text-gray-500"><Spinner class="h-4 w-4"/>"Generating a key pair…"</p> }.into_any(),
            Some(Ok(key)) => view! {
                <div>
                    <input type="hidden" name="pending_key" value=key.id.clone()/>
                    <CopyField id="client_public_jwks" label="Public key (JWK Set)" value=key.public_jwks.clone()
                        help="Register this public key at your identity provider. Tessera signs its token requests with the private half, which never leaves the server."/>
                    <pre class="mt-2 max-h-48 overflow-auto rounded-md bg-gray-900 p-3 text-xs text-gray-100" data-testid="public-jwks">{key.public_jwks}</pre>
                </div>
            }.into_any(),
            Some(Err(e)) => view! { <p class=ERROR role="alert">{format!("Could not make a key pair: {e}")}</p> }.into_any(),
        }}
    }
}

#[component]
fn ChannelOption(value: Channel, current: RwSignal<Channel>, title: &'static str, text: &'static str) -> impl IntoView {
    let id = format!("channel-{}", value.as_str());
    let label_for = id.clone();
    view! {
        <label for=label_for class=move || format!(
            "flex cursor-pointer gap-3 rounded-lg border p-4 text-sm focus-within:ring-2 focus-within:ring-indigo-500 {}",
            if current.get() == value { "border-indigo-500 bg-indigo-50/50" } else { "border-gray-200" },
        )>
            <input id=id type="radio" name="channel" value=value.as_str() checked=move || current.get() == value
                class="mt-0.5 h-4 w-4 border-gray-300 text-indigo-600" on:change=move |_| current.set(value)/>
            <span>
                <span class="block font-medium text-gray-900">{title}</span>
                <span class="mt-1 block text-gray-500">{text}</span>
            </span>
        </label>
    }
}

#[component]
pub fn NewOktaConnectionPage() -> impl IntoView {
    let info = Resource::new(|| (), |_| get_deployment_info());
    let action = ServerAction::<CreateOktaConnection>::new();
    let toaster = Toaster::get();
    let name = RwSignal::new(String::new());
    let name_status = RwSignal::new(NameStatus::Empty);
    let domain = RwSignal::new(String::new());
    let client_id = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let issuer_status = RwSignal::new(IssuerStatus::Empty);
    let rules = Signal::derive(move || info.get().and_then(|r| r.ok()).map(|i| i.rules()));
    watch_issuer(domain.into(), Signal::derive(|| Channel::BackChannel), issuer_status, move |typed| {
        let rules = rules.get_untracked().unwrap_or(crate::connections::validate::Rules { allow_private_network: false });
        okta_issuer(typed, rules).map(|(_, issuer)| discovery_target(&issuer).1).map_err(|m| format!("the Okta domain {m}"))
    });
    Effect::new(move |_| {
        if let Some(Ok(created)) = action.value().get() {
            toaster.success(format!("Connection {} created", created.name));
        }
    });
    let result = move || action.value().get();
    let enabled = Signal::derive(move || can_create_okta(&name_status.get(), &issuer_status.get(), &client_id.get(), &secret.get()));

    view! {
        <NewConnectionFrame strategy=Strategy::Okta>
            <FormAlert message=Signal::derive(move || server_error(result(), None))/>
            <ActionForm action=action attr:novalidate=true>
                <Section title="Okta organization" description="In Okta: Applications → Create App Integration → OIDC, Web Application. Paste the Sign-in redirect URI below into it.">
                    <ConnectionNameField value=name status=name_status server_error=Signal::derive(move || server_error(result(), Some("name")))/>
                    <div>
                        <label for="domain" class=LABEL>"Okta Domain"</label>
                        <input id="domain" name="domain" type="text" required autocomplete="off" spellcheck="false" class=INPUT
                            placeholder="acme.okta.com" aria-describedby="domain-help domain-status"
                            prop:value=move || domain.get() on:input=move |ev| domain.set(event_target_value(&ev))/>
                        <IssuerStatusMark status=issuer_status id="domain-status"/>
                        <FieldErrorText message=Signal::derive(move || server_error(result(), Some("options.domain")))/>
                        <Help for_id="domain">"Okta's domain name for your organization, e.g. acme.okta.com. With a custom authorization server: acme.okta.com/oauth2/aus123."</Help>
                    </div>
                    <Transition fallback=|| ()>
                        {move || info.get().and_then(|r| r.ok()).map(|i: DeploymentInfo| view! {
                            <CopyField id="redirect_uri" label="Sign-in redirect URI" value=i.callback_url
                                help="Paste this into the Sign-in redirect URIs of the Okta app integration."/>
                        })}
                    </Transition>
                </Section>
                <Section title="Credentials" description="From the General tab of the Okta app integration.">
                    <ClientIdField value=client_id error=Signal::derive(move || server_error(result(), Some("options.client_id")))/>
                    <ClientSecretField value=secret error=Signal::derive(move || server_error(result(), Some("options.client_secret")))
                        help="From the Okta app integration's General tab. Stored encrypted; never shown again."/>
                </Section>
                <Section title="Groups for roles (optional)" description="Okta sends a user's groups only when the app integration asks it to.">
                    <p class="text-sm text-gray-600" data-testid="okta-groups-help">{crate::text::OKTA_GROUPS_CLAIM}" Then map each group to a role under Groups and role assignments on the connection's Provisioning tab."</p>
                </Section>
                <SubmitRow enabled pending=action.pending()/>
            </ActionForm>
        </NewConnectionFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_waits_for_a_green_name_and_issuer_and_the_required_fields() {
        let found = IssuerStatus::Found { issuer: "https://idp.example".into() };
        let post = TokenEndpointAuthMethod::ClientSecretPost;
        assert!(can_create_oidc(&NameStatus::Available, &found, "id", Channel::BackChannel, post, "s3cret"));
        assert!(!can_create_oidc(&NameStatus::Available, &IssuerStatus::Checking, "id", Channel::BackChannel, post, "s3cret"));
        assert!(!can_create_oidc(&NameStatus::Checking, &found, "id", Channel::BackChannel, post, "s3cret"));
        assert!(!can_create_oidc(&NameStatus::Available, &found, " ", Channel::BackChannel, post, "s3cret"));
        assert!(!can_create_oidc(&NameStatus::Available, &found, "id", Channel::BackChannel, post, ""), "back channel needs the secret");
        assert!(can_create_oidc(&NameStatus::Available, &found, "id", Channel::FrontChannel, post, ""), "front channel does not");
        assert!(can_create_oidc(&NameStatus::Available, &found, "id", Channel::BackChannel, TokenEndpointAuthMethod::PrivateKeyJwt, ""));
        assert!(!can_create_okta(&NameStatus::Available, &found, "id", ""));
        assert!(can_create_okta(&NameStatus::Available, &found, "id", "secret"));
    }
}
