//! "Configure manually" on an organization's page (WorkOS's words): pick the identity provider
//! (Okta OIDC or OpenID Connect), give the connection a descriptive name, copy the Redirect URI
//! into the provider, then paste its Client ID, Client secret and Discovery endpoint (checked
//! live) and Save Configuration.

use crate::api::connections::get_deployment_info;
use crate::api::organizations::ConfigureOrganizationConnection;
use crate::components::form::{field_error, CopyField, FieldErrorText, Help, INPUT, LABEL, PRIMARY_BUTTON, SECONDARY_BUTTON, SELECT};
use crate::components::icons::Spinner;
use crate::components::issuer_field::{watch_issuer, IssuerStatus, IssuerStatusMark};
use crate::components::toast::Toaster;
use crate::connections::options::Channel;
use crate::organizations::connection_name_from;
use leptos::prelude::*;

#[component]
pub fn ConfigureManually(org_id: String, org_name: String, reload: Callback<()>, open: RwSignal<bool>) -> impl IntoView {
    let info = Resource::new(|| (), |_| get_deployment_info());
    let action = ServerAction::<ConfigureOrganizationConnection>::new();
    let toaster = Toaster::get();
    let provider = RwSignal::new("okta".to_string());
    let display_name = RwSignal::new(String::new());
    let discovery = RwSignal::new(String::new());
    let issuer_status = RwSignal::new(IssuerStatus::Empty);
    watch_issuer(discovery.into(), Signal::derive(|| Channel::BackChannel), issuer_status, |typed| Ok(typed.to_string()));
    Effect::new(move |_| {
        if let Some(Ok(c)) = action.value().get() {
            toaster.success(format!("Connection {} created. Try it from its page, and enable it for applications on its Applications tab.", c.name));
            open.set(false);
            reload.run(());
        }
    });
    let callback = Signal::derive(move || info.get().and_then(Result::ok).map(|i| i.callback_url).unwrap_or_default());
    let org_id = StoredValue::new(org_id);
    let derived = Signal::derive(move || {
        let d = connection_name_from(&display_name.get());
        if d.is_empty() { format!("{org_name}-{}", provider.get()) } else { d }
    });
    let form_error = Signal::derive(move || match action.value().get() {
        Some(Err(e)) if e.field_message("display_name").is_none() && e.field_message("client_id").is_none()
            && e.field_message("client_secret").is_none() && e.field_message("discovery_endpoint").is_none() && e.field_message("provider").is_none() => Some(e.to_string()),
        _ => None,
    });
    let placeholder = move || match provider.get().as_str() {
        "okta" => "https://acme.okta.com/.well-known/openid-configuration",
        _ => "https://idp.example.com/.well-known/openid-configuration",
    };
    view! {
        <Show when=move || open.get()>
            <ActionForm action=action attr:class="mt-4 space-y-4 rounded-lg border border-gray-200 bg-gray-50 p-4" attr:aria-labelledby="configure-title">
                <h3 id="configure-title" class="text-sm font-semibold text-gray-900">"Configure manually"</h3>
                <input type="hidden" name="id" value=org_id.get_value()/>
                <div>
                    <label for="manual_provider" class=LABEL>"Identity provider"</label>
                    <select id="manual_provider" name="provider" class=SELECT on:change=move |ev| provider.set(event_target_value(&ev))>
                        <option value="okta" selected=true>"Okta OIDC"</option>
                        <option value="oidc">"OpenID Connect"</option>
                    </select>
                    <FieldErrorText message=field_error(action, "provider")/>
                </div>
                <div>
                    <label for="manual_display_name" class=LABEL>"Name"</label>
                    <input id="manual_display_name" name="display_name" type="text" class=INPUT maxlength="128" aria-describedby="manual_display_name-help"
                        placeholder="Acme Okta" on:input=move |ev| display_name.set(event_target_value(&ev))/>
                    <FieldErrorText message=field_error(action, "display_name")/>
                    <Help for_id="manual_display_name">"A descriptive name, shown on the login button. Connection name: " <code class="font-mono">{derived}</code></Help>
                </div>
                <CopyField id="manual_redirect_uri" label="Redirect URI" value=callback
                    help="Paste it into the Sign-in redirect URIs of the Okta app integration (or your provider's redirect URIs)."/>
                <div>
                    <label for="manual_client_id" class=LABEL>"Client ID"</label>
                    <input id="manual_client_id" name="client_id" type="text" spellcheck="false" autocomplete="off" class=INPUT/>
                    <FieldErrorText message=field_error(action, "client_id")/>
                </div>
                <div>
                    <label for="manual_client_secret" class=LABEL>"Client secret"</label>
                    <input id="manual_client_secret" name="client_secret" type="password" autocomplete="new-password" class=INPUT aria-describedby="manual_client_secret-help"/>
                    <FieldErrorText message=field_error(action, "client_secret")/>
                    <Help for_id="manual_client_secret">"Stored encrypted; never shown again."</Help>
                </div>
                <div>
                    <label for="manual_discovery_endpoint" class=LABEL>"Discovery endpoint"</label>
                    <input id="manual_discovery_endpoint" name="discovery_endpoint" type="url" spellcheck="false" class=INPUT placeholder=placeholder
                        aria-describedby="manual_discovery_endpoint-status" on:input=move |ev| discovery.set(event_target_value(&ev))/>
                    <IssuerStatusMark status=issuer_status id="manual_discovery_endpoint-status"/>
                    <FieldErrorText message=field_error(action, "discovery_endpoint")/>
                </div>
                <FieldErrorText message=form_error/>
                <div class="flex items-center gap-3">
                    <button type="submit" class=PRIMARY_BUTTON disabled=move || action.pending().get()>
                        <Show when=move || action.pending().get()><Spinner class="mr-2 h-4 w-4"/></Show>
                        "Save Configuration"
                    </button>
                    <button type="button" class=SECONDARY_BUTTON on:click=move |_| open.set(false)>"Cancel"</button>
                </div>
            </ActionForm>
        </Show>
    }
}
