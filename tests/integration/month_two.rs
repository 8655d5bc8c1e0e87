//! Month two: a repository lived in for weeks, in a real git repository.
//! A second cluster, a spec in the wrong folder, a permission problem, an
//! uncommitted edit reverted, a folder Application reading a folder not in
//! git: each command says what ArgoCD will really do, from any folder, and
//! no write strands the next run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{reference_spec, snapshot, spec_with, stderr, stdout};

/// A git repository holding the reference spec, rendered and committed.
pub(crate) struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    pub(crate) fn committed() -> Repo {
        Repo::with_spec(&reference_spec())
    }

    /// A repository whose one spec, `kubernetes/specs/postgresql.yaml`, is
    /// `spec`, rendered and committed.
    pub(crate) fn with_spec(spec: &str) -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        repo.write("kubernetes/specs/postgresql.yaml", spec);
        repo.git(&["init", "-q"]);
        repo.ok(&["render"]);
        repo.commit();
        repo
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    pub(crate) fn git(&self, args: &[&str]) -> String {
        let o = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("git");
        assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
        stdout(&o)
    }

    pub(crate) fn commit(&self) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", "state", "--allow-empty"]);
    }

    /// pgrender run in `rel` (a folder of the repository).
    pub(crate) fn run_in(&self, rel: &str, args: &[&str]) -> Output {
        crate::support::pgrender(&self.path().join(rel), args)
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.run_in("", args)
    }

    #[track_caller]
    pub(crate) fn ok(&self, args: &[&str]) -> Output {
        let o = self.run(args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        o
    }

    pub(crate) fn tree(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        snapshot(&self.path().join("kubernetes"))
    }
}

fn is_root() -> bool {
    crate::pg::is_root()
}

/// pgrender as an unprivileged user (root ignores file permissions). As
/// root, `nobody` runs a copy in a folder anyone may enter: the build's own
/// folder may lie where only root can (a clone in a private temp folder).
struct Nobody {
    _copy: Option<tempfile::TempDir>,
    program: PathBuf,
}

impl Nobody {
    fn new() -> Nobody {
        let built = PathBuf::from(env!("CARGO_BIN_EXE_pgrender"));
        if !is_root() {
            return Nobody {
                _copy: None,
                program: built,
            };
        }
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let open = std::fs::Permissions::from_mode(0o755);
        std::fs::set_permissions(dir.path(), open.clone()).expect("chmod");
        let program = dir.path().join("pgrender");
        std::fs::copy(&built, &program).expect("copy pgrender");
        std::fs::set_permissions(&program, open).expect("chmod");
        Nobody {
            _copy: Some(dir),
            program,
        }
    }

    fn run(&self, cwd: &Path, args: &[&str]) -> Output {
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--"]).arg(&self.program);
            c
        } else {
            Command::new(&self.program)
        };
        command
            .args(args)
            .current_dir(cwd)
            .output()
            .expect("pgrender")
    }
}

fn chmod(args: &[&str], path: &Path) {
    let status = Command::new("chmod")
        .args(args)
        .arg(path)
        .status()
        .expect("chmod");
    assert!(status.success());
}

