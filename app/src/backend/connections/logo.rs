//! The Login Experience preview's Button logo: the dashboard's policy allows images from Tessera
//! only, so the preview asks Tessera, which fetches the typed URL through the guarded client (no
//! private addresses, 5 s, redirects checked) and hands back an image and nothing else.

use crate::backend::{AppState, Error, Result};
use crate::connections::validate::check_url;

/// The largest logo passed through (a 20×20 button icon needs far less).
pub const MAX_LOGO_BYTES: usize = 256 * 1024;

const IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml", "image/x-icon", "image/vnd.microsoft.icon", "image/avif"];

/// A fetched logo: its media type and bytes.
pub struct Logo {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Fetches the image at `url` (an admin typed it) for the preview.
pub async fn fetch(state: &AppState, url: &str) -> Result<Logo> {
    check_url(url, state.rules()).map_err(|m| Error::invalid("url", m))?;
    let request = http::Request::get(url).header(http::header::ACCEPT, "image/*").body(Vec::new()).map_err(|_| Error::invalid("url", "is not a URL"))?;
    let response = state.discovery.client().execute(request).await.map_err(|e| Error::invalid("url", format!("could not be fetched: {}", e.0)))?;
    if !response.status().is_success() {
        return Err(Error::invalid("url", format!("answered HTTP {}", response.status().as_u16())));
    }
    let content_type = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !IMAGE_TYPES.contains(&content_type.as_str()) {
        return Err(Error::invalid("url", format!("is not an image (Content-Type {content_type:?}); use PNG, JPEG, GIF, WebP, SVG or ICO")));
    }
    if response.body().len() > MAX_LOGO_BYTES {
        return Err(Error::invalid("url", "is larger than 256 KiB"));
    }
    Ok(Logo { content_type, bytes: response.into_body() })
}
