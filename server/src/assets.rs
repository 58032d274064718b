//! The compiled site's files under `/pkg` (the wasm module and its chunks, the JS glue, the CSS).
//!
//! `make build` writes a Brotli (`.br`) and a gzip (`.gz`) copy beside each file; a browser that
//! accepts one gets it, with `Content-Encoding`, so the wasm crosses the wire compressed without
//! the server compressing it again for every visitor. `Vary: Accept-Encoding` keeps a shared cache
//! from handing one browser's encoding to another. A file with no compressed copy (a site built by
//! plain `cargo leptos build`) is served as it is.

use axum::middleware::map_response;
use axum::response::Response;
use axum::Router;
use http::header::VARY;
use http::HeaderValue;
use leptos::config::LeptosOptions;
use std::path::PathBuf;
use tower_http::services::ServeDir;

pub fn router<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let pkg = format!("/{}", options.site_pkg_dir.trim_matches('/'));
    let dir = PathBuf::from(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    Router::new()
        .nest_service(&pkg, ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(map_response(vary_on_encoding))
}

async fn vary_on_encoding(mut response: Response) -> Response {
    response.headers_mut().append(VARY, HeaderValue::from_static("accept-encoding"));
    response
}
