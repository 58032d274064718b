//! The SCIM schemas Tessera serves (RFC 7643): the core User (with the Enterprise User
//! extension) and Group, described once here. `/Schemas`, `/ResourceTypes` and
//! `/ServiceProviderConfig` are generated from these definitions, and resources are read,
//! checked and patched by them, so what is published is what is honoured.

use serde_json::{json, Map, Value};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const SEARCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Boolean,
    Integer,
    DateTime,
    Reference,
    Complex,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutability {
    ReadOnly,
    ReadWrite,
    Immutable,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returned {
    Always,
    Default,
}

/// One attribute's definition.
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    pub name: &'static str,
    pub kind: Kind,
    pub multi: bool,
    pub required: bool,
    pub case_exact: bool,
    pub mutability: Mutability,
    pub returned: Returned,
    pub unique: bool,
    pub canonical: &'static [&'static str],
    pub reference_types: &'static [&'static str],
    pub sub: &'static [Attr],
    pub description: &'static str,
}

const fn attr(name: &'static str, kind: Kind, description: &'static str) -> Attr {
    Attr {
        name,
        kind,
        multi: false,
        required: false,
        case_exact: false,
        mutability: Mutability::ReadWrite,
        returned: Returned::Default,
        unique: false,
        canonical: &[],
        reference_types: &[],
        sub: &[],
        description,
    }
}

const fn s(name: &'static str, description: &'static str) -> Attr {
    attr(name, Kind::String, description)
}

const fn multi(name: &'static str, sub: &'static [Attr], description: &'static str) -> Attr {
    Attr { multi: true, sub, ..attr(name, Kind::Complex, description) }
}

