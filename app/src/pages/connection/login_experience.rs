//! Login Experience tab: home realm discovery domains and the login button, with a live preview
//! of the button exactly as the login page will draw it.

use super::{with_connection, CurrentConnection};
use crate::api::connections::SaveLoginExperience;
use crate::components::form::*;
use crate::components::save_bar::{form_level_error, on_saved, SaveBar};
use crate::connections::validate::normalize_domain;
use leptos::prelude::*;

/// Adds a typed domain to the list: normalized, or the rule it breaks.
pub fn add_domain(list: &[String], typed: &str) -> Result<Vec<String>, String> {
    let domain = normalize_domain(typed).map_err(|m| if m == "is required" { "Type a domain such as example.com.".into() } else { format!("{m}.") })?;
    if list.contains(&domain) {
        return Err(format!("{domain} is already in the list."));
    }
    let mut out = list.to_vec();
    out.push(domain);
    Ok(out)
}

#[component]
pub fn LoginExperienceTab() -> impl IntoView {
    with_connection(|c, _| {
        let action = ServerAction::<SaveLoginExperience>::new();
        let dirty = RwSignal::new(false);
        on_saved(action, dirty, CurrentConnection::get().map(|x| x.connection));
        let domains = RwSignal::new(c.options.domain_aliases.clone());
        let typed = RwSignal::new(String::new());
        let typed_error = RwSignal::new(None::<String>);
        let display_name = RwSignal::new(c.display_name.clone().unwrap_or_default());
        let icon_url = RwSignal::new(c.options.icon_url.clone().unwrap_or_default());
        let shown = RwSignal::new(c.show_as_button);
        let name = c.name.clone();
        let add = move || match add_domain(&domains.get_untracked(), &typed.get_untracked()) {
            Ok(list) => {
                domains.set(list);
                typed.set(String::new());
                typed_error.set(None);
                dirty.set(true);
            }
            Err(m) => typed_error.set(Some(m)),
        };
        let server_domain_error = move || match action.value().get() {
            Some(Err(e)) => e.field_message("options.domain_aliases"),
            _ => None,
        };
        let icon_error = move || match action.value().get() {
            Some(Err(e)) => e.field_message("options.icon_url"),
            _ => None,
        };
        view! {
            <FormAlert message=form_level_error(action, &["options.domain_aliases", "options.icon_url"])/>
            <ActionForm action=action on:input=move |_| dirty.set(true) on:change=move |_| dirty.set(true)>
                <input type="hidden" name="id" value=c.id.clone()/>
                <input type="hidden" name="domain_aliases" value=move || domains.get().join("\n") prop:value=move || domains.get().join("\n")/>
                <Section title="Home Realm Discovery" description="Compares a user's email domain with the provided identity provider domains.">
                    <div>
                        <label for="new_domain" class=LABEL>"Identity provider domains"</label>
                        <div class="mt-1 flex gap-2">
                            <input id="new_domain" type="text" autocomplete="off" spellcheck="false" placeholder="example.com" class=format!("{INPUT} mt-0")
                                aria-describedby="new_domain-help"
                                prop:value=move || typed.get()
                                on:input=move |ev| { ev.stop_propagation(); typed.set(event_target_value(&ev)); typed_error.set(None); }
                                on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); add(); }/>
                            <button type="button" class=SECONDARY_BUTTON on:click=move |_| add()>"Add"</button>
                        </div>
                        <FieldErrorText message=Signal::derive(move || typed_error.get().or_else(server_domain_error))/>
                        <Help for_id="new_domain">"Users whose email ends in one of these domains are sent to this connection. A domain can belong to one connection only."</Help>
                        <ul class="mt-3 flex flex-wrap gap-2" aria-label="Home realm discovery domains">
                            <For each=move || domains.get() key=|d| d.clone() let:domain>
                                <li class="inline-flex items-center gap-1 rounded-full bg-gray-100 py-1 pl-3 pr-1 text-sm text-gray-800">
                                    {domain.clone()}
                                    <button type="button" class="rounded-full p-1 text-gray-500 hover:bg-gray-200 hover:text-gray-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
                                        aria-label=format!("Remove {domain}")
                                        on:click={
                                            let domain = domain.clone();
                                            move |_| { domains.update(|l| l.retain(|d| *d != domain)); dirty.set(true); }
                                        }>"×"</button>
                                </li>
                            </For>
                        </ul>
                        <Show when=move || domains.get().is_empty()>
                            <p class="mt-2 text-sm text-gray-500">"No domains yet."</p>
                        </Show>
                    </div>
                </Section>
                <Section title="Login button" description="How the connection appears on the login page.">
                    <Checkbox id="show_as_button" name="show_as_button" label="Display connection button" checked=c.show_as_button
                        on_change=Callback::new(move |v| shown.set(v))
                        help="Shows a button for this connection on the login page. Without it, users reach the connection through home realm discovery."/>
                    <div>
                        <label for="display_name" class=LABEL>"Button display name"</label>
                        <input id="display_name" name="display_name" type="text" maxlength="128" class=INPUT aria-describedby="display_name-help"
                            value=display_name.get_untracked() prop:value=move || display_name.get() on:input=move |ev| display_name.set(event_target_value(&ev))/>
                        <Help for_id="display_name">"When set the button reads: 'Continue with {Button display name}'."</Help>
                    </div>
                    <div>
                        <label for="icon_url" class=LABEL>"Button logo URL"</label>
                        <input id="icon_url" name="icon_url" type="url" class=INPUT aria-describedby="icon_url-help" placeholder="https://cdn.example.com/logo.png"
                            value=icon_url.get_untracked() prop:value=move || icon_url.get() on:input=move |ev| icon_url.set(event_target_value(&ev))/>
                        <FieldErrorText message=Signal::derive(icon_error)/>
                        <Help for_id="icon_url">"Displays the image as a 20px by 20px square."</Help>
                    </div>
                    <div>
                        <p class=LABEL>"Preview"</p>
                        <div class="mt-2 rounded-lg border border-gray-200 bg-gray-50 p-6">
                            <div class="mx-auto max-w-xs" data-testid="button-preview">
                                <Show when=move || shown.get() fallback=|| view! { <p class="text-center text-sm text-gray-500">"The button is hidden."</p> }>
                                    <LoginButton label=Signal::derive({ let name = name.clone(); move || crate::text::button_label(&display_name.get(), &name) }) icon=Signal::derive(move || icon_url.get())/>
                                </Show>
                            </div>
                        </div>
                    </div>
                </Section>
                <SaveBar dirty pending=action.pending()/>
            </ActionForm>
        }
    })
}

