//! The screens a setup link opens for an organization's IT admin, who has no Tessera account:
//! the seed's steps, one screen each, in its words. Pick the identity provider → the Sign-in
//! redirect URI to paste → Client ID, Client secret and Discovery endpoint (or Okta domain) with
//! the dashboard's live issuer check → "Test sign-in" with their own account → done. Each server
//! function checks the link and the browser that opened it.

use crate::api::setup::{load_setup, setup_add_domain, setup_finish, setup_save, setup_verify_domain};
use crate::components::form::{CopyButton, CopyField, Help, INPUT, LABEL, PRIMARY_BUTTON, SECONDARY_BUTTON};
use crate::components::icons::{CheckCircle, Spinner, TesseraMark, XCircle};
use crate::components::issuer_field::{watch_issuer_as, IssuerStatus, IssuerStatusMark};
use crate::connections::options::Channel;
use crate::connections::validate::{discovery_target, okta_issuer, Rules};
use crate::error::AppError;
use crate::organizations::{DomainStatus, SetupProvider, SetupView};
use leptos::prelude::*;

const STEPS: [&str; 5] = ["Identity provider", "Redirect URI", "Configuration", "Test sign-in", "Done"];

/// The screen to open on: after a successful test, "Done"; with a saved configuration, the test.
pub fn first_step(view: &SetupView) -> usize {
    if view.tested {
        4
    } else if view.connection.is_some() {
        3
    } else {
        0
    }
}

/// The link's token, from the path `/setup/{token}/steps` of the request being rendered (on the
/// server) or of the page being hydrated (in the browser): the screens have no router.
fn token_from_path() -> String {
    #[cfg(feature = "ssr")]
    let path = use_context::<http::request::Parts>().map(|p| p.uri.path().to_string()).unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let path = window().location().pathname().unwrap_or_default();
    token_in(&path)
}

/// The percent-decoded `{token}` of `/setup/{token}/steps`; empty (a refused link) for any other path.
pub fn token_in(path: &str) -> String {
    path.strip_prefix("/setup/")
        .and_then(|rest| rest.strip_suffix("/steps"))
        .filter(|segment| !segment.contains('/'))
        .map(|segment| percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned())
        .unwrap_or_default()
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let token = token_from_path();
    let t = token.clone();
    let setup = Resource::new(|| (), move |_| load_setup(t.clone()));
    let token = StoredValue::new(token);
    view! {
        <main class="min-h-screen px-4 py-10">
            <div class="mx-auto w-full max-w-2xl">
                <div class="mb-8 flex items-center gap-3">
                    <TesseraMark class="h-8 w-8"/>
                    <span class="text-sm font-semibold text-gray-700">"Single sign-on setup"</span>
                </div>
                <Suspense fallback=|| view! { <div class="h-64 animate-pulse rounded-xl bg-gray-100" aria-busy="true"></div> }>
                    {move || setup.get().map(|r| match r {
                        Ok(v) => view! { <Wizard view=v token=token.get_value()/> }.into_any(),
                        Err(e) => refused(e),
                    })}
                </Suspense>
            </div>
        </main>
    }
}

fn refused(e: AppError) -> AnyView {
    let text = e.to_string();
    let (title, message) = text.split_once(". ").map(|(t, m)| (t.to_string(), m.to_string())).unwrap_or((text.clone(), String::new()));
    view! {
        <div class="rounded-xl border border-red-200 bg-white p-8 shadow-sm" role="alert">
            <h1 class="flex items-center gap-2 text-lg font-semibold text-red-700"><XCircle class="h-6 w-6"/>{title}</h1>
            <p class="mt-3 text-sm text-gray-700">{message}</p>
        </div>
    }
    .into_any()
}

