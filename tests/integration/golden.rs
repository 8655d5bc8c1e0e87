//! Golden trees. Each case `tests/golden/<case>/` holds `specs/` (input),
//! optionally `repository/` (other files of the repository the specs name),
//! and `expected/` (the output root pgrender must produce from it, byte for
//! byte). After an intended change, review the diff and re-bless with
//! `PGRENDER_BLESS=1 cargo test golden`.

use std::path::Path;

use crate::support::{Workspace, pgrender, repo_root, snapshot, stderr, stdout};

fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in snapshot(from) {
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(target, bytes).expect("write");
    }
}

#[test]
fn every_golden_case_renders_its_expected_tree() {
    let root = repo_root().join("tests/golden");
    let bless = std::env::var_os("PGRENDER_BLESS").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/golden")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 4,
        "expected at least four golden cases, found {}",
        cases.len()
    );

    let mut failures = Vec::new();
    for case in &cases {
        let ws = Workspace::empty();
        copy_tree(&case.join("specs"), &ws.path().join("kubernetes/specs"));
        // Other files of the repository the specs name (a secretsPath folder).
        if case.join("repository").is_dir() {
            copy_tree(&case.join("repository"), ws.path());
        }
        let o = ws.run(&["render"]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}: {}",
            case.display(),
            stderr(&o)
        );
        let rendered = snapshot(&ws.path().join("kubernetes/applications"));
        let expected_dir = case.join("expected");
        if bless {
            let _ = std::fs::remove_dir_all(&expected_dir);
            copy_tree(&ws.path().join("kubernetes/applications"), &expected_dir);
            continue;
        }
        let expected = snapshot(&expected_dir);
        if rendered != expected {
            let mut report = format!("{}:\n", case.display());
            for path in expected.keys().chain(rendered.keys()) {
                match (expected.get(path), rendered.get(path)) {
                    (Some(a), Some(b)) if a != b => {
                        let diff = similar::TextDiff::from_lines(
                            std::str::from_utf8(a).unwrap_or("<binary>"),
                            std::str::from_utf8(b).unwrap_or("<binary>"),
                        )
                        .unified_diff()
                        .header("expected", "rendered")
                        .to_string();
                        report.push_str(&format!("--- {path}\n{diff}"));
                    }
                    (Some(_), None) => report.push_str(&format!("not rendered: {path}\n")),
                    (None, Some(_)) => report.push_str(&format!("not expected: {path}\n")),
                    _ => {}
                }
            }
            failures.push(report);
        }
    }
    assert!(
        failures.is_empty(),
        "golden drift (re-bless with PGRENDER_BLESS=1 after review):\n{}",
        failures.join("\n")
    );
}

