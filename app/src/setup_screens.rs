//! The screens a setup link opens for an organization's IT admin, who has no Tessera account:
//! the seed's steps, one screen each, in its words. Pick the identity provider → the Sign-in
//! redirect URI to paste → Client ID, Client secret and Discovery endpoint (or Okta domain) with
//! the live issuer check → "Test sign-in" with their own account → done.
//!
//! Rendered on the server only, with no wasm: each step is a link or a form that
//! `server/src/setup.rs` answers, so someone opening a link from an email on a slow connection
//! downloads the page, the stylesheet and one small inline script (`pages/plain_forms.js`: copy
//! buttons and spinners; `pages/issuer_check.js`: the live check). Not a page of the dashboard's
//! router: the server renders it for its own routes. Without JavaScript every step still works.

use crate::components::form::{Help, INPUT, LABEL, PRIMARY_BUTTON, SECONDARY_BUTTON};
use crate::components::icons::{CheckCircle, Clipboard, Spinner, TesseraMark, XCircle};
use crate::components::issuer_field::{status_content, IssuerStatus};
use crate::connections::IssuerCheck;
use crate::error::AppError;
use crate::organizations::{DomainStatus, SetupProvider, SetupView};
use leptos::prelude::*;

/// The screens' script: what every page without wasm has, and the live issuer check.
const SCRIPT: &str = concat!(include_str!("pages/plain_forms.js"), include_str!("pages/issuer_check.js"));

/// The five screens, in order, with the names the step list shows and the query uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Provider,
    RedirectUri,
    Configuration,
    Test,
    Done,
}

const STEPS: [(Step, &str, &str); 5] = [
    (Step::Provider, "provider", "Identity provider"),
    (Step::RedirectUri, "redirect-uri", "Redirect URI"),
    (Step::Configuration, "configuration", "Configuration"),
    (Step::Test, "test", "Test sign-in"),
    (Step::Done, "done", "Done"),
];

impl Step {
    fn query(self) -> &'static str {
        STEPS.iter().find(|(s, ..)| *s == self).map(|(_, q, _)| *q).unwrap_or("provider")
    }

    /// The screen for `?step=`: the first three whenever asked for; the test and the end only
    /// as far as the link got (with no `step`, the furthest it got).
    pub fn resolve(requested: Option<&str>, view: &SetupView) -> Step {
        let furthest = if view.tested {
            Step::Done
        } else if view.connection.is_some() {
            Step::Test
        } else {
            Step::Provider
        };
        match STEPS.iter().find(|(_, q, _)| Some(*q) == requested).map(|(s, ..)| *s) {
            Some(asked) if asked <= Step::Configuration => asked,
            _ => furthest,
        }
    }
}

/// `okta` or `oidc`, as the forms send it.
pub fn provider_from(value: Option<&str>) -> Option<SetupProvider> {
    match value {
        Some("okta") => Some(SetupProvider::Okta),
        Some("oidc") => Some(SetupProvider::Oidc),
        _ => None,
    }
}

fn provider_value(p: SetupProvider) -> &'static str {
    match p {
        SetupProvider::Okta => "okta",
        SetupProvider::Oidc => "oidc",
    }
}

/// What the IT admin typed on a form the server refused, shown again with the reason.
#[derive(Clone, Debug, Default)]
pub struct Refused {
    /// The configuration's Client ID and address (never the secret).
    pub client_id: Option<String>,
    pub address: Option<String>,
    /// The domain they tried to add.
    pub domain: Option<String>,
    pub error: Option<AppError>,
}

/// One screen of one link.
pub struct Screen {
    pub token: String,
    pub view: SetupView,
    pub step: Step,
    pub provider: SetupProvider,
    pub refused: Refused,
    /// Why "Verify" did not verify the domain.
    pub verify_reason: Option<String>,
    /// Why "Finish setup" could not finish.
    pub finish_error: Option<String>,
}

impl Screen {
    fn steps_path(&self) -> String {
        format!("/setup/{}/steps", crate::text::encode_path_segment(&self.token))
    }

