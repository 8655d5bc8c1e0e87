//! The bad-input corpus: `tests/corpus/bad/`. Each case is a spec file, or
//! a folder of spec files, whose `# expect: …` lines (or `expect.txt` for a
//! folder) are the whole of stderr, line by line, with `{file}` standing for
//! the case's path (and snapbox's `[..]` / `...` wildcards where a message
//! varies). Every case must exit 2, print nothing on stdout and leave an
//! already rendered output tree byte-for-byte as it was; `generate`, the
//! ArgoCD plugin, must print nothing but the same message.

use std::path::{Path, PathBuf};

use crate::support::{Workspace, assert_error, repo_root, snapshot, stderr, stdout};

struct Case {
    name: String,
    /// Path of the input inside the workspace (what the command is given).
    input: String,
    expect: Vec<String>,
}

fn expectations(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            l.strip_prefix("# expect: ")
                .or_else(|| l.strip_prefix("expect: "))
        })
        .map(str::to_string)
        .collect()
}

/// Copy the case into the workspace; return what the test runs against.
fn install(ws: &Workspace, source: &Path) -> Case {
    let name = source
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    if source.is_dir() {
        let expect_text = std::fs::read_to_string(source.join("expect.txt")).expect("expect.txt");
        for (rel, bytes) in snapshot(source) {
            if rel != "expect.txt" {
                ws.write_bytes(&format!("cases/{name}/{rel}"), &bytes);
            }
        }
        Case {
            input: format!("cases/{name}"),
            expect: expectations(&expect_text),
            name,
        }
    } else {
        // Alone in its folder: a spec file is checked against the specs
        // beside it, and the other cases must not be those.
        let bytes = std::fs::read(source).expect("case");
        let input = format!("cases/{name}/{name}");
        ws.write_bytes(&input, &bytes);
        Case {
            input,
            expect: expectations(&String::from_utf8_lossy(&bytes)),
            name,
        }
    }
}

