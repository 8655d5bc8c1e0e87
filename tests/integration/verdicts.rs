//! One verdict from every entry point. The same repository gets the same
//! judgement from `validate`, `render`, `check`, `hook`, `generate` and
//! `discover`: where they disagree, pre-commit lets in what CI rejects, or
//! ArgoCD's prune deletes a cluster that `render` still writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{pgrender, reference_spec, snapshot, stderr, stdout};

/// A git repository with the reference spec, rendered and committed.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn committed() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        repo.write("kubernetes/specs/postgresql.yaml", &reference_spec());
        repo.git(&["init", "-q"]);
        let o = pgrender(repo.path(), &["render"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        repo.commit();
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn git(&self, args: &[&str]) {
        let o = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("git");
        assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
    }

    fn commit(&self) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", "state", "--allow-empty"]);
    }

    fn specs(&self) -> PathBuf {
        self.path().join("kubernetes/specs")
    }
}

/// How each command judged one tree: its exit code, and for `generate`
/// whether it printed anything.
#[derive(Debug)]
struct Verdicts {
    validate: Option<i32>,
    check: Option<i32>,
    hook: Option<i32>,
    generate: Option<i32>,
    generate_printed: bool,
    render: Option<i32>,
}

fn generate(cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pgrender"))
        .arg("generate")
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("run pgrender generate")
}

/// Every command over the repository as it is now. `render` and `hook`
/// write, so they run last, and each on the tree as the others saw it.
fn judge(repo: &Repo) -> Verdicts {
    let validate = pgrender(repo.path(), &["validate"]);
    let check = pgrender(repo.path(), &["check"]);
    let plugin = generate(&repo.specs());
    let before = snapshot(repo.path());
    let hook = pgrender(repo.path(), &["hook"]);
    let render = pgrender(repo.path(), &["render"]);
    if render.status.code() == Some(2) {
        let mut after = snapshot(repo.path());
        after.retain(|path, _| !path.starts_with(".git/"));
        let mut before = before;
        before.retain(|path, _| !path.starts_with(".git/"));
        assert_eq!(before, after, "a refused render wrote: {}", stderr(&render));
    }
    Verdicts {
        validate: validate.status.code(),
        check: check.status.code(),
        hook: hook.status.code(),
        generate: plugin.status.code(),
        generate_printed: !plugin.stdout.is_empty(),
        render: render.status.code(),
    }
}

#[track_caller]
fn assert_all_refuse(verdicts: &Verdicts) {
    let Verdicts {
        validate,
        check,
        hook,
        generate,
        generate_printed,
        render,
    } = verdicts;
    assert_eq!(
        [*validate, *check, *hook, *generate, *render],
        [Some(2); 5],
        "{verdicts:?}"
    );
    assert!(!generate_printed, "{verdicts:?}");
}

#[test]
fn a_current_committed_tree_passes_everywhere() {
    let repo = Repo::committed();
    let verdicts = judge(&repo);
    assert_eq!(
        [
            verdicts.validate,
            verdicts.check,
            verdicts.hook,
            verdicts.generate,
            verdicts.render
        ],
        [Some(0); 5],
        "{verdicts:?}"
    );
    assert!(verdicts.generate_printed);
}

#[test]
fn an_empty_spec_file_is_an_error_everywhere_never_a_missing_cluster() {
    for (what, text) in [("0 bytes", ""), ("whitespace", "\n  \n\t\n")] {
        let repo = Repo::committed();
        repo.write("kubernetes/specs/analytics.yaml", text);
        let verdicts = judge(&repo);
        assert_all_refuse(&verdicts);
        let o = pgrender(repo.path(), &["validate"]);
        assert!(
            stderr(&o).contains("kubernetes/specs/analytics.yaml:1:1: the file is empty"),
            "{what}: {}",
            stderr(&o)
        );
        // discover names it, so that ArgoCD runs generate, which refuses.
        let o = pgrender(&repo.specs(), &["discover"]);
        assert!(
            stdout(&o).contains("analytics.yaml"),
            "{what}: {}",
            stdout(&o)
        );
    }
}

