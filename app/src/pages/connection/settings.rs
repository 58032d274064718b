//! Settings tab: issuer metadata (with the live check, editable details and a discovery-document
//! upload), authentication, scopes, callback URL, user mapping, PKCE, purpose, Global Token
//! Revocation endpoint and domain level; then the Danger zone.

use super::danger::DeleteConnectionZone;
use super::{with_connection, CurrentConnection};
use crate::api::connections::{DeploymentInfo, SaveConnectionSettings};
use crate::components::form::*;
use crate::components::issuer_field::{watch_issuer, IssuerStatus, IssuerStatusMark};
use crate::components::save_bar::{form_level_error, on_saved, SaveBar};
use crate::connections::options::*;
use crate::connections::validate::{discovery_target, okta_issuer};
use crate::connections::{Connection, Strategy};
use leptos::prelude::*;

/// Attribute-map templates the editor offers.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("Basic profile", "{\n  \"name\": \"${context.tokenset.id_token_claims.name}\",\n  \"email\": \"${context.tokenset.id_token_claims.email}\",\n  \"given_name\": \"${context.tokenset.id_token_claims.given_name}\",\n  \"family_name\": \"${context.tokenset.id_token_claims.family_name}\"\n}"),
    ("Groups", "{\n  \"groups\": \"${context.tokenset.id_token_claims.groups}\"\n}"),
    ("Empty", "{}"),
];

/// The attribute map as the editor shows it: pretty JSON, or empty.
pub fn attributes_text(map: &AttributeMap) -> String {
    match &map.attributes {
        Some(a) if !a.is_empty() => serde_json::to_string_pretty(a).unwrap_or_default(),
        _ => String::new(),
    }
}

/// The editor's own check, before the server's: a JSON object of strings.
pub fn check_attributes_json(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Ok(());
    }
    serde_json::from_str::<std::collections::BTreeMap<String, String>>(text)
        .map(|_| ())
        .map_err(|e| format!("Must be a JSON object of attribute names to template strings: {e}"))
}

/// What an uploaded discovery document says about itself, for the line under the upload.
pub fn describe_upload(file: &str, text: &str) -> Result<String, String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("{file} is not JSON: {e}"))?;
    match doc.get("issuer").and_then(|i| i.as_str()) {
        Some(issuer) => Ok(format!("{file}: issuer {issuer}. Save Changes to replace the issuer details with it.")),
        None => Err(format!("{file} has no issuer: it is not a discovery document.")),
    }
}

fn scopes_text(scope: &str) -> String {
    scope.split_whitespace().collect::<Vec<_>>().join(", ")
}

const SHOWN_FIELDS: &[&str] = &[
    "options.discovery_url", "options.issuer", "options.authorization_endpoint", "options.token_endpoint", "options.userinfo_endpoint",
    "options.jwks_uri", "options.oidc_metadata", "options.domain", "options.client_id", "options.client_secret", "options.scopes",
    "options.scope", "options.attribute_map.attributes", "options.connection_settings.pkce", "options.token_endpoint_auth_method",
];

#[component]
pub fn SettingsTab() -> impl IntoView {
    with_connection(|c, info| view! { <SettingsForm c info/> })
}

