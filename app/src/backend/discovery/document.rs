//! The rules a discovery document must meet (OpenID Connect Discovery 1.0): the required
//! metadata, URLs Tessera may use, and the issuer equal to the URL it was derived from (§4.3).
//! Applied to fetched documents and to uploaded ones alike.

use crate::connections::options::Channel;
use crate::connections::validate::{check_url, Rules};
use crate::connections::IssuerCheck;
use serde_json::Value;

/// Metadata every document must have, and those that must be URLs.
const REQUIRED_STRINGS: &[&str] = &["issuer", "authorization_endpoint", "jwks_uri"];
const REQUIRED_LISTS: &[&str] = &["response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported"];
const URL_FIELDS: &[&str] = &["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"];

/// Issuers are compared exactly, except for one trailing slash, which many providers and admins
/// add or leave out inconsistently.
pub fn same_issuer(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// Checks `doc`, fetched from (or uploaded for) `discovery_url`. `expected_issuer` is the URL the
/// document location was derived from, when there is one.
pub fn validate_document(doc: &Value, discovery_url: &str, expected_issuer: Option<&str>, channel: Channel, rules: Rules) -> IssuerCheck {
    let Some(object) = doc.as_object() else {
        return IssuerCheck::NotFound { discovery_url: discovery_url.into(), reason: "the response is not a JSON object".into() };
    };
    let mut problems = Vec::new();
    let string = |name: &str| object.get(name).and_then(Value::as_str).map(str::to_string);

    let mut required: Vec<&str> = REQUIRED_STRINGS.to_vec();
    if channel == Channel::BackChannel {
        required.push("token_endpoint");
    }
    for name in required {
        match object.get(name) {
            None | Some(Value::Null) => problems.push(if name == "token_endpoint" {
                "missing token_endpoint (back channel exchanges the code there)".to_string()
            } else {
                format!("missing {name}")
            }),
            Some(Value::String(s)) if s.trim().is_empty() => problems.push(format!("{name} is empty")),
            Some(Value::String(_)) => {}
            Some(_) => problems.push(format!("{name} must be a string")),
        }
    }
    for name in REQUIRED_LISTS {
        match object.get(*name) {
            None | Some(Value::Null) => problems.push(format!("missing {name}")),
            Some(Value::Array(items)) if items.is_empty() => problems.push(format!("{name} is empty")),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {}
            Some(_) => problems.push(format!("{name} must be a list of strings")),
        }
    }
    for name in URL_FIELDS {
        if let Some(Value::String(url)) = object.get(*name) {
            if !url.trim().is_empty() {
                if let Err(m) = check_url(url, rules) {
                    problems.push(format!("{name} {m}"));
                }
            }
        }
    }
    if let (Some(found), Some(expected)) = (string("issuer"), expected_issuer) {
        if !same_issuer(&found, expected) {
            problems.push(format!(
                "issuer {found} does not match {expected}, the URL the document belongs to (OpenID Connect Discovery 1.0, section 4.3)"
            ));
        }
    }
    if problems.is_empty() {
        // The openidconnect crate's own model of the document must accept it too.
        if let Err(e) = serde_json::from_value::<openidconnect::core::CoreProviderMetadata>(doc.clone()) {
            problems.push(format!("not a valid discovery document: {e}"));
        }
    }
    if !problems.is_empty() {
        return IssuerCheck::Invalid { discovery_url: discovery_url.into(), problems };
    }
    IssuerCheck::Found {
        issuer: string("issuer").unwrap_or_default(),
        discovery_url: discovery_url.into(),
        authorization_endpoint: string("authorization_endpoint").unwrap_or_default(),
        token_endpoint: string("token_endpoint"),
        userinfo_endpoint: string("userinfo_endpoint"),
        jwks_uri: string("jwks_uri").unwrap_or_default(),
        document: doc.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RULES: Rules = Rules { allow_private_network: false };
    const URL: &str = "https://idp.example/.well-known/openid-configuration";

    fn good() -> Value {
        json!({
            "issuer": "https://idp.example",
            "authorization_endpoint": "https://idp.example/authorize",
            "token_endpoint": "https://idp.example/token",
            "jwks_uri": "https://idp.example/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"]
        })
    }

    fn problems(check: IssuerCheck) -> Vec<String> {
        match check {
            IssuerCheck::Invalid { problems, .. } => problems,
            other => vec![format!("not invalid: {other:?}")],
        }
    }

    #[test]
    fn a_complete_document_is_found() {
        let check = validate_document(&good(), URL, Some("https://idp.example"), Channel::BackChannel, RULES);
        assert!(matches!(check, IssuerCheck::Found { ref token_endpoint, .. } if token_endpoint.as_deref() == Some("https://idp.example/token")));
    }

    #[test]
    fn each_missing_required_field_is_listed() {
        for field in ["issuer", "authorization_endpoint", "jwks_uri", "response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported"] {
            let mut doc = good();
            doc.as_object_mut().map(|o| o.remove(field));
            let found = problems(validate_document(&doc, URL, None, Channel::FrontChannel, RULES));
            assert_eq!(found, vec![format!("missing {field}")], "{field}");
        }
    }

    #[test]
    fn the_token_endpoint_is_required_for_back_channel_only() {
        let mut doc = good();
        doc.as_object_mut().map(|o| o.remove("token_endpoint"));
        assert!(validate_document(&doc, URL, None, Channel::FrontChannel, RULES).is_found());
        let found = problems(validate_document(&doc, URL, None, Channel::BackChannel, RULES));
        assert!(found[0].starts_with("missing token_endpoint"));
    }

    #[test]
    fn an_issuer_other_than_the_url_it_came_from_is_invalid() {
        let found = problems(validate_document(&good(), URL, Some("https://other.example"), Channel::FrontChannel, RULES));
        assert!(found[0].starts_with("issuer https://idp.example does not match https://other.example"), "{found:?}");
        assert!(validate_document(&good(), URL, Some("https://idp.example/"), Channel::FrontChannel, RULES).is_found());
    }

    #[test]
    fn plain_http_endpoints_are_invalid_unless_private_networks_are_allowed() {
        let mut doc = good();
        doc["jwks_uri"] = json!("http://idp.example/jwks");
        assert_eq!(problems(validate_document(&doc, URL, None, Channel::FrontChannel, RULES)), vec!["jwks_uri must use https://"]);
        assert!(validate_document(&doc, URL, None, Channel::FrontChannel, Rules { allow_private_network: true }).is_found());
    }

    #[test]
    fn wrong_types_are_named() {
        let mut doc = good();
        doc["response_types_supported"] = json!("code");
        doc["jwks_uri"] = json!(42);
        assert_eq!(
            problems(validate_document(&doc, URL, None, Channel::FrontChannel, RULES)),
            vec!["jwks_uri must be a string", "response_types_supported must be a list of strings"]
        );
    }
}