#[test]
fn a_folder_whose_spec_was_removed_fails_the_hook_as_it_fails_check() {
    let repo = Repo::committed();
    let o = pgrender(
        repo.path(),
        &[
            "init",
            "analytics",
            "--pool",
            "192.168.10.120-192.168.10.125",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = pgrender(repo.path(), &["render"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    repo.commit();
    repo.git(&["rm", "-q", "kubernetes/specs/analytics.yaml"]);
    let check = pgrender(repo.path(), &["check"]);
    let hook = pgrender(repo.path(), &["hook"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert_eq!(hook.status.code(), Some(1), "{}", stderr(&hook));
    // `git add` changes nothing about an orphan: the hook does not say it.
    assert!(!stderr(&hook).contains("git add"), "{}", stderr(&hook));
    assert!(
        stderr(&hook).contains(
            "kubernetes/applications/analytics: no spec renders it any more, but ArgoCD still applies it; deleting the folder first would prune nothing"
        ),
        "{}",
        stderr(&hook)
    );
}

#[test]
fn generated_output_is_never_read_as_specs() {
    let repo = Repo::committed();
    for args in [
        &["validate", "kubernetes"][..],
        &["validate", "."],
        &["check", "kubernetes"],
        &["render", "kubernetes"],
    ] {
        let o = pgrender(repo.path(), args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    let o = pgrender(repo.path(), &["discover"]);
    assert_eq!(stdout(&o), "kubernetes/specs/postgresql.yaml\n");
    // Inside an output folder there is no spec: said plainly, not a
    // complaint about a generated file.
    let folder = repo.path().join("kubernetes/applications/postgresql");
    let o = generate(&folder);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        !stderr(&o).contains("exactly one YAML document"),
        "{}",
        stderr(&o)
    );
    // A spec outside kubernetes/specs with its output beside it: the
    // second render sees what the first saw.
    let loose = tempfile::tempdir().expect("temp dir");
    std::fs::write(loose.path().join("db.yaml"), reference_spec()).expect("write");
    for _ in 0..2 {
        let o = pgrender(loose.path(), &["render", "db.yaml", "--out-root", "out"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
}

#[test]
fn the_output_is_the_same_from_any_folder_and_any_spelling_of_the_out_root() {
    let repo = Repo::committed();
    let committed = snapshot(&repo.path().join("kubernetes/applications"));
    let absolute = repo.path().join("kubernetes/applications");
    let runs: [(PathBuf, Vec<String>); 3] = [
        (
            repo.path().join("kubernetes"),
            vec![
                "render".into(),
                "specs/postgresql.yaml".into(),
                "--out-root".into(),
                "applications".into(),
            ],
        ),
        (
            repo.path().join("kubernetes/specs"),
            vec![
                "render".into(),
                ".".into(),
                "--out-root".into(),
                "../applications/".into(),
            ],
        ),
        (
            PathBuf::from("/"),
            vec![
                "render".into(),
                repo.specs().display().to_string(),
                "--out-root".into(),
                absolute.display().to_string(),
            ],
        ),
    ];
    for (cwd, args) in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = pgrender(&cwd, &args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("unchanged"), "{args:?}: {}", stdout(&o));
        assert_eq!(
            snapshot(&repo.path().join("kubernetes/applications")),
            committed,
            "{args:?} from {}",
            cwd.display()
        );
        let o = pgrender(repo.path(), &["check"]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    }
}

#[cfg(unix)]
#[test]
fn a_spec_symlink_out_of_the_repository_is_refused_everywhere() {
    let repo = Repo::committed();
    let outside = tempfile::tempdir().expect("temp dir");
    let target = outside.path().join("analytics.yaml");
    std::fs::write(&target, reference_spec()).expect("write");
    std::os::unix::fs::symlink(&target, repo.specs().join("analytics.yaml")).expect("symlink");
    let verdicts = judge(&repo);
    assert_all_refuse(&verdicts);
    let o = pgrender(repo.path(), &["validate"]);
    assert!(
        stderr(&o)
            .contains("kubernetes/specs/analytics.yaml: resolves outside the source directory"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn from_a_subfolder_every_command_uses_the_repository_layout() {
    let repo = Repo::committed();
    let before = snapshot(repo.path());
    for args in [&["validate"][..], &["render"], &["check"], &["hook"]] {
        for cwd in [
            repo.specs(),
            repo.path()
                .join("kubernetes/applications/postgresql/backup"),
        ] {
            let o = pgrender(&cwd, args);
            assert_eq!(
                o.status.code(),
                Some(0),
                "{args:?} in {}: {}",
                cwd.display(),
                stderr(&o)
            );
        }
    }
    // Paths are said as typed from where pgrender runs.
    let o = pgrender(&repo.specs(), &["render"]);
    assert!(
        stdout(&o).contains("unchanged: ../applications/postgresql"),
        "{}",
        stdout(&o)
    );
    // No second, nested layout was written anywhere.
    assert_eq!(snapshot(repo.path()), before);
    assert!(!repo.specs().join("kubernetes").exists());
}