const fn typed(name: &'static str, canonical: &'static [&'static str], description: &'static str) -> Attr {
    Attr { canonical, ..s(name, description) }
}

const NAME_SUB: &[Attr] = &[
    s("formatted", "The full name."),
    s("familyName", "The family name."),
    s("givenName", "The given name."),
    s("middleName", "The middle name."),
    s("honorificPrefix", "For example Ms."),
    s("honorificSuffix", "For example III."),
];

const EMAIL_SUB: &[Attr] = &[
    s("value", "The email address."),
    s("display", "A human-readable name."),
    typed("type", &["work", "home", "other"], "work, home or other."),
    attr("primary", Kind::Boolean, "The primary email (at most one)."),
];

const PHONE_SUB: &[Attr] = &[
    s("value", "The phone number."),
    s("display", "A human-readable name."),
    typed("type", &["work", "home", "mobile", "fax", "pager", "other"], "work, home, mobile, fax, pager or other."),
    attr("primary", Kind::Boolean, "The primary phone number (at most one)."),
];

const USER_GROUPS_SUB: &[Attr] = &[
    Attr { mutability: Mutability::ReadOnly, ..s("value", "The group's id.") },
    Attr { mutability: Mutability::ReadOnly, reference_types: &["Group"], ..attr("$ref", Kind::Reference, "The group's URI.") },
    Attr { mutability: Mutability::ReadOnly, ..s("display", "The group's displayName.") },
    Attr { mutability: Mutability::ReadOnly, canonical: &["direct"], ..s("type", "direct: Tessera has no nested groups.") },
];

pub const USER_ATTRS: &[Attr] = &[
    Attr { required: true, unique: true, ..s("userName", "Unique per connection (case-insensitively); usually the email address.") },
    Attr { sub: NAME_SUB, ..attr("name", Kind::Complex, "The user's name.") },
    s("displayName", "The name to show."),
    s("nickName", "A casual name."),
    Attr { reference_types: &["external"], ..attr("profileUrl", Kind::Reference, "A page about the user.") },
    s("title", "The job title."),
    s("userType", "For example Employee or Contractor."),
    s("preferredLanguage", "For example en-US."),
    s("locale", "For example en-US."),
    s("timezone", "For example Europe/Paris."),
    attr("active", Kind::Boolean, "false deactivates the user: their sessions end and sign-ins are refused."),
    multi("emails", EMAIL_SUB, "Email addresses."),
    multi("phoneNumbers", PHONE_SUB, "Phone numbers."),
    Attr { mutability: Mutability::ReadOnly, ..multi("groups", USER_GROUPS_SUB, "The SCIM groups the user is in (change them on the Group).") },
];

const MANAGER_SUB: &[Attr] = &[
    s("value", "The manager's id."),
    Attr { reference_types: &["User"], ..attr("$ref", Kind::Reference, "The manager's URI.") },
    s("displayName", "The manager's name."),
];

pub const ENTERPRISE_ATTRS: &[Attr] = &[
    s("employeeNumber", "The employee number."),
    s("costCenter", "The cost center."),
    s("organization", "The organization."),
    s("division", "The division."),
    s("department", "The department."),
    Attr { sub: MANAGER_SUB, ..attr("manager", Kind::Complex, "The user's manager.") },
];

const MEMBER_SUB: &[Attr] = &[
    Attr { mutability: Mutability::Immutable, ..s("value", "The member's id.") },
    Attr { mutability: Mutability::Immutable, reference_types: &["User"], ..attr("$ref", Kind::Reference, "The member's URI.") },
    Attr { mutability: Mutability::ReadOnly, ..s("display", "The member's name.") },
    Attr { mutability: Mutability::Immutable, canonical: &["User"], ..s("type", "User: groups have no nested groups.") },
];

pub const GROUP_ATTRS: &[Attr] = &[
    Attr { required: true, unique: true, ..s("displayName", "Unique per connection (case-insensitively).") },
    multi("members", MEMBER_SUB, "The users in the group."),
];

/// What a resource type is made of.
pub struct ResourceSchema {
    pub name: &'static str,
    pub endpoint: &'static str,
    pub schema: &'static str,
    pub attrs: &'static [Attr],
    pub extension: Option<(&'static str, &'static [Attr])>,
}

pub const USER: ResourceSchema = ResourceSchema {
    name: "User",
    endpoint: "/Users",
    schema: USER_SCHEMA,
    attrs: USER_ATTRS,
    extension: Some((ENTERPRISE_SCHEMA, ENTERPRISE_ATTRS)),
};

pub const GROUP: ResourceSchema = ResourceSchema { name: "Group", endpoint: "/Groups", schema: GROUP_SCHEMA, attrs: GROUP_ATTRS, extension: None };

/// The attribute `name` among `attrs`, case-insensitively (SCIM names are).
pub fn find<'a>(attrs: &'a [Attr], name: &str) -> Option<&'a Attr> {
    attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name))
}

/// The common attributes every resource has, as seen by filters: `id`, `externalId`, `meta.*`.
pub const COMMON_ATTRS: &[Attr] = &[
    Attr { case_exact: true, mutability: Mutability::ReadOnly, returned: Returned::Always, ..s("id", "Tessera's id.") },
    Attr { case_exact: true, ..s("externalId", "The identity provider's id for the resource.") },
    Attr {
        mutability: Mutability::ReadOnly,
        sub: &[
            Attr { mutability: Mutability::ReadOnly, ..s("resourceType", "") },
            Attr { mutability: Mutability::ReadOnly, ..attr("created", Kind::DateTime, "") },
            Attr { mutability: Mutability::ReadOnly, ..attr("lastModified", Kind::DateTime, "") },
            Attr { mutability: Mutability::ReadOnly, ..attr("location", Kind::Reference, "") },
            Attr { mutability: Mutability::ReadOnly, ..s("version", "") },
        ],
        ..attr("meta", Kind::Complex, "")
    },
];

impl ResourceSchema {
    /// The definition of a top-level attribute: of the core schema (also given with its URN
    /// prefix), a common attribute, or of the extension (with the extension's URN).
    pub fn lookup(&self, urn: Option<&str>, name: &str) -> Option<(Option<&'static str>, &'static Attr)> {
        match urn {
            Some(u) if u.eq_ignore_ascii_case(self.schema) => find(self.attrs, name).map(|a| (None, a)),
            Some(u) => match self.extension {
                Some((ext, attrs)) if u.eq_ignore_ascii_case(ext) => find(attrs, name).map(|a| (Some(ext), a)),
                _ => None,
            },
            None => find(self.attrs, name).or_else(|| find(COMMON_ATTRS, name)).map(|a| (None, a)),
        }
    }

