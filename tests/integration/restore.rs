//! The backup CronJob's and the restore Job's scripts, exactly as rendered
//! into the committed reference output, run for real against throwaway
//! PostgreSQL servers (Debian's `postgresql` package; `.ci/run` installs
//! it). Each server lives in a temporary folder and listens on a Unix
//! socket there only; it is stopped when the test ends.
//!
//! Where no PostgreSQL server binaries are found, the tests say that they
//! did not run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::repo_root;

/// The folder holding `initdb`, `pg_ctl` and the client programs.
pub(crate) fn postgres_bin() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BINDIR") {
        return Some(PathBuf::from(dir));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    // The newest major: the dump client must not be older than the server.
    found.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
    });
    found.pop()
}

pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A server program of `bin`. PostgreSQL refuses to run as root: as root,
/// it runs as the `postgres` user the package creates.
pub(crate) fn server_command(bin: &Path, program: &str) -> Command {
    let mut command = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(program));
        c
    } else {
        Command::new(bin.join(program))
    };
    command.env_remove("PGDATA");
    command
}

/// A PostgreSQL server in a temporary folder, stopped on drop.
pub(crate) struct Server {
    dir: tempfile::TempDir,
    bin: PathBuf,
}

impl Server {
    pub(crate) fn start(bin: &Path) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        if is_root() {
            let status = Command::new("chown")
                .args(["postgres:"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(status.success(), "chown the server folder to postgres");
        }
        let o = server_command(bin, "initdb")
            .args(["--username=postgres", "--auth=trust", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .expect("initdb");
        assert!(
            o.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let options = format!(
            "-k {} -p 5432 -c listen_addresses='' -c fsync=off",
            dir.path().display()
        );
        let o = server_command(bin, "pg_ctl")
            .args(["start", "--wait", "--silent", "-D"])
            .arg(&data)
            .args(["-l"])
            .arg(dir.path().join("server.log"))
            .args(["-o", &options])
            .output()
            .expect("pg_ctl start");
        assert!(
            o.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        Server {
            dir,
            bin: bin.to_path_buf(),
        }
    }

    /// The folder holding the server's socket (its PGHOST).
    pub(crate) fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// A client command connected to this server as `postgres`.
    fn client(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        command
            .env("PATH", path)
            .env("PGHOST", self.dir.path())
            .env("PGPORT", "5432")
            .env("PGUSER", "postgres")
            .env_remove("PGPASSWORD")
            .env_remove("PGDATABASE");
        command
    }

    /// Run SQL statements (one per `-c`, each in its own transaction).
    fn sql(&self, database: &str, statements: &[&str]) -> String {
        let mut command = self.client("psql");
        command.args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            database,
        ]);
        for statement in statements {
            command.args(["-c", statement]);
        }
        let o = command.output().expect("psql");
        assert!(
            o.status.success(),
            "psql {statements:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    /// Everything in the cluster (roles, databases, rows), as text: equal
    /// fingerprints mean nothing changed.
    fn fingerprint(&self) -> String {
        let o = self
            .client("pg_dumpall")
            .arg("--no-role-passwords")
            .output()
            .expect("pg_dumpall");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // pg_dumpall guards its output with a random key per run.
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A pgrender script, as the Job's container runs it, with the backup
    /// volume at `backups`.
    pub(crate) fn run(&self, script: &str, backups: &Path, env: &[(&str, &str)]) -> Output {
        self.client("bash")
            .args(["-c", script])
            .env("BACKUP_DIR", backups)
            .env("BACKUP_DATABASES", "")
            .env("RETENTION_DAYS", "7")
            .envs(env.iter().copied())
            .output()
            .expect("bash")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = server_command(&self.bin, "pg_ctl")
            .args(["stop", "--silent", "-m", "immediate", "-D"])
            .arg(self.dir.path().join("data"))
            .output();
    }
}

/// The first container's script of the first document of `kind` in a
/// committed reference manifest.
pub(crate) fn script(file: &str, kind: &str) -> String {
    let path = repo_root()
        .join("kubernetes/applications/postgresql")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("reference manifest");
    let docs = pgrender::parse_stream(&text).expect("yaml");
    let doc = docs.iter().find(|d| d["kind"] == kind).expect("kind");
    let pod = match kind {
        "CronJob" => &doc["spec"]["jobTemplate"]["spec"]["template"]["spec"],
        _ => &doc["spec"]["template"]["spec"],
    };
    pod["containers"][0]["args"][0]
        .as_str()
        .expect("script")
        .to_string()
}

/// Roles with a membership, a database owned by an application role with
/// a table, a sequence and a grant, and a second database.
pub(crate) fn fill(server: &Server) {
    server.sql(
        "postgres",
        &[
            "CREATE ROLE app LOGIN PASSWORD 'app-secret'",
            "CREATE ROLE reader",
            "GRANT reader TO app",
            "CREATE DATABASE appdb OWNER app",
            "CREATE DATABASE other",
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
}

/// A set of dumps made by the backup script from a filled server.
pub(crate) struct Dumps {
    dir: tempfile::TempDir,
}

impl Dumps {
    pub(crate) fn made_by_the_backup_job(source: &Server) -> Dumps {
        let dir = tempfile::tempdir().expect("tempdir");
        let o = source.run(&script("backup/cronjob.yaml", "CronJob"), dir.path(), &[]);
        assert!(
            o.status.success(),
            "backup: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        Dumps { dir }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The one file whose name starts with `prefix`.
    pub(crate) fn file(&self, prefix: &str) -> PathBuf {
        let mut found: Vec<PathBuf> = std::fs::read_dir(self.path())
            .expect("dumps")
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
            })
            .collect();
        assert_eq!(found.len(), 1, "{prefix}: {found:?}");
        found.remove(0)
    }

    /// A copy of the set, to spoil one file of.
    pub(crate) fn copy(&self) -> Dumps {
        let dir = tempfile::tempdir().expect("tempdir");
        for entry in std::fs::read_dir(self.path()).expect("dumps") {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
        }
        Dumps { dir }
    }
}

/// What is done to a file of a copied set, what the Job must say, and how.
type Spoiling = (&'static str, &'static str, fn(&Path));

fn restore(target: &Server, dumps: &Dumps, choice: &str) -> Output {
    target.run(
        &script("backup/restore-job.yaml", "Job"),
        dumps.path(),
        &[("RESTORE_FILE", choice)],
    )
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn backup_and_restore_scripts_work_against_a_real_server() {
    let Some(bin) = postgres_bin() else {
        crate::support::did_not_run(
            "restore",
            "no PostgreSQL server binaries (install Debian's postgresql, or set PG_BINDIR)",
        );
        return;
    };
    let source = Server::start(&bin);
    fill(&source);
    let dumps = Dumps::made_by_the_backup_job(&source);
    let stamp = {
        let globals = dumps.file("pg_globals-");
        let name = globals
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        name.trim_start_matches("pg_globals-")
            .trim_end_matches(".sql.gz")
            .to_string()
    };
    for db in ["appdb", "other", "postgres"] {
        dumps.file(&format!("pg_dump-{db}-{stamp}"));
    }

    // A fresh cluster, as after losing the old one.
    let target = Server::start(&bin);
    let empty = target.fingerprint();

    // With no RESTORE_FILE the Job lists the dumps and changes nothing.
    let o = restore(&target, &dumps, "");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains(&format!("{stamp}:")),
        "{}",
        text(&o.stdout)
    );
    assert_eq!(
        target.fingerprint(),
        empty,
        "the default run changed the cluster"
    );

    // A good set restores the data, the roles, their memberships and the owners.
    let o = restore(&target, &dumps, "latest");
    assert!(
        o.status.success(),
        "restore: {}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    assert_eq!(target.sql("appdb", &["SELECT count(*) FROM t"]), "5000");
    assert_eq!(target.sql("other", &["SELECT sum(a) FROM x"]), "6");
    assert_eq!(
        target.sql(
            "postgres",
            &["SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'appdb'"]
        ),
        "app"
    );
    assert_eq!(
        target.sql(
            "appdb",
            &["SELECT tableowner FROM pg_tables WHERE tablename = 't'"]
        ),
        "app"
    );
    assert_eq!(
        target.sql(
            "postgres",
            &["SELECT rolcanlogin::text || ' ' || pg_has_role('app', 'reader', 'MEMBER')::text FROM pg_roles WHERE rolname = 'app'"]
        ),
        "true true"
    );
    assert_eq!(
        target.sql(
            "appdb",
            &["SELECT has_table_privilege('reader', 't', 'SELECT')"]
        ),
        "t"
    );
    assert_eq!(
        target.sql("appdb", &["SELECT last_value FROM t_id_seq"]),
        "5000"
    );
    let restored = target.fingerprint();

    // A second restore of the same set gives the same cluster.
    let o = restore(&target, &dumps, &stamp);
    assert!(o.status.success(), "second restore: {}", text(&o.stderr));
    assert_eq!(target.fingerprint(), restored, "a second restore differs");

    // Spoiled dumps are refused before anything is touched.
    let appdb_dump = format!("pg_dump-appdb-{stamp}");
    let spoiled: [Spoiling; 4] = [
        ("a database dump cut off", "is cut off or damaged", |path| {
            let bytes = std::fs::read(path).expect("read");
            std::fs::write(path, &bytes[..bytes.len() / 2]).expect("write");
        }),
        ("a database dump damaged", "is cut off or damaged", |path| {
            let mut bytes = std::fs::read(path).expect("read");
            let middle = bytes.len() / 2;
            bytes[middle..middle + 64].fill(b'X');
            std::fs::write(path, bytes).expect("write");
        }),
        ("the roles file cut off", "is damaged (gzip)", |path| {
            let bytes = std::fs::read(path).expect("read");
            std::fs::write(path, &bytes[..bytes.len() - 20]).expect("write");
        }),
        (
            "the roles' SQL cut before its end",
            "ends before pg_dumpall finished it",
            |path| {
                let o = Command::new("gzip")
                    .args(["-dc"])
                    .arg(path)
                    .output()
                    .expect("gunzip");
                let sql = text(&o.stdout);
                let lines: Vec<&str> = sql.lines().collect();
                let cut = lines[..lines.len() - 6].join("\n");
                let mut gzip = Command::new("gzip")
                    .arg("-c")
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .spawn()
                    .expect("gzip");
                use std::io::Write;
                gzip.stdin
                    .take()
                    .expect("stdin")
                    .write_all(cut.as_bytes())
                    .expect("write");
                let out = gzip.wait_with_output().expect("gzip");
                std::fs::write(path, out.stdout).expect("write");
            },
        ),
    ];
    for (what, message, spoil) in spoiled {
        let copy = dumps.copy();
        let victim = if what.contains("roles") {
            copy.file("pg_globals-")
        } else {
            copy.file(&appdb_dump)
        };
        spoil(&victim);
        let o = restore(&target, &copy, "latest");
        let err = text(&o.stderr);
        assert_ne!(o.status.code(), Some(0), "{what}: restored anyway");
        assert!(
            err.contains(message) && err.contains("nothing was restored"),
            "{what}: {err}"
        );
        assert_eq!(
            target.fingerprint(),
            restored,
            "{what}: the cluster changed"
        );
    }

    // A restore that fails part-way (here: an object outside the dump
    // depends on a table the dump replaces) is rolled back as a whole.
    target.sql(
        "appdb",
        &[
            "CREATE SCHEMA extra",
            "CREATE VIEW extra.v AS SELECT * FROM public.t",
        ],
    );
    let before = target.fingerprint();
    let o = restore(&target, &dumps, &format!("{appdb_dump}.dump"));
    let err = text(&o.stderr);
    assert_ne!(
        o.status.code(),
        Some(0),
        "restored over a dependent view: {err}"
    );
    assert!(
        err.contains("the restore ran in one transaction, so appdb is as it was before"),
        "{err}"
    );
    assert_eq!(
        target.fingerprint(),
        before,
        "a failed restore changed the cluster"
    );

    // Nothing is guessed: no such dump, a path, the earlier one-file format.
    for (choice, message) in [
        ("pg_dump-nope-2026-01-01T000000Z.dump", "no dump named"),
        ("../etc/passwd", "not a path"),
        (
            "pg_dumpall-2026-01-01T000000Z.sql.gz",
            "earlier one-file format",
        ),
        ("2026-01-01T000000Z", "no dump set"),
    ] {
        let o = restore(&target, &dumps, choice);
        assert_ne!(o.status.code(), Some(0), "{choice}");
        assert!(
            text(&o.stderr).contains(message),
            "{choice}: {}",
            text(&o.stderr)
        );
    }
    assert_eq!(target.fingerprint(), before);
}
