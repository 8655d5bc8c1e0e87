//! The worst day, proved by faults: every client call of a good backup and
//! of a good restore is made to fail in turn (a refused connection, before
//! the call does anything), a backup is killed after each file it writes,
//! and a writer changes rows between the snapshot and the dump. After each,
//! against real servers: the script says what failed and exits non-zero;
//! every database is as it was before or fully restored, never anything
//! else; no incomplete set is ever taken for a complete one by `latest` or
//! by the drill. Run for each variant of the scripts' settings (backends
//! that render the same settings share one).
//!
//! The stand-ins for the programs are `faults/wrapper.sh`.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::jobs::{Backups, Jobs, backed_up, every_backend, fill, text};
use crate::pg::{Server, postgres_bin_for};

/// A folder of stand-ins and their counters.
pub(crate) struct Faults {
    dir: tempfile::TempDir,
    real_bin: PathBuf,
}

const WRAPPED: [&str; 6] = ["psql", "pg_dump", "pg_dumpall", "pg_restore", "mv", "date"];

impl Faults {
    pub(crate) fn new(real_bin: &Path) -> Faults {
        let dir = tempfile::tempdir().expect("tempdir");
        let wrapper = crate::support::repo_root().join("tests/integration/faults/wrapper.sh");
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).expect("mkdir");
        for name in WRAPPED {
            std::os::unix::fs::symlink(&wrapper, bin.join(name)).expect("symlink");
        }
        std::fs::create_dir(dir.path().join("tmp")).expect("mkdir");
        crate::pg::chown_to_postgres(dir.path());
        let faults = Faults {
            dir,
            real_bin: real_bin.to_path_buf(),
        };
        // 2026-12-01T00:00:00Z: the backups' clock starts here.
        faults.reset(1_796_083_200);
        faults
    }

    fn state(&self) -> &Path {
        self.dir.path()
    }

    /// Counters back to zero, the clock at `now`.
    fn reset(&self, now: u64) {
        std::fs::write(self.state().join("now"), format!("{now}\n")).expect("write");
        self.reset_counters();
    }

    /// Counters back to zero; the clock goes on.
    pub(crate) fn reset_counters(&self) {
        for file in ["calls", "renames"] {
            std::fs::write(self.state().join(file), "0\n").expect("write");
        }
        std::fs::write(self.state().join("log"), "").expect("write");
    }

    /// The client calls made since the last reset, as logged.
    fn log(&self) -> Vec<String> {
        std::fs::read_to_string(self.state().join("log"))
            .expect("log")
            .lines()
            .map(String::from)
            .collect()
    }

    /// `command` with the stand-ins first in its PATH and `settings` set.
    pub(crate) fn apply(&self, mut command: Command, settings: &[(&str, String)]) -> Output {
        let path = command
            .get_envs()
            .find(|(name, _)| *name == OsStr::new("PATH"))
            .and_then(|(_, value)| value.map(|v| v.to_string_lossy().into_owned()))
            .unwrap_or_default();
        command
            .env(
                "PATH",
                format!("{}:{path}", self.dir.path().join("bin").display()),
            )
            .env("FAULTS_STATE", self.state())
            .env("REAL_BIN", &self.real_bin)
            .env("TMPDIR", self.state().join("tmp"))
            .env_remove("FAIL_AT")
            .env_remove("KILL_AT")
            .env_remove("WRITE_BEFORE_DUMP");
        for (name, value) in settings {
            command.env(name, value);
        }
        command.output().expect("run")
    }
}

/// The variants of the scripts' settings: the jobs of one backend per
/// distinct set of settings (the scripts are the same files everywhere).
fn variants() -> Vec<Jobs> {
    let mut seen = Vec::new();
    every_backend()
        .into_iter()
        .filter(|jobs| {
            let key = jobs.settings_shape();
            let new = !seen.contains(&key);
            seen.push(key);
            new
        })
        .collect()
}

/// A database's state: as before, as restored, or neither.
fn judge(
    what: &str,
    now: &BTreeMap<String, String>,
    before: &BTreeMap<String, String>,
    restored: &BTreeMap<String, String>,
) {
    let keys: std::collections::BTreeSet<&String> = now
        .keys()
        .chain(before.keys())
        .chain(restored.keys())
        .collect();
    for key in keys {
        let state = now.get(key);
        assert!(
            state == before.get(key) || state == restored.get(key),
            "{what}: {key} is neither as it was before nor as restored"
        );
    }
}

