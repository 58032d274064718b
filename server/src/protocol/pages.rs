//! The few pages the protocol door shows itself, as plain server-rendered HTML in the dashboard's
//! style (the stylesheet's Tailwind sources include this crate): an error that cannot go back to
//! the application, the page that re-posts an IdP's cross-site `form_post` so the SameSite=Lax
//! login cookie comes along, the form post response, "Try"'s result, the logout confirmation and
//! the login page with its connection buttons.

use app::backend::users::User;
use app::connections::Connection;
use serde_json::{Map, Value};

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn document(title: &str, body: &str, nonce: Option<&str>, script: &str) -> String {
    let script = match nonce {
        Some(n) if !script.is_empty() => format!("<script nonce=\"{}\">{script}</script>", escape(n)),
        _ => String::new(),
    };
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · Tessera</title><link rel=\"stylesheet\" href=\"/pkg/tessera.css\"><link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\"></head>\
         <body class=\"bg-gray-50 text-gray-900 antialiased\"><main class=\"mx-auto max-w-xl px-6 py-16\">{body}</main>{script}</body></html>",
        escape(title)
    )
}

/// A sign-in that failed where no application can be told: the named reason.
pub fn error_page(title: &str, reason: &str) -> String {
    error_page_back(title, reason, None)
}

/// The same, with a way back (a setup link's test sign-in goes back to its screens).
pub fn error_page_back(title: &str, reason: &str, back: Option<&str>) -> String {
    let body = format!(
        "<div class=\"rounded-xl border border-red-200 bg-white p-8 shadow-sm\" role=\"alert\">\
           <h1 class=\"text-lg font-semibold text-red-700\">{}</h1>\
           <p class=\"mt-3 text-sm text-gray-700\">{}</p>{}\
         </div>",
        escape(title),
        escape(&app::text::sentence(reason)),
        back_link(back, "Back to setup")
    );
    document(title, &body, None, "")
}

fn back_link(href: Option<&str>, label: &str) -> String {
    href.map(|h| {
        format!(
            "<a href=\"{}\" class=\"mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500\">{}</a>",
            escape(h),
            escape(label)
        )
    })
    .unwrap_or_default()
}

/// After `/oidc/logout` without a post-logout redirect URI.
pub fn signed_out_page() -> String {
    let body = "<div class=\"rounded-xl border border-gray-200 bg-white p-8 text-center shadow-sm\" role=\"status\">\
           <h1 class=\"text-lg font-semibold text-gray-900\">You are signed out</h1>\
           <p class=\"mt-3 text-sm text-gray-600\">Your single sign-on session has ended. You can close this window.</p>\
         </div>";
    document("Signed out", body, None, "")
}

/// RP-initiated logout without an `id_token_hint`: any page could have linked here, so the
/// user confirms. The form posts `fields` (the request's parameters and the confirmation token)
/// back to `/oidc/logout`.
pub fn confirm_logout_page(fields: &[(String, String)]) -> String {
    let inputs: String = fields
        .iter()
        .map(|(k, v)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(k), escape(v)))
        .collect();
    let body = format!(
        "<form method=\"post\" action=\"/oidc/logout\" class=\"rounded-xl border border-gray-200 bg-white p-8 text-center shadow-sm\">{inputs}\
           <h1 class=\"text-lg font-semibold text-gray-900\">Sign out?</h1>\
           <p class=\"mt-3 text-sm text-gray-600\">You are about to end your single sign-on session. If you did not ask to sign out, close this page.</p>\
           <button type=\"submit\" autofocus class=\"mt-6 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2\">Sign out</button>\
         </form>"
    );
    document("Sign out", &body, None, "")
}

/// What a scope lets a third-party application have, in the user's words.
fn scope_words(scope: &str) -> String {
    match scope {
        "openid" => "Know who you are (your user ID)".to_string(),
        "profile" => "Your name and profile, and the groups and roles you have".to_string(),
        "email" => "Your email address".to_string(),
        "offline_access" => "Stay connected when you are not using it (refresh tokens)".to_string(),
        other => format!("The {other} permission"),
    }
}

