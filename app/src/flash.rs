//! What a plain form post (from a page served with no wasm) leaves for the page the browser is
//! sent to next: the toast that confirms it ("Role Auditor created"), or, when the server function
//! refused it, its error, which that page's `ServerAction` shows under the field as it would with
//! JavaScript; and what a page shows once, like a new application's Client Secret. It travels in
//! one short-lived `HttpOnly` cookie (`Cookie::Flash`), sealed under the master key for the admin's
//! session by `api::ssr`, so only Tessera writes one and only that session opens it; never in the
//! address: an error in the URL (leptos's own `__err`) would let anyone put words on our pages
//! with a link, so the page guard drops those parameters.

use serde::{Deserialize, Serialize};

/// Whether a request is a browser's own form post (no JavaScript), told apart as leptos does: it
/// asks for HTML. Such a post is answered with a redirect and this flash, never a JSON body.
#[cfg(feature = "ssr")]
pub fn is_plain_form_post(headers: &http::HeaderMap) -> bool {
    headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

/// What the next page shows once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub toast: Option<String>,
    pub refused: Option<Refused>,
    #[serde(default)]
    pub shown_once: Option<ShownOnce>,
}

/// A secret the page that made it shows once and never again (Tessera keeps only its hash): a new
/// application's Client Secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownOnce {
    /// What it belongs to: the application's Client ID.
    pub of: String,
    /// The title above it ("My App was created").
    pub title: String,
    pub secret: String,
}

/// A refused post: the server function's path and its error as leptos encodes it in `__err`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    pub path: String,
    pub error: String,
}

/// The longest toast carried, in characters; the longest encoded error and the longest secret
/// with its title, in bytes. A cookie holds 4 KB, and sealing makes the JSON a third longer. A
/// secret's title holds an application's name (128 characters, up to 512 bytes), so any real
/// one fits: a secret dropped here would be lost for good.
#[cfg(feature = "ssr")]
const TOAST_MAX: usize = 200;
#[cfg(feature = "ssr")]
const ERROR_MAX: usize = 2_000;
#[cfg(feature = "ssr")]
const SHOWN_ONCE_MAX: usize = 1_000;

impl Flash {
    /// What the cookie carries (before sealing): its JSON, within the bounds.
    #[cfg(feature = "ssr")]
    pub fn to_json(self) -> Option<String> {
        serde_json::to_string(&self.bounded()).ok()
    }

    /// Read back from the cookie's JSON (once opened); nothing when it is not one of ours.
    #[cfg(feature = "ssr")]
    pub fn from_json(json: &str) -> Flash {
        serde_json::from_str::<Flash>(json).ok().map(Flash::bounded).unwrap_or_default()
    }

    #[cfg(feature = "ssr")]
    fn bounded(self) -> Flash {
        let shown_once_len = |s: &ShownOnce| s.of.len() + s.title.len() + s.secret.len();
        Flash {
            toast: self.toast.map(|t| t.chars().take(TOAST_MAX).collect()),
            refused: self.refused.filter(|r| r.path.len() + r.error.len() <= ERROR_MAX),
            shown_once: self.shown_once.filter(|s| shown_once_len(s) <= SHOWN_ONCE_MAX),
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::{Flash, Refused, ShownOnce};

    #[test]
    fn a_flash_survives_its_json_and_a_malformed_or_oversized_one_carries_nothing() {
        let shown_once = Some(ShownOnce { of: "abc".into(), title: "My App was created".into(), secret: "s3cret".into() });
        let flash = Flash { toast: Some("Role Auditor created".into()), refused: Some(Refused { path: "/rpc/roles/create".into(), error: "eyJ9".into() }), shown_once };
        assert_eq!(Flash::from_json(&flash.clone().to_json().unwrap_or_default()), flash);
        assert_eq!(Flash::from_json("not json"), Flash::default());
        // An older cookie, from before secrets were carried, still reads.
        assert_eq!(Flash::from_json(r#"{"toast":"Saved","refused":null}"#).toast.as_deref(), Some("Saved"));
        let long = Flash {
            toast: Some("x".repeat(5_000)),
            refused: Some(Refused { path: "p".into(), error: "e".repeat(5_000) }),
            shown_once: Some(ShownOnce { of: "abc".into(), title: "t".repeat(2_000), secret: String::new() }),
        };
        let back = Flash::from_json(&long.to_json().unwrap_or_default());
        assert_eq!((back.toast.map(|t| t.len()), back.refused, back.shown_once), (Some(200), None, None));
        // The longest application name there is, in four-byte characters, still carries its secret.
        let name = "🔑".repeat(crate::applications::NAME_MAX);
        let longest = ShownOnce { of: "a".repeat(32), title: format!("{name} was created"), secret: "s".repeat(48) };
        let flash = Flash { shown_once: Some(longest.clone()), ..Default::default() };
        assert_eq!(Flash::from_json(&flash.to_json().unwrap_or_default()).shown_once, Some(longest));
    }
}
