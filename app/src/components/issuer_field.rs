//! The live issuer checkmark: after a short pause in typing the URL is checked through the
//! `check_issuer` server function (the same check the API runs), with a spinner meanwhile, a
//! green check with the issuer, a red cross with the reason, or the list of what the document
//! lacks. Answers to older inputs are dropped, so fast typing never flashes a stale result.

use crate::api::connections::check_issuer;
use crate::components::icons::{CheckCircle, ExclamationTriangle, Spinner, XCircle};
use crate::connections::options::Channel;
use crate::connections::IssuerCheck;
use leptos::prelude::*;
use std::time::Duration;

/// The pause after the last keystroke before checking.
pub const DEBOUNCE: Duration = Duration::from_millis(400);

/// What the field shows.
#[derive(Clone, Debug, PartialEq)]
pub enum IssuerStatus {
    Empty,
    Checking,
    Found { issuer: String },
    NotFound { reason: String },
    Invalid { problems: Vec<String> },
    /// The check itself could not run (e.g. the session ended).
    Failed(String),
}

impl IssuerStatus {
    pub fn is_found(&self) -> bool {
        matches!(self, IssuerStatus::Found { .. })
    }
}

impl From<IssuerCheck> for IssuerStatus {
    fn from(check: IssuerCheck) -> Self {
        match check {
            IssuerCheck::Found { issuer, .. } => IssuerStatus::Found { issuer },
            IssuerCheck::NotFound { reason, .. } => IssuerStatus::NotFound { reason },
            IssuerCheck::Invalid { problems, .. } => IssuerStatus::Invalid { problems },
        }
    }
}

/// Numbers each check so only the answer to the latest input is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tickets {
    latest: u64,
}

impl Tickets {
    /// A new input: every earlier ticket is now stale.
    pub fn issue(&mut self) -> u64 {
        self.latest += 1;
        self.latest
    }

    pub fn is_current(&self, ticket: u64) -> bool {
        ticket == self.latest
    }
}

/// Runs the debounced, stale-safe check of `url` (as `channel` requires) into `status`.
/// `derive` turns the typed text into the URL to check, or the reason it cannot be one.
pub fn watch_issuer(
    text: Signal<String>,
    channel: Signal<Channel>,
    status: RwSignal<IssuerStatus>,
    derive: impl Fn(&str) -> Result<String, String> + Send + Sync + 'static,
) {
    let tickets = StoredValue::new(Tickets::default());
    Effect::new(move |_| {
        let typed = text.get();
        let channel = channel.get();
        let ticket = tickets.try_update_value(|t| t.issue()).unwrap_or_default();
        if typed.trim().is_empty() {
            status.set(IssuerStatus::Empty);
            return;
        }
        let url = match derive(typed.trim()) {
            Ok(url) => url,
            Err(reason) => {
                status.set(IssuerStatus::NotFound { reason });
                return;
            }
        };
        status.set(IssuerStatus::Checking);
        set_timeout(
            move || {
                if !tickets.with_value(|t| t.is_current(ticket)) {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let answer = match check_issuer(url, channel).await {
                        Ok(check) => IssuerStatus::from(check),
                        Err(e) => IssuerStatus::Failed(e.to_string()),
                    };
                    if tickets.with_value(|t| t.is_current(ticket)) {
                        status.set(answer);
                    }
                });
            },
            DEBOUNCE,
        );
    });
}

/// The mark under an issuer field: icon and text, never colour alone.
#[component]
pub fn IssuerStatusMark(#[prop(into)] status: Signal<IssuerStatus>, id: &'static str) -> impl IntoView {
    view! {
        <div id=id class="mt-2 min-h-5 text-sm" aria-live="polite" data-testid="issuer-status">
            {move || status_content(status.get())}
        </div>
    }
}

/// What the mark shows for `status`: also rendered on the server for the setup screens.
pub fn status_content(status: IssuerStatus) -> AnyView {
    match status {
        IssuerStatus::Empty => ().into_any(),
        IssuerStatus::Checking => view! {
            <p class="flex items-center gap-2 text-gray-500"><Spinner class="h-4 w-4"/>"Checking…"</p>
        }.into_any(),
        IssuerStatus::Found { issuer } => view! {
            <p class="flex items-center gap-2 text-green-700"><CheckCircle class="h-5 w-5 shrink-0"/>
                <span>"Found: " <span class="font-mono text-xs">{issuer}</span></span></p>
        }.into_any(),
        IssuerStatus::NotFound { reason } => view! {
            <p class="flex items-start gap-2 text-red-700"><XCircle class="h-5 w-5 shrink-0"/>
                <span>"Not found: " {reason}</span></p>
        }.into_any(),
        IssuerStatus::Invalid { problems } => view! {
            <div class="flex items-start gap-2 text-amber-800">
                <ExclamationTriangle class="h-5 w-5 shrink-0"/>
                <div>
                    <p>"Found, but the configuration file is missing required information:"</p>
                    <ul class="mt-1 list-disc pl-5 text-xs">
                        {problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                    </ul>
                </div>
            </div>
        }.into_any(),
        IssuerStatus::Failed(message) => view! {
            <p class="flex items-center gap-2 text-red-700"><XCircle class="h-5 w-5 shrink-0"/>{message}</p>
        }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_latest_ticket_is_current() {
        let mut t = Tickets::default();
        let first = t.issue();
        let second = t.issue();
        assert!(!t.is_current(first), "the answer to an older input is stale");
        assert!(t.is_current(second));
    }

    #[test]
    fn check_outcomes_map_to_what_the_field_shows() {
        let found = IssuerCheck::found_naming("https://idp.example");
        assert!(IssuerStatus::from(found).is_found());
        let missing = IssuerCheck::Invalid { discovery_url: String::new(), problems: vec!["missing jwks_uri".into()] };
        assert_eq!(IssuerStatus::from(missing), IssuerStatus::Invalid { problems: vec!["missing jwks_uri".into()] });
        assert!(!IssuerStatus::Checking.is_found());
    }
}
