//! Throwaway PostgreSQL servers for the tests that run pgrender's job
//! scripts for real: Debian's `postgresql` package (`.ci/run` installs it),
//! each server in a temporary folder, reached through a Unix socket there
//! only, stopped when the test ends. Where no server binaries are found,
//! those tests say that they did not run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder holding `initdb`, `pg_ctl` and the client programs: the
/// newest Debian major (a dump client must not be older than the server),
/// or `PG_BINDIR`.
pub(crate) fn postgres_bin() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BINDIR") {
        return Some(PathBuf::from(dir));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    found.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
    });
    found.pop()
}

/// `postgres_bin`, or a "did not run" note for `test` and `None`.
pub(crate) fn postgres_bin_for(test: &str) -> Option<PathBuf> {
    let bin = postgres_bin();
    if bin.is_none() {
        crate::support::did_not_run(
            test,
            "no PostgreSQL server binaries (install Debian's postgresql, or set PG_BINDIR)",
        );
    }
    bin
}

pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A program as the `postgres` user when the tests run as root (PostgreSQL
/// refuses to run as root), else as the caller.
pub(crate) fn as_postgres(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// A server program of `bin`.
pub(crate) fn server_command(bin: &Path, program: &str) -> Command {
    let mut command = as_postgres(&bin.join(program));
    command.env_remove("PGDATA");
    command
}

/// Give a folder to the `postgres` user when the tests run as root.
pub(crate) fn chown_to_postgres(dir: &Path) {
    if is_root() {
        let status = Command::new("chown")
            .args(["-R", "postgres:"])
            .arg(dir)
            .status()
            .expect("chown");
        assert!(status.success(), "chown {} to postgres", dir.display());
    }
}

#[track_caller]
fn run_ok(command: &mut Command, what: &str) {
    let o = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        o.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A PostgreSQL server in a temporary folder, stopped on drop.
pub(crate) struct Server {
    dir: tempfile::TempDir,
    bin: PathBuf,
}

impl Server {
    pub(crate) fn start(bin: &Path) -> Server {
        let server = Server::folder(bin);
        run_ok(
            server_command(bin, "initdb")
                .args(["--username=postgres", "--auth=trust", "--no-sync", "-D"])
                .arg(server.data()),
            "initdb",
        );
        server.start_again();
        server
    }

    /// A streaming replica of `primary` (pg_basebackup over its socket),
    /// started.
    pub(crate) fn replica_of(primary: &Server) -> Server {
        let server = Server::folder(&primary.bin);
        run_ok(
            server_command(&primary.bin, "pg_basebackup")
                .args(["--write-recovery-conf", "--checkpoint=fast", "--no-sync"])
                .arg(format!("--host={}", primary.socket_dir().display()))
                .args(["--port=5432", "--username=postgres", "-D"])
                .arg(server.data()),
            "pg_basebackup",
        );
        server.start_again();
        server
    }

    fn folder(bin: &Path) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        chown_to_postgres(dir.path());
        Server {
            dir,
            bin: bin.to_path_buf(),
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Start the server (again, after `stop`).
    pub(crate) fn start_again(&self) {
        let options = format!(
            "-k {} -p 5432 -c listen_addresses='' -c fsync=off",
            self.socket_dir().display()
        );
        run_ok(
            server_command(&self.bin, "pg_ctl")
                .args(["start", "--wait", "--silent", "-D"])
                .arg(self.data())
                .args(["-l"])
                .arg(self.dir.path().join("server.log"))
                .args(["-o", &options]),
            "pg_ctl start",
        );
    }

    pub(crate) fn stop(&self) {
        run_ok(
            server_command(&self.bin, "pg_ctl")
                .args(["stop", "--wait", "--silent", "-m", "fast", "-D"])
                .arg(self.data()),
            "pg_ctl stop",
        );
    }

    /// Make this replica the primary.
    pub(crate) fn promote(&self) {
        run_ok(
            server_command(&self.bin, "pg_ctl")
                .args(["promote", "--wait", "--silent", "-D"])
                .arg(self.data()),
            "pg_ctl promote",
        );
    }

    /// The folder holding the server's socket (its PGHOST).
    pub(crate) fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// A client program connected to this server as `postgres`, with the
    /// server's programs first in PATH.
    pub(crate) fn client(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        self.connect(&mut command);
        command
    }

    /// Point `command` at this server (libpq's variables) and put the
    /// server's programs first in its PATH.
    pub(crate) fn connect(&self, command: &mut Command) {
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
    }

    /// Run SQL statements (one per `-c`, each in its own transaction) in a
    /// database given as a connection string or a plain name.
    #[track_caller]
    pub(crate) fn sql(&self, database: &str, statements: &[&str]) -> String {
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

    /// Every database but the templates, by name.
    pub(crate) fn databases(&self) -> Vec<String> {
        // Names as hex: any byte a name holds survives the trip.
        self.sql(
            "postgres",
            &["SELECT encode(convert_to(datname, 'UTF8'), 'hex') FROM pg_database WHERE NOT datistemplate ORDER BY 1"],
        )
        .lines()
        .map(|hex| {
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
                .collect();
            String::from_utf8(bytes).expect("utf-8 name")
        })
        .collect()
    }

    /// What the server holds, as text: the roles with their memberships
    /// (key `roles`), and for each database its `pg_dump --create`, which
    /// names its owner and holds every object, owner, grant and row. Equal
    /// texts mean nothing changed.
    pub(crate) fn fingerprints(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let roles = self
            .client("pg_dumpall")
            .args(["--globals-only", "--no-role-passwords"])
            .output()
            .expect("pg_dumpall");
        assert!(
            roles.status.success(),
            "{}",
            String::from_utf8_lossy(&roles.stderr)
        );
        out.insert("roles".to_string(), stable(&roles.stdout));
        for db in self.databases() {
            let dump = self
                .client("pg_dump")
                .arg("--create")
                .arg(format!("--dbname={}", conninfo(&db)))
                .output()
                .expect("pg_dump");
            assert!(
                dump.status.success(),
                "{}",
                String::from_utf8_lossy(&dump.stderr)
            );
            out.insert(format!("database {db}"), stable(&dump.stdout));
        }
        out
    }
}

/// A dump's text without the lines that differ on every run (pg_dump
/// guards its output with a random key).
fn stable(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A libpq connection string for one database, whatever its name holds.
pub(crate) fn conninfo(db: &str) -> String {
    format!("dbname='{}'", db.replace('\\', "\\\\").replace('\'', "\\'"))
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = server_command(&self.bin, "pg_ctl")
            .args(["stop", "--silent", "-m", "immediate", "-D"])
            .arg(self.data())
            .output();
    }
}
