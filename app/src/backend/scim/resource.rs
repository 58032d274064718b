//! A resource body as the schema says it must be: attribute names in the schema's case, values
//! of the attribute's type (Microsoft Entra sends `"True"` for booleans), read-only attributes
//! dropped, attributes Tessera does not know ignored (RFC 7644 lets a service provider do so),
//! multi-valued attributes as arrays with at most one `primary`. Creates, replaces and the
//! result of every PATCH go through [`normalize`], so what is stored is always valid.

use super::error::{ScimError, ScimResult};
use super::filter::get_ci;
use super::schema::{self, Attr, Kind, Mutability, ResourceSchema};
use serde_json::{Map, Value};

/// Keys every body may carry that are not attributes the client sets.
const ENVELOPE: &[&str] = &["schemas", "id", "meta"];

/// The attribute's value, checked and canonicalized; `None` when it is null or empty.
pub fn value(a: &Attr, v: &Value, dotted: &str) -> ScimResult<Option<Value>> {
    if v.is_null() {
        return Ok(None);
    }
    if a.multi {
        let items: Vec<Value> = match v {
            Value::Array(list) => list.clone(),
            single => vec![single.clone()],
        };
        let mut out = Vec::new();
        for item in &items {
            if let Some(one) = single(a, item, dotted)? {
                out.push(one);
            }
        }
        let primaries = out.iter().filter(|i| i.get("primary") == Some(&Value::Bool(true))).count();
        if primaries > 1 {
            return Err(ScimError::invalid_value(format!("{dotted}: at most one value may be primary")));
        }
        return Ok((!out.is_empty()).then_some(Value::Array(out)));
    }
    single(a, v, dotted)
}

