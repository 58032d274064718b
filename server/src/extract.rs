//! Extractors every door shares: the bearer token of a request (the Management API, SCIM,
//! `/userinfo` and Global Token Revocation all take one) and the parameters of a protocol
//! request (query string, form body or JSON body).

use axum::extract::{FromRequest, FromRequestParts, Request};
use http::request::Parts;
use http::{header, HeaderMap, Method};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::convert::Infallible;

/// The bearer token of a request: `Authorization: Bearer <token>`, the scheme in any case
/// (RFC 7235), the token trimmed. Each door answers a missing or malformed one its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bearer {
    Token(String),
    /// No `Authorization` header.
    Missing,
    /// An `Authorization` header that is not a bearer token.
    Malformed,
}

impl Bearer {
    pub fn of(headers: &HeaderMap) -> Bearer {
        let Some(value) = headers.get(header::AUTHORIZATION) else { return Bearer::Missing };
        let parsed = value.to_str().ok().and_then(|v| v.trim().split_once(' ')).filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"));
        match parsed.map(|(_, token)| token.trim()).filter(|t| !t.is_empty() && !t.contains(' ')) {
            Some(token) => Bearer::Token(token.to_string()),
            None => Bearer::Malformed,
        }
    }

    /// The token, if there is one.
    pub fn token(&self) -> Option<&str> {
        match self {
            Bearer::Token(t) => Some(t),
            _ => None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Bearer::of(&parts.headers))
    }
}

/// A protocol request's parameters may be at most this long (a form or JSON body, or a query).
pub const MAX_PARAMS_BYTES: usize = 64 * 1024;

/// How a door refuses parameters it cannot read (too long, not a form, not a JSON object).
pub trait RefuseParams {
    type Refusal: axum::response::IntoResponse;
    fn refuse(reason: String) -> Self::Refusal;
}

/// The parameters of a protocol request, from the query string (GET) or the body (POST: a form,
/// or a JSON object, as Auth0's SDKs send `/oauth/token`), as `T` and as the pairs sent (the
/// first of a repeated name wins, as before). Bounded to [`MAX_PARAMS_BYTES`].
pub struct Params<T> {
    pub value: T,
    pub pairs: Vec<(String, String)>,
}

impl<T> Params<T> {
    /// The first value sent for `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

impl<T, S> FromRequest<S> for Params<T>
where
    T: DeserializeOwned + RefuseParams,
    S: Send + Sync,
{
    type Rejection = T::Refusal;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let pairs = if req.method() == Method::GET || req.method() == Method::HEAD {
            let query = req.uri().query().unwrap_or("");
            if query.len() > MAX_PARAMS_BYTES {
                return Err(T::refuse(format!("the query string may be at most {MAX_PARAMS_BYTES} bytes")));
            }
            url::form_urlencoded::parse(query.as_bytes()).into_owned().collect()
        } else {
            let json = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|c| c.to_str().ok())
                .is_some_and(|c| c.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json"));
            let body = axum::body::to_bytes(req.into_body(), MAX_PARAMS_BYTES)
                .await
                .map_err(|_| T::refuse(format!("the body may be at most {MAX_PARAMS_BYTES} bytes")))?;
            if json {
                json_pairs(&body).map_err(T::refuse)?
            } else {
                url::form_urlencoded::parse(&body).into_owned().collect()
            }
        };
        let mut object = Map::new();
        for (k, v) in &pairs {
            object.entry(k.clone()).or_insert_with(|| Value::String(v.clone()));
        }
        let value = serde_json::from_value(Value::Object(object)).map_err(|e| T::refuse(format!("the parameters are not valid: {e}")))?;
        Ok(Params { value, pairs })
    }
}

/// A JSON object's members as parameters: strings as they are, numbers and booleans as their
/// text, `null` left out; anything nested is refused.
fn json_pairs(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    let Ok(Value::Object(members)) = serde_json::from_slice::<Value>(body) else {
        return Err("the body must be a JSON object or a form".into());
    };
    let mut pairs = Vec::new();
    for (k, v) in members {
        match v {
            Value::String(s) => pairs.push((k, s)),
            Value::Number(n) => pairs.push((k, n.to_string())),
            Value::Bool(b) => pairs.push((k, b.to_string())),
            Value::Null => {}
            _ => return Err(format!("{k} must be a string")),
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_token_is_read_in_any_case_and_a_malformed_header_is_told_apart() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, v.parse().unwrap_or_else(|e| panic!("{e}")));
            Bearer::of(&h)
        };
        assert_eq!(with("Bearer abc"), Bearer::Token("abc".into()));
        assert_eq!(with("bearer abc "), Bearer::Token("abc".into()));
        assert_eq!(with("BEARER  abc"), Bearer::Token("abc".into()));
        assert_eq!(with("Basic abc"), Bearer::Malformed);
        assert_eq!(with("Bearer"), Bearer::Malformed);
        assert_eq!(with("Bearer a b"), Bearer::Malformed);
        assert_eq!(Bearer::of(&HeaderMap::new()), Bearer::Missing);
    }

    #[test]
    fn json_parameters_are_strings_numbers_or_booleans() {
        let mut pairs = json_pairs(br#"{"a":"x","n":5,"b":true,"z":null}"#).unwrap_or_default();
        pairs.sort();
        assert_eq!(pairs, vec![("a".to_string(), "x".to_string()), ("b".into(), "true".into()), ("n".into(), "5".into())]);
        assert!(json_pairs(br#"{"a":{"b":1}}"#).is_err());
        assert!(json_pairs(b"[1]").is_err());
    }
}
