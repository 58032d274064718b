//! A local OpenID Provider stand-in for the issuer-check tests: real HTTP on a free loopback
//! port, serving discovery documents whose defects are chosen by the path.
//!
//! `GET /{prefix}/.well-known/openid-configuration`, by prefix:
//! - `404`: Not Found; `html`: an HTML page; `notjson`: plain text; `huge`: 2 MiB of JSON;
//!   `slow`: answers after 6 seconds; `missing-<field>`: a good document without `<field>`;
//!   `mismatch`: a good document whose issuer is another URL;
//!   `chain/<total>/<hop>`: redirects until hop = total, then a good document;
//! - anything else (also none): a good document whose issuer is `{base}/{prefix}`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::time::Duration;

const WELL_KNOWN: &str = "/.well-known/openid-configuration";

pub struct TestIdp {
    pub base: String,
}

impl TestIdp {
    pub async fn start() -> TestIdp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
        let base = format!("http://{}", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(root))
            .route("/{*path}", get(document))
            .with_state(base.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        TestIdp { base }
    }

    /// The issuer URL for a prefix (what an admin types).
    pub fn issuer(&self, prefix: &str) -> String {
        if prefix.is_empty() { self.base.clone() } else { format!("{}/{prefix}", self.base) }
    }

    /// The full discovery URL for a prefix.
    pub fn discovery(&self, prefix: &str) -> String {
        format!("{}{WELL_KNOWN}", self.issuer(prefix))
    }
}

pub fn good_document(issuer: &str) -> Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/oauth/token"),
        "userinfo_endpoint": format!("{issuer}/userinfo"),
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "response_types_supported": ["code", "id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email"]
    })
}

async fn root(State(base): State<String>) -> Response {
    Json(good_document(&base)).into_response()
}

async fn document(State(base): State<String>, Path(path): Path<String>) -> Response {
    let Some(prefix) = path.strip_suffix(WELL_KNOWN.trim_start_matches('/')).map(|p| p.trim_end_matches('/')) else {
        return (http::StatusCode::NOT_FOUND, "not found").into_response();
    };
    let issuer = format!("{base}/{prefix}");
    let parts: Vec<&str> = prefix.split('/').collect();
    match parts.as_slice() {
        ["404"] => (http::StatusCode::NOT_FOUND, "Not Found").into_response(),
        ["html"] => (
            [(http::header::CONTENT_TYPE, "text/html")],
            "<!DOCTYPE html><html><body>Welcome to our identity portal</body></html>",
        )
            .into_response(),
        ["notjson"] => "hello".into_response(),
        ["huge"] => {
            let mut doc = good_document(&issuer);
            doc["padding"] = json!("x".repeat(2 * 1024 * 1024));
            Json(doc).into_response()
        }
        ["slow"] => {
            tokio::time::sleep(Duration::from_secs(6)).await;
            Json(good_document(&issuer)).into_response()
        }
        ["mismatch"] => {
            let mut doc = good_document(&issuer);
            doc["issuer"] = json!("https://someone-else.example");
            Json(doc).into_response()
        }
        [single] if single.starts_with("missing-") => {
            let mut doc = good_document(&issuer);
            if let Some(o) = doc.as_object_mut() {
                o.remove(single.trim_start_matches("missing-"));
            }
            Json(doc).into_response()
        }
        ["chain", total, hop] => {
            let (total, hop): (u32, u32) = (total.parse().unwrap_or(0), hop.parse().unwrap_or(0));
            if hop < total {
                Redirect::to(&format!("/chain/{total}/{}{WELL_KNOWN}", hop + 1)).into_response()
            } else {
                Json(good_document(&format!("{base}/chain/{total}/0"))).into_response()
            }
        }
        _ => Json(good_document(&issuer)).into_response(),
    }
}
