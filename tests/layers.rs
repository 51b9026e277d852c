//! The stages stay in order (ARCHITECTURE.md): a module of `src/` names
//! only modules of its own layer or below, and no modules import each other
//! in a circle. Read from the source: every `crate::<module>` path outside
//! comments, and `super::<sibling>` paths between the files of one folder.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Layers, bottom first. A module may use its own layer and those below.
const LAYERS: &[&[&str]] = &[
    // Shared types and helpers.
    &[
        "model",
        "text",
        "diagnostics",
        "vocabulary",
        "git",
        "urls",
        "sink",
    ],
    &["load"],
    &["history"],
    &["validate"],
    &["index"],
    &["render"],
    // `seal`: the hashes of what is written, and its signature.
    &["write", "seal"],
    // What runs the stages.
    &["build"],
    // `archive` builds a release into memory, as `build` does into a folder.
    &[
        "archive", "serve", "scaffold", "cli", "fuzzing", "main", "lib",
    ],
];

/// Edges allowed against the order: none (the search stage is called by
/// `build`, between validate and render).
const ALLOWED: &[(&str, &str)] = &[];

fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| panic!("module `{module}` has no layer in tests/layers.rs"))
}

/// The code of a file without its comments (line comments and doc
/// comments; block comments are not used in `src/`).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            // `//` inside a string (a URL) is rare in paths we look for.
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Identifiers that follow `prefix` in `code`, also inside `prefix{a, b::c}`.
fn names_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices(prefix) {
        if code[..i]
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        {
            continue;
        }
        let rest = &code[i + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name = ident(part.trim());
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Every `.rs` file under `dir`, as (path relative to `src/`, text).
fn sources(src: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(src, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((rel, fs::read_to_string(&path).unwrap()));
        }
    }
}

/// `validate/history.rs` → ["validate", "history"]; `validate/mod.rs` and
/// `model.rs` → their folder's module.
fn module_path(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

fn cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            let mut found = stack[i..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if !done.insert(node.to_string()) {
            return None;
        }
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, edges, stack, done) {
                return Some(found);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|n| visit(n, edges, &mut Vec::new(), &mut done))
}

#[test]
fn stages_import_only_their_own_layer_and_below_and_nothing_circles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &src, &mut files);
    let tops: BTreeSet<String> = files
        .iter()
        .map(|(rel, _)| module_path(rel)[0].clone())
        .collect();

    let mut upward = Vec::new();
    let mut top_edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Per folder: which sibling files name which (by `super::x` or the
    // full `crate::folder::x`).
    let mut sibling_edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in &files {
        let code = code_of(text);
        let path = module_path(rel);
        let top = &path[0];
        for used in names_after(&code, "crate::") {
            if !tops.contains(&used) || used == *top {
                continue;
            }
            top_edges
                .entry(top.clone())
                .or_default()
                .insert(used.clone());
            if layer_of(&used) > layer_of(top) && !ALLOWED.contains(&(top.as_str(), used.as_str()))
            {
                upward.push(format!("{rel} uses crate::{used}"));
            }
        }
        // A file two levels down (`validate/history.rs`): its siblings.
        if path.len() == 2 && !rel.ends_with("mod.rs") {
            let me = path.join("::");
            let mut named = names_after(&code, "super::");
            named.extend(names_after(&code, &format!("crate::{top}::")));
            for sibling in named {
                let file = format!("{top}/{sibling}.rs");
                let folder = format!("{top}/{sibling}/mod.rs");
                if sibling != path[1] && files.iter().any(|(r, _)| *r == file || *r == folder) {
                    sibling_edges
                        .entry(me.clone())
                        .or_default()
                        .insert(format!("{top}::{sibling}"));
                }
            }
        }
    }
    assert!(
        upward.is_empty(),
        "a stage imports a later one (order in tests/layers.rs, ARCHITECTURE.md):\n{}",
        upward.join("\n")
    );
    assert_eq!(
        cycle(&top_edges),
        None,
        "modules import each other in a circle"
    );
    assert_eq!(
        cycle(&sibling_edges),
        None,
        "files of one folder import each other in a circle"
    );
}

#[test]
fn the_reader_finds_paths_in_groups_and_ignores_comments() {
    let code =
        code_of("use crate::{model::Date, text};\n// crate::render\nlet x = crate::urls::item(a);");
    assert_eq!(
        names_after(&code, "crate::"),
        ["model", "text", "urls"].map(String::from).into()
    );
    let mut edges = BTreeMap::new();
    edges.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    edges.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert!(cycle(&edges).is_some());
}