#[component]
fn SettingsForm(c: Connection, info: DeploymentInfo) -> impl IntoView {
    let action = ServerAction::<SaveConnectionSettings>::new();
    let dirty = RwSignal::new(false);
    on_saved(action, dirty, CurrentConnection::get().map(|x| x.connection));
    let o = c.options.clone();
    let strategy = c.strategy;
    let err = move |field: &'static str| {
        Signal::derive(move || match action.value().get() {
            Some(Err(e)) => e.field_message(field),
            _ => None,
        })
    };

    // Issuer: the discovery URL (OpenID Connect) or the Okta domain, checked live.
    let issuer_text = RwSignal::new(match strategy {
        Strategy::Oidc => o.discovery_url.clone().unwrap_or_default(),
        Strategy::Okta => o.domain.clone().unwrap_or_default(),
    });
    let channel = RwSignal::new(o.channel);
    let method = RwSignal::new(o.token_endpoint_auth_method);
    let issuer_status = RwSignal::new(IssuerStatus::Empty);
    let rules = info.rules();
    watch_issuer(issuer_text.into(), channel.into(), issuer_status, move |typed| match strategy {
        Strategy::Oidc => Ok(typed.to_string()),
        Strategy::Okta => okta_issuer(typed, rules).map(|(_, i)| discovery_target(&i).1).map_err(|m| format!("the Okta domain {m}")),
    });

    let upload = RwSignal::new(String::new());
    let upload_note = RwSignal::new(None::<Result<String, String>>);
    let attributes = RwSignal::new(attributes_text(&o.attribute_map));
    let attributes_problem = Signal::derive(move || check_attributes_json(&attributes.get()).err().or_else(|| err("options.attribute_map.attributes").get()));
    let shows_secret = move || matches!(method.get(), TokenEndpointAuthMethod::ClientSecretPost | TokenEndpointAuthMethod::ClientSecretBasic);
    let secret_placeholder = if o.client_secret_set { "•••••••• (set): type a new secret to replace it" } else { "Not set" };
    let jwks = o.client_public_jwks.clone().map(|j| serde_json::to_string_pretty(&j).unwrap_or_default());
    let mapping = o.attribute_map.mapping_mode.unwrap_or(MappingMode::BasicProfile);
    let pkce = o.connection_settings.pkce.unwrap_or(Pkce::Auto);
    let alg = o.token_endpoint_auth_signing_alg.unwrap_or(SigningAlg::RS256);
    let purpose = o.purpose;
    let revocation = info.revocation_url(&c.id);
    let danger = view! { <DeleteConnectionZone id=c.id.clone() name=c.name.clone()/> };

    // Each section is type-erased: one view of this size overflows the compiler's query depth in
    // release builds.
    let general = view! {
            <Section title="General">
                <div>
                    <label for="connection_name" class=LABEL>"Connection Name"</label>
                    <input id="connection_name" type="text" readonly class=INPUT value=c.name.clone() aria-describedby="connection_name-help"/>
                    <Help for_id="connection_name">"Once set, this name can't be changed."</Help>
                </div>
                <div>
                    <label for="purpose" class=LABEL>"Purpose"</label>
                    <select id="purpose" name="purpose" class=SELECT aria-describedby="purpose-help">
                        {Purpose::ALL.iter().map(|p| view! {
                            <option value=p.as_str() selected=*p == purpose>{match p {
                                Purpose::Authentication => "User authentication",
                                Purpose::ConnectedAccounts => "Connected accounts",
                                Purpose::Both => "Both",
                            }}</option>
                        }).collect_view()}
                    </select>
                    <Help for_id="purpose">"Determines how you intend to use the connection."</Help>
                </div>
            </Section>

    }
    .into_any();
    let metadata = view! {
            <Section title="Connection Metadata" description="Where the identity provider publishes its configuration.">
                {match strategy {
                    Strategy::Oidc => view! {
                        <div>
                            <label for="discovery_url" class=LABEL>"Issuer URL"</label>
                            <input id="discovery_url" name="discovery_url" type="url" spellcheck="false" class=INPUT
                                placeholder="https://idp.example.com/.well-known/openid-configuration" aria-describedby="discovery_url-help discovery_url-status"
                                value=issuer_text.get_untracked() prop:value=move || issuer_text.get() on:input=move |ev| issuer_text.set(event_target_value(&ev))/>
                            <IssuerStatusMark status=issuer_status id="discovery_url-status"/>
                            <FieldErrorText message=err("options.discovery_url")/>
                            <Help for_id="discovery_url">"The OpenID Connect Discovery URL. Leave it empty to keep the issuer details below as typed."</Help>
                        </div>
                    }.into_any(),
                    Strategy::Okta => view! {
                        <div>
                            <label for="domain" class=LABEL>"Okta Domain"</label>
                            <input id="domain" name="domain" type="text" spellcheck="false" class=INPUT aria-describedby="domain-help domain-status"
                                value=issuer_text.get_untracked() prop:value=move || issuer_text.get() on:input=move |ev| issuer_text.set(event_target_value(&ev))/>
                            <IssuerStatusMark status=issuer_status id="domain-status"/>
                            <FieldErrorText message=err("options.domain")/>
                            <Help for_id="domain">"Okta's domain name for your organization, e.g. acme.okta.com (or acme.okta.com/oauth2/aus123)."</Help>
                            <p class="mt-3 rounded-md bg-gray-50 px-3 py-2 text-xs text-gray-600" data-testid="okta-groups-help">{crate::text::OKTA_GROUPS_CLAIM}" Then map each group to a role under Groups and role assignments on the Provisioning tab."</p>
                        </div>
                    }.into_any(),
                }}
                <details class="rounded-lg border border-gray-200 p-4 open:bg-gray-50/60">
                    <summary class="cursor-pointer text-sm font-medium text-indigo-700">"Show Issuer Details"</summary>
                    <div class="mt-4 space-y-4">
                        <EndpointInput name="issuer" label="Issuer" value=o.issuer.clone() editable=strategy == Strategy::Oidc error=err("options.issuer")/>
                        <EndpointInput name="authorization_endpoint" label="Authorization Endpoint" value=o.authorization_endpoint.clone() editable=strategy == Strategy::Oidc error=err("options.authorization_endpoint")/>
                        <EndpointInput name="token_endpoint" label="Token Endpoint" value=o.token_endpoint.clone().unwrap_or_default() editable=strategy == Strategy::Oidc error=err("options.token_endpoint")/>
                        <EndpointInput name="userinfo_endpoint" label="Userinfo Endpoint" value=o.userinfo_endpoint.clone().unwrap_or_default() editable=strategy == Strategy::Oidc error=err("options.userinfo_endpoint")/>
                        <EndpointInput name="jwks_uri" label="JWKS URL" value=o.jwks_uri.clone() editable=strategy == Strategy::Oidc error=err("options.jwks_uri")/>
                        {(strategy == Strategy::Oidc).then(|| view! {
                            <div>
                                <label for="metadata_file" class=LABEL>"Upload metadata file"</label>
                                <input id="metadata_file" type="file" accept="application/json,.json" aria-describedby="metadata_file-help"
                                    class="mt-1 block w-full text-sm text-gray-600 file:mr-3 file:rounded-md file:border-0 file:bg-indigo-50 file:px-3 file:py-2 file:text-sm file:font-medium file:text-indigo-700 hover:file:bg-indigo-100"
                                    on:change=move |ev| crate::components::browser::read_chosen_file(&ev, move |read| {
                                        if let Some((file, text)) = read {
                                            upload_note.set(Some(describe_upload(&file, &text)));
                                            upload.set(text);
                                            dirty.set(true);
                                        }
                                    })/>
                                <textarea name="oidc_metadata" class="hidden" aria-hidden="true" tabindex="-1" prop:value=move || upload.get()></textarea>
                                {move || upload_note.get().map(|note| match note {
                                    Ok(m) => view! { <p class="mt-1 text-xs text-green-700">{m}</p> }.into_any(),
                                    Err(m) => view! { <p class=ERROR>{m}</p> }.into_any(),
                                })}
                                <FieldErrorText message=err("options.oidc_metadata")/>
                                <Help for_id="metadata_file">"These details can be overwritten by uploading a new metadata file (the provider's discovery document, JSON). It is checked like a fetched one."</Help>
                            </div>
                        })}
                    </div>
                </details>
            </Section>

    }
    .into_any();
    let authentication = view! {
            <Section title="Authentication" description="How Tessera talks to the identity provider.">
                {(strategy == Strategy::Oidc).then(|| view! {
                    <fieldset>
                        <legend class=LABEL>"Communication Channel"</legend>
                        <div class="mt-2 flex flex-wrap gap-6 text-sm">
                            <label class="flex items-center gap-2"><input type="radio" name="channel" value="front_channel" checked=o.channel == Channel::FrontChannel
                                class="h-4 w-4 text-indigo-600" on:change=move |_| channel.set(Channel::FrontChannel)/>"Front Channel"</label>
                            <label class="flex items-center gap-2"><input type="radio" name="channel" value="back_channel" checked=o.channel == Channel::BackChannel
                                class="h-4 w-4 text-indigo-600" on:change=move |_| channel.set(Channel::BackChannel)/>"Back Channel"</label>
                        </div>
                        <p class=HELP>"Front Channel: response_mode=form_post and response_type=id_token. Back Channel: response_type=code."</p>
                    </fieldset>
                    <div>
                        <label for="auth_method" class=LABEL>"Authentication Method"</label>
                        <select id="auth_method" name="auth_method" class=SELECT
                            on:change=move |ev| if let Some(m) = TokenEndpointAuthMethod::parse(&event_target_value(&ev)) { method.set(m) }>
                            {TokenEndpointAuthMethod::ALL.iter().map(|m| view! {
                                <option value=m.as_str() selected=*m == o.token_endpoint_auth_method>{match m {
                                    TokenEndpointAuthMethod::ClientSecretPost => "Client Secret (Post)",
                                    TokenEndpointAuthMethod::ClientSecretBasic => "Client Secret (Basic)",
                                    TokenEndpointAuthMethod::PrivateKeyJwt => "Private Key JWT",
                                    TokenEndpointAuthMethod::None => "None (public client with PKCE)",
                                }}</option>
                            }).collect_view()}
                        </select>
                        <FieldErrorText message=err("options.token_endpoint_auth_method")/>
                    </div>
                    <Show when=move || method.get() == TokenEndpointAuthMethod::PrivateKeyJwt>
                        <div>
                            <label for="signing_alg" class=LABEL>"Signing Algorithm"</label>
                            <select id="signing_alg" name="signing_alg" class=SELECT>
                                {SigningAlg::ALL.iter().map(|a| view! { <option value=a.as_str() selected=*a == alg>{a.as_str()}</option> }).collect_view()}
                            </select>
                        </div>
                        {jwks.clone().map(|text| view! {
                            <div>
                                <CopyField id="client_public_jwks" label="Public key (JWK Set)" value=text.clone()
                                    help="Register this public key at your identity provider; Tessera signs its token requests with the private half, which never leaves the server."/>
                                <pre class="mt-2 max-h-48 overflow-auto rounded-md bg-gray-900 p-3 text-xs text-gray-100">{text}</pre>
                            </div>
                        })}
                    </Show>
                })}
                {(strategy == Strategy::Okta).then(|| view! { <input type="hidden" name="auth_method" value=o.token_endpoint_auth_method.as_str()/> })}
                <div>
                    <label for="client_id" class=LABEL>"Client ID"</label>
                    <input id="client_id" name="client_id" type="text" spellcheck="false" class=INPUT value=o.client_id.clone() aria-describedby="client_id-help"/>
                    <FieldErrorText message=err("options.client_id")/>
                    <Help for_id="client_id">"Unique identifier for your registered application."</Help>
                </div>
                <Show when=shows_secret>
                    <div>
                        <label for="client_secret" class=LABEL>"Client Secret"</label>
                        <input id="client_secret" name="client_secret" type="password" autocomplete="new-password" class=INPUT placeholder=secret_placeholder aria-describedby="client_secret-help"/>
                        <FieldErrorText message=err("options.client_secret")/>
                        <Help for_id="client_secret">"Write-only: the stored secret is never shown. Leave empty to keep it."</Help>
                    </div>
                </Show>
                <div>
                    <label for="scopes" class=LABEL>"Scopes"</label>
                    <input id="scopes" name="scopes" type="text" spellcheck="false" class=INPUT value=scopes_text(&o.scope) aria-describedby="scopes-help"/>
                    <FieldErrorText message=Signal::derive(move || err("options.scopes").get().or_else(|| err("options.scope").get()))/>
                    <Help for_id="scopes">"A comma-separated list of scopes to request. You are required to include at least the openid scope."</Help>
                </div>
                <CopyField id="callback_url" label="Callback URL" value=info.callback_url.clone()
                    help="Ensure that this value is configured for the app you registered with the OIDC Identity Provider."/>
            </Section>

    }
    .into_any();
    let user_mapping = view! {
            <Section title="User Mapping" description="How the identity provider's claims become the user's profile.">
                <div>
                    <label for="mapping_mode" class=LABEL>"Mapping mode"</label>
                    <select id="mapping_mode" name="mapping_mode" class=SELECT aria-describedby="mapping_mode-help">
                        {MappingMode::ALL.iter().map(|m| view! {
                            <option value=m.as_str() selected=*m == mapping>{match m {
                                MappingMode::BasicProfile => "Basic profile (standard claims)",
                                MappingMode::UseMap => "Use the mapping below",
                                MappingMode::BindAll => "Bind all claims",
                            }}</option>
                        }).collect_view()}
                    </select>
                    <Help for_id="mapping_mode">"Basic profile maps the standard OpenID Connect claims; the mapping below adds or overrides attributes."</Help>
                </div>
                <div>
                    <div class="flex items-center justify-between">
                        <label for="attributes" class=LABEL>"Attribute mapping (JSON)"</label>
                        <div class="flex gap-2" role="group" aria-label="Templates">
                            {TEMPLATES.iter().map(|(label, text)| view! {
                                <button type="button" class="rounded border border-gray-300 px-2 py-1 text-xs text-gray-700 hover:bg-gray-50"
                                    on:click=move |_| { attributes.set(text.to_string()); dirty.set(true); }>{*label}</button>
                            }).collect_view()}
                        </div>
                    </div>
                    <textarea id="attributes" name="attributes" rows="7" spellcheck="false" class=format!("{INPUT} font-mono text-xs")
                        aria-describedby="attributes-help" aria-invalid=move || attributes_problem.get().is_some().to_string()
                        prop:value=move || attributes.get() on:input=move |ev| attributes.set(event_target_value(&ev))>{attributes.get_untracked()}</textarea>
                    <FieldErrorText message=attributes_problem/>
                    <Help for_id="attributes">"Templates that map user attributes, e.g. \"name\": \"${context.tokenset.id_token_claims.name}\"."</Help>
                </div>
            </Section>

    }
    .into_any();
    let connection_profile = view! {
            <Section title="Connection Profile">
                <div>
                    <label for="pkce" class=LABEL>"PKCE"</label>
                    <select id="pkce" name="pkce" class=SELECT aria-describedby="pkce-help">
                        {Pkce::ALL.iter().map(|p| view! { <option value=p.as_str() selected=*p == pkce>{match p {
                            Pkce::Auto => "Auto (S256 when the provider supports it)",
                            Pkce::S256 => "S256",
                            Pkce::Plain => "plain",
                            Pkce::Disabled => "Disabled",
                        }}</option> }).collect_view()}
                    </select>
                    <FieldErrorText message=err("options.connection_settings.pkce")/>
                    <Help for_id="pkce">"Proof Key for Code Exchange towards the identity provider."</Help>
                </div>
            </Section>

    }
    .into_any();
    let revocation = view! {
            <Section title="Global Token Revocation">
                <CopyField id="revocation_url" label="Revocation endpoint" value=revocation
                    help="Give this URL to the identity provider (Okta: Universal Logout) to sign a user out everywhere: it POSTs the user as sub_id or subject with a JWT it signs, and Tessera ends their sessions and revokes their tokens. Each call is in Logs."/>
            </Section>

    }
    .into_any();
    let access = view! {
            <Section title="Access">
                <Checkbox id="domain_level" name="domain_level" label="Promote Connection to Domain Level" checked=c.is_domain_connection
                    help="Allows third-party applications to access the connection."/>
            </Section>
    }
    .into_any();
    view! {
        <FormAlert message=form_level_error(action, SHOWN_FIELDS)/>
        <ActionForm action=action attr:novalidate=true on:input=move |_| dirty.set(true) on:change=move |_| dirty.set(true)>
            <input type="hidden" name="id" value=c.id.clone()/>
            {general}
            {metadata}
            {authentication}
            {user_mapping}
            {connection_profile}
            {revocation}
            {access}
            <SaveBar dirty pending=action.pending()/>
        </ActionForm>
        {danger}
    }
}

