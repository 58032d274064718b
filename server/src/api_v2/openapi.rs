//! What the OpenAPI document gets after the handlers' annotations: one operation id per method
//! and path (unique, so tools can name operations), and links from each create to the
//! operations that take the id it answers with (`POST /clients` → `GET /clients/{id}`, …), so a
//! client generated from the document, or a stateful tester, can follow them.

use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::{OpenApi, RefOr};

/// `get /api/v2/clients/{id}` → `get_clients_by_id`.
fn operation_id(method: &str, path: &str) -> String {
    let parts: Vec<String> = path
        .trim_start_matches("/api/v2/")
        .split('/')
        .filter(|p| !p.is_empty())
        .map(|p| match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(param) => format!("by_{param}"),
            None => p.replace('-', "_"),
        })
        .collect();
    format!("{method}_{}", parts.join("_"))
}

fn operations(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    let mut out = Vec::new();
    for (method, op) in [("get", &mut item.get), ("post", &mut item.post), ("put", &mut item.put), ("patch", &mut item.patch), ("delete", &mut item.delete)] {
        if let Some(op) = op.as_mut() {
            out.push((method, op));
        }
    }
    out
}

/// The path parameter a created object fills in a path below its create's: `{id}/…`, or a
/// lookup by one of its fields (`name/{name}`).
fn new_param(rest: &str) -> Option<&str> {
    let mut segments = rest.split('/');
    let first = segments.next()?;
    let param = |s: &str| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')).map(|_| ());
    if let Some(p) = first.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        return Some(p);
    }
    let second = segments.next()?;
    let p = second.strip_prefix('{').and_then(|s| s.strip_suffix('}'))?;
    (param(first).is_none() && p == first && segments.next().is_none()).then_some(p)
}

/// The field of a created object that fills path parameter `param` of the operations on it.
fn body_field(create_path: &str, param: &str) -> String {
    match (create_path, param) {
        ("/api/v2/clients", "id") => "client_id".into(),
        ("/api/v2/users", "id") => "user_id".into(),
        (_, "token_id") => "token_id".into(),
        (_, "domain_id") => "id".into(),
        (_, p) => p.into(),
    }
}

/// The path parameters of `path`, in order.
fn params(path: &str) -> Vec<String> {
    path.split('/').filter_map(|p| p.strip_prefix('{').and_then(|p| p.strip_suffix('}'))).map(str::to_string).collect()
}

pub fn complete(api: &mut OpenApi) {
    application_links(api);
    grant_links(api);
    let paths: Vec<String> = api.paths.paths.keys().cloned().collect();
    for path in &paths {
        if let Some(item) = api.paths.paths.get_mut(path) {
            for (method, op) in operations(item) {
                op.operation_id = Some(operation_id(method, path));
            }
        }
    }
    // Links: from a POST on P to every operation on P/{param} (and deeper), the new param
    // filled from the created object, the others from the create's own path; and the same from
    // a GET of the list P, filled from its first item (a bare array, the default answer).
    for source_path in &paths {
        for (source, pointer) in [("post", ""), ("get", "0/")] {
            let Some(item) = api.paths.paths.get(source_path) else { continue };
            if (source == "post" && item.post.is_none()) || (source == "get" && item.get.is_none()) {
                continue;
            }
            let own = params(source_path);
            let mut links = Vec::new();
            for target in &paths {
                let Some(rest) = target.strip_prefix(source_path.as_str()).and_then(|r| r.strip_prefix('/')) else { continue };
                let Some(new_param) = new_param(rest) else { continue };
                let Some(item) = api.paths.paths.get_mut(target) else { continue };
                for (method, op) in operations(item) {
                    let id = op.operation_id.clone().unwrap_or_else(|| operation_id(method, target));
                    let mut link = LinkBuilder::new().operation_id(&id);
                    for p in params(target) {
                        let value = if p == new_param {
                            format!("$response.body#/{pointer}{}", body_field(source_path, &p))
                        } else if own.contains(&p) {
                            format!("$request.path.{p}")
                        } else {
                            continue;
                        };
                        link = link.parameter(p, value);
                    }
                    links.push((id, link.build()));
                }
            }
            let Some(item) = api.paths.paths.get_mut(source_path) else { continue };
            let Some(op) = (if source == "post" { item.post.as_mut() } else { item.get.as_mut() }) else { continue };
            for (status, response) in op.responses.responses.iter_mut() {
                if !status.starts_with('2') {
                    continue;
                }
                if let RefOr::T(response) = response {
                    for (name, link) in &links {
                        response.links.insert(name.clone(), RefOr::T(link.clone()));
                    }
                }
            }
        }
    }
}