fn corpus() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(repo_root().join("tests/corpus/bad"))
        .expect("tests/corpus/bad")
        .map(|e| e.expect("entry").path())
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_bad_input_is_refused_with_its_message_and_changes_nothing() {
    let cases = corpus();
    assert!(
        cases.len() >= 60,
        "the corpus should hold at least 60 cases, found {}",
        cases.len()
    );
    let ws = Workspace::rendered();
    let before = ws.out();
    let mut failures = Vec::new();
    for source in &cases {
        let case = install(&ws, source);
        if case.expect.is_empty() {
            failures.push(format!("{}: no `# expect:` lines", case.name));
            continue;
        }
        for command in ["render", "validate", "generate"] {
            let mut args = vec![command, case.input.as_str()];
            if command == "render" {
                args.extend(["--out-root", "out"]);
            }
            let o = ws.run(&args);
            let err = stderr(&o);
            let mut problems = Vec::new();
            if o.status.code() != Some(2) {
                problems.push(format!("exit {:?}, want 2", o.status.code()));
            }
            if !stdout(&o).is_empty() {
                problems.push(format!("stdout not empty: {}", stdout(&o)));
            }
            let want: String = case
                .expect
                .iter()
                .map(|line| format!("{}\n", line.replace("{file}", &case.input)))
                .collect();
            // A message may hold a backslash (an escaped control character),
            // which is not a path separator to normalise.
            let assert = snapbox::Assert::new().normalize_paths(false);
            if let Err(mismatch) = assert.try_eq(Some(&"stderr"), err.clone().into(), want.into()) {
                problems.push(format!("stderr is not the expected message:\n{mismatch}"));
            }
            if !problems.is_empty() {
                failures.push(format!(
                    "{} ({command}):\n  {}\n  stderr was:\n{err}",
                    case.name,
                    problems.join("\n  ")
                ));
            }
        }
        assert_eq!(before, ws.out(), "{}: the output tree changed", case.name);
    }
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn generated_hostile_inputs_fail_fast_and_clearly() {
    let ws = Workspace::rendered();
    let before = ws.out();
    let header =
        "apiVersion: pgrender.dev/v1alpha1\nkind: PostgresCluster\nmetadata:\n  name: big\n";
    // 10 MB file that claims to be a spec.
    let mut huge = header.to_string();
    while huge.len() < 10 * 1024 * 1024 {
        huge.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    ws.write("hostile/huge.yaml", &huge);
    // Billion laughs: each level doubles, capped by the alias budget.
    let mut laughs = format!("{header}spec:\n  a0: &a0 [lol]\n");
    for i in 1..40 {
        laughs.push_str(&format!("  a{i}: &a{i} [*a{}, *a{}]\n", i - 1, i - 1));
    }
    ws.write("hostile/laughs.yaml", &laughs);
    // Deep nesting.
    ws.write(
        "hostile/deep.yaml",
        &format!("{header}spec: {}{}\n", "[".repeat(5000), "]".repeat(5000)),
    );

    let cases = [
        (
            "hostile/huge.yaml",
            "hostile/huge.yaml:1:1: the file is larger than 1024 KiB",
        ),
        ("hostile/laughs.yaml", "hostile/laughs.yaml:"),
        ("hostile/deep.yaml", "hostile/deep.yaml:5:"),
    ];
    for (input, want) in cases {
        let o = ws.run(&["render", input, "--out-root", "out"]);
        assert_eq!(o.status.code(), Some(2), "{input}");
        assert!(stderr(&o).contains(want), "{input}: {}", stderr(&o));
        assert_eq!(before, ws.out(), "{input}");
    }

    // The same laughs as the second document of a stream, found by a
    // folder search, meet the same budget: refused within 256 MiB of
    // address space, as when the file is named.
    ws.write(
        "hostile-stream/laughs.yaml",
        &format!(
            "---
kind: ConfigMap
---
{laughs}"
        ),
    );
    for input in ["hostile-stream", "hostile-stream/laughs.yaml"] {
        let o = std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 262144 && exec \"$0\" render \"$1\" --out-root out")
            .arg(env!("CARGO_BIN_EXE_pgrender"))
            .arg(input)
            .current_dir(ws.path())
            .output()
            .expect("sh");
        assert_eq!(o.status.code(), Some(2), "{input}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(
                "hostile-stream/laughs.yaml:3:1: a spec file holds exactly one YAML document"
            ),
            "{input}: {}",
            stderr(&o)
        );
        assert_eq!(before, ws.out(), "{input}");
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_the_spec_folder_is_an_error() {
    let ws = Workspace::rendered();
    std::fs::create_dir_all(ws.path().join("loop/inner")).expect("mkdir");
    std::os::unix::fs::symlink("..", ws.path().join("loop/inner/back")).expect("symlink");
    let o = ws.run(&["render", "loop", "--out-root", "out"]);
    assert_error(&o, "symlink loop");
}

#[cfg(unix)]
#[test]
fn broken_symlinks_fifos_and_folders_named_yaml_are_handled() {
    let ws = Workspace::rendered();
    let before = ws.out();
    ws.write("odd/postgresql.yaml", &crate::support::reference_spec());
    std::fs::create_dir_all(ws.path().join("odd/folder.yaml")).expect("dir");
    let fifo = ws.path().join("odd/pipe.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    // A folder or a FIFO named *.yaml is not a spec and must not hang the walk.
    let o = ws.run(&["validate", "odd"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{} (mkfifo: {made:?})",
        stderr(&o)
    );

    std::os::unix::fs::symlink("/nonexistent/spec.yaml", ws.path().join("odd/broken.yaml"))
        .expect("symlink");
    let o = ws.run(&["render", "odd", "--out-root", "out"]);
    assert_error(
        &o,
        "odd/broken.yaml: broken symlink to /nonexistent/spec.yaml",
    );
    assert_eq!(before, ws.out());
}

#[test]
fn thousands_of_unrelated_yaml_files_are_skipped_by_content() {
    let ws = Workspace::empty();
    for i in 0..3000 {
        ws.write(
            &format!("repo/apps/app-{}/manifest-{i}.yaml", i % 50),
            &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  k: v\n"),
        );
    }
    let o = ws.run(&["validate", "repo"]);
    assert_error(&o, "repo: no pgrender spec found");
    ws.write(
        "repo/apps/app-7/postgresql.yaml",
        &crate::support::reference_spec(),
    );
    let o = ws.run(&["render", "repo", "--out-root", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "created: out/postgresql\n");
}

#[test]
fn secrets_in_the_environment_never_reach_output() {
    const SECRET: &str = "hunter2-S3cr3t-value";
    let ws = Workspace::empty();
    ws.write(
        "kubernetes/specs/postgresql.yaml",
        &crate::support::reference_spec(),
    );
    let run = |args: &[&str], dir: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pgrender"))
            .args(args)
            .current_dir(dir)
            .env("PGPASSWORD", SECRET)
            .env("POSTGRES_PASSWORD", SECRET)
            .env("ARGOCD_ENV_PGRENDER_CHART_VERSION", "12.8.2")
            .env("ARGOCD_ENV_DB_PASSWORD", SECRET)
            .output()
            .expect("run")
    };
    let mut outputs = Vec::new();
    for args in [
        &["render"][..],
        &["check"],
        &["validate"],
        &["schema"],
        &["parameters"],
    ] {
        outputs.push(run(args, ws.path()));
    }
    outputs.push(run(&["generate"], &ws.path().join("kubernetes/specs")));
    outputs.push(run(&["discover"], &ws.path().join("kubernetes/specs")));
    for o in &outputs {
        assert!(
            !stdout(o).contains(SECRET) && !stderr(o).contains(SECRET),
            "{}{}",
            stdout(o),
            stderr(o)
        );
    }
    // generate refused the unknown variable by name only.
    assert!(stderr(&outputs[5]).contains("ARGOCD_ENV_DB_PASSWORD"));
    for (path, bytes) in snapshot(ws.path()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "{path} holds the secret"
        );
    }
}