    /// The extension's URN when `key` names it (case-insensitively).
    pub fn extension_urn(&self, key: &str) -> Option<&'static str> {
        self.extension.map(|(u, _)| u).filter(|u| u.eq_ignore_ascii_case(key))
    }
}

fn attr_json(a: &Attr) -> Value {
    let kind = match a.kind {
        Kind::String => "string",
        Kind::Boolean => "boolean",
        Kind::Integer => "integer",
        Kind::DateTime => "dateTime",
        Kind::Reference => "reference",
        Kind::Complex => "complex",
    };
    let mut v = json!({
        "name": a.name, "type": kind, "multiValued": a.multi, "description": a.description, "required": a.required,
        "caseExact": a.case_exact,
        "mutability": match a.mutability { Mutability::ReadOnly => "readOnly", Mutability::ReadWrite => "readWrite", Mutability::Immutable => "immutable" },
        "returned": match a.returned { Returned::Always => "always", Returned::Default => "default" },
        "uniqueness": if a.unique { "server" } else { "none" },
    });
    if !a.canonical.is_empty() {
        v["canonicalValues"] = json!(a.canonical);
    }
    if a.kind == Kind::Reference {
        v["referenceTypes"] = json!(a.reference_types);
    }
    if a.kind == Kind::Complex {
        v["subAttributes"] = Value::Array(a.sub.iter().map(attr_json).collect());
    }
    v
}

fn schema_json(base: &str, id: &str, name: &str, description: &str, attrs: &[Attr]) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": id, "name": name, "description": description,
        "attributes": attrs.iter().map(attr_json).collect::<Vec<_>>(),
        "meta": { "resourceType": "Schema", "location": format!("{base}/Schemas/{id}") },
    })
}

/// `/Schemas`: the three schemas.
pub fn schemas(base: &str) -> Vec<Value> {
    vec![
        schema_json(base, USER_SCHEMA, "User", "User Account", USER_ATTRS),
        schema_json(base, ENTERPRISE_SCHEMA, "EnterpriseUser", "Enterprise User", ENTERPRISE_ATTRS),
        schema_json(base, GROUP_SCHEMA, "Group", "Group", GROUP_ATTRS),
    ]
}

/// `/ResourceTypes`: User (with the Enterprise extension) and Group.
pub fn resource_types(base: &str) -> Vec<Value> {
    [&USER, &GROUP]
        .iter()
        .map(|r| {
            let mut v = json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
                "id": r.name, "name": r.name, "endpoint": r.endpoint, "description": r.name, "schema": r.schema,
                "meta": { "resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{}", r.name) },
            });
            if let Some((ext, _)) = r.extension {
                v["schemaExtensions"] = json!([{ "schema": ext, "required": false }]);
            }
            v
        })
        .collect()
}

pub const MAX_RESULTS: u64 = 200;

/// `/ServiceProviderConfig`: what Tessera supports.
pub fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": "https://github.com/tessera/tessera#provisioning",
        "patch": { "supported": true },
        "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
        "filter": { "supported": true, "maxResults": MAX_RESULTS },
        "changePassword": { "supported": false },
        "sort": { "supported": false },
        "etag": { "supported": true },
        "authenticationSchemes": [{
            "type": "oauthbearertoken", "name": "OAuth Bearer Token", "primary": true,
            "description": "A token generated on the connection's Provisioning tab, sent as Authorization: Bearer.",
        }],
        "meta": { "resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig") },
    })
}