#[component]
fn EndpointInput(name: &'static str, label: &'static str, value: String, editable: bool, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div>
            <label for=name class=LABEL>{label}</label>
            <input id=name name=editable.then_some(name) type="url" spellcheck="false" readonly=!editable class=format!("{INPUT} font-mono text-xs") value=value/>
            <FieldErrorText message=error/>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attribute_editor_accepts_objects_of_strings_only() {
        assert!(check_attributes_json("").is_ok());
        for (_, template) in TEMPLATES {
            assert!(check_attributes_json(template).is_ok());
        }
        assert!(check_attributes_json("[1, 2]").is_err());
        assert!(check_attributes_json("{\"a\": 1}").is_err());
        assert!(check_attributes_json("{").is_err());
    }

    #[test]
    fn an_upload_is_described_by_its_issuer() {
        assert_eq!(
            describe_upload("idp.json", r#"{"issuer":"https://idp.example"}"#).ok().as_deref(),
            Some("idp.json: issuer https://idp.example. Save Changes to replace the issuer details with it.")
        );
        assert!(describe_upload("x.json", "{}").is_err());
        assert!(describe_upload("x.json", "nope").is_err());
    }

    #[test]
    fn scopes_show_comma_separated() {
        assert_eq!(scopes_text("openid profile email"), "openid, profile, email");
    }
}
