//! What Tessera counts for `/metrics`: one function per event, so every name and label is
//! written once. The server installs the Prometheus recorder; without it (tests of the
//! backend alone) these calls cost nothing. Labels are bounded: connection and client ids,
//! named failure reasons, grant types, route templates, never a user, token or free text.

use metrics::{counter, gauge, histogram};
use std::time::Instant;

pub const SIGN_INS_STARTED: &str = "tessera_sign_ins_started_total";
pub const SIGN_INS: &str = "tessera_sign_ins_total";
pub const TOKEN_REQUESTS: &str = "tessera_token_requests_total";
pub const UPSTREAM_DURATION: &str = "tessera_upstream_request_duration_seconds";
pub const SCIM_REQUESTS: &str = "tessera_scim_requests_total";
pub const MANAGEMENT_API_REQUESTS: &str = "tessera_management_api_requests_total";
pub const BACKCHANNEL_DELIVERIES: &str = "tessera_backchannel_logout_deliveries_total";
pub const DB_CONNECTIONS: &str = "tessera_db_connections";
pub const DB_ERRORS: &str = "tessera_db_unavailable_total";
pub const INVITATIONS_SENT: &str = "tessera_setup_invitations_sent_total";

/// A login sent to its identity provider.
pub fn sign_in_started(connection_id: &str) {
    counter!(SIGN_INS_STARTED, "connection" => connection_id.to_string()).increment(1);
}

/// A login finished: signed in.
pub fn sign_in_succeeded(connection_id: &str) {
    counter!(SIGN_INS, "connection" => connection_id.to_string(), "outcome" => "success", "reason" => "").increment(1);
}

/// A login refused, with its named reason ([`crate::failures::classify`]).
pub fn sign_in_failed(connection_id: Option<&str>, reason: &'static str) {
    counter!(SIGN_INS, "connection" => connection_id.unwrap_or("").to_string(), "outcome" => "failure", "reason" => reason).increment(1);
}

/// A call of `/oauth/token`: its grant type (bounded to the ones Tessera knows) and outcome
/// (`success` or the OAuth error code).
pub fn token_request(grant_type: &str, outcome: &str) {
    let grant = match grant_type {
        "authorization_code" | "refresh_token" | "client_credentials" | "password" | "http://auth0.com/oauth/grant-type/password-realm"
        | "urn:ietf:params:oauth:grant-type:token-exchange" | "urn:ietf:params:oauth:grant-type:device_code"
        | "urn:auth0:params:oauth:grant-type:token-exchange:federated-connection-access-token" => grant_type.to_string(),
        _ => "other".to_string(),
    };
    counter!(TOKEN_REQUESTS, "grant_type" => grant, "outcome" => outcome_label(outcome)).increment(1);
}

fn outcome_label(outcome: &str) -> String {
    match outcome {
        "success" | "invalid_request" | "invalid_client" | "invalid_grant" | "unauthorized_client" | "unsupported_grant_type" | "invalid_scope"
        | "access_denied" | "server_error" | "temporarily_unavailable" => outcome.to_string(),
        _ => "other".to_string(),
    }
}

/// One request to an identity provider: `endpoint` is `discovery`, `jwks`, `token` or `userinfo`.
pub fn upstream_request(endpoint: &'static str, started: Instant, ok: bool) {
    histogram!(UPSTREAM_DURATION, "endpoint" => endpoint, "outcome" => if ok { "ok" } else { "error" }).record(started.elapsed().as_secs_f64());
}

/// A SCIM request: its operation (`GET Users`, `PATCH Groups`, ...) and status code.
pub fn scim_request(operation: String, status: u16) {
    counter!(SCIM_REQUESTS, "operation" => operation, "status" => status.to_string()).increment(1);
}

/// A Management API request: its route template (`/api/v2/clients/{id}`) and status code.
pub fn management_api_request(method: &str, route: String, status: u16) {
    counter!(MANAGEMENT_API_REQUESTS, "method" => method.to_string(), "route" => route, "status" => status.to_string()).increment(1);
}

/// A back-channel logout: `delivered`, `retry` (failed, will be tried again) or `given_up`.
pub fn backchannel_delivery(outcome: &'static str) {
    counter!(BACKCHANNEL_DELIVERIES, "outcome" => outcome).increment(1);
}

/// The database connections now: open ones idle, and in use.
pub fn db_connections(idle: usize, in_use: usize) {
    gauge!(DB_CONNECTIONS, "state" => "idle").set(idle as f64);
    gauge!(DB_CONNECTIONS, "state" => "in_use").set(in_use as f64);
}

/// A request answered 503 because the database was unavailable (down, full, read-only).
pub fn db_unavailable(reason: &'static str) {
    counter!(DB_ERRORS, "reason" => reason).increment(1);
}

/// A setup link sent by email: `sent` or `failed`.
pub fn invitation_sent(outcome: &'static str) {
    counter!(INVITATIONS_SENT, "outcome" => outcome).increment(1);
}