    fn link(&self, step: Step) -> String {
        format!("{}?step={}&provider={}", self.steps_path(), step.query(), provider_value(self.provider))
    }
}

/// The whole page, its inline script carrying `nonce` (the Content-Security-Policy's).
pub fn page(screen: Screen, nonce: &str) -> String {
    let body = Owner::new().with(|| body(screen).to_html());
    document("Set up single sign-on", &body, Some(nonce))
}

fn document(title: &str, body: &str, nonce: Option<&str>) -> String {
    let script = nonce.map(|n| format!("<script nonce=\"{n}\">{SCRIPT}</script>")).unwrap_or_default();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light\"><title>{title} · Tessera</title><link rel=\"stylesheet\" href=\"/pkg/tessera.css\">\
         <link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\"></head><body class=\"bg-gray-50 text-gray-900 antialiased\">{body}{script}</body></html>"
    )
}

/// The answer to the live check: whether the issuer was found, and the mark's HTML.
pub fn issuer_status(check: Option<IssuerCheck>) -> (bool, String) {
    let status = check.map(IssuerStatus::from).unwrap_or(IssuerStatus::Empty);
    issuer_status_of(status)
}

/// The mark for a check that could not run (the link refused it).
pub fn issuer_status_failed(message: String) -> (bool, String) {
    issuer_status_of(IssuerStatus::Failed(message))
}

fn issuer_status_of(status: IssuerStatus) -> (bool, String) {
    match status {
        IssuerStatus::Empty => (false, String::new()),
        status => (status.is_found(), Owner::new().with(|| status_content(status).to_html())),
    }
}

fn frame(content: impl IntoView) -> impl IntoView {
    view! {
        <main class="min-h-screen px-4 py-10">
            <div class="mx-auto w-full max-w-2xl">
                <div class="mb-8 flex items-center gap-3">
                    <TesseraMark class="h-8 w-8"/>
                    <span class="text-sm font-semibold text-gray-700">"Single sign-on setup"</span>
                </div>
                {content}
            </div>
        </main>
    }
}

fn body(screen: Screen) -> impl IntoView {
    let org = screen.view.organization.clone();
    let current = screen.step;
    let steps = STEPS.iter().enumerate().map(|(i, (step, _, name))| {
        let class = if *step == current {
            "rounded-full bg-indigo-600 px-3 py-1 font-semibold text-white"
        } else if *step < current {
            "rounded-full bg-indigo-50 px-3 py-1 font-medium text-indigo-700"
        } else {
            "rounded-full bg-gray-100 px-3 py-1 text-gray-500"
        };
        view! { <li class=class aria-current=(*step == current).then_some("step")>{format!("{}. {name}", i + 1)}</li> }
    }).collect_view();
    let finish_error = screen.finish_error.clone().map(|m| view! {
        <div role="alert" class="mb-4 flex items-start gap-2 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700"><XCircle class="h-5 w-5 shrink-0"/>{m}</div>
    });
    let content = match current {
        Step::Provider => choose_provider(&screen).into_any(),
        Step::RedirectUri => redirect_uri(&screen).into_any(),
        Step::Configuration => configuration(&screen).into_any(),
        Step::Test => test_sign_in(&screen).into_any(),
        Step::Done => finish(&screen).into_any(),
    };
    frame(view! {
        <h1 class="text-2xl font-semibold tracking-tight text-gray-900">{format!("Set up single sign-on for {org}")}</h1>
        <p class="mt-1 text-sm text-gray-500">{format!("Connect your identity provider so people at {org} sign in with their work account. This link works until {}.", crate::text::format_utc(screen.view.expires_at))}</p>
        <ol class="mt-6 flex flex-wrap gap-2 text-xs" aria-label="Steps">{steps}</ol>
        <div class="mt-6 rounded-xl border border-gray-200 bg-white p-6 shadow-sm">{finish_error}{content}</div>
        <span hidden data-spinner=""><Spinner class="h-4 w-4"/></span>
        <template id="setup-checking">{status_content(IssuerStatus::Checking)}</template>
        <template id="setup-check-failed">{status_content(IssuerStatus::Failed("Could not check it: the network failed. It is checked again when you save.".into()))}</template>
    })
}