/// A third-party application's consent screen: who asks, for what, Allow or Deny.
pub fn consent_page(application: &str, scopes: &[String], token: &str) -> String {
    let items: String = scopes.iter().map(|s| format!("<li class=\"flex gap-2\"><span aria-hidden=\"true\" class=\"text-indigo-600\">✓</span><span>{}</span></li>", escape(&scope_words(s)))).collect();
    let body = format!(
        "<form method=\"post\" action=\"/authorize/consent\" class=\"rounded-xl border border-gray-200 bg-white p-8 shadow-sm\">\
           <input type=\"hidden\" name=\"token\" value=\"{}\">\
           <h1 class=\"text-lg font-semibold text-gray-900\"><strong>{}</strong> wants to access your account</h1>\
           <p class=\"mt-2 text-sm text-gray-600\">This application is owned by a third party. If you allow it, it gets:</p>\
           <ul class=\"mt-4 space-y-2 text-sm text-gray-800\" aria-label=\"Permissions asked for\">{}</ul>\
           <p class=\"mt-4 text-xs text-gray-500\">You can withdraw this later; your administrator can too.</p>\
           <div class=\"mt-6 flex gap-3\">\
             <button type=\"submit\" name=\"decision\" value=\"allow\" autofocus class=\"flex-1 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2\">Allow</button>\
             <button type=\"submit\" name=\"decision\" value=\"deny\" class=\"flex-1 rounded-md border border-gray-300 bg-white px-4 py-2 text-sm font-medium text-gray-700 hover:bg-gray-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500\">Deny</button>\
           </div>\
         </form>",
        escape(token),
        escape(application),
        items
    );
    document(&format!("Authorize {application}"), &body, None, "")
}

/// The IdP's `form_post` arrived without the login cookie (a cross-site POST does not carry a
/// SameSite=Lax cookie): post the same fields again from Tessera's own page, which does.
pub fn repost_page(fields: &[(String, String)], nonce: &str) -> String {
    let mut fields = fields.to_vec();
    fields.push(("resubmitted".into(), "1".into()));
    form_post_page("/login/callback", &fields, nonce, "Finishing your sign-in…")
}

/// A page whose form POSTs `fields` to `action` at once (with a nonce'd script; a Continue
/// button without JavaScript): the form post response mode, and the re-post above.
pub fn form_post_page(action: &str, fields: &[(String, String)], nonce: &str, message: &str) -> String {
    let inputs: String = fields
        .iter()
        .map(|(k, v)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(k), escape(v)))
        .collect();
    let body = format!(
        "<form method=\"post\" action=\"{}\" class=\"rounded-xl border border-gray-200 bg-white p-8 text-center shadow-sm\">\
           {inputs}\
           <p class=\"text-sm text-gray-700\">{}</p>\
           <button type=\"submit\" class=\"mt-4 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500\">Continue</button>\
         </form>",
        escape(action),
        escape(message)
    );
    document("Signing in", &body, Some(nonce), "document.forms[0].submit();")
}

/// `response_mode=web_message`: posts `{type: "authorization_response", response: {…}}` to the
/// window that framed or opened this page, for `origin` only (Auth0's SDKs listen for it).
pub fn web_message_page(origin: &str, fields: &[(String, String)], nonce: &str) -> String {
    let response: serde_json::Map<String, Value> = fields.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    let message = serde_json::json!({ "type": "authorization_response", "response": response });
    // JSON inside a script: `<` escaped so the text can never close the script element.
    let json = |v: &Value| v.to_string().replace('<', "\\u003c");
    let script = format!(
        "(function(){{var target=window.opener||window.parent;target.postMessage({},{});}})();",
        json(&message),
        json(&Value::String(origin.to_string()))
    );
    document("Signing in", "<p class=\"text-sm text-gray-600\">Signing you in…</p>", Some(nonce), &script)
}

