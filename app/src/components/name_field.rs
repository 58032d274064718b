//! The live connection-name check: the format rule at once (the same `check_name` the server
//! applies), then uniqueness from the server after a pause in typing.

use crate::api::connections::{check_connection_name, NameCheck};
use crate::components::form::{Help, ERROR, INPUT, LABEL};
use crate::components::icons::{CheckCircle, Spinner};
use crate::components::issuer_field::Tickets;
use crate::connections::validate::check_name;
use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameStatus {
    Empty,
    Checking,
    Available,
    Problem(String),
}

impl NameStatus {
    pub fn is_ok(&self) -> bool {
        matches!(self, NameStatus::Available)
    }
}

/// The status to show at once for a typed name, before asking the server.
pub fn local_name_status(name: &str) -> NameStatus {
    if name.is_empty() {
        return NameStatus::Empty;
    }
    match check_name(name) {
        Ok(()) => NameStatus::Checking,
        Err(m) => NameStatus::Problem(format!("The name {m}.")),
    }
}

#[component]
pub fn ConnectionNameField(
    value: RwSignal<String>,
    status: RwSignal<NameStatus>,
    #[prop(into)] server_error: Signal<Option<String>>,
) -> impl IntoView {
    let tickets = StoredValue::new(Tickets::default());
    Effect::new(move |_| {
        let name = value.get().trim().to_string();
        let ticket = tickets.try_update_value(|t| t.issue()).unwrap_or_default();
        let local = local_name_status(&name);
        let needs_server = local == NameStatus::Checking;
        status.set(local);
        if needs_server {
            set_timeout(
                move || {
                    if !tickets.with_value(|t| t.is_current(ticket)) {
                        return;
                    }
                    leptos::task::spawn_local(async move {
                        let answer = match check_connection_name(name).await {
                            Ok(NameCheck::Available) => NameStatus::Available,
                            Ok(NameCheck::Taken) => NameStatus::Problem("A connection with this name already exists.".into()),
                            Ok(NameCheck::Invalid(m)) => NameStatus::Problem(format!("The name {m}.")),
                            Err(e) => NameStatus::Problem(e.to_string()),
                        };
                        if tickets.with_value(|t| t.is_current(ticket)) {
                            status.set(answer);
                        }
                    });
                },
                Duration::from_millis(300),
            );
        }
    });
    let problem = move || match (status.get(), server_error.get()) {
        (_, Some(e)) => Some(e),
        (NameStatus::Problem(p), _) => Some(p),
        _ => None,
    };
    view! {
        <div>
            <label for="name" class=LABEL>"Connection name"</label>
            <input id="name" name="name" type="text" required autocomplete="off" spellcheck="false" class=INPUT
                placeholder="acme-corp" maxlength="128"
                aria-describedby="name-help name-status" aria-invalid=move || problem().is_some().to_string()
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            <div id="name-status" class="mt-1 min-h-4 text-xs" aria-live="polite">
                {move || match (problem(), status.get()) {
                    (Some(p), _) => view! { <p class=ERROR>{p}</p> }.into_any(),
                    (None, NameStatus::Checking) => view! { <p class="flex items-center gap-1 text-gray-500"><Spinner class="h-3 w-3"/>"Checking availability…"</p> }.into_any(),
                    (None, NameStatus::Available) => view! { <p class="flex items-center gap-1 text-green-700"><CheckCircle class="h-4 w-4"/>"Available"</p> }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
            <Help for_id="name">"Logical identifier for your connection; it must be unique for your tenant. Once set, this name can't be changed. Letters, digits and hyphens."</Help>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_rule_answers_before_the_server_is_asked() {
        assert_eq!(local_name_status(""), NameStatus::Empty);
        assert_eq!(local_name_status("acme-corp"), NameStatus::Checking);
        assert_eq!(local_name_status("acme corp"), NameStatus::Problem("The name may contain only letters, digits and hyphens.".into()));
        assert_eq!(local_name_status("-acme"), NameStatus::Problem("The name must not start or end with a hyphen.".into()));
    }
}
