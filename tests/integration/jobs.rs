//! pgrender's job scripts as a rendered folder carries them: the files of
//! its scripts ConfigMap (`backup/scripts.yaml`) written out to a folder,
//! and each pod's settings (the plain `env` values of its container) read
//! from the backup CronJob, the restore Job and the drill CronJob. A test
//! runs a script as that pod would, on a real server, for every backend.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::pg::{Server, as_postgres, chown_to_postgres};
use crate::support::repo_root;

/// The scripts and settings of one rendered folder.
pub(crate) struct Jobs {
    /// The backend that rendered the folder, for messages.
    pub(crate) backend: String,
    scripts: tempfile::TempDir,
    backup_env: Vec<(String, String)>,
    restore_env: Vec<(String, String)>,
    drill_env: Vec<(String, String)>,
}

/// The reference output, then, for each other backend, the first golden
/// case it renders: one rendered folder per backend.
pub(crate) fn every_backend() -> Vec<Jobs> {
    let mut folders = vec![repo_root().join("kubernetes/applications/postgresql")];
    let mut cases: Vec<PathBuf> = std::fs::read_dir(repo_root().join("tests/golden"))
        .expect("golden cases")
        .map(|e| e.expect("entry").path().join("expected"))
        .collect();
    cases.sort();
    for case in cases {
        let mut inside: Vec<PathBuf> = std::fs::read_dir(&case)
            .expect("expected folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.join("backup/scripts.yaml").is_file())
            .collect();
        inside.sort();
        folders.extend(inside);
    }
    let mut by_backend: BTreeMap<String, Jobs> = BTreeMap::new();
    for folder in folders {
        let jobs = Jobs::of(&folder);
        by_backend.entry(jobs.backend.clone()).or_insert(jobs);
    }
    assert!(by_backend.len() >= 3, "{:?}", by_backend.keys());
    by_backend.into_values().collect()
}

/// The files of a rendered folder, by path.
fn read_folder(folder: &Path) -> BTreeMap<String, String> {
    crate::support::snapshot(folder)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("utf-8")))
        .collect()
}

/// The first document of `kind` in a rendered file.
fn document(files: &BTreeMap<String, String>, file: &str, kind: &str) -> serde_json::Value {
    let docs = pgrender::parse_stream(&files[file]).expect("yaml");
    docs.into_iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("{kind} in {file}"))
}

/// The plain `env` values of a pod's first container.
fn env_of(pod: &serde_json::Value) -> Vec<(String, String)> {
    pod["containers"][0]["env"]
        .as_array()
        .expect("env")
        .iter()
        .filter_map(|e| {
            Some((
                e["name"].as_str()?.to_string(),
                e["value"].as_str()?.to_string(),
            ))
        })
        .collect()
}

