//! SCIM PATCH (RFC 7644 section 3.5.2): `add`, `replace` and `remove`, with and without `path`,
//! applied to a stored resource's JSON. Besides the RFC's shapes it takes what Okta and
//! Microsoft Entra send: capitalized ops (`"Replace"`), booleans as strings, a path-less
//! `value` whose keys are paths (`"name.givenName"`, `"urn:…:enterprise:2.0:User:department"`),
//! `remove` of members by `value`, and `add` to `emails[type eq "work"].value` when no email of
//! that type exists yet. The caller normalizes the result, so a PATCH cannot store what a PUT
//! could not.

use super::error::{ScimError, ScimResult};
use super::filter::{self, AttrPath, Filter, Literal, Op as FilterOp};
use super::resource;
use super::schema::{self, Attr, Kind, Mutability, ResourceSchema};
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchKind {
    Add,
    Replace,
    Remove,
}

/// A parsed PATCH target: `[urn:]attr[filter][.sub]`.
#[derive(Debug)]
struct Target {
    path: AttrPath,
    filter: Option<Filter>,
    /// For `attr[filter].sub`; `path.sub` holds the `attr.sub` form.
    sub: Option<String>,
}

fn parse_target(r: &ResourceSchema, text: &str) -> ScimResult<Target> {
    let text = text.trim();
    let bad = |why: &str| ScimError::invalid_path(format!("{text:?} is not a PATCH path: {why}"));
    match text.find('[') {
        None => Ok(Target { path: filter::attr_path(r, text).map_err(|_| bad("expected attribute[.subAttribute]"))?, filter: None, sub: None }),
        Some(open) => {
            let close = text.rfind(']').ok_or_else(|| bad("a [ is not closed"))?;
            let path = filter::attr_path(r, &text[..open]).map_err(|_| bad("expected attribute[filter]"))?;
            let inner = filter::parse(r, &text[open + 1..close]).map_err(|e| ScimError::invalid_path(e.detail))?;
            let rest = &text[close + 1..];
            let sub = match rest.strip_prefix('.') {
                Some(s) if !s.is_empty() => Some(s.to_string()),
                None if rest.is_empty() => None,
                _ => return Err(bad("expected .subAttribute after ]")),
            };
            Ok(Target { path, filter: Some(inner), sub })
        }
    }
}

/// The object that holds `path`'s attribute: the resource itself, or its extension object.
fn container<'a>(m: &'a mut Map<String, Value>, urn: Option<&'static str>, create: bool) -> Option<&'a mut Map<String, Value>> {
    match urn {
        None => Some(m),
        Some(ext) => {
            if !m.contains_key(ext) {
                if !create {
                    return None;
                }
                m.insert(ext.to_string(), Value::Object(Map::new()));
            }
            m.get_mut(ext).and_then(Value::as_object_mut)
        }
    }
}

fn definition(r: &ResourceSchema, path: &AttrPath, text: &str) -> ScimResult<(Option<&'static str>, &'static Attr)> {
    let urn = path.urn.filter(|u| !u.eq_ignore_ascii_case(r.schema));
    if path.attr.eq_ignore_ascii_case("externalId") && urn.is_none() {
        return Ok((None, &EXTERNAL_ID));
    }
    let (urn, a) = r.lookup(urn, &path.attr).ok_or_else(|| ScimError::invalid_path(format!("{text:?}: there is no such attribute")))?;
    if a.mutability == Mutability::ReadOnly || matches!(a.name, "id" | "meta") {
        return Err(ScimError::mutability(format!("{} is read-only", a.name)));
    }
    Ok((urn, a))
}

/// `externalId` as an attribute, so PATCH can address it like the others.
static EXTERNAL_ID: Attr = Attr {
    name: "externalId",
    kind: Kind::String,
    multi: false,
    required: false,
    case_exact: true,
    mutability: Mutability::ReadWrite,
    returned: schema::Returned::Default,
    unique: false,
    canonical: &[],
    reference_types: &[],
    sub: &[],
    description: "",
};

