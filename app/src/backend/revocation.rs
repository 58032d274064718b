//! Global Token Revocation (draft-parecki-oauth-global-token-revocation; what Okta Universal
//! Logout sends) per connection, at `{public}/global-token-revocation/{connection_id}`: the
//! connection's identity provider POSTs the subject to sign out everywhere, authenticated by a
//! JWT it signs (verified against the connection's JWKS, `aud` this endpoint, a short lifetime,
//! each `jti` once). Tessera ends the user's sessions (applications that take back-channel
//! logout are told) and revokes their refresh and access tokens. The user may sign in again.
//! Every call, accepted or refused, is recorded in Logs.

use crate::backend::flows::verify::{issuer_matches, verify_idp_jwt};
use crate::backend::{connections, logs, provider, AppState, Error, Result};
use crate::connections::Connection;
use serde_json::{Map, Value};

/// How far the IdP's clock may be off.
const LEEWAY_S: i64 = 60;
/// The longest a revocation JWT may live (`exp - iat`): it is a one-shot request.
const MAX_LIFETIME_S: i64 = 300;

/// Why a request was refused: its HTTP status, the OAuth-style error code and the reason.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub error: &'static str,
    pub description: String,
}

fn refuse(status: u16, error: &'static str, description: impl Into<String>) -> Refusal {
    Refusal { status, error, description: description.into() }
}

/// The endpoint a connection's identity provider is given (the Settings tab shows it).
pub fn endpoint(state: &AppState, connection_id: &str) -> String {
    format!("{}/global-token-revocation/{connection_id}", state.env.public_base())
}

/// Auth0's endpoint for the same, by connection name: what an Okta admin copies from Auth0's docs.
pub fn endpoint_by_name(state: &AppState, connection_name: &str) -> String {
    format!("{}/oauth/global-token-revocation/connection/{}", state.env.public_base(), crate::text::encode_path_segment(connection_name))
}

/// Which endpoint a request came to: Tessera's (by connection id) or Auth0's (by name). The
/// token's `aud` must be that endpoint.
#[derive(Clone, Copy, Debug)]
pub enum Door<'a> {
    Id(&'a str),
    Name(&'a str),
}

/// Handles one request; `Ok(Ok(user_ids))` are the users signed out (204).
pub async fn revoke(state: &AppState, door: Door<'_>, bearer: Option<&str>, body: &[u8]) -> Result<std::result::Result<Vec<String>, Refusal>> {
    let (found, audience) = match door {
        Door::Id(id) => (connections::get_connection(state, id).await.map(Some), endpoint(state, id)),
        Door::Name(name) => (connections::find_by_name(state, name).await, endpoint_by_name(state, name)),
    };
    let connection = match found {
        Ok(Some(c)) => c,
        Ok(None) | Err(Error::NotFound(_)) => return Ok(Err(refuse(404, "not_found", "There is no such connection."))),
        Err(e) => return Err(e),
    };
    let outcome = check_and_revoke(state, &connection, &audience, bearer, body).await?;
    match &outcome {
        Ok(users) => {
            for user_id in users {
                logs::record(state, logs::TOKEN_REVOCATION, "Global Token Revocation: sessions ended and tokens revoked", Some(&connection.id), None, Some(user_id)).await;
            }
            tracing::info!(connection_id = %connection.id, users = users.len(), "global token revocation");
        }
        Err(refusal) => {
            let description = format!("Global Token Revocation refused: {}", refusal.description);
            tracing::warn!(connection_id = %connection.id, %description);
            logs::record(state, logs::TOKEN_REVOCATION_FAILED, &description, Some(&connection.id), None, None).await;
        }
    }
    Ok(outcome)
}

async fn check_and_revoke(state: &AppState, connection: &Connection, audience: &str, bearer: Option<&str>, body: &[u8]) -> Result<std::result::Result<Vec<String>, Refusal>> {
    let Some(jwt) = bearer.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(Err(refuse(401, "invalid_token", "a bearer JWT signed by the identity provider is required")));
    };
    let claims = match verify_idp_jwt(&state.jwks_cache, state.discovery.client(), &state.clock, connection, jwt).await {
        Ok(c) => c,
        Err(reason) => return Ok(Err(refuse(401, "invalid_token", reason))),
    };
    if let Err(reason) = check_claims(state, connection, audience, &claims) {
        return Ok(Err(refuse(401, "invalid_token", reason)));
    }
    // Single use: the jti is kept until the token would have expired anyway.
    let jti = claims.get("jti").and_then(Value::as_str).unwrap_or_default();
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or_default();
    let first = crate::backend::provider::jwt::first_use(state, &format!("global-token-revocation:{}", connection.id), jti, (exp + LEEWAY_S) * 1000).await?;
    if !first {
        return Ok(Err(refuse(401, "invalid_token", "the token was already used (its jti was seen before)")));
    }
    let subject = match subject_of(body) {
        Ok(s) => s,
        Err(reason) => return Ok(Err(refuse(400, "invalid_request", reason))),
    };
    let users: Vec<String> = match &subject {
        Subject::IssSub { iss, sub } => {
            if !issuer_matches(&connection.options.issuer, iss, None) {
                return Ok(Err(refuse(400, "invalid_request", format!("the subject's iss {iss:?} is not this connection's issuer"))));
            }
            state.db.fetch_all_scalars(
                "SELECT id FROM users WHERE connection_id = $1 AND subject = $2",
                &[(&connection.id).into(), sub.into()],
            ).await?
        }
        Subject::Email(email) => state.db.fetch_all_scalars(
            "SELECT id FROM users WHERE connection_id = $1 AND lower(email) = lower($2)",
            &[(&connection.id).into(), email.into()],
        ).await?,
    };
    if users.is_empty() {
        return Ok(Err(refuse(404, "user_not_found", "no user of this connection is that subject")));
    }
    for user_id in &users {
        use provider::{end_sessions, sessions::Ending};
        end_sessions(state, Ending::User(user_id)).await?;
        provider::refresh::revoke_for_user(state, user_id).await?;
    }
    Ok(Ok(users))
}

