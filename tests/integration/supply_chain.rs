//! The dependency tree, checked offline from `cargo metadata`: every
//! crate's licence is one we may ship, and no crate with a known advisory
//! (or that would bring network access) is in it. README "Dependencies"
//! states the numbers this test computes.
//!
//! Only the graph of the platform being built is read: its crates are the
//! ones this build fetched, so the check needs nothing a fresh `~/.cargo`
//! lacks (a Windows-only crate is never downloaded on Linux, and asking for
//! the all-platform graph offline fails on it).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

use crate::support::repo_root;

/// Licences compatible with shipping pgrender (Apache-2.0) as a binary.
const ALLOWED: [&str; 12] = [
    "MIT",
    "MIT-0",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "ISC",
    "Zlib",
    "Unicode-3.0",
    "Unlicense",
    "CC0-1.0",
    "BSL-1.0",
];

/// Crates that must never enter the tree, and why.
const DENIED: [(&str, &str); 6] = [
    ("serde_yml", "RUSTSEC-2025-0067/0068: unsound, archived"),
    (
        "noyalib",
        "successor shim of serde_yml, same author and advisories",
    ),
    ("serde_yaml", "archived; specs are read with serde-saphyr"),
    ("yaml-rust", "RUSTSEC-2024-0320: unmaintained"),
    ("reqwest", "an HTTP client: pgrender never uses the network"),
    (
        "openssl-sys",
        "network TLS stack: pgrender never uses the network",
    ),
];

/// Evaluate an SPDX expression (`A OR B`, `A AND B`, parentheses, and the
/// old `A/B` form) against the allow-list.
fn allowed(expr: &str) -> bool {
    fn tokens(expr: &str) -> Vec<String> {
        expr.replace('(', " ( ")
            .replace(')', " ) ")
            .replace('/', " OR ")
            .split_whitespace()
            .map(String::from)
            .collect()
    }
    fn parse_or(t: &[String], i: &mut usize) -> bool {
        let mut ok = parse_and(t, i);
        while t.get(*i).map(String::as_str) == Some("OR") {
            *i += 1;
            ok |= parse_and(t, i);
        }
        ok
    }
    fn parse_and(t: &[String], i: &mut usize) -> bool {
        let mut ok = parse_atom(t, i);
        while t.get(*i).map(String::as_str) == Some("AND") {
            *i += 1;
            ok &= parse_atom(t, i);
        }
        ok
    }
    fn parse_atom(t: &[String], i: &mut usize) -> bool {
        if t.get(*i).map(String::as_str) == Some("(") {
            *i += 1;
            let ok = parse_or(t, i);
            *i += 1; // ")"
            return ok;
        }
        let mut id = t.get(*i).cloned().unwrap_or_default();
        *i += 1;
        if t.get(*i).map(String::as_str) == Some("WITH") {
            id = format!("{id} WITH {}", t.get(*i + 1).cloned().unwrap_or_default());
            *i += 2;
        }
        ALLOWED.contains(&id.as_str())
    }
    let t = tokens(expr);
    let mut i = 0;
    parse_or(&t, &mut i) && i == t.len()
}

/// The target triple this toolchain builds for by default.
fn host_triple() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(rustc).arg("-vV").output().expect("rustc -vV");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_string()
}

/// (name, licence) of every crate the binary links on this platform, keyed
/// by package id.
fn runtime_crates() -> BTreeMap<String, (String, String)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .args(["--filter-platform", &host_triple()])
        .current_dir(repo_root())
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("json");
    let packages: BTreeMap<&str, &Value> = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().expect("id"), p))
        .collect();
    let nodes: BTreeMap<&str, &Value> = meta["resolve"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| (n["id"].as_str().expect("id"), n))
        .collect();
    let root = meta["resolve"]["root"].as_str().expect("root");
    let mut seen = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().expect("deps") {
            let normal = dep["dep_kinds"]
                .as_array()
                .expect("kinds")
                .iter()
                .any(|k| k["kind"].is_null());
            if normal {
                stack.push(dep["pkg"].as_str().expect("pkg"));
            }
        }
    }
    seen.remove(root);
    seen.into_iter()
        .map(|id| {
            let p = packages[id];
            (
                id.to_string(),
                (
                    p["name"].as_str().unwrap_or("?").to_string(),
                    p["license"].as_str().unwrap_or("").to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn spdx_expressions_are_evaluated() {
    assert!(allowed("MIT OR Apache-2.0"));
    assert!(allowed("(MIT OR Apache-2.0) AND Unicode-3.0"));
    assert!(allowed(
        "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT"
    ));
    assert!(allowed("MIT/Apache-2.0"));
    assert!(allowed("MIT OR Apache-2.0 OR LGPL-2.1-or-later"));
    assert!(!allowed("GPL-3.0-only"));
    assert!(!allowed("MIT AND GPL-2.0-only"));
    assert!(!allowed(""));
}

#[test]
fn every_runtime_dependency_has_an_allowed_licence_and_no_denied_crate() {
    let crates = runtime_crates();
    let bad: Vec<String> = crates
        .values()
        .filter(|(_, l)| !allowed(l))
        .map(|(n, l)| format!("{n}: {l:?}"))
        .collect();
    assert!(
        bad.is_empty(),
        "licences not on the allow-list:\n{}",
        bad.join("\n")
    );
    for (name, why) in DENIED {
        assert!(
            !crates.values().any(|(n, _)| n == name),
            "{name} is in the tree: {why}"
        );
    }
    let readme =
        std::fs::read_to_string(repo_root().join("CONTRIBUTING.md")).expect("CONTRIBUTING.md");
    let claim = format!("{} crates in the runtime dependency graph", crates.len());
    assert!(
        readme.contains(&claim),
        "CONTRIBUTING.md should say \"{claim}\" (Dependencies section)"
    );
}