impl Jobs {
    /// The jobs of the rendered folder `folder`.
    pub(crate) fn of(folder: &Path) -> Jobs {
        let files = read_folder(folder);
        let name = folder
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let backend = pgrender::read_footprint(&name, &files)
            .expect("a folder pgrender can read back")
            .backend
            .to_string();
        let scripts = tempfile::tempdir().expect("tempdir");
        let config = document(&files, "backup/scripts.yaml", "ConfigMap");
        for (file, content) in config["data"].as_object().expect("data") {
            std::fs::write(scripts.path().join(file), content.as_str().expect("text"))
                .expect("write");
        }
        chown_to_postgres(scripts.path());
        let cron = document(&files, "backup/cronjob.yaml", "CronJob");
        let job = document(&files, "backup/restore-job.yaml", "Job");
        let drill = document(&files, "backup/restore-drill.yaml", "CronJob");
        Jobs {
            backend,
            scripts,
            backup_env: env_of(&cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]),
            restore_env: env_of(&job["spec"]["template"]["spec"]),
            drill_env: env_of(&drill["spec"]["jobTemplate"]["spec"]["template"]["spec"]),
        }
    }

    /// Where the scripts are.
    pub(crate) fn dir(&self) -> &Path {
        self.scripts.path()
    }

    /// What the scripts are given, leaving out where the server is: two
    /// backends with the same shape run the same code paths.
    pub(crate) fn settings_shape(&self) -> Vec<String> {
        let mut shape: Vec<String> = [&self.backup_env, &self.restore_env, &self.drill_env]
            .into_iter()
            .flatten()
            .map(|(name, value)| match name.as_str() {
                "PGHOST" | "PGPORT" | "PGUSER" | "PRIMARY_CANDIDATES" | "PG_MAJOR" => name.clone(),
                _ => format!("{name}={value}"),
            })
            .collect();
        shape.sort();
        shape.dedup();
        shape
    }

    /// A script run as its pod would run it against `server`: the pod's
    /// settings, connected to the server's socket, with the backup volume
    /// at `backups`; where the pod looks for the primary among the server
    /// pods, it looks among an unreachable address and the server.
    fn command(
        &self,
        script: &str,
        env: &[(String, String)],
        server: &Server,
        backups: &Path,
    ) -> Command {
        let mut command = Command::new("bash");
        command.arg(self.dir().join(script));
        for (name, value) in env {
            command.env(name, value);
        }
        server.connect(&mut command);
        command.env("BACKUP_DIR", backups);
        if env.iter().any(|(n, _)| n == "PRIMARY_CANDIDATES") {
            command.env(
                "PRIMARY_CANDIDATES",
                format!("/nonexistent-server {}", server.socket_dir().display()),
            );
        }
        command
    }

    pub(crate) fn backup_command(&self, server: &Server, backups: &Path) -> Command {
        self.command("backup.sh", &self.backup_env, server, backups)
    }

    pub(crate) fn backup(&self, server: &Server, backups: &Path) -> Output {
        self.backup_command(server, backups)
            .output()
            .expect("backup")
    }

    pub(crate) fn restore_command(&self, server: &Server, backups: &Path, choice: &str) -> Command {
        let mut command = self.command("restore.sh", &self.restore_env, server, backups);
        command.env("RESTORE_FILE", choice);
        command
    }

    pub(crate) fn restore(&self, server: &Server, backups: &Path, choice: &str) -> Output {
        self.restore_command(server, backups, choice)
            .output()
            .expect("restore")
    }

    /// The drill's script on `backups`, with `bin`'s server programs first
    /// in PATH, as the pod runs it: its own data folder, no connection
    /// settings, as the `postgres` user when the tests run as root.
    pub(crate) fn drill_with_path(
        &self,
        bin: &Path,
        backups: &Path,
        path_first: Option<&Path>,
    ) -> Output {
        let work = tempfile::tempdir().expect("tempdir");
        chown_to_postgres(work.path());
        chown_to_postgres(backups);
        let mut path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        if let Some(first) = path_first {
            path = format!("{}:{path}", first.display());
        }
        let mut command = as_postgres(Path::new("/usr/bin/env"));
        command.arg("-i");
        for (name, value) in &self.drill_env {
            command.arg(format!("{name}={value}"));
        }
        command
            .arg(format!("PATH={path}"))
            .arg(format!("BACKUP_DIR={}", backups.display()))
            .arg(format!("DRILL_DIR={}", work.path().display()))
            // No Debian server of the image's major: the programs in PATH.
            .arg("PG_MAJOR=0")
            .arg("bash")
            .arg(self.dir().join("drill.sh"));
        command.output().expect("drill")
    }

    pub(crate) fn drill(&self, bin: &Path, backups: &Path) -> Output {
        self.drill_with_path(bin, backups, None)
    }
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A backup folder: its sets by stamp, and what `sets.sh` says of them.
pub(crate) struct Backups {
    pub(crate) dir: tempfile::TempDir,
}

