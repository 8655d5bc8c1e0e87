//! The hooks of `.pre-commit-hooks.yaml`, run by the real `pre-commit`
//! client (from PyPI; `.ci/run` installs it) in a throwaway repository that
//! holds only specs, as a user's GitOps repository does. The hooks come
//! from a second throwaway repository holding this checkout's hook file,
//! pinned by commit as the README tells users to pin them. The hook uses
//! the `language: system` variant with the built binary on PATH (the
//! `language: rust` one runs the same entry after building from source).
//!
//! Without a `pre-commit` program the test says that it did not run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{reference_spec, repo_root};

fn pre_commit() -> Option<PathBuf> {
    let program =
        std::env::var_os("PRE_COMMIT").map_or_else(|| PathBuf::from("pre-commit"), PathBuf::from);
    Command::new(&program)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| program)
}

/// A command in `dir` with an environment that cannot reach the user's own
/// git or pre-commit settings, and the built pgrender first on PATH.
fn command(program: &Path, dir: &Path, home: &Path) -> Command {
    let bin = Path::new(env!("CARGO_BIN_EXE_pgrender"))
        .parent()
        .expect("binary folder")
        .to_path_buf();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin];
    paths.extend(std::env::split_paths(&path));
    let mut c = Command::new(program);
    c.current_dir(dir)
        .env("PATH", std::env::join_paths(paths).expect("PATH"))
        .env("HOME", home)
        .env("PRE_COMMIT_HOME", home.join("pre-commit-cache"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE");
    c
}

fn git(dir: &Path, home: &Path, args: &[&str]) -> Output {
    command(Path::new("git"), dir, home)
        .args(args)
        .output()
        .expect("run git")
}

#[track_caller]
fn git_ok(dir: &Path, home: &Path, args: &[&str]) -> String {
    let out = git(dir, home, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn both(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_hook_never_lets_a_commit_in_without_current_staged_output() {
    let Some(pre_commit) = pre_commit() else {
        crate::support::did_not_run(
            "precommit",
            "no `pre-commit` program (pip install pre-commit; .ci/run does)",
        );
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = tmp.path().join("home");
    let hooks = tmp.path().join("hooks");
    let work = tmp.path().join("work");
    for dir in [&home, &hooks, &work] {
        std::fs::create_dir_all(dir).expect("mkdir");
    }

    // The hook definitions of this checkout, pinned by commit.
    std::fs::copy(
        repo_root().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .expect("copy hooks");
    git_ok(&hooks, &home, &["init", "-q"]);
    git_ok(&hooks, &home, &["add", "."]);
    git_ok(&hooks, &home, &["commit", "-q", "-m", "hooks"]);
    let rev = git_ok(&hooks, &home, &["rev-parse", "HEAD"]);

    // A GitOps repository that holds only specs.
    std::fs::create_dir_all(work.join("kubernetes/specs")).expect("specs dir");
    std::fs::write(
        work.join("kubernetes/specs/postgresql.yaml"),
        reference_spec(),
    )
    .expect("spec");
    std::fs::write(
        work.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: pgrender-render-system\n",
            hooks.display()
        ),
    )
    .expect("config");
    git_ok(&work, &home, &["init", "-q"]);
    let install = command(&pre_commit, &work, &home)
        .arg("install")
        .output()
        .expect("pre-commit install");
    assert!(install.status.success(), "{}", both(&install));
    git_ok(&work, &home, &["add", "."]);

    // 1. The first commit renders the output, which git does not know yet: it fails.
    let first = git(&work, &home, &["commit", "-q", "-m", "specs"]);
    let said = both(&first);
    assert!(
        !first.status.success(),
        "the commit went in without its manifests:\n{said}"
    );
    assert!(
        said.contains("created: kubernetes/applications/postgresql"),
        "{said}"
    );
    assert!(
        said.contains("run `git add kubernetes/applications` and commit again"),
        "{said}"
    );
    assert!(
        work.join("kubernetes/applications/postgresql/CHECKSUMS")
            .is_file()
    );

    // 2. Still not added: the render changes nothing now, but the output is untracked.
    let again = git(&work, &home, &["commit", "-q", "-m", "specs"]);
    let said = both(&again);
    assert!(
        !again.status.success(),
        "untracked output let through:\n{said}"
    );
    assert!(
        said.contains("kubernetes/applications/postgresql/README.md"),
        "{said}"
    );

    // 3. Added: the commit goes in.
    git_ok(&work, &home, &["add", "kubernetes/applications"]);
    let added = git(&work, &home, &["commit", "-q", "-m", "specs"]);
    assert!(added.status.success(), "{}", both(&added));
    assert_eq!(git_ok(&work, &home, &["status", "--porcelain"]), "");

    // 4. A spec change committed without its output: the hook re-renders and fails.
    let spec = work.join("kubernetes/specs/postgresql.yaml");
    let edited = std::fs::read_to_string(&spec)
        .expect("spec")
        .replace("maxConnections: 100", "maxConnections: 150");
    std::fs::write(&spec, edited).expect("edit spec");
    git_ok(&work, &home, &["add", "kubernetes/specs"]);
    let stale = git(&work, &home, &["commit", "-q", "-m", "more connections"]);
    let said = both(&stale);
    assert!(!stale.status.success(), "a stale tree let through:\n{said}");
    assert!(
        said.contains("updated: kubernetes/applications/postgresql"),
        "{said}"
    );
    git_ok(&work, &home, &["add", "kubernetes/applications"]);
    let fixed = git(&work, &home, &["commit", "-q", "-m", "more connections"]);
    assert!(fixed.status.success(), "{}", both(&fixed));
    let values =
        std::fs::read_to_string(work.join("kubernetes/applications/postgresql/values/values.yaml"))
            .expect("values");
    assert!(
        values.contains("maxConnections: 150"),
        "the committed output is the new render"
    );
}

/// The two hooks differ only in how pgrender gets onto the machine.
#[test]
fn both_hooks_run_the_same_entry_on_the_same_files() {
    let text = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).expect("hooks");
    let hooks = pgrender::parse_stream(&text).expect("yaml").remove(0);
    let hooks = hooks.as_array().expect("a list of hooks");
    let languages: Vec<&str> = hooks
        .iter()
        .map(|h| h["language"].as_str().expect("language"))
        .collect();
    assert_eq!(languages, ["rust", "system"]);
    for hook in hooks {
        assert_eq!(hook["entry"], "pgrender hook", "{hook}");
        assert_eq!(hook["files"], hooks[0]["files"], "{hook}");
        assert_eq!(
            hook["pass_filenames"], false,
            "all specs render together: {hook}"
        );
    }
}