#[test]
fn a_read_only_output_folder_is_refused_before_anything_is_swapped_in() {
    let repo = Repo::committed();
    let nobody = Nobody::new();
    if is_root() {
        let status = Command::new("chown")
            .args(["-R", "nobody:"])
            .arg(repo.path())
            .status()
            .expect("chown");
        assert!(status.success());
    }
    repo.write(
        "kubernetes/specs/postgresql.yaml",
        &reference_spec().replace("instances: 2", "instances: 3"),
    );
    let folder = repo.path().join("kubernetes/applications/postgresql");
    chmod(&["-R", "a-w"], &folder);
    let before = repo.tree();
    let o = nobody.run(repo.path(), &["render"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("kubernetes/applications/postgresql: cannot be written")
            && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(repo.tree(), before, "a refused render changed the tree");
    // The next render, once the folder is writable, works.
    chmod(&["-R", "u+w"], &folder);
    let o = nobody.run(repo.path(), &["render"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("updated: kubernetes/applications/postgresql"));

    // A leftover of an interrupted render that cannot be deleted is said,
    // by render and by check alike, and blocks nothing.
    let leftover = repo
        .path()
        .join("kubernetes/applications/.pgrender-staging-postgresql");
    std::fs::create_dir_all(leftover.join("backup")).expect("mkdir");
    std::fs::write(leftover.join("backup/x.yaml"), "x").expect("write");
    if is_root() {
        let status = Command::new("chown")
            .args(["-R", "nobody:"])
            .arg(&leftover)
            .status()
            .expect("chown");
        assert!(status.success());
    }
    chmod(&["a-w"], &leftover.join("backup"));
    repo.write("kubernetes/specs/postgresql.yaml", &reference_spec());
    let o = nobody.run(repo.path(), &["render"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(".pgrender-staging-postgresql was left by an interrupted earlier render and cannot be removed"),
        "{}",
        stdout(&o)
    );
    let o = nobody.run(repo.path(), &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(".pgrender-staging-postgresql was left by an interrupted render"),
        "{}",
        stderr(&o)
    );
    chmod(&["-R", "u+w"], &leftover);
}

#[test]
fn a_spec_outside_the_spec_folder_meets_the_fleet_rules() {
    let repo = Repo::committed();
    // A mistyped folder: kubernetes/spec/, with the running cluster's
    // Application name and pool.
    repo.write(
        "kubernetes/spec/orders.yaml",
        &spec_with(
            "orders",
            "  namespace: orders\n  argocd:\n    applicationName: postgresql-cluster\n",
        ),
    );
    let before = repo.tree();
    for args in [
        &["render", "kubernetes/spec/orders.yaml"][..],
        &["render", "kubernetes/spec"],
        &["validate", "kubernetes/spec/orders.yaml"],
        &["check", "kubernetes/spec"],
    ] {
        let o = repo.run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
        let err = stderr(&o);
        assert!(
            err.contains("ArgoCD Application `argocd/postgresql-cluster` is also rendered by kubernetes/specs/postgresql.yaml")
                && err.contains("overlaps 192.168.10.100-192.168.10.110 in the pool of kubernetes/specs/postgresql.yaml"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(repo.tree(), before);

    // Without a clash it renders, and says that the repository's own
    // render will not see it.
    repo.write(
        "kubernetes/spec/orders.yaml",
        &spec_with(
            "orders",
            "  namespace: orders\n  network:\n    loadBalancerIP: 192.168.10.120\n    addressPool:\n      name: orders-pool\n      addresses: [192.168.10.120-192.168.10.125]\n  argocd:\n    applicationName: orders-cluster\n",
        ),
    );
    let o = repo.ok(&["render", "kubernetes/spec/orders.yaml"]);
    assert!(
        stderr(&o).contains("kubernetes/spec/orders.yaml is outside kubernetes/specs"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn init_and_render_from_a_subfolder_use_the_repository_layout() {
    let repo = Repo::committed();
    // From inside the spec folder, init checks the new spec against the
    // first cluster: its default pool overlaps, so it is refused.
    let o = repo.run_in("kubernetes/specs", &["init", "orders"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("overlaps"), "{}", stderr(&o));
    let o = repo.run_in(
        "kubernetes/specs",
        &["init", "orders", "--pool", "192.168.10.120-192.168.10.125"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("created: orders.yaml"), "{out}");
    assert!(out.contains("pgrender render orders.yaml"), "{out}");
    let spec =
        std::fs::read_to_string(repo.path().join("kubernetes/specs/orders.yaml")).expect("spec");
    assert!(
        spec.starts_with("# yaml-language-server: $schema=../../schemas/pgcluster.schema.json\n"),
        "{spec}"
    );
    let o = repo.run_in("kubernetes/specs", &["render", "orders.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("created: ../applications/orders"),
        "{}",
        stdout(&o)
    );
    let nested: Vec<PathBuf> = ["kubernetes/specs/kubernetes", "kubernetes/specs/schemas"]
        .iter()
        .map(|p| repo.path().join(p))
        .filter(|p| p.exists())
        .collect();
    assert!(nested.is_empty(), "nested layout written: {nested:?}");
    let o = repo.ok(&["check"]);
    assert!(stdout(&o).contains("ok: 2 spec(s) match"), "{}", stdout(&o));
}

#[test]
fn reverting_an_uncommitted_render_is_no_change_and_git_is_named() {
    let repo = Repo::committed();
    let committed = repo.tree();
    // 50Gi -> 80Gi, rendered (after the steps it prints) but not committed.
    let grown = reference_spec().replace("size: 50Gi", "size: 80Gi");
    assert_ne!(grown, reference_spec());
    repo.write("kubernetes/specs/postgresql.yaml", &grown);
    let o = repo.run(&["render"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("against: kubernetes/applications as committed at HEAD"),
        "{}",
        stderr(&o)
    );
    repo.ok(&["render", "--allow-destructive"]);
    // Back to 50Gi: against what the cluster runs (HEAD) nothing changes.
    repo.write("kubernetes/specs/postgresql.yaml", &reference_spec());
    let o = repo.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        !stdout(&o).contains("refused by Kubernetes"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains(
            "kubernetes/applications/postgresql differs from HEAD (rendered, not committed): the changes are judged against HEAD; `git checkout HEAD -- kubernetes/applications/postgresql` goes back to the committed output"
        ),
        "{}",
        stderr(&o)
    );
    let o = repo.ok(&["render"]);
    assert!(!stdout(&o).contains("change:"), "{}", stdout(&o));
    assert_eq!(
        repo.tree(),
        committed,
        "the render went back to the committed output"
    );

    // On CloudNativePG, 16 -> 17 rendered, then back to 16: no downgrade.
    let repo = Repo::with_spec(&spec_with(
        "postgresql",
        "  backend: cloudnative-pg\n  postgres:\n    version: \"16\"\n",
    ));
    let committed = repo.tree();
    repo.write(
        "kubernetes/specs/postgresql.yaml",
        &spec_with(
            "postgresql",
            "  backend: cloudnative-pg\n  postgres:\n    version: \"17\"\n",
        ),
    );
    let o = repo.ok(&["render"]);
    assert!(stdout(&o).contains("PostgreSQL 16 -> 17"), "{}", stdout(&o));
    repo.write(
        "kubernetes/specs/postgresql.yaml",
        &spec_with(
            "postgresql",
            "  backend: cloudnative-pg\n  postgres:\n    version: \"16\"\n",
        ),
    );
    let o = repo.ok(&["render"]);
    assert!(!stdout(&o).contains("destroys data"), "{}", stdout(&o));
    assert_eq!(repo.tree(), committed);
}

#[test]
fn a_secrets_path_not_in_the_repository_is_named_before_argocd_finds_it() {
    let with_secrets = reference_spec().replace(
        "  argocd:\n",
        "  argocd:\n    gitRepoURL: https://git.lan/homelab/gitops.git\n    secretsPath: kubernetes/secrets/postgresql\n",
    );
    assert_ne!(with_secrets, reference_spec());
    let repo = Repo::committed();
    repo.write("kubernetes/specs/postgresql.yaml", &with_secrets);
    let before = repo.tree();
    for args in [&["render"][..], &["check"], &["hook"]] {
        let o = repo.run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
        assert!(
            stderr(&o).contains("spec.argocd.secretsPath `kubernetes/secrets/postgresql` is not a folder of the repository")
                && stderr(&o).contains("app path does not exist"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    assert_eq!(repo.tree(), before);
    // There but not committed: rendered, with a warning.
    repo.write(
        "kubernetes/secrets/postgresql/sealed.yaml",
        "kind: SealedSecret\n",
    );
    let o = repo.ok(&["render"]);
    assert!(
        stderr(&o).contains(
            "spec.argocd.secretsPath `kubernetes/secrets/postgresql` holds nothing committed yet"
        ),
        "{}",
        stderr(&o)
    );
    repo.commit();
    let o = repo.ok(&["check"]);
    assert!(!stderr(&o).contains("secretsPath"), "{}", stderr(&o));
}

#[test]
fn migrate_guide_says_which_spec_is_missing() {
    let repo = Repo::committed();
    let o = repo.run(&[
        "migrate-guide",
        "kubernetes/specs/nope.yaml",
        "kubernetes/specs/postgresql.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: kubernetes/specs/nope.yaml: no such file or folder\n"
    );
    let o = repo.run(&[
        "migrate-guide",
        "kubernetes/specs",
        "kubernetes/specs/postgresql.yaml",
    ]);
    assert!(
        stderr(&o).contains("give a spec file, not a folder"),
        "{}",
        stderr(&o)
    );
}