fn choose_provider(screen: &Screen) -> impl IntoView {
    let card = |p: SetupProvider, logo: &'static str, line: &'static str| {
        let id = format!("provider-{}", p.strategy());
        let for_id = id.clone();
        view! {
            <label for=for_id class="flex cursor-pointer items-start gap-3 rounded-lg border border-gray-200 p-4 hover:border-gray-300 has-checked:border-indigo-600 has-checked:ring-2 has-checked:ring-indigo-600/20">
                <input id=id type="radio" name="provider" value=provider_value(p) class="mt-1 h-4 w-4 text-indigo-600" checked=screen.provider == p/>
                <img src=logo alt="" class="h-6 w-6"/>
                <span>
                    <span class="block text-sm font-semibold text-gray-900">{p.label()}</span>
                    <span class="block text-xs text-gray-500">{line}</span>
                </span>
            </label>
        }
    };
    view! {
        <form method="get" action=screen.steps_path()>
            <h2 class="text-lg font-semibold text-gray-900">"Which identity provider does your organization use?"</h2>
            <fieldset class="mt-4 grid gap-3 sm:grid-cols-2">
                <legend class="sr-only">"Identity provider"</legend>
                {card(SetupProvider::Okta, "/logos/okta.svg", "Okta Workforce Identity, with an OIDC app integration.")}
                {card(SetupProvider::Oidc, "/logos/oidc.svg", "Any OpenID Connect provider, by its discovery endpoint.")}
            </fieldset>
            <input type="hidden" name="step" value=Step::RedirectUri.query()/>
            <div class="mt-6 flex justify-end"><button type="submit" class=PRIMARY_BUTTON>"Continue"</button></div>
        </form>
    }
}

