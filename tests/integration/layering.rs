//! The crate's modules form layers, in the order a run goes through them
//! (src/lib.rs): a module may use the ones in earlier layers, never one in
//! its own or a later layer. This test reads the sources to keep it so.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::repo_root;

/// Earliest first. A new module must be placed here.
const LAYERS: [&[&str]; 16] = [
    &[
        "cron",
        "net",
        "pg_settings",
        "quantity",
        "repository",
        "versions",
    ],
    &[
        "footprint",
        "git",
        "names",
        "parallel",
        "plan",
        "templates",
        "yaml",
    ],
    &["facts", "spec"],
    &["diagnostic"],
    &["load"],
    &["alerts"],
    &["backend"],
    &["validate"],
    &["overrides", "opentofu"],
    &["output"],
    &["changes"],
    &["error"],
    &["specs"],
    &["init", "render"],
    &["cmp", "commands", "migrate"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The source without its `#[cfg(test)]` module: tests may set up with
/// any module.
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |cut| &text[..cut])
}

/// Top-level modules named by `crate::a::…` and `use crate::{a, b::…}`.
fn crate_modules(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        found.insert(ident(&group[i..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

/// Every top-level module of the crate with the text of its files.
fn modules(src: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(src).expect("src") {
        let path = entry.expect("entry").path();
        let name = path
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if ["lib", "main"].contains(&name.as_str()) {
            continue;
        }
        let mut text = String::new();
        let mut files = vec![path.clone()];
        while let Some(file) = files.pop() {
            if file.is_dir() {
                for e in std::fs::read_dir(&file).expect("dir") {
                    files.push(e.expect("entry").path());
                }
            } else if file.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&file).expect("read");
                text.push_str(without_tests(&source));
            }
        }
        out.push((name, text));
    }
    out.sort();
    out
}

#[test]
fn the_reference_scanner_reads_paths_and_groups() {
    let found =
        crate_modules("use crate::a::X;\nuse crate::{b, c::{D, E}, d::F};\nlet x = crate::e::f();");
    assert_eq!(found, ["a", "b", "c", "d", "e"].map(String::from).into());
}

#[test]
fn no_module_uses_one_of_its_own_or_a_later_layer() {
    let mut problems = Vec::new();
    for (module, text) in modules(&repo_root().join("src")) {
        let Some(layer) = layer_of(&module) else {
            problems.push(format!(
                "src/{module}: not placed in a layer (tests/integration/layering.rs)"
            ));
            continue;
        };
        for used in crate_modules(&text) {
            if used == module {
                continue;
            }
            match layer_of(&used) {
                Some(other) if other < layer => {}
                _ => problems.push(format!("{module} (layer {layer}) uses {used}")),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