#[test]
fn committed_reference_output_is_current() {
    // The same command CI runs: the committed tree equals what the code renders.
    let o = pgrender(&repo_root(), &["check"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn committed_schema_matches_the_types() {
    let committed = std::fs::read_to_string(repo_root().join("schemas/pgcluster.schema.json"))
        .expect("committed schema");
    assert!(
        committed == pgrender::json_schema_text(),
        "schemas/pgcluster.schema.json is stale: run `cargo run -- schema > schemas/pgcluster.schema.json`"
    );
}

#[test]
fn the_reference_spec_equals_the_defaults() {
    // "Every value in the reference spec is also the default": a spec with
    // only apiVersion, kind and metadata must render the same tree.
    let full = Workspace::empty();
    full.write("specs/postgresql.yaml", &crate::support::reference_spec());
    let minimal = Workspace::empty();
    minimal.write(
        "specs/postgresql.yaml",
        "apiVersion: pgrender.dev/v1alpha1\nkind: PostgresCluster\nmetadata:\n  name: postgresql\n",
    );
    for ws in [&full, &minimal] {
        let o = ws.run(&["render", "specs", "--out-root", "out"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(full.out(), minimal.out());
}

#[test]
fn rendering_twice_gives_the_same_bytes_and_touches_nothing() {
    let ws = Workspace::rendered();
    let first = ws.out();
    let o = ws.run(&["render", "ref", "--out-root", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("unchanged: out/postgresql"),
        "{}",
        stdout(&o)
    );
    assert_eq!(first, ws.out());
}

/// Leaf field paths of the spec schema (`spec.network.port`, …).
fn schema_fields(schema: &serde_json::Value) -> Vec<String> {
    fn resolve<'a>(
        root: &'a serde_json::Value,
        mut node: &'a serde_json::Value,
    ) -> &'a serde_json::Value {
        loop {
            if let Some(r) = node.get("$ref").and_then(|r| r.as_str()) {
                node = root.pointer(r.trim_start_matches('#')).expect("ref target");
            } else if let Some([only]) = node
                .get("allOf")
                .and_then(|b| b.as_array())
                .map(Vec::as_slice)
            {
                node = only;
            } else if let Some(branches) = node.get("anyOf").and_then(|b| b.as_array()) {
                node = branches
                    .iter()
                    .find(|b| b["type"] != "null")
                    .expect("non-null branch");
            } else {
                return node;
            }
        }
    }
    fn walk(
        root: &serde_json::Value,
        node: &serde_json::Value,
        prefix: &str,
        out: &mut Vec<String>,
    ) {
        let node = resolve(root, node);
        for (key, child) in node["properties"].as_object().into_iter().flatten() {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            if resolve(root, child).get("properties").is_some() {
                walk(root, child, &path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(schema, schema, "", &mut out);
    out
}

#[test]
fn readme_documents_every_spec_field_and_starts_with_the_two_commands() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let fields = schema_fields(&pgrender::json_schema());
    assert!(fields.len() > 40, "{fields:?}");
    for field in fields {
        assert!(
            readme.contains(&format!("| `{field}` |")),
            "README spec reference lacks `{field}`"
        );
    }
    let opening: String = readme.lines().take(6).collect::<Vec<_>>().join("\n");
    assert!(
        opening.contains("cargo run --locked -- render"),
        "{opening}"
    );
    assert!(opening.contains("cargo test --locked"), "{opening}");
    let ci = std::fs::read_to_string(repo_root().join(".ci/run")).expect(".ci/run");
    assert!(
        ci.contains("cargo test --locked"),
        ".ci/run must run the README's test command"
    );
}

/// The README's Day one shows the transcript the tests run and the Secret
/// commands of the generated runbook, not copies that drift.
#[test]
fn day_one_in_the_readme_is_what_the_tools_print() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README");
    let day_one = readme
        .split("## Day one\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a Day one section");
    let unindented: String = day_one
        .lines()
        .map(|l| l.strip_prefix("   ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let block = |text: &str, fence: &str| -> String {
        let start = text.find(fence).expect("fence");
        let end = text[start + fence.len()..].find("```").expect("end") + start + fence.len();
        text[start..end].to_string()
    };
    let transcript =
        std::fs::read_to_string(repo_root().join("tests/cmd/day-one.md")).expect("transcript");
    assert_eq!(
        block(&unindented, "```console"),
        block(&transcript, "```console")
    );
    let runbook =
        std::fs::read_to_string(repo_root().join("kubernetes/applications/postgresql/README.md"))
            .expect("runbook");
    let secrets = runbook
        .split("## Before the first sync")
        .nth(1)
        .expect("secret section");
    assert_eq!(block(&unindented, "```sh"), block(secrets, "```sh"));
}

/// The folder Application the README shows is the one pgrender writes
/// (the golden case with `gitRepoURL`, header comments left out).
#[test]
fn the_readme_shows_the_folder_application_pgrender_writes() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let written = std::fs::read_to_string(
        repo_root().join("tests/golden/multi-source/expected/postgresql/folder-application.yaml"),
    )
    .expect("golden folder-application.yaml");
    let body: String = written
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect();
    assert!(
        readme.contains(&format!("```yaml\n{body}```\n")),
        "README's folder Application differs from the golden one:\n{body}"
    );
}
