//! What a plain form post (from a page served with no wasm) leaves for the page the browser is
//! sent to next: the toast that confirms it ("Role Auditor created"), or, when the server function
//! refused it, its error, which that page's `ServerAction` shows under the field as it would with
//! JavaScript. It travels in one short-lived `HttpOnly` cookie (`Cookie::Flash`), never in the
//! address: an error in the URL (leptos's own `__err`) would let anyone put words on our pages with
//! a link, so the page guard drops those parameters.

use serde::{Deserialize, Serialize};

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

/// Leaves `flash` for the next page the browser loads (a minute at most).
#[cfg(feature = "ssr")]
pub fn leave(flash: Flash) {
    use base64::Engine as _;
    let Some(state) = use_state() else { return };
    let flash = bounded(flash);
    let Ok(json) = serde_json::to_vec(&flash) else { return };
    let value = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    crate::api::ssr::append_set_cookie(crate::backend::cookies::Cookie::Flash.set(&value, 60, state.env.cookies_secure()));
}

/// The flash this page was sent with, taken: read from the request and cleared in the response.
/// Empty in the browser.
pub fn take() -> Flash {
    #[cfg(feature = "ssr")]
    {
        use base64::Engine as _;
        use crate::backend::cookies::Cookie;
        let (Some(state), Some(parts)) = (use_state(), leptos::prelude::use_context::<http::request::Parts>()) else { return Flash::default() };
        let secure = state.env.cookies_secure();
        let Some(value) = Cookie::Flash.read(&parts.headers, secure) else { return Flash::default() };
        crate::api::ssr::append_set_cookie(Cookie::Flash.clear(secure));
        let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(value).ok();
        decoded.and_then(|json| serde_json::from_slice::<Flash>(&json).ok()).map(bounded).unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    Flash::default()
}

#[cfg(feature = "ssr")]
fn use_state() -> Option<crate::backend::AppState> {
    leptos::prelude::use_context::<crate::backend::AppState>()
}

#[cfg(feature = "ssr")]
fn bounded(flash: Flash) -> Flash {
    Flash {
        toast: flash.toast.map(|t| t.chars().take(TOAST_MAX).collect()),
        refused: flash.refused.filter(|r| r.path.len() + r.error.len() <= ERROR_MAX),
    }
}