/// Keeps the keys of `m` whose attribute is `returned: always` or listed in `attributes`
/// (dotted names allowed), or drops those in `excluded` (RFC 7644 section 3.9).
pub fn project(resource: &mut Map<String, Value>, r: &ResourceSchema, attributes: &[String], excluded: &[String]) {
    let listed = |list: &[String], key: &str, urn: Option<&str>| {
        list.iter().any(|p| {
            let p = p.trim();
            let (p_urn, p_name) = split_urn(r, p);
            let top = p_name.split('.').next().unwrap_or_default();
            let same_urn = match (p_urn, urn) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                (None, None) => true,
                (Some(a), None) => a.eq_ignore_ascii_case(r.schema),
                (None, Some(_)) => false,
            };
            same_urn && top.eq_ignore_ascii_case(key)
        })
    };
    let always = ["id", "schemas", "meta"];
    if !attributes.is_empty() {
        let keys: Vec<String> = resource.keys().cloned().collect();
        for key in keys {
            if always.contains(&key.as_str()) {
                continue;
            }
            if let Some(ext) = r.extension_urn(&key) {
                if attributes.iter().any(|p| p.trim().eq_ignore_ascii_case(ext)) {
                    continue;
                }
                if let Some(Value::Object(inner)) = resource.get_mut(&key) {
                    inner.retain(|k, _| listed(attributes, k, Some(ext)));
                    if !inner.is_empty() {
                        continue;
                    }
                }
                resource.remove(&key);
                continue;
            }
            if !listed(attributes, &key, None) {
                resource.remove(&key);
            } else {
                filter_sub_attributes(resource, &key, r, attributes, true);
            }
        }
    }
    if !excluded.is_empty() {
        let keys: Vec<String> = resource.keys().cloned().collect();
        for key in keys {
            if always.contains(&key.as_str()) {
                continue;
            }
            if let Some(ext) = r.extension_urn(&key) {
                if let Some(Value::Object(inner)) = resource.get_mut(&key) {
                    inner.retain(|k, _| !listed(excluded, k, Some(ext)));
                }
                continue;
            }
            let whole = excluded.iter().any(|p| {
                let (u, n) = split_urn(r, p.trim());
                u.is_none_or(|u| u.eq_ignore_ascii_case(r.schema)) && n.eq_ignore_ascii_case(&key)
            });
            if whole {
                resource.remove(&key);
            } else {
                filter_sub_attributes(resource, &key, r, excluded, false);
            }
        }
    }
}

/// `attributes=name.givenName` keeps only the sub-attributes listed in `name` (`keep`);
/// `excludedAttributes=name.givenName` drops them (`!keep`). A list naming `key` whole leaves
/// its sub-attributes alone.
fn filter_sub_attributes(resource: &mut Map<String, Value>, key: &str, r: &ResourceSchema, listed: &[String], keep: bool) {
    let subs: Vec<String> = listed
        .iter()
        .filter_map(|p| {
            let (_, n) = split_urn(r, p.trim());
            let (top, sub) = n.split_once('.')?;
            top.eq_ignore_ascii_case(key).then(|| sub.to_string())
        })
        .collect();
    if subs.is_empty() || (keep && listed.iter().any(|p| split_urn(r, p.trim()).1.eq_ignore_ascii_case(key))) {
        return;
    }
    let apply = |m: &mut Map<String, Value>| m.retain(|k, _| subs.iter().any(|s| s.eq_ignore_ascii_case(k)) == keep);
    match resource.get_mut(key) {
        Some(Value::Object(m)) => apply(m),
        Some(Value::Array(list)) => list.iter_mut().filter_map(Value::as_object_mut).for_each(apply),
        _ => {}
    }
}

/// Splits `urn:…:User:name.givenName` into the schema URN and the attribute path; a path
/// without a known URN prefix has none.
pub fn split_urn<'a>(r: &ResourceSchema, path: &'a str) -> (Option<&'static str>, &'a str) {
    for urn in [Some(r.schema), r.extension.map(|(u, _)| u)].into_iter().flatten() {
        // `get`, not indexing: the URN's length may fall inside a character of the path.
        if path.len() > urn.len() && path.get(..urn.len()).is_some_and(|p| p.eq_ignore_ascii_case(urn)) && path.as_bytes()[urn.len()] == b':' {
            return (Some(urn), &path[urn.len() + 1..]);
        }
    }
    (None, path)
}
