//! The layering the code keeps, checked over the source itself: the backend imports no server
//! function or page module, the server imports no page module, and no two files import each
//! other, however far round (a file may use its own parent module, which contains it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A crate's files by module path (`["backend", "flows", "finish"]`).
fn modules(root: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<Vec<String>, PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
            if path.is_dir() {
                let mut p = prefix.to_vec();
                p.push(name);
                walk(&path, &p, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let mut p = prefix.to_vec();
                if !matches!(name.as_str(), "mod" | "lib" | "main") {
                    p.push(name);
                }
                out.insert(p, path);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, &[], &mut out);
    out
}

/// The source without comments and string literals (so paths in them are not imports).
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('/', Some('/')) => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            ('"', _) => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("\"\"");
            }
            ('r', Some('#')) if chars.get(i + 2) == Some(&'"') => {
                i += 3;
                while i + 1 < chars.len() && !(chars[i] == '"' && chars[i + 1] == '#') {
                    i += 1;
                }
                i += 2;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Every path a file names: `use` trees expanded, and paths written inline.
fn paths(code: &str) -> Vec<Vec<String>> {
    fn expand(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
        let tree = tree.trim();
        if let Some(open) = tree.find('{') {
            let head: Vec<String> = tree[..open].split("::").map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
            let mut p = prefix.to_vec();
            p.extend(head);
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let (mut depth, mut start) = (0, 0);
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&inner[start..i], &p, out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            expand(&inner[start..], &p, out);
        } else {
            let tree = tree.split(" as ").next().unwrap_or_default();
            let mut p = prefix.to_vec();
            p.extend(tree.split("::").map(str::trim).filter(|s| !s.is_empty() && *s != "*").map(str::to_string));
            if !p.is_empty() {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for statement in code.split(';') {
        if let Some(at) = statement.find("use ") {
            let before = &statement[..at];
            if before.trim().is_empty() || before.trim_end().ends_with("pub") || before.trim_end().ends_with(')') {
                expand(&statement[at + 4..], &[], &mut out);
            }
        }
    }
    // Inline paths: crate::a::b, super::a, app::a::b.
    let bytes: Vec<char> = code.chars().collect();
    let text: String = bytes.iter().collect();
    for start in ["crate::", "super::", "app::"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if at > 0 && text[..at].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':' || c == '$') {
                continue;
            }
            let path: String = text[at..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
            out.push(path.split("::").filter(|s| !s.is_empty()).map(str::to_string).collect());
        }
    }
    out
}

/// The file a path leads to from module `here` of a crate whose modules are `mods`
/// (`app::` for the server's uses of the app crate); `None` for other crates.
fn resolve(path: &[String], here: &[String], mods: &BTreeMap<Vec<String>, PathBuf>, app: Option<&BTreeMap<Vec<String>, PathBuf>>) -> Option<PathBuf> {
    let (base, rest, mods): (Vec<String>, &[String], _) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..], mods),
        Some("app") => (Vec::new(), &path[1..], app?),
        Some("super") => {
            let mut base = here.to_vec();
            let mut rest = path;
            while rest.first().map(String::as_str) == Some("super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest, mods)
        }
        Some("self") => (here.to_vec(), &path[1..], mods),
        Some(first) => {
            // A child module named without `self::` (2018 paths), else another crate.
            let mut child = here.to_vec();
            child.push(first.to_string());
            if !mods.contains_key(&child) {
                return None;
            }
            (here.to_vec(), path, mods)
        }
        None => return None,
    };
    let mut full = base;
    full.extend(rest.iter().cloned());
    while !full.is_empty() {
        if let Some(file) = mods.get(&full) {
            return Some(file.clone());
        }
        full.pop();
    }
    None
}

struct Graph {
    edges: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    /// (file, the path it named) for the layering rules.
    named: Vec<(PathBuf, Vec<String>)>,
}

fn graph(root: &Path, app: Option<&BTreeMap<Vec<String>, PathBuf>>) -> (BTreeMap<Vec<String>, PathBuf>, Graph) {
    let mods = modules(root);
    let mut g = Graph { edges: BTreeMap::new(), named: Vec::new() };
    for (here, file) in &mods {
        let code = code_only(&std::fs::read_to_string(file).unwrap_or_default());
        for path in paths(&code) {
            g.named.push((file.clone(), path.clone()));
            if let Some(target) = resolve(&path, here, &mods, app) {
                // A file may use its ancestors: a module contains its children.
                let ancestor = mods.iter().any(|(m, f)| *f == target && here.starts_with(m));
                if target != *file && !ancestor {
                    g.edges.entry(file.clone()).or_default().insert(target);
                }
            }
        }
    }
    (mods, g)
}

/// Strongly connected components with more than one file (Tarjan).
fn cycles(edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    struct T<'a> {
        edges: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<&'a PathBuf, usize>,
        low: BTreeMap<&'a PathBuf, usize>,
        stack: Vec<&'a PathBuf>,
        on: BTreeSet<&'a PathBuf>,
        out: Vec<Vec<PathBuf>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a PathBuf) {
        let i = t.index.len();
        t.index.insert(v, i);
        t.low.insert(v, i);
        t.stack.push(v);
        t.on.insert(v);
        if let Some(next) = t.edges.get(v) {
            for w in next {
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let lw = t.low[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(lw));
                } else if t.on.contains(w) {
                    let iw = t.index[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(iw));
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut component = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                t.out.push(component);
            }
        }
    }
    let mut t = T { edges, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on: BTreeSet::new(), out: Vec::new() };
    let nodes: Vec<&PathBuf> = edges.keys().collect();
    for v in nodes {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn the_backend_imports_no_page_or_server_function_the_server_no_page_and_no_files_import_each_other() {
    let server = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (app_mods, app_graph) = graph(&server.join("../app/src"), None);
    let (_, server_graph) = graph(&server.join("src"), Some(&app_mods));

    let backend = server.join("../app/src/backend");
    let mut broken: Vec<String> = Vec::new();
    for (file, path) in &app_graph.named {
        let up = path.first().is_some_and(|p| p == "crate") && path.get(1).is_some_and(|m| ["api", "pages", "components", "app"].contains(&m.as_str()));
        if file.starts_with(&backend) && up {
            broken.push(format!("{} uses {}", file.display(), path.join("::")));
        }
    }
    for (file, path) in &server_graph.named {
        if path.first().is_some_and(|p| p == "app") && path.get(1).is_some_and(|m| ["pages", "components"].contains(&m.as_str())) {
            broken.push(format!("{} uses {}", file.display(), path.join("::")));
        }
    }
    assert!(broken.is_empty(), "imports that run against the layers:\n{}", broken.join("\n"));

    for g in [&app_graph, &server_graph] {
        let found = cycles(&g.edges);
        assert!(found.is_empty(), "files that import each other: {found:#?}");
    }
    // The check sees what it should: the flows import the provider, the server the backend.
    assert!(app_graph.edges.values().map(BTreeSet::len).sum::<usize>() > 100, "too few imports seen");
    assert!(server_graph.edges.values().any(|t| t.iter().any(|f| f.starts_with(&backend))));
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let a = PathBuf::from("a.rs");
    let b = PathBuf::from("b.rs");
    let c = PathBuf::from("c.rs");
    let edges = BTreeMap::from([(a.clone(), BTreeSet::from([b.clone()])), (b.clone(), BTreeSet::from([c.clone()])), (c.clone(), BTreeSet::from([a.clone()]))]);
    assert_eq!(cycles(&edges).first().map(Vec::len), Some(3));
    let acyclic = BTreeMap::from([(a.clone(), BTreeSet::from([b.clone()])), (b, BTreeSet::from([c]))]);
    assert!(cycles(&acyclic).is_empty());
}