#[component]
fn Wizard(view: SetupView, token: String) -> impl IntoView {
    let step = RwSignal::new(first_step(&view));
    let provider = RwSignal::new(view.connection.as_ref().map(|c| c.provider).unwrap_or(SetupProvider::Okta));
    let current = RwSignal::new(view.clone());
    let token = StoredValue::new(token);
    let org = view.organization.clone();
    view! {
        <h1 class="text-2xl font-semibold tracking-tight text-gray-900">{format!("Set up single sign-on for {org}")}</h1>
        <p class="mt-1 text-sm text-gray-500">{format!("Connect your identity provider so people at {org} sign in with their work account. This link works until {}.", crate::text::format_utc(view.expires_at))}</p>
        <ol class="mt-6 flex flex-wrap gap-2 text-xs" aria-label="Steps">
            {STEPS.iter().enumerate().map(|(i, name)| {
                let class = move || if step.get() == i { "rounded-full bg-indigo-600 px-3 py-1 font-semibold text-white" } else if step.get() > i { "rounded-full bg-indigo-50 px-3 py-1 font-medium text-indigo-700" } else { "rounded-full bg-gray-100 px-3 py-1 text-gray-500" };
                view! { <li class=class aria-current=move || (step.get() == i).then_some("step")>{format!("{}. {name}", i + 1)}</li> }
            }).collect_view()}
        </ol>
        <div class="mt-6 rounded-xl border border-gray-200 bg-white p-6 shadow-sm">
            {move || match step.get() {
                0 => view! { <ChooseProvider provider=provider step=step/> }.into_any(),
                1 => view! { <RedirectUri provider=provider.get() redirect_uri=current.get().redirect_uri step=step/> }.into_any(),
                2 => view! { <Configuration provider=provider.get() current=current token=token.get_value() step=step/> }.into_any(),
                3 => view! { <TestSignIn current=current token=token.get_value() step=step/> }.into_any(),
                _ => view! { <Finish current=current token=token.get_value() step=step/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn ChooseProvider(provider: RwSignal<SetupProvider>, step: RwSignal<usize>) -> impl IntoView {
    let card = move |p: SetupProvider, logo: &'static str, line: &'static str| {
        let id = format!("provider-{}", p.strategy());
        let for_id = id.clone();
        view! {
            <label for=for_id class=move || format!("flex cursor-pointer items-start gap-3 rounded-lg border p-4 {}", if provider.get() == p { "border-indigo-600 ring-2 ring-indigo-600/20" } else { "border-gray-200 hover:border-gray-300" })>
                <input id=id type="radio" name="provider" class="mt-1 h-4 w-4 text-indigo-600" checked=move || provider.get() == p on:change=move |_| provider.set(p)/>
                <img src=logo alt="" class="h-6 w-6"/>
                <span>
                    <span class="block text-sm font-semibold text-gray-900">{p.label()}</span>
                    <span class="block text-xs text-gray-500">{line}</span>
                </span>
            </label>
        }
    };
    view! {
        <h2 class="text-lg font-semibold text-gray-900">"Which identity provider does your organization use?"</h2>
        <fieldset class="mt-4 grid gap-3 sm:grid-cols-2">
            <legend class="sr-only">"Identity provider"</legend>
            {card(SetupProvider::Okta, "/logos/okta.svg", "Okta Workforce Identity, with an OIDC app integration.")}
            {card(SetupProvider::Oidc, "/logos/oidc.svg", "Any OpenID Connect provider, by its discovery endpoint.")}
        </fieldset>
        <div class="mt-6 flex justify-end"><button type="button" class=PRIMARY_BUTTON on:click=move |_| step.set(1)>"Continue"</button></div>
    }
}

#[component]
fn RedirectUri(provider: SetupProvider, redirect_uri: String, step: RwSignal<usize>) -> impl IntoView {
    let steps: Vec<&'static str> = match provider {
        SetupProvider::Okta => vec![
            "Log in to the Okta admin console, and select Applications in the left-hand sidebar.",
            "Click Create App Integration. Select OIDC - OpenID Connect and Web Application, then click Next.",
            "Enter a descriptive App name. In the Sign-in redirect URIs section, click Add URI and paste the Redirect URI below.",
            "In Assignments, select Limit access to selected groups and assign the groups who should sign in. Click Save.",
            crate::text::OKTA_GROUPS_CLAIM,
        ],
        SetupProvider::Oidc => vec![
            "In your identity provider's admin console, create an OpenID Connect application of the Web (confidential) kind.",
            "Add the Redirect URI below to its allowed redirect (callback) URIs.",
            "Allow the openid, profile and email scopes, and assign the people who should sign in.",
        ],
    };
    view! {
        <h2 class="text-lg font-semibold text-gray-900">{match provider {
            SetupProvider::Okta => "Create the OIDC app integration in Okta",
            SetupProvider::Oidc => "Register Tessera with your identity provider",
        }}</h2>
        <p class="mt-1 text-sm text-gray-500">"The Redirect URI is where your identity provider sends people back after they sign in."</p>
        <ol class="mt-4 list-decimal space-y-2 pl-5 text-sm text-gray-700">{steps.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ol>
        <div class="mt-5">
            <CopyField id="redirect_uri" label="Redirect URI" value=Signal::derive(move || redirect_uri.clone())
                help="Paste it into Sign-in redirect URIs (Okta) or your provider's redirect URIs."/>
        </div>
        <div class="mt-6 flex justify-between">
            <button type="button" class=SECONDARY_BUTTON on:click=move |_| step.set(0)>"Back"</button>
            <button type="button" class=PRIMARY_BUTTON on:click=move |_| step.set(2)>"Continue"</button>
        </div>
    }
}

#[component]
fn Configuration(provider: SetupProvider, current: RwSignal<SetupView>, token: String, step: RwSignal<usize>) -> impl IntoView {
    let saved = current.get_untracked().connection.filter(|c| c.provider == provider);
    let has_secret = saved.is_some();
    let client_id = RwSignal::new(saved.as_ref().map(|c| c.client_id.clone()).unwrap_or_default());
    let secret = RwSignal::new(String::new());
    let address = RwSignal::new(saved.as_ref().map(|c| c.address.clone()).unwrap_or_default());
    let status = RwSignal::new(IssuerStatus::Empty);
    let rules = Rules { allow_private_network: current.get_untracked().allow_private_network };
    watch_issuer_as(address.into(), Signal::derive(|| Channel::BackChannel), status, move |typed| match provider {
        SetupProvider::Okta => okta_issuer(typed, rules).map(|(_, issuer)| discovery_target(&issuer).1).map_err(|m| format!("the Okta domain {m}")),
        SetupProvider::Oidc => Ok(typed.to_string()),
    }, Some(token.clone()));
    let token = StoredValue::new(token);
    let save = Action::new(move |_: &()| {
        let (t, c, s, a) = (token.get_value(), client_id.get_untracked(), secret.get_untracked(), address.get_untracked());
        async move { setup_save(t, provider, c, s, a).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(v)) = save.value().get() {
            current.set(v);
            step.set(3);
        }
    });
    let error_for = move |field: &'static str| Signal::derive(move || save.value().get().and_then(|r| r.err()).and_then(|e| e.field_message(field)));
    let other = Signal::derive(move || match save.value().get() {
        Some(Err(AppError::Invalid(_))) | None | Some(Ok(_)) => None,
        Some(Err(e)) => Some(e.to_string()),
    });
    let (address_label, address_help, placeholder) = match provider {
        SetupProvider::Okta => ("Okta domain", "Your Okta tenant domain, which usually ends with .okta.com (shown under your user email in the top right of the Okta admin console).", "acme.okta.com"),
        SetupProvider::Oidc => ("Discovery endpoint", "Configuration URL containing OIDC metadata, e.g. https://{tenant-domain}/.well-known/openid-configuration.", "https://idp.example.com/.well-known/openid-configuration"),
    };
    let can_save = move || !client_id.get().trim().is_empty() && (has_secret || !secret.get().trim().is_empty()) && status.get().is_found() && !save.pending().get();
    view! {
        <h2 class="text-lg font-semibold text-gray-900">"Enter the configuration details"</h2>
        <p class="mt-1 text-sm text-gray-500">{match provider {
            SetupProvider::Okta => "On the app integration's General tab in Okta, locate the Client ID and Client secret.",
            SetupProvider::Oidc => "Your identity provider shows the Client ID and Client secret of the application you registered.",
        }}</p>
        <form class="mt-5 space-y-5" on:submit=move |ev| { ev.prevent_default(); if can_save() { save.dispatch(()); } }>
            <Show when=move || other.get().is_some()><div role="alert" class="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">{move || other.get()}</div></Show>
            <div>
                <label for="setup_client_id" class=LABEL>"Client ID"</label>
                <input id="setup_client_id" type="text" class=INPUT autocomplete="off" prop:value=move || client_id.get() on:input=move |ev| client_id.set(event_target_value(&ev)) aria-describedby="setup_client_id-help"/>
                <Help for_id="setup_client_id">"Application identifier from the OIDC provider."</Help>
                <Show when=move || error_for("client_id").get().is_some()><p class="mt-1 text-xs font-medium text-red-600" role="alert">{move || error_for("client_id").get()}</p></Show>
            </div>
            <div>
                <label for="setup_client_secret" class=LABEL>"Client secret"</label>
                <input id="setup_client_secret" type="password" class=INPUT autocomplete="new-password" placeholder=if has_secret { "Saved: leave blank to keep it" } else { "" }
                    prop:value=move || secret.get() on:input=move |ev| secret.set(event_target_value(&ev)) aria-describedby="setup_client_secret-help"/>
                <Help for_id="setup_client_secret">"Authentication secret for the application. Tessera stores it encrypted and never shows it again."</Help>
                <Show when=move || error_for("client_secret").get().is_some()><p class="mt-1 text-xs font-medium text-red-600" role="alert">{move || error_for("client_secret").get()}</p></Show>
            </div>
            <div>
                <label for="setup_address" class=LABEL>{address_label}</label>
                <input id="setup_address" type="text" class=INPUT autocomplete="off" placeholder=placeholder prop:value=move || address.get() on:input=move |ev| address.set(event_target_value(&ev)) aria-describedby="setup_address-help"/>
                <Help for_id="setup_address">{address_help}</Help>
                <IssuerStatusMark status=status id="setup_issuer_status"/>
                <Show when=move || error_for("address").get().or(error_for("options.discovery_url").get()).or(error_for("options.domain").get()).is_some()>
                    <p class="mt-1 text-xs font-medium text-red-600" role="alert">{move || error_for("address").get().or(error_for("options.discovery_url").get()).or(error_for("options.domain").get())}</p>
                </Show>
            </div>
            <div class="flex justify-between">
                <button type="button" class=SECONDARY_BUTTON on:click=move |_| step.set(1)>"Back"</button>
                <button type="submit" class=PRIMARY_BUTTON disabled=move || !can_save()>
                    {move || if save.pending().get() { view! { <Spinner class="h-4 w-4"/> "Saving…" }.into_any() } else { "Save configuration".into_any() }}
                </button>
            </div>
        </form>
    }
}

#[component]
fn TestSignIn(current: RwSignal<SetupView>, token: String, step: RwSignal<usize>) -> impl IntoView {
    let href = format!("/setup/{}/test", crate::text::encode_path_segment(&token));
    let provider = current.get_untracked().connection.map(|c| c.provider.label()).unwrap_or("your identity provider");
    view! {
        <h2 class="text-lg font-semibold text-gray-900">"Test sign-in"</h2>
        <p class="mt-1 text-sm text-gray-600">{format!("Sign in with your own {provider} account. Tessera checks everything it receives and shows you the claims; nothing is shared with any application yet.")}</p>
        <div class="mt-6 flex justify-between">
            <button type="button" class=SECONDARY_BUTTON on:click=move |_| step.set(2)>"Back"</button>
            <a href=href class=PRIMARY_BUTTON rel="external">"Test sign-in"</a>
        </div>
    }
}

#[component]
fn Finish(current: RwSignal<SetupView>, token: String, step: RwSignal<usize>) -> impl IntoView {
    let token = StoredValue::new(token);
    let finish = Action::new(move |_: &()| setup_finish(token.get_value()));
    Effect::new(move |_| {
        if let Some(Ok(v)) = finish.value().get() {
            current.set(v);
        }
    });
    let apps = move || current.get().applications.join(", ");
    view! {
        <Show when=move || current.get().finished fallback=move || view! {
            <h2 class="flex items-center gap-2 text-lg font-semibold text-green-700"><CheckCircle class="h-6 w-6"/>"It works!"</h2>
            <p class="mt-2 text-sm text-gray-600">"Your test sign-in succeeded. Finish to turn the connection on for your organization."</p>
            <SetupDomains current=current token=token.get_value()/>
            <Show when=move || finish.value().get().is_some_and(|r| r.is_err())>
                <p class="mt-3 text-sm text-red-700" role="alert">{move || finish.value().get().and_then(|r| r.err()).map(|e| e.to_string())}</p>
            </Show>
            <div class="mt-6 flex justify-between">
                <button type="button" class=SECONDARY_BUTTON on:click=move |_| step.set(2)>"Change configuration"</button>
                <button type="button" class=PRIMARY_BUTTON disabled=move || finish.pending().get() on:click=move |_| { finish.dispatch(()); }>
                    {move || if finish.pending().get() { view! { <Spinner class="h-4 w-4"/> "Finishing…" }.into_any() } else { "Finish setup".into_any() }}
                </button>
            </div>
        }>
            <h2 class="flex items-center gap-2 text-lg font-semibold text-green-700"><CheckCircle class="h-6 w-6"/>"You're all set"</h2>
            <p class="mt-2 text-sm text-gray-600">{move || format!("People at {} can now sign in with single sign-on.", current.get().organization)}</p>
            <Show when=move || !current.get().applications.is_empty()>
                <p class="mt-2 text-sm text-gray-600">{move || format!("Applications: {}.", apps())}</p>
            </Show>
            <p class="mt-4 text-xs text-gray-500">"This setup link has now been used and no longer opens. You can close this window."</p>
        </Show>
    }
}

/// "Your email domains (optional)": the IT admin adds their domain and proves it with a DNS TXT
/// record, so people who type an email there go straight to this sign-in.
#[component]
fn SetupDomains(current: RwSignal<SetupView>, token: String) -> impl IntoView {
    let token = StoredValue::new(token);
    let typed = RwSignal::new(String::new());
    let add = Action::new(move |domain: &String| setup_add_domain(token.get_value(), domain.clone()));
    let verify = Action::new(move |id: &String| setup_verify_domain(token.get_value(), id.clone()));
    let reason = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(v)) = add.value().get() {
            current.set(v);
            typed.set(String::new());
        }
    });
    Effect::new(move |_| match verify.value().get() {
        Some(Ok((v, why))) => {
            current.set(v);
            reason.set(why);
        }
        Some(Err(e)) => reason.set(Some(e.to_string())),
        None => {}
    });
    let add_error = move || add.value().get().and_then(|r| r.err()).map(|e| e.field_message("domain").unwrap_or_else(|| e.to_string()));
    view! {
        <section class="mt-6 rounded-lg border border-gray-200 p-4" aria-labelledby="setup-domains-title">
            <h3 id="setup-domains-title" class="text-sm font-semibold text-gray-900">"Your email domains (optional)"</h3>
            <p class="mt-1 text-xs text-gray-500">"People whose email is at a verified domain go straight to this sign-in. Add your domain, publish the TXT record in its DNS, then Verify."</p>
            <ul class="mt-3 space-y-3">
                {move || current.get().domains.into_iter().map(|d| {
                    let id = StoredValue::new(d.id.clone());
                    let txt = d.verification_txt.clone();
                    let verified = d.status == DomainStatus::Verified;
                    view! {
                        <li class="rounded-md bg-gray-50 p-3 text-sm" data-testid="setup-domain">
                            <div class="flex items-center justify-between gap-3">
                                <span class="flex items-center gap-2 font-medium text-gray-900">{d.domain.clone()}
                                    {if verified {
                                        view! { <span class="inline-flex items-center gap-1 text-xs text-green-700"><CheckCircle class="h-4 w-4"/>"Verified"</span> }.into_any()
                                    } else {
                                        view! { <span class="text-xs text-amber-800">"Pending verification"</span> }.into_any()
                                    }}
                                </span>
                                {(!verified).then(|| view! {
                                    <button type="button" class=SECONDARY_BUTTON disabled=move || verify.pending().get() on:click=move |_| { verify.dispatch(id.get_value()); }>
                                        {move || if verify.pending().get() { view! { <Spinner class="h-4 w-4"/> "Checking DNS…" }.into_any() } else { "Verify".into_any() }}
                                    </button>
                                })}
                            </div>
                            {(!verified).then(|| view! {
                                <div class="mt-2 grid grid-cols-[auto_1fr] items-center gap-x-3 gap-y-1 text-xs text-gray-700">
                                    <span class="font-medium">"TXT name"</span><code class="break-all font-mono">{d.verification_host.clone()}</code>
                                    <span class="font-medium">"TXT value"</span>
                                    <span class="flex items-center gap-2"><code class="break-all font-mono">{txt.clone()}</code><CopyButton text=Signal::derive(move || txt.clone()) label="Copy TXT value"/></span>
                                </div>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || reason.get().is_some()>
                <p class="mt-2 flex items-start gap-2 text-sm text-red-700" role="alert"><XCircle class="h-5 w-5 shrink-0"/>{move || reason.get()}</p>
            </Show>
            <form class="mt-3 flex items-end gap-3" on:submit=move |ev| { ev.prevent_default(); add.dispatch(typed.get_untracked()); }>
                <div class="flex-1">
                    <label for="setup_domain" class=LABEL>"Domain"</label>
                    <input id="setup_domain" type="text" class=INPUT placeholder="acme.com" prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
                </div>
                <button type="submit" class=SECONDARY_BUTTON disabled=move || add.pending().get() || typed.get().trim().is_empty()>"Add domain"</button>
            </form>
            <Show when=move || add_error().is_some()><p class="mt-1 text-xs font-medium text-red-600" role="alert">{add_error}</p></Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::token_in;

    #[test]
    fn the_token_is_the_decoded_segment_before_steps() {
        assert_eq!(token_in("/setup/abc_DEF-123/steps"), "abc_DEF-123");
        assert_eq!(token_in("/setup/a%2Bb%20c/steps"), "a+b c");
        assert_eq!(token_in("/setup/a/b/steps"), "");
        assert_eq!(token_in("/setup/abc"), "");
        assert_eq!(token_in("/connections/enterprise"), "");
    }
}