/// The initial state of a restore target: `appdb` exists and holds other
/// data than the set's; the set's other databases and roles do not.
fn prepare_target(target: &Server) {
    let databases = target.databases();
    for db in databases.iter().filter(|d| *d != "postgres") {
        target.sql(
            "postgres",
            &[&format!("DROP DATABASE {} WITH (FORCE)", quote_ident(db))],
        );
    }
    target.sql(
        "postgres",
        &[
            "DROP ROLE IF EXISTS app",
            "DROP ROLE IF EXISTS reader",
            "CREATE DATABASE appdb",
        ],
    );
    target.sql(
        "appdb",
        &[
            "CREATE TABLE t (id int)",
            "INSERT INTO t VALUES (1), (2), (3)",
        ],
    );
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[test]
fn a_restore_failing_at_any_client_call_leaves_every_database_as_it_was_or_restored() {
    let Some(bin) = postgres_bin_for("faults") else {
        return;
    };
    let source = Server::start(&bin);
    fill(&source);
    // Fewer databases, fewer calls: one the target holds already (appdb),
    // one it does not (the odd name), and postgres.
    source.sql("postgres", &["DROP DATABASE other"]);
    let variants = variants();
    std::thread::scope(|scope| {
        for jobs in &variants {
            let (bin, source) = (&bin, &source);
            scope.spawn(move || restore_faults(bin, source, jobs));
        }
    });
}

/// Every client call of a good restore by `jobs` failed in turn.
fn restore_faults(bin: &Path, source: &Server, jobs: &Jobs) {
    let backups = backed_up(jobs, source);
    let faults = Faults::new(bin);
    let target = Server::start(bin);
    prepare_target(&target);
    let before = target.fingerprints();

    // A good run: how many client calls it makes, and what it ends with.
    let o = faults.apply(jobs.restore_command(&target, backups.path(), "latest"), &[]);
    assert!(o.status.success(), "{}: {}", jobs.backend, text(&o.stderr));
    let calls = faults.log();
    let restored = target.fingerprints();
    assert_ne!(restored, before);
    assert!(calls.len() > 10, "{calls:?}");

    for n in 1..=calls.len() {
        prepare_target(&target);
        assert_eq!(target.fingerprints(), before, "the target was not reset");
        faults.reset_counters();
        let o = faults.apply(
            jobs.restore_command(&target, backups.path(), "latest"),
            &[("FAIL_AT", n.to_string())],
        );
        let what = format!("{}: call {} failed", jobs.backend, calls[n - 1]);
        let err = text(&o.stderr);
        let now = target.fingerprints();
        if o.status.success() {
            // Only a call whose failure the Job expects (the unreachable
            // server among the candidates) may fail without consequence.
            assert_eq!(now, restored, "{what}: exit 0, but not restored");
            assert!(
                calls[n - 1].contains("/nonexistent-server"),
                "{what}: exit 0: {err}"
            );
            continue;
        }
        assert!(
            err.contains("too many clients")
                && (err.contains("nothing was restored") || err.contains("stopped at database")),
            "{what}: the message does not say what failed and what state the cluster is in: {err}"
        );
        judge(&what, &now, &before, &restored);
        // The way on: the same restore again, without the fault.
        let o = jobs.restore(&target, backups.path(), "latest");
        assert!(
            o.status.success(),
            "{what}: going on failed: {}",
            text(&o.stderr)
        );
        assert_eq!(
            target.fingerprints(),
            restored,
            "{what}: going on did not restore"
        );
    }
}

#[test]
fn a_backup_failing_at_any_client_call_or_killed_after_any_file_leaves_the_last_complete_set_newest()
 {
    let Some(bin) = postgres_bin_for("faults") else {
        return;
    };
    let source = Server::start(&bin);
    fill(&source);
    for jobs in variants() {
        let faults = Faults::new(&bin);
        let backups = Backups::new();
        let backup = |settings: &[(&str, String)]| {
            faults.reset_counters();
            faults.apply(jobs.backup_command(&source, backups.path()), settings)
        };

        let o = backup(&[]);
        assert!(o.status.success(), "{}: {}", jobs.backend, text(&o.stderr));
        let mut good = backups.newest_complete(&jobs).expect("a complete set");
        let calls = faults.log();
        let renames: usize = std::fs::read_to_string(faults.state().join("renames"))
            .expect("renames")
            .trim()
            .parse()
            .expect("number");
        assert_eq!(renames, 6, "roles, four dumps, manifest");

        for n in 1..=calls.len() {
            let o = backup(&[("FAIL_AT", n.to_string())]);
            let what = format!("{}: call {} failed", jobs.backend, calls[n - 1]);
            if o.status.success() {
                assert!(
                    calls[n - 1].contains("/nonexistent-server"),
                    "{what}: exit 0"
                );
                let newer = backups.newest_complete(&jobs).expect("a complete set");
                assert_ne!(newer, good, "{what}: exit 0 without a new complete set");
                good = newer;
                continue;
            }
            let err = text(&o.stderr);
            assert!(
                err.contains("too many clients")
                    && (err.contains("nothing was written") || err.contains("is incomplete")),
                "{what}: {err}"
            );
            assert_eq!(
                backups.newest_complete(&jobs).as_deref(),
                Some(good.as_str()),
                "{what}"
            );
            assert!(
                !backups.names().iter().any(|n| n.ends_with(".partial")),
                "{what}: left partial files: {:?}",
                backups.names()
            );
        }

        // Killed after each file it writes: only the manifest, written
        // last, makes a set complete.
        for n in 1..=renames {
            let newest_before = backups.newest_complete(&jobs);
            let o = backup(&[("KILL_AT", n.to_string())]);
            assert_eq!(
                o.status.code(),
                None,
                "killed after rename {n}: {}",
                text(&o.stderr)
            );
            let newest = backups.newest_complete(&jobs);
            if n < renames {
                assert_eq!(newest, newest_before, "killed after rename {n}");
            } else {
                assert_ne!(
                    newest, newest_before,
                    "killed after the manifest: the set is complete"
                );
            }
        }

        // The next `latest` and the next drill take the newest complete set
        // among all those incomplete ones.
        let newest = backups.newest_complete(&jobs).expect("complete");
        let target = Server::start(&bin);
        let o = jobs.restore(&target, backups.path(), "latest");
        assert!(o.status.success(), "{}", text(&o.stderr));
        let out = text(&o.stdout);
        assert!(
            out.contains(&format!("latest: the newest complete set is {newest}")),
            "{out}"
        );
        let o = jobs.drill(&bin, backups.path());
        assert!(
            o.status.success()
                && text(&o.stdout).contains(&format!("drill of set {newest} passed")),
            "{}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
    }
}

#[test]
fn a_backup_under_a_writer_records_the_rows_its_dumps_hold() {
    let Some(bin) = postgres_bin_for("faults") else {
        return;
    };
    let source = Server::start(&bin);
    fill(&source);
    for jobs in variants() {
        let faults = Faults::new(&bin);
        let backups = Backups::new();
        let live_before: u64 = source
            .sql("appdb", &["SELECT count(*) FROM t"])
            .parse()
            .expect("count");
        let o = faults.apply(
            jobs.backup_command(&source, backups.path()),
            &[(
                "WRITE_BEFORE_DUMP",
                "INSERT INTO t (v) SELECT 'late ' || g FROM generate_series(1, 100) g".to_string(),
            )],
        );
        assert!(o.status.success(), "{}: {}", jobs.backend, text(&o.stderr));
        let live_after: u64 = source
            .sql("appdb", &["SELECT count(*) FROM t"])
            .parse()
            .expect("count");
        assert!(live_after > live_before, "the writer wrote");
        let manifest = std::fs::read_to_string(backups.file("pg_manifest-")).expect("manifest");
        assert!(
            manifest.contains(&format!("table\tappdb\tpublic.t\t{live_before}\n")),
            "{}: the manifest counts the snapshot, not the live table: {manifest}",
            jobs.backend
        );
        let o = jobs.drill(&bin, backups.path());
        assert!(o.status.success(), "{}: {}", jobs.backend, text(&o.stderr));
    }
}