/// `iss` is the connection's issuer, `aud` this endpoint, the lifetime short and current.
fn check_claims(state: &AppState, connection: &Connection, me: &str, claims: &Map<String, Value>) -> std::result::Result<(), String> {
    let iss = claims.get("iss").and_then(Value::as_str).ok_or("the token has no iss")?;
    if !issuer_matches(&connection.options.issuer, iss, claims.get("tid").and_then(Value::as_str)) {
        return Err(format!("the token's iss {iss:?} is not this connection's issuer"));
    }
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == me,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(me)),
        _ => false,
    };
    if !aud_ok {
        return Err(format!("the token's aud must be this endpoint, {me}"));
    }
    let now = state.clock.now().timestamp();
    let exp = claims.get("exp").and_then(Value::as_i64).ok_or("the token has no exp")?;
    let iat = claims.get("iat").and_then(Value::as_i64).ok_or("the token has no iat")?;
    if exp + LEEWAY_S <= now {
        return Err("the token has expired".into());
    }
    if iat > now + LEEWAY_S {
        return Err("the token was issued in the future (iat)".into());
    }
    if exp - iat > MAX_LIFETIME_S || now - iat > MAX_LIFETIME_S + LEEWAY_S {
        return Err(format!("the token may live at most {MAX_LIFETIME_S} s"));
    }
    if claims.get("jti").and_then(Value::as_str).is_none_or(str::is_empty) {
        return Err("the token has no jti".into());
    }
    Ok(())
}

/// Whom to sign out.
#[derive(Debug, PartialEq, Eq)]
enum Subject {
    IssSub { iss: String, sub: String },
    Email(String),
}

/// The body's subject identifier, as `sub_id` (the draft, Okta's first shape) or `subject`
/// (Okta's later one): `{"format": "iss_sub", "iss", "sub"}` or `{"format": "email", "email"}`.
fn subject_of(body: &[u8]) -> std::result::Result<Subject, String> {
    let v: Value = serde_json::from_slice(body).map_err(|_| "the body must be JSON: {\"sub_id\": {\"format\": …}}".to_string())?;
    let id = v.get("sub_id").or_else(|| v.get("subject")).ok_or("the body has no sub_id (or subject)")?;
    let text = |name: &str| id.get(name).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    match text("format").as_deref() {
        Some("iss_sub") => match (text("iss"), text("sub")) {
            (Some(iss), Some(sub)) => Ok(Subject::IssSub { iss, sub }),
            _ => Err("an iss_sub subject needs iss and sub".into()),
        },
        Some("email") => text("email").map(Subject::Email).ok_or_else(|| "an email subject needs email".into()),
        Some(other) => Err(format!("the subject format {other:?} is not supported (iss_sub or email)")),
        None => Err("the subject has no format (iss_sub or email)".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_comes_as_sub_id_or_as_subject_in_either_format() {
        assert_eq!(subject_of(br#"{"sub_id":{"format":"iss_sub","iss":"https://acme.okta.com","sub":"00u1"}}"#), Ok(Subject::IssSub { iss: "https://acme.okta.com".into(), sub: "00u1".into() }));
        assert_eq!(subject_of(br#"{"subject":{"format":"email","email":"ada@acme.example"}}"#), Ok(Subject::Email("ada@acme.example".into())));
        assert!(subject_of(br#"{"sub_id":{"format":"phone_number","phone_number":"+1"}}"#).unwrap_err().contains("not supported"));
        assert!(subject_of(br#"{"sub_id":{"format":"iss_sub","iss":"x"}}"#).unwrap_err().contains("needs iss and sub"));
        assert!(subject_of(b"nope").unwrap_err().contains("must be JSON"));
        assert!(subject_of(br#"{"user":"x"}"#).unwrap_err().contains("no sub_id"));
    }
}
