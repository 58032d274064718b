//! Extractors for `/api/v2`: the bearer-token caller, and strict JSON bodies whose errors name
//! the field (`options.client_id: invalid type …`).

use super::error::ApiError;
use app::backend::admin::tokens::{self, ApiToken};
use app::backend::provider::machine;
use app::backend::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use http::request::Parts;
use http::{header, StatusCode};
use serde::de::DeserializeOwned;

pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The API token a request authenticated with.
pub struct Caller(pub ApiToken);

impl Caller {
    /// 403 unless the token carries `scope`.
    pub fn require(&self, scope: &str) -> Result<(), ApiError> {
        if self.0.has_scope(scope) {
            Ok(())
        } else {
            Err(ApiError::insufficient_scope(scope))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = match crate::extract::Bearer::of(&parts.headers) {
            crate::extract::Bearer::Token(token) => token,
            crate::extract::Bearer::Missing => return Err(ApiError::unauthorized("Missing authentication", None)),
            crate::extract::Bearer::Malformed => return Err(ApiError::unauthorized("Bad HTTP authentication header format", Some("invalid_request"))),
        };
        let token = token.as_str();
        // A CLI token (`tsr_…`), or an access token Tessera signed for a machine-to-machine
        // application's client grant.
        let found = match machine::looks_like_jwt(token) {
            true => machine::management_caller(state, token).await?,
            false => tokens::authenticate(&state.db, &state.clock, token).await?,
        };
        match found {
            Some(found) => Ok(Caller(found)),
            None => Err(ApiError::unauthorized("Invalid token", Some("invalid_token"))),
        }
    }
}

/// A JSON body of at most 1 MiB, parsed strictly into `T`. Auth0's own cURL, PHP, Ruby and C#
/// snippets send JSON without `Content-Type: application/json` (cURL's `--data` says
/// `application/x-www-form-urlencoded`), so a body that is a JSON object is taken as JSON
/// whatever its Content-Type says; anything else under another type is a 415.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &AppState) -> Result<Self, Self::Rejection> {
        let declared_json = req.headers().get(header::CONTENT_TYPE).is_none_or(|content_type| {
            content_type.to_str().map(|c| c.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json")).unwrap_or(false)
        });
        let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY_BYTES).await.map_err(|_| {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "Payload too large: a request body may be at most 1 MiB", "payload_too_large")
        })?;
        if !declared_json && !is_json_object(&bytes) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported Media Type: send the body as a JSON object with Content-Type: application/json",
                "unsupported_media_type",
            ));
        }
        parse_json(&bytes).map(JsonBody)
    }
}

/// Whether `bytes` hold one JSON object (at most 1 MiB, so checking costs one parse).
fn is_json_object(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() && bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// Like [`JsonBody`], but an empty body is `T::default()` (Auth0's POSTs whose body is optional).
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default> FromRequest<AppState> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let JsonBody(value) = JsonBody::<Option<T>>::from_request(req, state).await.or_else(|e| match e.message.as_str() {
            "Payload validation error: the body must be a JSON object" => Ok(JsonBody(None)),
            _ => Err(e),
        })?;
        Ok(OptionalJson(value.unwrap_or_default()))
    }
}

/// Parses `bytes` into `T`, naming the field of any error by its dotted path.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_body("Payload validation error: the body must be a JSON object"));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| describe(&e))?;
    de.end().map_err(|e| ApiError::bad_body(format!("Malformed JSON: {e}")))?;
    Ok(value)
}

fn describe(e: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let inner = e.inner();
    if inner.is_syntax() || inner.is_eof() {
        return ApiError::bad_body(format!("Malformed JSON: {inner}"));
    }
    let path = e.path().to_string();
    let message = inner.to_string();
    let message = strip_position(&message);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default();
        let full = if path == "." || path.is_empty() || path.ends_with(field) { path.trim_start_matches('.').to_string() } else { format!("{path}.{field}") };
        let full = if full.is_empty() { field.to_string() } else { full };
        return ApiError::bad_body(format!("Payload validation error: {full} is not allowed (unknown field)"));
    }
    if path == "." || path.is_empty() {
        ApiError::bad_body(format!("Payload validation error: {message}"))
    } else {
        ApiError::bad_body(format!("Payload validation error: {path}: {message}"))
    }
}

/// serde_json appends " at line 1 column 42"; the field path says more.
fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::connections::CreateConnection;

    fn message(body: &str) -> String {
        parse_json::<CreateConnection>(body.as_bytes()).err().map(|e| e.message).unwrap_or_default()
    }

    #[test]
    fn errors_name_the_field_and_the_rule() {
        assert_eq!(message(r#"{"name":"a","strategy":"oidc","options":{"client_id":5}}"#), "Payload validation error: options.client_id: invalid type: integer `5`, expected a string");
        assert_eq!(message(r#"{"name":"a","strategy":"oidc","options":{"colour":"red"}}"#), "Payload validation error: options.colour is not allowed (unknown field)");
        assert_eq!(message(r#"{"name":"a","strategy":"oidc","extra":1}"#), "Payload validation error: extra is not allowed (unknown field)");
        assert_eq!(
            message(r#"{"name":"a","strategy":"oidc","options":{"type":"sideways"}}"#),
            "Payload validation error: options.type: unknown variant `sideways`, expected `front_channel` or `back_channel`"
        );
        assert!(message(r#"{"name":"a","#).starts_with("Malformed JSON"));
        assert!(message(r#"{"name":"a","strategy":"oidc"} trailing"#).starts_with("Malformed JSON"));
        assert_eq!(message(""), "Payload validation error: the body must be a JSON object");
        assert_eq!(message(r#"{"strategy":"oidc"}"#), "Payload validation error: missing field `name`");
    }
}