/// "Try": it worked. The normalized profile and the raw ID-token claims.
/// With `continue_to`, a setup link's test: a button back to its screens.
/// `notes` are what the admin should know although it worked (a missing `groups` claim).
pub fn tried_page(connection: &Connection, user: &User, claims: &Map<String, Value>, notes: &[String], continue_to: Option<&str>) -> String {
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let profile = serde_json::json!({
        "user_id": user.id, "email": user.email, "email_verified": user.email_verified, "name": user.name,
        "groups": user.groups, "profile": user.profile,
    });
    let body = format!(
        "<div class=\"rounded-xl border border-green-200 bg-white p-8 shadow-sm\">\
           <h1 class=\"text-2xl font-semibold text-green-700\">It works!</h1>\
           <p class=\"mt-2 text-sm text-gray-600\">You signed in through the <strong>{}</strong> connection.</p>{}\
           <h2 class=\"mt-6 text-sm font-semibold text-gray-900\">Profile</h2>\
           <pre class=\"mt-2 overflow-x-auto rounded-md bg-gray-900 p-4 text-xs text-gray-100\">{}</pre>\
           <h2 class=\"mt-6 text-sm font-semibold text-gray-900\">ID token claims</h2>\
           <pre class=\"mt-2 overflow-x-auto rounded-md bg-gray-900 p-4 text-xs text-gray-100\">{}</pre>{}\
         </div>",
        escape(&connection.name),
        notes
            .iter()
            .map(|n| format!("<p role=\"note\" data-testid=\"try-note\" class=\"mt-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900\">{}</p>", escape(n)))
            .collect::<String>(),
        escape(&pretty(&profile)),
        escape(&pretty(&Value::Object(claims.clone()))),
        back_link(continue_to, "Continue setup")
    );
    document("It works!", &body, None, "")
}

/// A "Continue with …" button on the login page: the connection's label, logo and where it goes.
pub struct LoginButton {
    pub label: String,
    pub icon_url: Option<String>,
    pub href: String,
}

/// Tessera's login page: an email first (its domain finds the organization's connection: home
/// realm discovery), and a button per connection that shows one, drawn exactly as the Login
/// Experience tab's preview draws it. A plain GET form: it works without JavaScript.
pub fn login_page(app_name: &str, hidden: &[(String, String)], email: Option<&str>, error: Option<&str>, buttons: &[LoginButton]) -> String {
    let inputs: String = hidden
        .iter()
        .map(|(k, v)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(k), escape(v)))
        .collect();
    let error_html = match error {
        Some(e) => format!("<p id=\"login_hint-error\" class=\"mt-2 text-sm text-red-600\" role=\"alert\">{}</p>", escape(e)),
        None => String::new(),
    };
    let buttons_html: String = buttons
        .iter()
        .map(|b| {
            let icon = match b.icon_url.as_deref().filter(|u| !u.trim().is_empty()) {
                Some(u) => format!("<img src=\"{}\" alt=\"\" width=\"20\" height=\"20\" class=\"h-5 w-5 object-contain\">", escape(u)),
                None => String::new(),
            };
            format!(
                "<a href=\"{}\" class=\"mt-3 flex w-full items-center justify-center gap-3 rounded-md border border-gray-300 bg-white px-4 py-2.5 text-sm font-medium text-gray-800 shadow-sm hover:bg-gray-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500\">{icon}<span>{}</span></a>",
                escape(&b.href),
                escape(&b.label)
            )
        })
        .collect();
    let divider = if buttons.is_empty() {
        String::new()
    } else {
        "<div class=\"my-6 flex items-center gap-3 text-xs uppercase tracking-wide text-gray-400\"><span class=\"h-px flex-1 bg-gray-200\"></span>or<span class=\"h-px flex-1 bg-gray-200\"></span></div>".to_string()
    };
    let invalid = if error.is_some() { " aria-invalid=\"true\" aria-describedby=\"login_hint-error\"" } else { "" };
    let body = format!(
        "<div class=\"rounded-xl border border-gray-200 bg-white p-8 shadow-sm\">\
           <h1 class=\"text-xl font-semibold tracking-tight text-gray-900\">Sign in to {app}</h1>\
           <p class=\"mt-1 text-sm text-gray-500\">Continue with your work email.</p>\
           <form method=\"get\" action=\"/authorize\" class=\"mt-6\">{inputs}\
             <label for=\"login_hint\" class=\"block text-sm font-medium text-gray-700\">Email</label>\
             <input id=\"login_hint\" name=\"login_hint\" type=\"email\" required autocomplete=\"email\" autofocus value=\"{email}\"{invalid} \
               class=\"mt-1 block w-full rounded-md border border-gray-300 px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500\">\
             {error_html}\
             <button type=\"submit\" class=\"mt-4 w-full rounded-md bg-indigo-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2\">Continue</button>\
           </form>{divider}{buttons_html}\
         </div>",
        app = escape(app_name),
        email = escape(email.unwrap_or_default()),
    );
    document("Sign in", &body, None, "")
}