fn redirect_uri(screen: &Screen) -> impl IntoView {
    let steps: Vec<&'static str> = match screen.provider {
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
    let uri = screen.view.redirect_uri.clone();
    view! {
        <h2 class="text-lg font-semibold text-gray-900">{match screen.provider {
            SetupProvider::Okta => "Create the OIDC app integration in Okta",
            SetupProvider::Oidc => "Register Tessera with your identity provider",
        }}</h2>
        <p class="mt-1 text-sm text-gray-500">"The Redirect URI is where your identity provider sends people back after they sign in."</p>
        <ol class="mt-4 list-decimal space-y-2 pl-5 text-sm text-gray-700">{steps.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ol>
        <div class="mt-5">
            <label for="redirect_uri" class=LABEL>"Redirect URI"</label>
            <div class="mt-1 flex gap-2">
                <input id="redirect_uri" type="text" readonly class=format!("{INPUT} mt-0 min-w-0 flex-1 font-mono text-xs") value=uri.clone() aria-describedby="redirect_uri-help"/>
                <button type="button" class=SECONDARY_BUTTON aria-label="Copy Redirect URI" title="Copy Redirect URI" data-copy=uri>
                    <Clipboard class="h-4 w-4"/><span data-label="" aria-live="polite">"Copy"</span>
                </button>
            </div>
            <Help for_id="redirect_uri">"Paste it into Sign-in redirect URIs (Okta) or your provider's redirect URIs."</Help>
        </div>
        <form method="get" action=screen.steps_path() class="mt-6 flex justify-between">
            <input type="hidden" name="provider" value=provider_value(screen.provider)/>
            <a href=screen.link(Step::Provider) class=SECONDARY_BUTTON>"Back"</a>
            <button type="submit" name="step" value=Step::Configuration.query() class=PRIMARY_BUTTON>"Continue"</button>
        </form>
    }
}

fn configuration(screen: &Screen) -> impl IntoView {
    let saved = screen.view.connection.clone().filter(|c| c.provider == screen.provider);
    let has_secret = saved.is_some();
    let refused = &screen.refused;
    let client_id = refused.client_id.clone().or(saved.as_ref().map(|c| c.client_id.clone())).unwrap_or_default();
    let address = refused.address.clone().or(saved.as_ref().map(|c| c.address.clone())).unwrap_or_default();
    let field_error = |field: &str| refused.error.as_ref().and_then(|e| e.field_message(field));
    let address_error = field_error("address").or(field_error("options.discovery_url")).or(field_error("options.domain"));
    let other = match &refused.error {
        Some(AppError::Invalid(_)) | None => None,
        Some(e) => Some(e.to_string()),
    };
    let error_text = |message: Option<String>| message.map(|m| view! { <p class="mt-1 text-xs font-medium text-red-600" role="alert">{m}</p> });
    let (address_label, address_help, placeholder) = match screen.provider {
        SetupProvider::Okta => ("Okta domain", "Your Okta tenant domain, which usually ends with .okta.com (shown under your user email in the top right of the Okta admin console).", "acme.okta.com"),
        SetupProvider::Oidc => ("Discovery endpoint", "Configuration URL containing OIDC metadata, e.g. https://{tenant-domain}/.well-known/openid-configuration.", "https://idp.example.com/.well-known/openid-configuration"),
    };
    let check = format!("/setup/{}/issuer", crate::text::encode_path_segment(&screen.token));
    view! {
        <h2 class="text-lg font-semibold text-gray-900">"Enter the configuration details"</h2>
        <p class="mt-1 text-sm text-gray-500">{match screen.provider {
            SetupProvider::Okta => "On the app integration's General tab in Okta, locate the Client ID and Client secret.",
            SetupProvider::Oidc => "Your identity provider shows the Client ID and Client secret of the application you registered.",
        }}</p>
        <form method="post" action=screen.steps_path() class="mt-5 space-y-5" data-check=check data-has-secret=has_secret.to_string()>
            <input type="hidden" name="intent" value="save"/>
            <input type="hidden" name="provider" value=provider_value(screen.provider)/>
            {other.map(|m| view! { <div role="alert" class="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-700">{m}</div> })}
            <div>
                <label for="setup_client_id" class=LABEL>"Client ID"</label>
                <input id="setup_client_id" name="client_id" type="text" class=INPUT autocomplete="off" value=client_id maxlength="512"
                    aria-describedby="setup_client_id-help" aria-invalid=field_error("client_id").is_some().then_some("true")/>
                <Help for_id="setup_client_id">"Application identifier from the OIDC provider."</Help>
                {error_text(field_error("client_id"))}
            </div>
            <div>
                <label for="setup_client_secret" class=LABEL>"Client secret"</label>
                <input id="setup_client_secret" name="client_secret" type="password" class=INPUT autocomplete="new-password" maxlength="1024"
                    placeholder=if has_secret { "Saved: leave blank to keep it" } else { "" }
                    aria-describedby="setup_client_secret-help" aria-invalid=field_error("client_secret").is_some().then_some("true")/>
                <Help for_id="setup_client_secret">"Authentication secret for the application. Tessera stores it encrypted and never shows it again."</Help>
                {error_text(field_error("client_secret"))}
            </div>
            <div>
                <label for="setup_address" class=LABEL>{address_label}</label>
                <input id="setup_address" name="address" type="text" class=INPUT autocomplete="off" placeholder=placeholder value=address maxlength="2048"
                    aria-describedby="setup_address-help" aria-invalid=address_error.is_some().then_some("true")/>
                <Help for_id="setup_address">{address_help}</Help>
                <div id="setup_issuer_status" class="mt-2 min-h-5 text-sm" aria-live="polite" data-testid="issuer-status"></div>
                {error_text(address_error)}
            </div>
            <div class="flex flex-row-reverse justify-between">
                <button type="submit" class=PRIMARY_BUTTON data-pending="Saving…">"Save configuration"</button>
                <a href=screen.link(Step::RedirectUri) class=SECONDARY_BUTTON>"Back"</a>
            </div>
        </form>
    }
}

fn test_sign_in(screen: &Screen) -> impl IntoView {
    let href = format!("/setup/{}/test", crate::text::encode_path_segment(&screen.token));
    let provider = screen.view.connection.as_ref().map(|c| c.provider.label()).unwrap_or("your identity provider");
    view! {
        <h2 class="text-lg font-semibold text-gray-900">"Test sign-in"</h2>
        <p class="mt-1 text-sm text-gray-600">{format!("Sign in with your own {provider} account. Tessera checks everything it receives and shows you the claims; nothing is shared with any application yet.")}</p>
        <div class="mt-6 flex justify-between">
            <a href=screen.link(Step::Configuration) class=SECONDARY_BUTTON>"Back"</a>
            <a href=href class=PRIMARY_BUTTON>"Test sign-in"</a>
        </div>
    }
}

fn finish(screen: &Screen) -> impl IntoView {
    let action = screen.steps_path();
    if screen.view.finished {
        let apps = screen.view.applications.join(", ");
        return view! {
            <h2 class="flex items-center gap-2 text-lg font-semibold text-green-700"><CheckCircle class="h-6 w-6"/>"You're all set"</h2>
            <p class="mt-2 text-sm text-gray-600">{format!("People at {} can now sign in with single sign-on.", screen.view.organization)}</p>
            {(!apps.is_empty()).then(|| view! { <p class="mt-2 text-sm text-gray-600">{format!("Applications: {apps}.")}</p> })}
            <p class="mt-4 text-xs text-gray-500">"This setup link has now been used and no longer opens. You can close this window."</p>
        }
        .into_any();
    }
    view! {
        <h2 class="flex items-center gap-2 text-lg font-semibold text-green-700"><CheckCircle class="h-6 w-6"/>"It works!"</h2>
        <p class="mt-2 text-sm text-gray-600">"Your test sign-in succeeded. Finish to turn the connection on for your organization."</p>
        {domains(screen)}
        <form method="post" action=action class="mt-6 flex flex-row-reverse justify-between">
            <input type="hidden" name="intent" value="finish"/>
            <button type="submit" class=PRIMARY_BUTTON data-pending="Finishing…">"Finish setup"</button>
            <a href=screen.link(Step::Configuration) class=SECONDARY_BUTTON>"Change configuration"</a>
        </form>
    }
    .into_any()
}

/// "Your email domains (optional)": the IT admin adds their domain and proves it with a DNS TXT
/// record, so people who type an email there go straight to this sign-in.
fn domains(screen: &Screen) -> impl IntoView {
    let action = screen.steps_path();
    let rows = screen.view.domains.iter().map(|d| {
        let verified = d.status == DomainStatus::Verified;
        let txt = d.verification_txt.clone();
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
                        <form method="post" action=action.clone()>
                            <input type="hidden" name="intent" value="verify_domain"/>
                            <input type="hidden" name="domain_id" value=d.id.clone()/>
                            <button type="submit" class=SECONDARY_BUTTON data-pending="Checking DNS…">"Verify"</button>
                        </form>
                    })}
                </div>
                {(!verified).then(|| view! {
                    <div class="mt-2 grid grid-cols-[auto_1fr] items-center gap-x-3 gap-y-1 text-xs text-gray-700">
                        <span class="font-medium">"TXT name"</span><code class="break-all font-mono">{d.verification_host.clone()}</code>
                        <span class="font-medium">"TXT value"</span>
                        <span class="flex items-center gap-2"><code class="break-all font-mono">{txt.clone()}</code>
                            <button type="button" class=SECONDARY_BUTTON aria-label="Copy TXT value" title="Copy TXT value" data-copy=txt>
                                <Clipboard class="h-4 w-4"/><span data-label="" aria-live="polite">"Copy"</span>
                            </button>
                        </span>
                    </div>
                })}
            </li>
        }
    }).collect_view();
    let refused = &screen.refused;
    let add_error = refused.error.as_ref().map(|e| e.field_message("domain").unwrap_or_else(|| e.to_string()));
    view! {
        <section class="mt-6 rounded-lg border border-gray-200 p-4" aria-labelledby="setup-domains-title">
            <h3 id="setup-domains-title" class="text-sm font-semibold text-gray-900">"Your email domains (optional)"</h3>
            <p class="mt-1 text-xs text-gray-500">"People whose email is at a verified domain go straight to this sign-in. Add your domain, publish the TXT record in its DNS, then Verify."</p>
            <ul class="mt-3 space-y-3">{rows}</ul>
            {screen.verify_reason.clone().map(|m| view! {
                <p class="mt-2 flex items-start gap-2 text-sm text-red-700" role="alert"><XCircle class="h-5 w-5 shrink-0"/>{m}</p>
            })}
            <form method="post" action=action class="mt-3 flex items-end gap-3">
                <input type="hidden" name="intent" value="add_domain"/>
                <div class="flex-1">
                    <label for="setup_domain" class=LABEL>"Domain"</label>
                    <input id="setup_domain" name="domain" type="text" class=INPUT placeholder="acme.com" required maxlength="253"
                        value=refused.domain.clone().unwrap_or_default() aria-invalid=add_error.is_some().then_some("true")/>
                </div>
                <button type="submit" class=SECONDARY_BUTTON data-pending="Adding…">"Add domain"</button>
            </form>
            {add_error.map(|m| view! { <p class="mt-1 text-xs font-medium text-red-600" role="alert">{m}</p> })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(connection: bool, tested: bool) -> SetupView {
        SetupView {
            organization: "Initech".into(),
            redirect_uri: "https://sso.example.com/login/callback".into(),
            expires_at: 0,
            connection: connection.then(|| crate::organizations::SetupConnection {
                provider: SetupProvider::Oidc,
                client_id: "c".into(),
                address: "https://idp.example.com".into(),
                issuer: "https://idp.example.com".into(),
            }),
            tested,
            finished: false,
            applications: vec![],
            allow_private_network: false,
            domains: vec![],
        }
    }

    #[test]
    fn a_step_opens_only_as_far_as_the_link_got() {
        assert_eq!(Step::resolve(None, &view(false, false)), Step::Provider);
        assert_eq!(Step::resolve(None, &view(true, false)), Step::Test);
        assert_eq!(Step::resolve(None, &view(true, true)), Step::Done);
        assert_eq!(Step::resolve(Some("configuration"), &view(false, false)), Step::Configuration);
        assert_eq!(Step::resolve(Some("done"), &view(false, false)), Step::Provider, "the end is not skipped to");
        assert_eq!(Step::resolve(Some("test"), &view(true, true)), Step::Done, "back from a good test: the end");
        assert_eq!(Step::resolve(Some("nonsense"), &view(true, false)), Step::Test);
    }

    #[test]
    fn what_the_admin_typed_is_escaped_and_the_script_carries_the_nonce() {
        let screen = Screen {
            token: "t/k".into(),
            view: view(false, false),
            step: Step::Configuration,
            provider: SetupProvider::Oidc,
            refused: Refused { client_id: Some("\"><script>alert(1)</script>".into()), ..Default::default() },
            verify_reason: None,
            finish_error: None,
        };
        let html = page(screen, "n0nce");
        assert!(!html.contains("<script>alert(1)"), "{html}");
        assert!(html.contains("<script nonce=\"n0nce\">"));
        assert!(html.contains("action=\"/setup/t%2Fk/steps\""), "{html}");
        assert_eq!(html.matches("<script").count(), 1);
    }

    #[test]
    fn an_issuer_a_remote_document_names_is_text_in_the_mark_never_markup() {
        let hostile = "<img src=x onerror=alert(1)>";
        let found = IssuerCheck::found_naming(hostile);
        let (is_found, html) = issuer_status(Some(found));
        assert!(is_found);
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;") && !html.contains("<img"), "{html}");
        let (is_found, html) = issuer_status(Some(IssuerCheck::Invalid { discovery_url: String::new(), problems: vec![hostile.into()] }));
        assert!(!is_found && !html.contains("<img"), "{html}");
        assert_eq!(issuer_status(None), (false, String::new()));
    }
}
