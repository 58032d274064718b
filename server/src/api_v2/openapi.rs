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

/// The field of a created object that fills path parameter `param` of the operations on it.
fn body_field(create_path: &str, param: &str) -> String {
    match (create_path, param) {
        ("/api/v2/clients", "id") => "client_id".into(),
        (_, p) => p.into(),
    }
}

/// The path parameters of `path`, in order.
fn params(path: &str) -> Vec<String> {
    path.split('/').filter_map(|p| p.strip_prefix('{').and_then(|p| p.strip_suffix('}'))).map(str::to_string).collect()
}

pub fn complete(api: &mut OpenApi) {
    let paths: Vec<String> = api.paths.paths.keys().cloned().collect();
    for path in &paths {
        if let Some(item) = api.paths.paths.get_mut(path) {
            for (method, op) in operations(item) {
                op.operation_id = Some(operation_id(method, path));
            }
        }
    }
    // Links: from a POST on P to every operation on P/{param} (and deeper), the new param
    // filled from the created object, the others from the create's own path.
    for create_path in &paths {
        let has_post = api.paths.paths.get(create_path).is_some_and(|i| i.post.is_some());
        if !has_post {
            continue;
        }
        let own = params(create_path);
        let mut links = Vec::new();
        for target in &paths {
            let Some(rest) = target.strip_prefix(create_path.as_str()).and_then(|r| r.strip_prefix('/')) else { continue };
            let Some(new_param) = rest.split('/').next().and_then(|s| s.strip_prefix('{')).and_then(|s| s.strip_suffix('}')) else { continue };
            let Some(item) = api.paths.paths.get_mut(target) else { continue };
            for (method, op) in operations(item) {
                let id = op.operation_id.clone().unwrap_or_else(|| operation_id(method, target));
                let mut link = LinkBuilder::new().operation_id(&id);
                for p in params(target) {
                    let value = if p == new_param { format!("$response.body#/{}", body_field(create_path, &p)) } else if own.contains(&p) { format!("$request.path.{p}") } else { continue };
                    link = link.parameter(p, value);
                }
                links.push((id, link.build()));
            }
        }
        let Some(post) = api.paths.paths.get_mut(create_path).and_then(|i| i.post.as_mut()) else { continue };
        for (status, response) in post.responses.responses.iter_mut() {
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
        assert_eq!(operation_id("get", "/api/v2/connections/{id}/scim-configuration"), "get_connections_by_id_scim_configuration");
    }
}