fn single(a: &Attr, v: &Value, dotted: &str) -> ScimResult<Option<Value>> {
    let wrong = |what: &str| ScimError::invalid_value(format!("{dotted} must be {what}"));
    Ok(match a.kind {
        Kind::Complex => {
            // Microsoft Entra sends a manager as its bare id: the `value` of the complex attribute.
            if let (Value::String(_), Some(value)) = (v, schema::find(a.sub, "value")) {
                let mut out = Map::new();
                if let Some(checked) = single(value, v, &format!("{dotted}.value"))? {
                    out.insert(value.name.to_string(), checked);
                }
                return Ok((!out.is_empty()).then_some(Value::Object(out)));
            }
            let Value::Object(given) = v else { return Err(wrong("an object")) };
            let mut out = Map::new();
            for (key, inner) in given {
                let Some(sub) = schema::find(a.sub, key) else { continue };
                if sub.mutability == Mutability::ReadOnly && a.mutability != Mutability::ReadOnly {
                    continue;
                }
                if let Some(checked) = value(sub, inner, &format!("{dotted}.{}", sub.name))? {
                    out.insert(sub.name.to_string(), checked);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        Kind::Boolean => match v {
            Value::Bool(b) => Some(Value::Bool(*b)),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(Value::Bool(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(Value::Bool(false)),
            _ => return Err(wrong("true or false")),
        },
        Kind::Integer => match v {
            Value::Number(n) if n.is_i64() => Some(v.clone()),
            Value::String(s) => Some(Value::from(s.trim().parse::<i64>().map_err(|_| wrong("a whole number"))?)),
            _ => return Err(wrong("a whole number")),
        },
        Kind::String | Kind::Reference | Kind::DateTime => match v {
            Value::String(s) if s.is_empty() => None,
            Value::String(s) if s.len() > 4096 => return Err(wrong("at most 4096 characters")),
            Value::String(_) => Some(v.clone()),
            _ => return Err(wrong("a string")),
        },
    })
}

/// Checks and canonicalizes `body` as a resource of `r` (the client-settable part: no `id`,
/// `meta` or read-only attributes). `externalId` is kept; required attributes are checked.
pub fn normalize(r: &ResourceSchema, body: &Map<String, Value>) -> ScimResult<Map<String, Value>> {
    let mut out = Map::new();
    for (key, v) in body {
        if ENVELOPE.iter().any(|e| e.eq_ignore_ascii_case(key)) {
            continue;
        }
        if key.eq_ignore_ascii_case("externalId") {
            match v {
                Value::String(s) if !s.is_empty() => {
                    out.insert("externalId".into(), v.clone());
                }
                Value::Null | Value::String(_) => {}
                _ => return Err(ScimError::invalid_value("externalId must be a string")),
            }
            continue;
        }
        if let Some(ext) = r.extension_urn(key) {
            let Value::Object(inner) = v else { return Err(ScimError::invalid_value(format!("{ext} must be an object"))) };
            let attrs = r.extension.map(|(_, a)| a).unwrap_or(&[]);
            let mut ext_out = Map::new();
            for (k, iv) in inner {
                if let Some(a) = schema::find(attrs, k) {
                    if let Some(checked) = value(a, iv, &format!("{ext}:{}", a.name))? {
                        ext_out.insert(a.name.to_string(), checked);
                    }
                }
            }
            if !ext_out.is_empty() {
                out.insert(ext.to_string(), Value::Object(ext_out));
            }
            continue;
        }
        let Some(a) = schema::find(r.attrs, key) else { continue };
        if a.mutability == Mutability::ReadOnly {
            continue;
        }
        if let Some(checked) = value(a, v, a.name)? {
            out.insert(a.name.to_string(), checked);
        }
    }
    for a in r.attrs.iter().filter(|a| a.required) {
        if !out.get(a.name).is_some_and(|v| v.as_str().is_some_and(|s| !s.trim().is_empty())) {
            return Err(ScimError::invalid_value(format!("{} is required", a.name)));
        }
    }
    Ok(out)
}

/// The `schemas` a stored resource answers with: the core schema, and the extension's when the
/// resource has extension attributes.
pub fn schemas_of(r: &ResourceSchema, m: &Map<String, Value>) -> Value {
    let mut list = vec![Value::from(r.schema)];
    if let Some((ext, _)) = r.extension {
        if get_ci(m, ext).is_some() {
            list.push(Value::from(ext));
        }
    }
    Value::Array(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::scim::schema::{GROUP, USER};
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_body_is_canonicalized_by_the_schema() {
        let body = obj(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "ignored", "USERNAME": "ada@example.com",
            "Active": "False", "name": { "GIVENNAME": "Ada", "unknownSub": 1 }, "favouriteColour": "blue",
            "emails": { "value": "ada@example.com", "primary": "true" },
            "groups": [{ "value": "grp_1" }],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "Department": "R&D" },
            "externalId": "00u1",
        }));
        let out = normalize(&USER, &body).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(Value::Object(out), json!({
            "userName": "ada@example.com", "active": false, "name": { "givenName": "Ada" },
            "emails": [{ "value": "ada@example.com", "primary": true }], "externalId": "00u1",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "R&D" },
        }), "read-only groups, unknown attributes and the envelope are dropped");
    }

    #[test]
    fn bad_values_name_the_attribute() {
        let e = |v: Value| normalize(&USER, &obj(v)).err().map(|e| (e.scim_type, e.detail)).unwrap_or_default();
        assert_eq!(e(json!({ "name": {} })), (Some("invalidValue"), "userName is required".to_string()));
        assert_eq!(e(json!({ "userName": "a", "active": "maybe" })), (Some("invalidValue"), "active must be true or false".to_string()));
        assert_eq!(e(json!({ "userName": "a", "name": "Ada" })), (Some("invalidValue"), "name must be an object".to_string()));
        assert_eq!(
            e(json!({ "userName": "a", "emails": [{ "value": "x", "primary": true }, { "value": "y", "primary": true }] })),
            (Some("invalidValue"), "emails: at most one value may be primary".to_string())
        );
        assert_eq!(e(json!({ "members": [] })).1, "userName is required");
        let g = normalize(&GROUP, &obj(json!({ "displayName": "Eng", "members": [{ "value": "usr_1", "display": "ignored" }] })));
        assert_eq!(g.map(Value::Object).ok(), Some(json!({ "displayName": "Eng", "members": [{ "value": "usr_1" }] })));
    }
}
