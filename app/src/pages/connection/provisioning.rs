//! Provisioning tab: profile sync at login, Sync Frequency, and SCIM (the switch here; the
//! endpoint and its tokens in `scim`).

use super::roles::GroupRoles;
use super::scim::{ScimOff, ScimSetup};
use super::{with_connection, CurrentConnection};
use crate::api::connections::SaveConnectionProvisioning;
use crate::components::form::*;
use crate::components::save_bar::{form_level_error, on_saved, SaveBar};
use crate::connections::options::{SetUserRootAttributes, SyncFrequency};
use leptos::prelude::*;

#[component]
pub fn ProvisioningTab() -> impl IntoView {
    with_connection(|c, _| {
        let action = ServerAction::<SaveConnectionProvisioning>::new();
        let dirty = RwSignal::new(false);
        on_saved(action, dirty, CurrentConnection::get().map(|x| x.connection));
        let o = c.options.clone();
        let frequency = o.sync_frequency;
        let scim_connection = c.id.clone();
        let roles_connection = c.id.clone();
        view! {
            <FormAlert message=form_level_error(action, &[])/>
            <ActionForm action=action on:input=move |_| dirty.set(true) on:change=move |_| dirty.set(true)>
                <input type="hidden" name="id" value=c.id.clone()/>
                <Section title="Profile sync" description="What Tessera copies from the identity provider into the user's profile.">
                    <Checkbox id="sync_attributes" name="sync_attributes" label="Sync user profile attributes at each login"
                        checked=o.set_user_root_attributes == SetUserRootAttributes::OnEachLogin
                        help="Updates the user's email, name and mapped attributes from the identity provider at each login. Unchecked, the first login sets them and a later login refreshes them once per Sync Frequency."/>
                    <div>
                        <label for="sync_frequency" class=LABEL>"Sync Frequency"</label>
                        <select id="sync_frequency" name="sync_frequency" class=SELECT aria-describedby="sync_frequency-help">
                            {SyncFrequency::ALL.iter().map(|f| view! {
                                <option value=f.as_str() selected=*f == frequency>{match f {
                                    SyncFrequency::Hourly => "Every hour",
                                    SyncFrequency::Daily => "Every day",
                                    SyncFrequency::Weekly => "Every week",
                                }}</option>
                            }).collect_view()}
                        </select>
                        <Help for_id="sync_frequency">"How often the user profile should update. With the box above unticked, a login refreshes the profile from the identity provider once the last refresh is older than this. Either way, attributes SCIM wrote stand this long before a login replaces them."</Help>
                    </div>
                </Section>
                <Section title="SCIM" description="Let the identity provider create, update and deactivate users in Tessera.">
                    <Checkbox id="scim_enabled" name="scim_enabled" label="Sync user profiles using SCIM" checked=o.scim_enabled
                        help="The identity provider creates, updates and deactivates this connection's users and groups in Tessera. A deactivated user's sessions end at once and they cannot sign in."/>
                    {(!o.scim_enabled).then(|| view! { <ScimOff/> })}
                </Section>
                <SaveBar dirty pending=action.pending()/>
            </ActionForm>
            {o.scim_enabled.then(|| view! { <ScimSetup connection_id=scim_connection/> })}
            <GroupRoles connection_id=roles_connection/>
        }
    })
}
