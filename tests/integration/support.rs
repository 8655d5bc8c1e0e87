//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The crate root (where `kubernetes/` and `tests/` live).
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The reference spec, as committed.
pub(crate) fn reference_spec() -> String {
    std::fs::read_to_string(repo_root().join("kubernetes/specs/postgresql.yaml"))
        .expect("reference spec")
}

/// The built binary, run in `cwd`, with an environment that cannot leak
/// the developer's settings into the result.
pub(crate) fn pgrender(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pgrender"))
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run pgrender")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The run failed with an error (exit 2) and said `needle` on stderr.
#[track_caller]
pub(crate) fn assert_error(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    assert!(stderr(o).contains(needle), "{}", stderr(o));
}

/// Every file below `root`: relative path (with `/`) to bytes. Hidden
/// entries are included: a leftover staging folder must show up here.
pub(crate) fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !root.exists() {
        return files;
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .expect("below root")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                files.insert(rel, std::fs::read(&path).expect("read file"));
            }
        }
    }
    files
}

/// A temp workspace holding `specs/` (with the given files) and an output
/// root `out/` already rendered from the reference spec, as a user's
/// repository would look.
pub(crate) struct Workspace {
    pub(crate) dir: tempfile::TempDir,
}

impl Workspace {
    pub(crate) fn empty() -> Self {
        Workspace {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// A workspace whose `out/` holds the rendered reference spec.
    pub(crate) fn rendered() -> Self {
        let ws = Workspace::empty();
        ws.write("ref/postgresql.yaml", &reference_spec());
        let o = ws.run(&["render", "ref", "--out-root", "out"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        ws
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn write(&self, rel: &str, content: &str) -> PathBuf {
        self.write_bytes(rel, content.as_bytes())
    }

    pub(crate) fn write_bytes(&self, rel: &str, content: &[u8]) -> PathBuf {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, content).expect("write");
        path
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        pgrender(self.path(), args)
    }

    pub(crate) fn out(&self) -> BTreeMap<String, Vec<u8>> {
        snapshot(&self.path().join("out"))
    }
}

/// A minimal spec: the reference defaults plus the given `spec:` body
/// (already indented by two spaces).
pub(crate) fn spec_with(name: &str, body: &str) -> String {
    format!(
        "apiVersion: pgrender.dev/v1alpha1\nkind: PostgresCluster\nmetadata:\n  name: {name}\nspec:\n{body}"
    )
}

/// A test that needs a real component this machine lacks says so where the
/// person running the suite sees it: written to the process's stderr, past
/// the test harness's capture, beside the `ok` it still reports. Under
/// `CI=true` it fails instead: CI installs every such component, so a
/// missing one there is a broken CI, not a skipped test.
#[track_caller]
pub(crate) fn did_not_run(test: &str, why: &str) {
    use std::io::Write;
    let line = format!("{test}: did not run: {why}\n");
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{line}(CI=true: every real component must be installed; .ci/run installs them)"
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// Like `did_not_run`, for a check the issue made optional where its tool
/// is missing (no registry CI reaches has it): said, never failed.
pub(crate) fn optional_check_did_not_run(test: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{test}: did not run: {why}");
}

/// The Rust source of a module of the crate: its file, or every file of
/// its folder (`src/backend/cloudnative_pg`), for tests that hold a fact in
/// the code to its upstream.
pub(crate) fn module_source(module: &str) -> String {
    let path = repo_root().join("src").join(module);
    let file = path.with_extension("rs");
    if file.is_file() {
        return std::fs::read_to_string(&file).expect("read source");
    }
    let mut text = String::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("{module}: {e}"))
        .map(|entry| entry.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    for file in files {
        text.push_str(&std::fs::read_to_string(&file).expect("read source"));
    }
    text
}

/// `git args...` in `dir`, with a fixed identity and no user config, so
/// that commits succeed on any machine and nothing of the developer's
/// settings leaks in.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git")
}

/// `git` that must succeed; its stdout.
#[track_caller]
pub(crate) fn git_ok(dir: &Path, args: &[&str]) -> String {
    let o = git(dir, args);
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}
