//! `check --base` when the base cannot be read: an unknown revision, a
//! shallow clone without it, a partial clone without its objects. Each is
//! exit 2 with a message that says what to do, nothing in the work tree
//! changes, and nothing is fetched (a partial clone's missing objects stay
//! missing: git's lazy fetch is off).

use std::path::Path;
use std::process::Command;

use crate::support::{git_ok, pgrender, snapshot, stderr};

/// `check --base REV` in `dir`: exit 2, `needle` said, the work tree as it was.
#[track_caller]
fn refused(dir: &Path, revision: &str, needle: &str) {
    let before = snapshot(dir);
    let o = pgrender(dir, &["check", "--base", revision, "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(needle), "{}", stderr(&o));
    // The Markdown says it too, for the job summary.
    assert!(String::from_utf8_lossy(&o.stdout).contains(needle), "{o:?}");
    assert_eq!(snapshot(dir), before, "check --base wrote something");
}

#[test]
fn a_base_the_clone_cannot_give_is_an_error_that_changes_and_fetches_nothing() {
    if Command::new("git").arg("--version").output().is_err() {
        crate::support::did_not_run("review_base", "no git");
        return;
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    let origin = scratch.path().join("origin");
    std::fs::create_dir(&origin).expect("origin");
    git_ok(&origin, &["init", "-q", "-b", "main"]);
    let init = ["init", "postgresql", "--backend", "cloudnative-pg"];
    assert_eq!(pgrender(&origin, &init).status.code(), Some(0));
    assert_eq!(pgrender(&origin, &["render"]).status.code(), Some(0));
    git_ok(&origin, &["add", "-A"]);
    git_ok(&origin, &["commit", "-qm", "base"]);
    // A branch whose output differs from main's: a pull request.
    git_ok(&origin, &["checkout", "-qb", "change"]);
    let spec = origin.join("kubernetes/specs/postgresql.yaml");
    let mut text = std::fs::read_to_string(&spec).expect("spec");
    text.push_str("  resources:\n    cpu: \"2\"\n    memory: 8Gi\n");
    std::fs::write(&spec, text).expect("spec");
    assert_eq!(pgrender(&origin, &["render"]).status.code(), Some(0));
    git_ok(&origin, &["commit", "-qam", "8Gi"]);
    git_ok(&origin, &["config", "uploadpack.allowFilter", "true"]);
    let url = format!("file://{}", origin.display());

    refused(&origin, "origin/mian", "no such commit in this repository");

    let shallow = scratch.path().join("shallow");
    git_ok(
        scratch.path(),
        &[
            "clone", "-q", "--depth", "1", "--branch", "change", &url, "shallow",
        ],
    );
    refused(&shallow, "origin/main", "which is shallow");

    // A partial clone has main's commits and trees but not its blobs.
    let partial = scratch.path().join("partial");
    git_ok(
        scratch.path(),
        &[
            "clone",
            "-q",
            "--filter=blob:none",
            "--branch",
            "change",
            &url,
            "partial",
        ],
    );
    let missing = git_ok(
        &partial,
        &[
            "rev-parse",
            "origin/main:kubernetes/applications/postgresql/cluster.yaml",
        ],
    );
    let missing = missing.trim();
    refused(
        &partial,
        "origin/main",
        "is not in this clone (a partial clone",
    );
    let still = Command::new("git")
        .args(["cat-file", "-e", missing])
        .current_dir(&partial)
        .env("GIT_NO_LAZY_FETCH", "1")
        .status()
        .expect("git");
    assert!(!still.success(), "pgrender fetched {missing}");
}