/// The cross-resource links from a new application: a client grant on the Management API (for a
/// machine-to-machine one; the audience is the instance's, filled in by `for_instance`), and a
/// connection enabled for it.
fn application_links(api: &mut OpenApi) {
    let Some(post) = api.paths.paths.get_mut("/api/v2/clients").and_then(|i| i.post.as_mut()) else { return };
    let Some(RefOr::T(created)) = post.responses.responses.get_mut("201") else { return };
    let link = LinkBuilder::new()
        .operation_id("post_client_grants")
        .request_body(Some(serde_json::json!({ "client_id": "$response.body#/client_id", "audience": AUDIENCE, "scope": ["read:users"] })))
        .description("A client grant for the new application (when it has the client_credentials grant)")
        .build();
    created.links.insert("post_client_grants".into(), RefOr::T(link));
    let link = LinkBuilder::new()
        .operation_id("post_connections")
        .request_body(Some(serde_json::json!({ "enabled_clients": ["$response.body#/client_id"] })))
        .description("A connection the new application may use")
        .build();
    created.links.insert("post_connections".into(), RefOr::T(link));
}

/// Auth0's revocation of every grant of one user (`DELETE /api/v2/grants?user_id=`), the one
/// operation taken by a query parameter: linked from the list of grants and from the list of
/// users (whose first item is there even when no grant is left).
fn grant_links(api: &mut OpenApi) {
    for list in ["/api/v2/grants", "/api/v2/users"] {
        let Some(get) = api.paths.paths.get_mut(list).and_then(|i| i.get.as_mut()) else { continue };
        let Some(RefOr::T(listed)) = get.responses.responses.get_mut("200") else { continue };
        let link = LinkBuilder::new()
            .operation_id("delete_grants")
            .parameter("user_id", "$response.body#/0/user_id")
            .description("Revoke every grant of the first item's user")
            .build();
        listed.links.insert("delete_grants".into(), RefOr::T(link));
    }
}

/// Stands for the instance's Management API audience until `for_instance` fills it in.
const AUDIENCE: &str = "{management_audience}";

/// The served document for one instance: its Management API audience where the document names it
/// (the audience a client grant must have, and the grant link's body).
pub fn for_instance(document: &serde_json::Value, audience: &str) -> serde_json::Value {
    let text = document.to_string().replace(AUDIENCE, audience);
    serde_json::from_str(&text).unwrap_or_else(|_| document.clone())
}

/// The document as served. utoipa writes a link's fields in Rust's spelling (`operation_id`);
/// OpenAPI's is `operationId` (and `operationRef`, `requestBody`), which is what tools read.
pub fn to_json(api: &OpenApi) -> serde_json::Value {
    fn respell(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(links)) = map.get_mut("links") {
                    for link in links.values_mut() {
                        if let serde_json::Value::Object(link) = link {
                            for (from, to) in [("operation_id", "operationId"), ("operation_ref", "operationRef"), ("request_body", "requestBody")] {
                                if let Some(v) = link.remove(from) {
                                    link.insert(to.to_string(), v);
                                }
                            }
                        }
                    }
                }
                map.values_mut().for_each(respell);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(respell),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(api).unwrap_or_default();
    respell(&mut value);
    // The one audience a client grant may have (filled in per instance).
    if let Some(audience) = value.pointer_mut("/components/schemas/CreateClientGrant/properties/audience").and_then(|a| a.as_object_mut()) {
        audience.insert("enum".into(), serde_json::json!([AUDIENCE]));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_unique_id_and_creates_link_to_what_takes_their_id() {
        let api = crate::api_v2::openapi();
        let mut ids = std::collections::BTreeSet::new();
        for (path, item) in &api.paths.paths {
            for op in [&item.get, &item.post, &item.put, &item.patch, &item.delete].into_iter().flatten() {
                let id = op.operation_id.clone().unwrap_or_default();
                assert!(ids.insert(id.clone()), "{path}: operation id {id} twice");
            }
        }
        let created = &api.paths.paths["/api/v2/clients"].post.as_ref().map(|p| p.responses.responses["201"].clone());
        let Some(RefOr::T(created)) = created else { panic!("no 201 for POST /clients") };
        let link = match created.links.get("get_clients_by_id") {
            Some(RefOr::T(l)) => serde_json::to_value(l).unwrap_or_default(),
            _ => panic!("no link to get_clients_by_id: {:?}", created.links.keys().collect::<Vec<_>>()),
        };
        assert_eq!(link["parameters"]["id"], "$response.body#/client_id");
        let served = to_json(&api);
        let served_link = &served["paths"]["/api/v2/clients"]["post"]["responses"]["201"]["links"]["get_clients_by_id"];
        assert_eq!(served_link["operationId"], "get_clients_by_id", "{served_link}");
        assert!(served_link.get("operation_id").is_none());
        assert_eq!(operation_id("get", "/api/v2/connections/{id}/scim-configuration"), "get_connections_by_id_scim_configuration");
        // The one operation taken by a query parameter is linked from its list.
        let to_revoke = &served["paths"]["/api/v2/grants"]["get"]["responses"]["200"]["links"]["delete_grants"];
        assert_eq!(to_revoke["parameters"]["user_id"], "$response.body#/0/user_id", "{to_revoke}");
        assert!(served["paths"]["/api/v2/grants"]["delete"].is_object());
    }
}
