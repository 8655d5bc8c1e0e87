//! The crate's layers, in the order a run goes through them: a module may
//! use the modules of earlier layers, never one of its own layer's other
//! units or of a later layer. This list is the one place the order is
//! written (`src/lib.rs` and CONTRIBUTING point here); the test reads the
//! sources to keep it so.
//!
//! A unit is a module path; `*` stands for any one module (each backend).
//! A file belongs to the most specific unit that holds it, so a backend's
//! `options` (which the spec embeds) sit below the spec, and the rest of
//! the backend above it.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::repo_root;

/// Earliest first. A new module must be placed here.
const LAYERS: &[&[&str]] = &[
    // The values a spec holds, each parsed once into its type.
    &["spec::value"],
    // Each backend's pinned versions, then its own section of the spec.
    &["backend::*::versions"],
    &["backend::*::options"],
    // Which backends exist, by the names specs give them.
    &["backend::name"],
    // The spec.
    &["spec"],
    // Reading the disk: spec files, YAML, diagnostics, the repository, git.
    &["read"],
    // What a backend is made of, then the backends, then their registry.
    &["backend::kit"],
    &["backend::*"],
    &["backend"],
    // Is a spec valid, alone and with the others rendered beside it.
    &["judge"],
    // A valid spec's folder, as a plan of files.
    &["plan"],
    // The output tree on disk: compare, judge the change, write.
    &["output"],
    // What stops a command.
    &["error"],
    // find -> load -> validate -> plan, the same for every command.
    &["pipeline"],
    // The places pgrender runs: the ArgoCD plugin, the command line.
    &["plugin"],
    &["commands"],
];

/// How closely `pattern` names `path`: `None` when it does not hold it,
/// else (segments, literal segments), larger is more specific. `*` stands
/// for any module the list does not name itself at that place (under
/// `backend::`, any but `kit` and `name`: each backend).
fn specificity(pattern: &str, path: &[String]) -> Option<(usize, usize)> {
    let parts: Vec<&str> = pattern.split("::").collect();
    if parts.len() > path.len() {
        return None;
    }
    let named_here = |prefix: &[&str], segment: &str| {
        LAYERS.iter().flat_map(|l| l.iter()).any(|other| {
            let other: Vec<&str> = other.split("::").collect();
            other.len() > prefix.len()
                && other[..prefix.len()] == *prefix
                && other[prefix.len()] == segment
        })
    };
    let mut literal = 0;
    for (i, (want, have)) in parts.iter().zip(path).enumerate() {
        if *want == "*" {
            if named_here(&parts[..i], have) {
                return None;
            }
            continue;
        }
        if want != have {
            return None;
        }
        literal += 1;
    }
    Some((parts.len(), literal))
}

/// The unit holding module `path` (its pattern with `*` filled in: each
/// backend is a unit of its own), and its layer.
fn unit_of(path: &[String]) -> Option<(String, usize)> {
    let (_, pattern, layer) = LAYERS
        .iter()
        .enumerate()
        .flat_map(|(layer, units)| units.iter().map(move |u| (*u, layer)))
        .filter_map(|(unit, layer)| Some((specificity(unit, path)?, unit, layer)))
        .max_by_key(|(score, _, _)| *score)?;
    let unit = pattern
        .split("::")
        .zip(path)
        .map(|(want, have)| if want == "*" { have.as_str() } else { want })
        .collect::<Vec<_>>()
        .join("::");
    Some((unit, layer))
}

fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The module paths a `use` tree names, from the text after `prefix::`:
/// `a::b`, `a::{b, c::d}`, `{a, b::c}`.
fn use_tree(text: &str, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    let mut at = 0;
    loop {
        let rest = &text[at..];
        if let Some(group) = rest.strip_prefix('{') {
            at += 1;
            let mut consumed = 0;
            loop {
                let inner = group[consumed..].trim_start();
                consumed += group[consumed..].len() - inner.len();
                if inner.starts_with('}') {
                    return at + consumed + 1;
                }
                consumed += use_tree(&group[consumed..], &path, out);
                let after = group[consumed..].trim_start();
                consumed += group[consumed..].len() - after.len();
                if after.starts_with(',') {
                    consumed += 1;
                }
            }
        }
        let name = ident(rest);
        if name.is_empty() {
            out.push(path);
            return at;
        }
        path.push(name.to_string());
        at += name.len();
        if text[at..].starts_with("::") {
            at += 2;
        } else {
            out.push(path);
            return at;
        }
    }
}