/// The key under which `a` is stored in its container (`externalId` included).
fn key_of(a: &Attr) -> String {
    a.name.to_string()
}

/// Applies one operation to `m`.
pub fn apply(r: &ResourceSchema, m: &mut Map<String, Value>, op: PatchKind, path: Option<&str>, value: Option<&Value>) -> ScimResult<()> {
    let Some(path) = path.map(str::trim).filter(|p| !p.is_empty()) else {
        if op == PatchKind::Remove {
            return Err(ScimError::no_target("remove needs a path"));
        }
        let Some(Value::Object(fields)) = value else {
            return Err(ScimError::invalid_value("without a path, value must be an object of attributes"));
        };
        for (key, v) in fields {
            if ["schemas", "id", "meta"].iter().any(|e| e.eq_ignore_ascii_case(key)) {
                continue;
            }
            if let (Some(ext), Value::Object(inner)) = (r.extension_urn(key), v) {
                for (k, iv) in inner.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("schemas")) {
                    apply(r, m, op, Some(&format!("{ext}:{k}")), Some(iv))?;
                }
                continue;
            }
            apply(r, m, op, Some(key), Some(v))?;
        }
        return Ok(());
    };
    // The Enterprise extension as a whole: its value is the extension's object.
    if let Some(ext) = r.extension_urn(path) {
        match (op, value) {
            (PatchKind::Remove, _) => {
                m.remove(ext);
            }
            (_, Some(Value::Object(fields))) => {
                if op == PatchKind::Replace {
                    m.remove(ext);
                }
                for (k, v) in fields.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("schemas")) {
                    apply(r, m, op, Some(&format!("{ext}:{k}")), Some(v))?;
                }
            }
            _ => return Err(ScimError::invalid_value(format!("{ext}: value must be an object of its attributes"))),
        }
        return Ok(());
    }
    let target = parse_target(r, path)?;
    let (urn, a) = definition(r, &target.path, path)?;
    let key = key_of(a);
    let sub_name = target.sub.as_deref().or(target.path.sub.as_deref());
    let sub = match sub_name {
        Some(s) => {
            let d = schema::find(a.sub, s).ok_or_else(|| ScimError::invalid_path(format!("{path:?}: {} has no sub-attribute {s}", a.name)))?;
            if d.mutability == Mutability::ReadOnly {
                return Err(ScimError::mutability(format!("{}.{} is read-only", a.name, d.name)));
            }
            Some(d)
        }
        None => None,
    };
    let needs_value = || value.ok_or_else(|| ScimError::invalid_value(format!("{op:?} {path}: value is required")));

    match (&target.filter, sub) {
        // attr / attr.sub
        (None, None) => {
            // Removing what is not there leaves nothing to do.
            let Some(holder) = container(m, urn, op != PatchKind::Remove) else { return Ok(()) };
            match op {
                PatchKind::Remove => {
                    match (value, a.multi) {
                        // Entra: remove members by value.
                        (Some(Value::Array(gone)), true) => {
                            if let Some(Value::Array(list)) = holder.get_mut(&key) {
                                let ids: Vec<&Value> = gone.iter().filter_map(|g| g.get("value")).collect();
                                list.retain(|e| !ids.contains(&e.get("value").unwrap_or(&Value::Null)));
                            }
                        }
                        _ => {
                            holder.remove(&key);
                        }
                    }
                }
                PatchKind::Add | PatchKind::Replace => {
                    let given = resource::value(a, needs_value()?, a.name)?;
                    match (given, a.multi, a.kind) {
                        (None, _, _) => {
                            if op == PatchKind::Replace {
                                holder.remove(&key);
                            }
                        }
                        (Some(Value::Array(new)), true, _) => {
                            if op == PatchKind::Add {
                                let list = holder.entry(key).or_insert_with(|| Value::Array(Vec::new()));
                                if let Value::Array(existing) = list {
                                    let makes_primary = new.iter().any(|n| n.get("primary") == Some(&Value::Bool(true)));
                                    if makes_primary {
                                        for e in existing.iter_mut().filter_map(Value::as_object_mut) {
                                            e.remove("primary");
                                        }
                                    }
                                    for n in new {
                                        if !existing.contains(&n) {
                                            existing.push(n);
                                        }
                                    }
                                }
                            } else {
                                holder.insert(key, Value::Array(new));
                            }
                        }
                        (Some(Value::Object(new)), false, Kind::Complex) => {
                            let slot = holder.entry(key).or_insert_with(|| Value::Object(Map::new()));
                            match slot {
                                Value::Object(existing) => existing.extend(new),
                                other => *other = Value::Object(new),
                            }
                        }
                        (Some(v), _, _) => {
                            holder.insert(key, v);
                        }
                    }
                }
            }
        }
        // attr.sub on a complex or multi-valued attribute, without a filter
        (None, Some(d)) => {
            let Some(holder) = container(m, urn, op != PatchKind::Remove) else { return Ok(()) };
            let given = match op {
                PatchKind::Remove => None,
                _ => resource::value(d, needs_value()?, &format!("{}.{}", a.name, d.name))?,
            };
            let set = |o: &mut Map<String, Value>| match &given {
                Some(v) => {
                    o.insert(d.name.to_string(), v.clone());
                }
                None => {
                    o.remove(d.name);
                }
            };
            if a.multi {
                if let Some(Value::Array(list)) = holder.get_mut(&key) {
                    list.iter_mut().filter_map(Value::as_object_mut).for_each(set);
                }
            } else {
                let slot = holder.entry(key.clone()).or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(o) = slot {
                    set(o);
                    if o.is_empty() {
                        holder.remove(&key);
                    }
                }
            }
        }
        // attr[filter] / attr[filter].sub
        (Some(f), d) => {
            if !a.multi {
                return Err(ScimError::invalid_path(format!("{path:?}: a filter needs a multi-valued attribute")));
            }
            let Some(holder) = container(m, urn, op != PatchKind::Remove) else { return Ok(()) };
            let given = match (op, d) {
                (PatchKind::Remove, _) => None,
                (_, Some(d)) => resource::value(d, needs_value()?, &format!("{}.{}", a.name, d.name))?,
                (_, None) => resource::value(&Attr { multi: false, ..copy(a) }, needs_value()?, a.name)?,
            };
            let list = holder.entry(key.clone()).or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(items) = list else { return Err(ScimError::invalid_path(format!("{path:?}: {} is not a list", a.name))) };
            let matching: Vec<usize> = items
                .iter()
                .enumerate()
                .filter(|(_, e)| e.as_object().is_some_and(|o| filter::element_matches(r, &target.path, f, o)))
                .map(|(i, _)| i)
                .collect();
            match (op, d) {
                (PatchKind::Remove, None) => {
                    let mut i = 0;
                    items.retain(|_| {
                        let keep = !matching.contains(&i);
                        i += 1;
                        keep
                    });
                }
                (PatchKind::Remove, Some(d)) => {
                    for i in &matching {
                        if let Some(o) = items[*i].as_object_mut() {
                            o.remove(d.name);
                        }
                    }
                }
                (_, Some(d)) if matching.is_empty() => {
                    // Entra adds emails[type eq "work"].value when there is no work email yet.
                    let (Some(v), Some((attr_name, lit))) = (given, simple_equality(f)) else {
                        return Err(ScimError::no_target(format!("{path:?} matches no value")));
                    };
                    let mut e = Map::new();
                    if let Some(k) = schema::find(a.sub, &attr_name) {
                        e.insert(k.name.to_string(), lit);
                    }
                    e.insert(d.name.to_string(), v);
                    items.push(Value::Object(e));
                }
                (_, Some(d)) => {
                    for i in &matching {
                        if let Some(o) = items[*i].as_object_mut() {
                            match &given {
                                Some(v) => o.insert(d.name.to_string(), v.clone()),
                                None => o.remove(d.name),
                            };
                        }
                    }
                }
                (_, None) if matching.is_empty() => return Err(ScimError::no_target(format!("{path:?} matches no value"))),
                (_, None) => {
                    for i in &matching {
                        match &given {
                            Some(Value::Object(new)) if op == PatchKind::Add => {
                                if let Some(o) = items[*i].as_object_mut() {
                                    o.extend(new.clone());
                                }
                            }
                            Some(v) => items[*i] = v.clone(),
                            None => {}
                        }
                    }
                }
            }
            if items.is_empty() {
                holder.remove(&key);
            }
        }
    }
    // An emptied extension leaves no empty object behind.
    if let Some(ext) = urn {
        if m.get(ext).and_then(Value::as_object).is_some_and(Map::is_empty) {
            m.remove(ext);
        }
    }
    Ok(())
}

