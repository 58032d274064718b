//! The admin sign-in page and the "choose a new password" step that follows a one-time password.

use crate::api::auth::{ChangePassword, SignIn};
use crate::components::form::FormAlert;
use crate::components::icons::{Spinner, TesseraMark};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The message above the sign-in form, from the last attempt (with JavaScript) or from the URL
/// (a plain form post redirected back with `?error=`).
pub fn sign_in_message(result: Option<&Result<(), AppError>>, url_error: Option<&str>) -> Option<String> {
    match result {
        Some(Err(AppError::TooManyRequests(m))) => Some(m.clone()),
        Some(Err(AppError::Invalid(fields))) => fields.first().map(|f| {
            if f.field == "credentials" { f.message.clone() } else { format!("{} {}", title_case(&f.field), f.message) }
        }),
        Some(Err(AppError::ServerFn(_))) => Some("Tessera could not be reached. Check your connection and try again.".into()),
        Some(Err(e)) => Some(e.to_string()),
        Some(Ok(())) => None,
        None => match url_error {
            Some("throttled") => Some("Too many failed sign-in attempts. Try again later.".into()),
            Some(_) => Some("Wrong email or password.".into()),
            None => None,
        },
    }
}

fn title_case(field: &str) -> String {
    let mut chars = field.replace('_', " ").chars().collect::<Vec<_>>();
    if let Some(c) = chars.first_mut() {
        *c = c.to_ascii_uppercase();
    }
    chars.into_iter().collect()
}

#[component]
fn AuthCard(
    title: &'static str,
    subtitle: &'static str,
    #[prop(optional)] footer: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <main class="min-h-screen flex items-center justify-center px-4 py-12">
            <div class="w-full max-w-sm">
                <div class="flex flex-col items-center text-center mb-6">
                    <TesseraMark class="h-10 w-10"/>
                    <h1 class="mt-4 text-xl font-semibold tracking-tight text-gray-900">{title}</h1>
                    <p class="mt-1 text-sm text-gray-500">{subtitle}</p>
                </div>
                <div class="rounded-xl border border-gray-200 bg-white p-6 shadow-sm">{children()}</div>
                {footer.map(|text| view! { <p class="mt-4 text-center text-xs text-gray-500">{text}</p> })}
            </div>
        </main>
    }
}

const INPUT: &str = "mt-1 block w-full rounded-md border border-gray-300 bg-white px-3 py-2 text-sm text-gray-900 shadow-sm placeholder:text-gray-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30";
const LABEL: &str = "block text-sm font-medium text-gray-700";
const PRIMARY: &str = "w-full inline-flex items-center justify-center gap-2 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:opacity-60 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2";

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let return_to = move || query.read().get("return_to").unwrap_or_default();
    let message = Signal::derive(move || {
        sign_in_message(action.value().get().as_ref(), query.read().get("error").as_deref())
    });
    let pending = action.pending();

    view! {
        <Title text="Sign in"/>
        <AuthCard
            title="Sign in to Tessera"
            subtitle="Use your admin account to manage connections."
            footer="First start? The admin email and a one-time password were printed by the server."
        >
            <FormAlert message/>
            <ActionForm action=action attr:class="space-y-4">
                <input type="hidden" name="return_to" value=return_to/>
                <div>
                    <label for="email" class=LABEL>"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required autofocus class=INPUT
                        placeholder="admin@example.com" data-keep="signin-email"/>
                </div>
                <div>
                    <label for="password" class=LABEL>"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required class=INPUT/>
                </div>
                <button type="submit" class=PRIMARY disabled=move || pending.get() data-pending="Signing in…">
                    <Show when=move || pending.get()><Spinner class="h-4 w-4"/></Show>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            // The spinner a cold /signin's script shows while the form posts (served without wasm).
            <span hidden data-spinner=""><Spinner class="h-4 w-4"/></span>
        </AuthCard>
    }
}

#[component]
pub fn ChooseNewPasswordPage() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let query = use_query_map();
    let return_to = move || query.read().get("return_to").unwrap_or_default();
    let error = move |field: &'static str| {
        move || match action.value().get() {
            Some(Err(e)) => e.field_message(field),
            _ => None,
        }
    };
    let general = Signal::derive(move || match action.value().get() {
        Some(Err(AppError::Invalid(_))) | None | Some(Ok(())) => None,
        Some(Err(e)) => Some(e.to_string()),
    });
    let pending = action.pending();

    view! {
        <Title text="Choose a new password"/>
        <AuthCard title="Choose a new password" subtitle="You signed in with a one-time password. Choose your own to continue.">
            <FormAlert message=general/>
            <ActionForm action=action attr:class="space-y-4">
                <input type="hidden" name="return_to" value=return_to/>
                <div>
                    <label for="new_password" class=LABEL>"New password"</label>
                    <input id="new_password" name="new_password" type="password" autocomplete="new-password" required
                        class=INPUT aria-describedby="new_password_help"/>
                    <p id="new_password_help" class="mt-1 text-xs text-gray-500">"At least 12 characters."</p>
                    <p class="mt-1 text-xs text-red-600">{error("new_password")}</p>
                </div>
                <div>
                    <label for="confirm_password" class=LABEL>"Confirm new password"</label>
                    <input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required class=INPUT/>
                    <p class="mt-1 text-xs text-red-600">{error("confirm_password")}</p>
                </div>
                <button type="submit" class=PRIMARY disabled=move || pending.get()>
                    <Show when=move || pending.get()><Spinner class="h-4 w-4"/></Show>
                    "Save password and continue"
                </button>
            </ActionForm>
        </AuthCard>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;

    #[test]
    fn the_sign_in_message_comes_from_the_attempt_or_from_the_url() {
        let wrong = Err(AppError::Invalid(vec![FieldError::new("credentials", "Wrong email or password.")]));
        assert_eq!(sign_in_message(Some(&wrong), None).as_deref(), Some("Wrong email or password."));
        let bad_email = Err(AppError::Invalid(vec![FieldError::new("email", "is required")]));
        assert_eq!(sign_in_message(Some(&bad_email), None).as_deref(), Some("Email is required"));
        assert_eq!(sign_in_message(None, Some("credentials")).as_deref(), Some("Wrong email or password."));
        assert!(sign_in_message(None, Some("throttled")).is_some_and(|m| m.starts_with("Too many")));
        assert_eq!(sign_in_message(None, None), None);
        assert_eq!(sign_in_message(Some(&Ok(())), Some("credentials")), None);
    }
}
