//! What a plain form post (from a page served with no wasm) leaves for the page the browser is
//! sent to next: the toast that confirms it ("Role Auditor created"), or, when the server function
//! refused it, its error, which that page's `ServerAction` shows under the field as it would with
//! JavaScript. It travels in one short-lived `HttpOnly` cookie (`Cookie::Flash`, written and taken
//! by `api::ssr`), never in the address: an error in the URL (leptos's own `__err`) would let
//! anyone put words on our pages with a link, so the page guard drops those parameters.

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
}

/// A refused post: the server function's path and its error as leptos encodes it in `__err`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    pub path: String,
    pub error: String,
}

/// The longest toast carried, in characters; the longest encoded error, in bytes (a cookie
/// holds 4 KB).
#[cfg(feature = "ssr")]
const TOAST_MAX: usize = 200;
#[cfg(feature = "ssr")]
const ERROR_MAX: usize = 2_000;

impl Flash {
    /// The cookie's value: base64url of its JSON, within the bounds.
    #[cfg(feature = "ssr")]
    pub fn to_cookie_value(self) -> Option<String> {
        use base64::Engine as _;
        serde_json::to_vec(&self.bounded()).ok().map(|json| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json))
    }

    /// Read back from the cookie's value; nothing when it is not one of ours.
    #[cfg(feature = "ssr")]
    pub fn from_cookie_value(value: &str) -> Flash {
        use base64::Engine as _;
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(value).ok();
        json.and_then(|json| serde_json::from_slice::<Flash>(&json).ok()).map(Flash::bounded).unwrap_or_default()
    }

    #[cfg(feature = "ssr")]
    fn bounded(self) -> Flash {
        Flash {
            toast: self.toast.map(|t| t.chars().take(TOAST_MAX).collect()),
            refused: self.refused.filter(|r| r.path.len() + r.error.len() <= ERROR_MAX),
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::{Flash, Refused};

    #[test]
    fn a_flash_survives_its_cookie_and_a_forged_or_oversized_one_carries_nothing() {
        let flash = Flash { toast: Some("Role Auditor created".into()), refused: Some(Refused { path: "/rpc/roles/create".into(), error: "eyJ9".into() }) };
        let value = flash.clone().to_cookie_value().unwrap_or_default();
        assert!(value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{value}");
        assert_eq!(Flash::from_cookie_value(&value), flash);
        assert_eq!(Flash::from_cookie_value("not base64!"), Flash::default());
        let long = Flash { toast: Some("x".repeat(5_000)), refused: Some(Refused { path: "p".into(), error: "e".repeat(5_000) }) };
        let back = Flash::from_cookie_value(&long.to_cookie_value().unwrap_or_default());
        assert_eq!((back.toast.map(|t| t.len()), back.refused), (Some(200), None));
    }
}