fn copy(a: &'static Attr) -> Attr {
    Attr { ..*a }
}

/// `type eq "work"`: the sub-attribute and the value a new element gets.
fn simple_equality(f: &Filter) -> Option<(String, Value)> {
    match f {
        Filter::Compare(p, FilterOp::Eq, lit) if p.sub.is_none() => Some((
            p.attr.clone(),
            match lit {
                Literal::Str(s) => Value::String(s.clone()),
                Literal::Bool(b) => Value::Bool(*b),
                Literal::Num(n) => serde_json::Number::from_f64(*n).map(Value::Number).unwrap_or(Value::Null),
                Literal::Null => return None,
            },
        )),
        _ => None,
    }
}

/// A PATCH request's operations: `(op, path, value)`, ops case-insensitively.
pub fn operations(body: &Value) -> ScimResult<Vec<(PatchKind, Option<String>, Option<Value>)>> {
    let schemas_ok = body.get("schemas").and_then(Value::as_array).is_some_and(|s| s.iter().any(|v| v == schema::PATCH_SCHEMA));
    if !schemas_ok {
        return Err(ScimError::invalid_syntax(format!("schemas must include {}", schema::PATCH_SCHEMA)));
    }
    let ops = filter::get_ci(body.as_object().ok_or_else(|| ScimError::invalid_syntax("the body must be a JSON object"))?, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| ScimError::invalid_syntax("Operations must be a list"))?;
    if ops.is_empty() {
        return Err(ScimError::invalid_syntax("Operations is empty"));
    }
    ops.iter()
        .enumerate()
        .map(|(i, o)| {
            let o = o.as_object().ok_or_else(|| ScimError::invalid_syntax(format!("Operations[{i}] must be an object")))?;
            let kind = match filter::get_ci(o, "op").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
                Some("add") => PatchKind::Add,
                Some("replace") => PatchKind::Replace,
                Some("remove") => PatchKind::Remove,
                other => return Err(ScimError::invalid_syntax(format!("Operations[{i}].op must be add, replace or remove (got {other:?})"))),
            };
            let path = filter::get_ci(o, "path").and_then(Value::as_str).map(str::to_string);
            Ok((kind, path, filter::get_ci(o, "value").cloned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::scim::schema::{GROUP, USER};
    use serde_json::json;

    fn user() -> Map<String, Value> {
        json!({ "userName": "ada@example.com", "active": true, "name": { "givenName": "Ada", "familyName": "Lovelace" },
            "emails": [{ "value": "ada@work.example", "type": "work", "primary": true }] })
        .as_object()
        .cloned()
        .unwrap_or_default()
    }

    fn patched(ops: Value) -> ScimResult<Value> {
        let mut m = user();
        for (op, path, value) in operations(&json!({ "schemas": [schema::PATCH_SCHEMA], "Operations": ops }))? {
            apply(&USER, &mut m, op, path.as_deref(), value.as_ref())?;
        }
        resource::normalize(&USER, &m).map(Value::Object)
    }

    #[test]
    fn okta_deactivates_with_a_pathless_replace_and_entra_with_a_string_boolean() {
        assert_eq!(patched(json!([{ "op": "replace", "value": { "active": false } }])).ok().map(|u| u["active"].clone()), Some(json!(false)));
        assert_eq!(patched(json!([{ "op": "Replace", "path": "active", "value": "False" }])).ok().map(|u| u["active"].clone()), Some(json!(false)));
    }

    #[test]
    fn paths_reach_sub_attributes_filtered_values_and_the_enterprise_extension() {
        let u = patched(json!([
            { "op": "Replace", "path": "name.givenName", "value": "Augusta" },
            { "op": "Add", "path": "emails[type eq \"home\"].value", "value": "ada@home.example" },
            { "op": "replace", "path": "emails[type eq \"work\"].value", "value": "ada@new.example" },
            { "op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "R&D" },
            { "op": "add", "value": { "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter": "42", "name.middleName": "King" } },
            { "op": "add", "path": "externalId", "value": "00u1" },
        ]))
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(u["name"], json!({ "givenName": "Augusta", "familyName": "Lovelace", "middleName": "King" }));
        assert_eq!(u["emails"], json!([{ "value": "ada@new.example", "type": "work", "primary": true }, { "type": "home", "value": "ada@home.example" }]));
        assert_eq!(u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"], json!({ "department": "R&D", "costCenter": "42" }));
        assert_eq!(u["externalId"], "00u1");
        let removed = patched(json!([{ "op": "remove", "path": "emails[type eq \"work\"]" }, { "op": "remove", "path": "name.familyName" }])).unwrap_or_default();
        assert!(removed.get("emails").is_none(), "{removed}");
        assert_eq!(removed["name"], json!({ "givenName": "Ada" }));
    }

    #[test]
    fn bad_operations_are_named() {
        let e = |ops: Value| patched(ops).err().map(|e| (e.scim_type, e.detail)).unwrap_or_default();
        assert_eq!(e(json!([{ "op": "remove" }])).0, Some("noTarget"));
        assert_eq!(e(json!([{ "op": "move", "path": "active" }])).0, Some("invalidSyntax"));
        assert_eq!(e(json!([{ "op": "replace", "path": "shoeSize", "value": 42 }])).0, Some("invalidPath"));
        assert_eq!(e(json!([{ "op": "replace", "path": "id", "value": "x" }])).0, Some("mutability"));
        assert_eq!(e(json!([{ "op": "replace", "path": "groups", "value": [] }])).0, Some("mutability"));
        assert_eq!(e(json!([{ "op": "replace", "path": "emails[type eq \"home\"]", "value": { "value": "x" } }])).0, Some("noTarget"));
        assert_eq!(e(json!([{ "op": "replace", "path": "active", "value": "perhaps" }])).0, Some("invalidValue"));
        assert_eq!(e(json!([{ "op": "replace", "path": "userName" }])).0, Some("invalidValue"));
    }

    #[test]
    fn group_members_are_added_and_removed_in_okta_and_entra_shapes() {
        let mut g = json!({ "displayName": "Eng", "members": [{ "value": "usr_a" }] }).as_object().cloned().unwrap_or_default();
        let run = |g: &mut Map<String, Value>, ops: Value| {
            for (op, path, value) in operations(&json!({ "schemas": [schema::PATCH_SCHEMA], "Operations": ops })).unwrap_or_default() {
                apply(&GROUP, g, op, path.as_deref(), value.as_ref()).unwrap_or_else(|e| panic!("{e:?}"));
            }
        };
        run(&mut g, json!([{ "op": "add", "path": "members", "value": [{ "value": "usr_b" }, { "value": "usr_a" }] }]));
        assert_eq!(g["members"], json!([{ "value": "usr_a" }, { "value": "usr_b" }]));
        run(&mut g, json!([{ "op": "remove", "path": "members[value eq \"usr_a\"]" }]));
        assert_eq!(g["members"], json!([{ "value": "usr_b" }]));
        run(&mut g, json!([{ "op": "Remove", "path": "members", "value": [{ "value": "usr_b" }] }]));
        assert!(g.get("members").is_none_or(|m| m == &json!([])));
        run(&mut g, json!([{ "op": "Replace", "path": "displayName", "value": "Engineering" }]));
        assert_eq!(g["displayName"], "Engineering");
    }
}