impl Backups {
    pub(crate) fn new() -> Backups {
        Backups {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The one file whose name starts with `prefix`.
    #[track_caller]
    pub(crate) fn file(&self, prefix: &str) -> PathBuf {
        let mut found: Vec<PathBuf> = self
            .names()
            .into_iter()
            .filter(|n| n.starts_with(prefix))
            .map(|n| self.path().join(n))
            .collect();
        assert_eq!(found.len(), 1, "{prefix}: {found:?}");
        found.remove(0)
    }

    /// Every file name in the folder, sorted.
    pub(crate) fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path())
            .expect("backups")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// The stamps of the sets with a manifest, oldest first.
    pub(crate) fn stamps(&self) -> Vec<String> {
        self.names()
            .iter()
            .filter_map(|n| {
                n.strip_prefix("pg_manifest-")?
                    .strip_suffix(".tsv")
                    .map(String::from)
            })
            .collect()
    }

    /// A copy of the folder, to spoil a file of.
    pub(crate) fn copy(&self) -> Backups {
        let copy = Backups::new();
        for name in self.names() {
            std::fs::copy(self.path().join(&name), copy.path().join(&name)).expect("copy");
        }
        copy
    }

    /// Every file with its bytes: a drill or a restore must change none.
    pub(crate) fn contents(&self) -> Vec<(String, Vec<u8>)> {
        self.names()
            .into_iter()
            .map(|n| {
                let bytes = std::fs::read(self.path().join(&n)).expect("read");
                (n, bytes)
            })
            .collect()
    }

    /// What `sets.sh` of `jobs` calls the newest complete set, and the
    /// skipped lines before it; `None` when there is none.
    pub(crate) fn newest_complete(&self, jobs: &Jobs) -> Option<String> {
        let o = Command::new("bash")
            .arg("-c")
            .arg("set -euo pipefail; source \"$1\"; cd -- \"$2\"; newest_complete_set")
            .arg("newest")
            .arg(jobs.dir().join("sets.sh"))
            .arg(self.path())
            .output()
            .expect("bash");
        o.status
            .success()
            .then(|| text(&o.stdout).trim().to_string())
    }
}

/// Roles with a membership, a database owned by an application role with
/// a table, a sequence and a grant, a second database, and databases whose
/// names need care in a file name, in SQL and in a shell (a space, a quote,
/// a backslash, a glob).
pub(crate) fn fill(server: &Server) {
    server.sql(
        "postgres",
        &[
            "CREATE ROLE app LOGIN PASSWORD 'app-secret'",
            "CREATE ROLE reader",
            "GRANT reader TO app",
            "CREATE DATABASE appdb OWNER app",
            "CREATE DATABASE other",
            r#"CREATE DATABASE "my db's = \*data""#,
        ],
    );
    server.sql(
        "appdb",
        &[
            "SET ROLE app; CREATE TABLE t (id serial PRIMARY KEY, v text NOT NULL)",
            "SET ROLE app; INSERT INTO t (v) SELECT 'row ' || g FROM generate_series(1, 5000) g",
            "SET ROLE app; GRANT SELECT ON t TO reader",
        ],
    );
    server.sql(
        "other",
        &[
            "CREATE TABLE x (a int)",
            "INSERT INTO x VALUES (1), (2), (3)",
        ],
    );
    server.sql(
        &crate::pg::conninfo(r"my db's = \*data"),
        &[
            "CREATE SCHEMA \"odd schema\"",
            "CREATE TABLE \"odd schema\".\"tab\tle\" (a int)",
            "INSERT INTO \"odd schema\".\"tab\tle\" VALUES (7), (8)",
        ],
    );
}

/// The databases `fill` makes, as the backup names their dumps.
pub(crate) const FILLED: [(&str, &str); 4] = [
    ("appdb", "appdb"),
    ("other", "other"),
    ("postgres", "postgres"),
    (r"my db's = \*data", "my%20db%27s%20%3D%20%5C%2Adata"),
];

/// A backup of a filled server by `jobs`' backup script, which must pass.
#[track_caller]
pub(crate) fn backed_up(jobs: &Jobs, source: &Server) -> Backups {
    let backups = Backups::new();
    let o = jobs.backup(source, backups.path());
    assert!(
        o.status.success(),
        "{}: backup: {}{}",
        jobs.backend,
        text(&o.stdout),
        text(&o.stderr)
    );
    backups
}
