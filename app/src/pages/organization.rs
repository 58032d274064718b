//! One organization: its settings, the connections it owns, its email domains (added verified,
//! or verified by a DNS TXT record), its setup links ("Invite IT admin") and the Danger zone.

use crate::api::organizations::{
    load_organization, AddOrganizationDomain, CreateSetupLink, DeleteOrganization, DisableOrganizationConnection, DomainCheck,
    EnableOrganizationConnection, OrganizationDetails, RemoveOrganizationDomain, RevokeSetupLink, SaveOrganization, VerifyOrganizationDomain,
};
use crate::components::form::{field_error, CopyButton, CopyField, FieldErrorText, Help, Section, DANGER_BUTTON, ERROR, INPUT, LABEL, PRIMARY_BUTTON, SECONDARY_BUTTON, SELECT};
use crate::components::icons::{CheckCircle, Spinner, XCircle};
use crate::components::layout::PageHeader;
use crate::components::toast::Toaster;
use crate::pages::organization_manual::ConfigureManually;
use crate::organizations::{DomainStatus, OrganizationDomain, SetupLink, SetupLinkStatus, SETUP_LINK_DAYS, SETUP_LINK_DEFAULT_DAYS};
use crate::text::format_utc as when;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

#[component]
pub fn OrganizationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let details = Resource::new(id, load_organization);
    let reload = Callback::new(move |_| details.refetch());
    // Kept above the reloaded page, so the link shown once survives the reload that lists it.
    // The link just made (and what became of its email), kept across the reload that follows.
    let new_link = RwSignal::new(None::<ShownLink>);
    view! {
        <Transition fallback=|| view! { <div class="h-64 animate-pulse rounded-xl bg-gray-100" aria-busy="true"></div> }>
            {move || details.get().map(|r| match r {
                Ok(d) => view! { <Organization details=d reload=reload new_link=new_link/> }.into_any(),
                Err(e) => view! { <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">{e.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Organization(details: OrganizationDetails, reload: Callback<()>, new_link: RwSignal<Option<ShownLink>>) -> impl IntoView {
    let org = StoredValue::new(details.organization.clone());
    let label = details.organization.label().to_string();
    let id = details.organization.id.clone();
    view! {
        <Title text=label.clone()/>
        <nav class="mb-2 text-sm"><A href="/organizations" attr:class="text-indigo-600 hover:text-indigo-500">"← Organizations"</A></nav>
        <PageHeader title=label description=format!("Organization {} · its connections, email domains and setup links.", details.organization.name)>
            <div class="flex items-center gap-2 text-xs text-gray-500">
                <code class="rounded bg-gray-100 px-2 py-1 font-mono">{org.get_value().id}</code>
                <CopyButton text=Signal::derive(move || org.get_value().id) label="Copy organization ID"/>
            </div>
        </PageHeader>
        <div class="rounded-xl border border-gray-200 bg-white px-6 py-8 shadow-sm">
            <SettingsSection details=details.clone() reload=reload/>
            <SetupLinksSection details=details.clone() reload=reload new_link=new_link/>
            <ConnectionsSection details=details.clone() reload=reload/>
            <DomainsSection details=details.clone() reload=reload/>
        </div>
        <OrganizationDanger id=id name=details.organization.name.clone()/>
    }
}

#[component]
fn SettingsSection(details: OrganizationDetails, reload: Callback<()>) -> impl IntoView {
    let save = ServerAction::<SaveOrganization>::new();
    let toaster = Toaster::get();
    Effect::new(move |_| {
        if let Some(Ok(o)) = save.value().get() {
            toaster.success(format!("Organization {} saved", o.label()));
            reload.run(());
        }
    });
    let org = details.organization;
    view! {
        <Section title="Settings" description="The display name is what the organization's IT admin and users see.">
            <ActionForm action=save attr:class="space-y-4">
                <input type="hidden" name="id" value=org.id.clone()/>
                <div>
                    <label for="org_name_ro" class=LABEL>"Name"</label>
                    <input id="org_name_ro" type="text" readonly class=format!("{INPUT} bg-gray-50 text-gray-500") value=org.name.clone()/>
                </div>
                <div>
                    <label for="org_display_name" class=LABEL>"Display Name"</label>
                    <input id="org_display_name" name="display_name" type="text" maxlength="255" class=INPUT value=org.display_name.clone()/>
                    <FieldErrorText message=field_error(save, "display_name")/>
                </div>
                <button type="submit" class=PRIMARY_BUTTON disabled=move || save.pending().get()>{move || if save.pending().get() { "Saving…" } else { "Save Changes" }}</button>
            </ActionForm>
        </Section>
    }
}

/// A setup link shown once: its URL, and whether its email went out (`true`) with the sentence.
type ShownLink = (String, Option<(bool, String)>);

#[component]
fn SetupLinksSection(details: OrganizationDetails, reload: Callback<()>, new_link: RwSignal<Option<ShownLink>>) -> impl IntoView {
    let create = ServerAction::<CreateSetupLink>::new();
    let revoke = ServerAction::<RevokeSetupLink>::new();
    let toaster = Toaster::get();
    let open = RwSignal::new(false);
    let org_id = StoredValue::new(details.organization.id.clone());
    let days = RwSignal::new(SETUP_LINK_DEFAULT_DAYS);
    let chosen = RwSignal::new(Vec::<String>::new());
    let email = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(created)) = create.value().get() {
            let note = match (&created.emailed_to, &created.email_error) {
                (Some(to), _) => {
                    toaster.success(format!("Setup link sent to {to}"));
                    Some((true, format!("Sent by email to {to}.")))
                }
                (None, Some(reason)) => {
                    toaster.error(format!("The setup link was created but not emailed: {reason}"));
                    Some((false, format!("Not emailed: {reason}. Copy the link and send it yourself.")))
                }
                (None, None) => {
                    toaster.success("Setup link created: copy it now");
                    None
                }
            };
            new_link.set(Some((created.url, note)));
            email.set(String::new());
            reload.run(());
        }
    });
    let email_invitations = details.email_invitations;
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(_)) => {
            toaster.success("Setup link revoked");
            reload.run(());
        }
        Some(Err(e)) => toaster.error(e.to_string()),
        None => {}
    });
    let apps = StoredValue::new(details.applications.clone());
    let links = details.setup_links.clone();
    let created_url = Signal::derive(move || new_link.get().map(|(url, _)| url));
    let email_note = Signal::derive(move || new_link.get().and_then(|(_, note)| note));
    let create_error = Signal::derive(move || create.value().get().and_then(|r| r.err()).map(|e| e.to_string()));
    view! {
        <Section title="Setup links" description="Invite the organization's IT admin to set up their own connection. A link works once, in one browser, until it expires.">
            <div class="flex justify-end">
                <button type="button" class=PRIMARY_BUTTON on:click=move |_| open.update(|o| *o = !*o) aria-expanded=move || open.get().to_string()>"Invite IT admin"</button>
            </div>
            <Show when=move || open.get()>
                <div class="rounded-lg border border-gray-200 bg-gray-50 p-4" role="group" aria-labelledby="invite-title">
                    <h3 id="invite-title" class="text-sm font-semibold text-gray-900">"Invite IT admin"</h3>
                    <div class="mt-3">
                        <label for="link_days" class=LABEL>"Link expires after"</label>
                        <select id="link_days" class=SELECT on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(SETUP_LINK_DEFAULT_DAYS))>
                            {SETUP_LINK_DAYS.iter().map(|d| view! { <option value=d.to_string() selected=*d == SETUP_LINK_DEFAULT_DAYS>{format!("{d} day{}", if *d == 1 { "" } else { "s" })}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="mt-3">
                        <label for="link_email" class=LABEL>"IT admin's email (optional)"</label>
                        {if email_invitations {
                            view! {
                                <input id="link_email" name="email" type="email" autocomplete="off" class=INPUT placeholder="it-admin@customer.com"
                                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                                <p class="mt-1 text-xs text-gray-500">"Tessera emails the link with the organization's name, your name and when it expires. It is also shown here once."</p>
                            }.into_any()
                        } else {
                            view! {
                                <input id="link_email" type="email" class=INPUT disabled=true placeholder="Email is not configured"/>
                                <p class="mt-1 text-xs text-gray-500">"To send links by email, start Tessera with TESSERA_SMTP_URL. Until then, copy the link and send it yourself."</p>
                            }.into_any()
                        }}
                    </div>
                    <fieldset class="mt-4">
                        <legend class=LABEL>"Enable the new connection for"</legend>
                        {move || if apps.get_value().is_empty() {
                            view! { <p class="mt-1 text-sm text-gray-500">"No applications yet: the connection will be enabled for none. Enable it later on its Applications tab."</p> }.into_any()
                        } else {
                            apps.get_value().into_iter().map(|(client_id, name)| {
                                let cid = StoredValue::new(client_id.clone());
                                let input_id = format!("link-app-{client_id}");
                                view! {
                                    <div class="mt-2 flex items-center gap-2">
                                        <input id=input_id.clone() type="checkbox" class="h-4 w-4 rounded border-gray-300 text-indigo-600"
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                chosen.update(|c| { c.retain(|x| *x != cid.get_value()); if on { c.push(cid.get_value()); } });
                                            }/>
                                        <label for=input_id class="text-sm text-gray-800">{name}</label>
                                    </div>
                                }
                            }).collect_view().into_any()
                        }}
                    </fieldset>
                    <button type="button" class=format!("{PRIMARY_BUTTON} mt-4") disabled=move || create.pending().get()
                        on:click=move |_| { create.dispatch(CreateSetupLink {
                            id: org_id.get_value(),
                            expires_in_days: days.get_untracked(),
                            client_ids: Some(chosen.get_untracked()),
                            email: Some(email.get_untracked()).filter(|e| !e.trim().is_empty()),
                        }); }>
                        {move || match (create.pending().get(), email.with(|e| e.trim().is_empty())) {
                            (true, true) => view! { <Spinner class="h-4 w-4"/> "Creating…" }.into_any(),
                            (true, false) => view! { <Spinner class="h-4 w-4"/> "Sending…" }.into_any(),
                            (false, true) => "Create setup link".into_any(),
                            (false, false) => "Create and send setup link".into_any(),
                        }}
                    </button>
                    <Show when=move || create_error.get().is_some()><p class=ERROR role="alert">{move || create_error.get()}</p></Show>
                </div>
            </Show>
            <Show when=move || created_url.get().is_some()>
                <div class="rounded-md border border-green-200 bg-green-50/40 p-4">
                    <CopyField id="setup_link_url" label="Setup link" value=Signal::derive(move || created_url.get().unwrap_or_default())/>
                    {move || email_note.get().map(|(ok, text)| view! {
                        <p class=if ok { "mt-2 text-sm text-green-700" } else { "mt-2 text-sm text-red-700" } data-testid="email-note">{text}</p>
                    })}
                    <p class="mt-2 text-xs text-gray-600">"Send this link to the organization's IT admin. It is shown only now: Tessera keeps only a fingerprint of it."</p>
                </div>
            </Show>
            {if links.is_empty() {
                view! { <p class="text-sm text-gray-500">"No setup links yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="divide-y divide-gray-100 rounded-lg border border-gray-200" aria-label="Setup links">
                        {links.into_iter().map(|l| view! { <LinkRow link=l org_id=org_id.get_value() revoke=revoke/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </Section>
    }
}

fn status_badge(status: SetupLinkStatus) -> AnyView {
    let class = match status {
        SetupLinkStatus::Completed => "bg-green-50 text-green-700 ring-green-600/20",
        SetupLinkStatus::Sent | SetupLinkStatus::Opened => "bg-indigo-50 text-indigo-700 ring-indigo-600/20",
        SetupLinkStatus::Expired | SetupLinkStatus::Revoked => "bg-gray-100 text-gray-600 ring-gray-500/20",
    };
    view! { <span class=format!("inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset {class}")>{status.label()}</span> }.into_any()
}

#[component]
fn LinkRow(link: SetupLink, org_id: String, revoke: ServerAction<RevokeSetupLink>) -> impl IntoView {
    let live = link.status.is_live();
    let (lid, oid) = (StoredValue::new(link.id.clone()), StoredValue::new(org_id));
    view! {
        <li class="flex flex-wrap items-center justify-between gap-3 px-4 py-3" data-testid="setup-link">
            <div class="text-sm">
                <div class="flex items-center gap-2">{status_badge(link.status)}<code class="text-xs text-gray-500">{link.id.clone()}</code></div>
                <div class="mt-1 text-xs text-gray-500">{format!("Created {} by {} · expires {}", when(link.created_at), link.created_by, when(link.expires_at))}</div>
            </div>
            {live.then(|| view! {
                <button type="button" class=SECONDARY_BUTTON aria-label=format!("Revoke {}", link.id) disabled=move || revoke.pending().get()
                    on:click=move |_| { revoke.dispatch(RevokeSetupLink { id: oid.get_value(), link_id: lid.get_value() }); }>"Revoke"</button>
            })}
        </li>
    }
}

#[component]
fn ConnectionsSection(details: OrganizationDetails, reload: Callback<()>) -> impl IntoView {
    let enable = ServerAction::<EnableOrganizationConnection>::new();
    let disable = ServerAction::<DisableOrganizationConnection>::new();
    let toaster = Toaster::get();
    Effect::new(move |_| match enable.value().get() {
        Some(Ok(c)) => {
            toaster.success(format!("Connection {} added", c.connection.name));
            reload.run(());
        }
        Some(Err(e)) => toaster.error(e.to_string()),
        None => {}
    });
    Effect::new(move |_| match disable.value().get() {
        Some(Ok(_)) => {
            toaster.success("Connection removed from the organization");
            reload.run(());
        }
        Some(Err(e)) => toaster.error(e.to_string()),
        None => {}
    });
    let org_id = StoredValue::new(details.organization.id.clone());
    let unowned = details.unowned_connections.clone();
    let configuring = RwSignal::new(false);
    view! {
        <Section title="Connections" description="The connections this organization owns. Its users sign in through them; a connection belongs to one organization.">
            <div class="flex justify-end">
                <button type="button" class=SECONDARY_BUTTON on:click=move |_| configuring.update(|o| *o = !*o) aria-expanded=move || configuring.get().to_string()>"Configure manually"</button>
            </div>
            <ConfigureManually org_id=org_id.get_value() org_name=details.organization.name.clone() reload=reload open=configuring/>
            {if details.connections.is_empty() {
                view! { <p class="text-sm text-gray-500">"No connection yet. Invite the organization's IT admin to set one up, configure one manually, or add an existing connection."</p> }.into_any()
            } else {
                view! {
                    <ul class="divide-y divide-gray-100 rounded-lg border border-gray-200" aria-label="Organization connections">
                        {details.connections.into_iter().map(|c| {
                            let cid = StoredValue::new(c.connection_id.clone());
                            let (name, remove_label) = (c.connection.name.clone(), format!("Remove {}", c.connection.name));
                            view! {
                                <li class="flex items-center justify-between gap-3 px-4 py-3">
                                    <div>
                                        <A href=format!("/connections/enterprise/{}", c.connection_id) attr:class="text-sm font-medium text-indigo-600 hover:text-indigo-500">{name}</A>
                                        <div class="text-xs text-gray-500">{c.connection.strategy.clone()}</div>
                                    </div>
                                    <button type="button" class=SECONDARY_BUTTON aria-label=remove_label
                                        on:click=move |_| { disable.dispatch(DisableOrganizationConnection { id: org_id.get_value(), connection_id: cid.get_value() }); }>"Remove"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!unowned.is_empty()).then(|| view! {
                <ActionForm action=enable attr:class="flex items-end gap-3">
                    <input type="hidden" name="id" value=org_id.get_value()/>
                    <div class="flex-1">
                        <label for="add_connection" class=LABEL>"Add an existing connection"</label>
                        <select id="add_connection" name="connection_id" class=SELECT>
                            {unowned.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class=SECONDARY_BUTTON disabled=move || enable.pending().get()>"Add"</button>
                </ActionForm>
            })}
        </Section>
    }
}

#[component]
fn DomainsSection(details: OrganizationDetails, reload: Callback<()>) -> impl IntoView {
    let add = ServerAction::<AddOrganizationDomain>::new();
    let toaster = Toaster::get();
    let typed = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(d)) = add.value().get() {
            typed.set(String::new());
            let what = if d.status == DomainStatus::Verified { "added" } else { "added: publish its TXT record, then Verify" };
            toaster.success(format!("Domain {} {what}", d.domain));
            reload.run(());
        }
    });
    let org_id = StoredValue::new(details.organization.id.clone());
    view! {
        <Section title="Domains" description="Users whose email is at a verified domain go straight to this organization's connection on the login page. Each domain belongs to one organization.">
            {if details.domains.is_empty() {
                view! { <p class="text-sm text-gray-500">"No domains yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="divide-y divide-gray-100 rounded-lg border border-gray-200" aria-label="Domains">
                        {details.domains.into_iter().map(|d| view! { <DomainRow domain=d org_id=org_id.get_value() reload=reload/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <ActionForm action=add attr:class="space-y-3">
                <input type="hidden" name="id" value=org_id.get_value()/>
                <div class="flex items-end gap-3">
                    <div class="flex-1">
                        <label for="new_domain" class=LABEL>"Add domain"</label>
                        <input id="new_domain" name="domain" type="text" class=INPUT placeholder="acme.com" required
                            prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
                    </div>
                    <button type="submit" class=SECONDARY_BUTTON disabled=move || add.pending().get()>"Add"</button>
                </div>
                <FieldErrorText message=field_error(add, "domain")/>
                <div class="flex items-start gap-2">
                    <input id="verify_with_dns" name="verify_with_dns" type="checkbox" value="true" class="mt-0.5 h-4 w-4 rounded border-gray-300 text-indigo-600"/>
                    <div>
                        <label for="verify_with_dns" class="text-sm text-gray-800">"Verify with a DNS TXT record"</label>
                        <Help for_id="verify_with_dns">"Leave unchecked when you know the organization owns the domain. Checked, it stays pending until the organization publishes the TXT record Tessera shows."</Help>
                    </div>
                </div>
            </ActionForm>
        </Section>
    }
}

#[component]
fn DomainRow(domain: OrganizationDomain, org_id: String, reload: Callback<()>) -> impl IntoView {
    let verify = ServerAction::<VerifyOrganizationDomain>::new();
    let remove = ServerAction::<RemoveOrganizationDomain>::new();
    let toaster = Toaster::get();
    let name = domain.domain.clone();
    Effect::new(move |_| {
        if let Some(Ok(DomainCheck::Verified(d))) = verify.value().get() {
            toaster.success(format!("Domain {} verified", d.domain));
            reload.run(());
        }
    });
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(_)) => {
            toaster.success("Domain removed");
            reload.run(());
        }
        Some(Err(e)) => toaster.error(e.to_string()),
        None => {}
    });
    let (did, oid) = (StoredValue::new(domain.id.clone()), StoredValue::new(org_id));
    let pending = domain.status == DomainStatus::Pending;
    let outcome = move || match verify.value().get() {
        Some(Ok(DomainCheck::NotYet(reason))) => Some(reason),
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    let (host, txt) = (domain.verification_host.clone(), domain.verification_txt.clone());
    view! {
        <li class="px-4 py-3" data-testid="domain">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div class="flex items-center gap-2 text-sm font-medium text-gray-900">
                    {name.clone()}
                    {if pending {
                        view! { <span class="inline-flex items-center gap-1 rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-inset ring-amber-600/20">"Pending verification"</span> }.into_any()
                    } else {
                        view! { <span class="inline-flex items-center gap-1 rounded-full bg-green-50 px-2 py-0.5 text-xs font-medium text-green-700 ring-1 ring-inset ring-green-600/20"><CheckCircle class="h-3.5 w-3.5"/>"Verified"</span> }.into_any()
                    }}
                </div>
                <div class="flex gap-2">
                    {pending.then(|| view! {
                        <button type="button" class=PRIMARY_BUTTON disabled=move || verify.pending().get()
                            on:click=move |_| { verify.dispatch(VerifyOrganizationDomain { id: oid.get_value(), domain_id: did.get_value() }); }>
                            {move || if verify.pending().get() { view! { <Spinner class="h-4 w-4"/> "Checking DNS…" }.into_any() } else { "Verify".into_any() }}
                        </button>
                    })}
                    <button type="button" class=SECONDARY_BUTTON aria-label=format!("Remove {name}")
                        on:click=move |_| { remove.dispatch(RemoveOrganizationDomain { id: oid.get_value(), domain_id: did.get_value() }); }>"Remove"</button>
                </div>
            </div>
            {pending.then(|| view! {
                <div class="mt-3 space-y-2 rounded-md bg-gray-50 p-3 text-xs text-gray-700">
                    <p>"Publish this TXT record in the domain's DNS, then Verify:"</p>
                    <div class="grid grid-cols-[auto_1fr] items-center gap-x-3 gap-y-1">
                        <span class="font-medium">"Name"</span><code class="break-all font-mono">{host}</code>
                        <span class="font-medium">"Value"</span>
                        <span class="flex items-center gap-2"><code class="break-all font-mono">{txt.clone()}</code><CopyButton text=Signal::derive(move || txt.clone()) label="Copy TXT value"/></span>
                    </div>
                </div>
            })}
            <Show when=move || outcome().is_some()>
                <p class="mt-2 flex items-start gap-2 text-sm text-red-700" role="alert"><XCircle class="h-5 w-5 shrink-0"/>{outcome}</p>
            </Show>
        </li>
    }
}

#[component]
fn OrganizationDanger(id: String, name: String) -> impl IntoView {
    let delete = ServerAction::<DeleteOrganization>::new();
    let toaster = Toaster::get();
    let typed = RwSignal::new(String::new());
    let expected = StoredValue::new(name.clone());
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            toaster.success(format!("Organization {} deleted", expected.get_value()));
            use_navigate()("/organizations", Default::default());
        }
    });
    let error = move || delete.value().get().and_then(|r| r.err()).map(|e| e.field_message("confirm_name").unwrap_or_else(|| e.to_string()));
    view! {
        <crate::components::danger::DangerZone title_id="org-danger-title" description="Deleting the organization removes its domains and setup links. Its connections stay, owned by no organization.">
            <ActionForm action=delete attr:class="mt-4 flex flex-wrap items-end gap-3">
                <input type="hidden" name="id" value=id/>
                <div>
                    <label for="confirm_org_name" class="block text-sm text-gray-700">{format!("Type {name} to confirm.")}</label>
                    <input id="confirm_org_name" name="confirm_name" type="text" autocomplete="off" class=INPUT on:input=move |ev| typed.set(event_target_value(&ev))/>
                </div>
                <button type="submit" class=DANGER_BUTTON disabled=move || typed.get().trim() != expected.get_value() || delete.pending().get()>"Delete organization"</button>
            </ActionForm>
            <Show when=move || error().is_some()><p class=ERROR role="alert">{error}</p></Show>
        </crate::components::danger::DangerZone>
    }
}