/// The login page's connection button, as the preview draws it (the logo through Tessera).
#[component]
pub fn LoginButton(#[prop(into)] label: Signal<String>, #[prop(into)] icon: Signal<String>) -> impl IntoView {
    view! {
        <span class="flex w-full items-center justify-center gap-3 rounded-md border border-gray-300 bg-white px-4 py-2.5 text-sm font-medium text-gray-800 shadow-sm">
            <Show when=move || !icon.get().trim().is_empty()>
                // Through Tessera: the dashboard's policy loads images from Tessera only.
                <img src=move || format!("/connections/logo-preview?url={}", crate::text::encode_query_value(icon.get().trim())) alt="" width="20" height="20" class="h-5 w-5 object-contain" data-testid="logo-preview"/>
            </Show>
            <span>{move || label.get()}</span>
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_button_reads_continue_with_the_display_name_or_the_name() {
        assert_eq!(crate::text::button_label("Acme SSO", "acme"), "Continue with Acme SSO");
        assert_eq!(crate::text::button_label("  ", "acme"), "Continue with acme");
    }

    #[test]
    fn domains_are_added_normalized_once_each() {
        let list = add_domain(&[], "Example.COM").unwrap_or_default();
        assert_eq!(list, vec!["example.com"]);
        assert_eq!(add_domain(&list, "example.com").err().as_deref(), Some("example.com is already in the list."));
        assert!(add_domain(&list, "not a domain").is_err());
        assert_eq!(add_domain(&list, "").err().as_deref(), Some("Type a domain such as example.com."));
    }
}