/// The crate's module paths `text` (the file of module `own`) names:
/// `crate::…` paths and `use` trees, `super::` and `self::` resolved.
fn referenced(text: &str, own: &[String]) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    // `self` is the file's module; `super` its parent (a `mod.rs` is its
    // folder's module).
    let parent: Vec<String> = own[..own.len().saturating_sub(1)].to_vec();
    for (anchor, base) in [
        ("crate::", Vec::new()),
        ("super::", parent),
        ("self::", own.to_vec()),
    ] {
        for (at, _) in text.match_indices(anchor) {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            use_tree(&text[at + anchor.len()..], &base, &mut found);
        }
    }
    found
}

/// The source without its `#[cfg(test)]` module: tests may set up with
/// any module.
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |cut| &text[..cut])
}

/// Every module file of the crate: its module path and its text.
fn module_files(src: &Path) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).expect("in src");
            let mut module: Vec<String> = rel
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            if module == ["lib"] || module == ["main"] {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read");
            out.push((module, without_tests(&text).to_string()));
        }
    }
    out.sort();
    out
}

#[test]
fn the_reference_scanner_reads_paths_groups_and_relative_paths() {
    let own: Vec<String> = ["a", "b"].map(String::from).into();
    let mut found: Vec<String> = referenced(
        "use crate::a::X;\nuse crate::{b, c::{D, e::F}, d::G};\nlet x = crate::e::f();\nuse super::k::L;\nuse self::m;",
        &own,
    )
    .into_iter()
    .map(|p| p.join("::"))
    .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "a::X", "a::b::m", "a::k::L", "b", "c::D", "c::e::F", "d::G", "e::f"
        ]
    );
}

#[test]
fn units_are_found_by_their_most_specific_pattern() {
    let path = |p: &str| -> Vec<String> { p.split("::").map(String::from).collect() };
    let unit = |p: &str| unit_of(&path(p)).map(|(unit, _)| unit);
    assert_eq!(
        unit("backend::zalando::options").as_deref(),
        Some("backend::zalando::options")
    );
    assert_eq!(
        unit("backend::zalando::files").as_deref(),
        Some("backend::zalando")
    );
    assert_eq!(unit("backend::kit::facts").as_deref(), Some("backend::kit"));
    assert_eq!(
        unit("backend::kit::versions").as_deref(),
        Some("backend::kit")
    );
    assert_eq!(unit("backend").as_deref(), Some("backend"));
    assert_eq!(unit("spec::value::cron").as_deref(), Some("spec::value"));
    assert_eq!(unit("nowhere"), None);
}

#[test]
fn no_module_uses_one_of_its_own_or_a_later_layer() {
    let mut problems = Vec::new();
    let files = module_files(&repo_root().join("src"));
    let known: BTreeSet<Vec<String>> = files.iter().map(|(m, _)| m.clone()).collect();
    for (module, text) in &files {
        let Some((unit, layer)) = unit_of(module) else {
            problems.push(format!(
                "{}: not placed in a layer (tests/integration/layering.rs)",
                module.join("::")
            ));
            continue;
        };
        for used in referenced(text, module) {
            // Only paths into the crate's modules count (not `Self::`, items of std).
            let Some(depth) = (1..=used.len()).rev().find(|n| known.contains(&used[..*n])) else {
                continue;
            };
            let Some((other, other_layer)) = unit_of(&used[..depth]) else {
                continue;
            };
            if other != unit && other_layer >= layer {
                problems.push(format!(
                    "{} ({unit}, layer {layer}) uses {} ({other}, layer {other_layer})",
                    module.join("::"),
                    used.join("::")
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
