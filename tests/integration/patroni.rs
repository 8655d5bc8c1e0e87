//! What pgrender tells a Zalando operator's user, held to Patroni itself:
//! two Patroni members (PyPI) with etcd (Debian's `etcd-server`) and
//! Debian's PostgreSQL, loopback only.
//!
//! - Settings: the change report says which settings Patroni applies by
//!   reload and which wait for a restart, replicas first and the primary
//!   last (what the operator's `restartInstances` does); Patroni does
//!   exactly that with the same settings (`pending_restart` until then).
//! - Credentials: the runbook's rotation order (each replica, a switchover,
//!   then the former primary) keeps one primary throughout and ends with
//!   every member running the new password.
//!
//! `.ci/run` installs Patroni outside root's home (`PATRONI_PYTHONPATH`), so
//! that the `postgres` user can run it; without Patroni or etcd the test
//! says that it did not run.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::pg::{chown_to_postgres, is_root, postgres_bin_for};
use crate::support::{Workspace, spec_with, stderr, stdout};

/// How to run Patroni as the `postgres` user, if it is installed.
fn patroni_command() -> Option<Command> {
    if let Some(path) = std::env::var_os("PATRONI_PYTHONPATH") {
        let mut command = as_postgres_exec(Path::new("/usr/bin/python3"));
        command.env("PYTHONPATH", path).args(["-m", "patroni"]);
        return Some(command);
    }
    let found = Command::new("patroni")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    (found && !is_root()).then(|| Command::new("patroni"))
}

/// `program` as the `postgres` user, in this very process (setpriv execs),
/// so that killing the child stops the program itself.
fn as_postgres_exec(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=postgres",
            "--regid=postgres",
            "--init-groups",
            "--",
        ])
        .arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Poll `check` until it holds; whether it did. The bound only stops a
/// broken setup.
fn holds_in_time(mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..240 {
        if check() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    false
}

#[track_caller]
fn wait_until(what: &str, check: impl FnMut() -> bool) {
    assert!(holds_in_time(check), "waited in vain until {what}");
}

fn http(method: &str, url: &str, body: Option<&str>) -> Option<String> {
    let mut command = Command::new("curl");
    command.args(["-s", "-f", "-X", method, url]);
    if let Some(body) = body {
        command.args(["-d", body]);
    }
    let o = command.output().ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
}

struct Etcd {
    child: Child,
    _dir: tempfile::TempDir,
    port: u16,
}

impl Etcd {
    fn start() -> Option<Etcd> {
        let dir = tempfile::tempdir().expect("tempdir");
        let (port, peer) = (free_port(), free_port());
        let child = Command::new("etcd")
            .args(["--name", "t", "--data-dir"])
            .arg(dir.path().join("data"))
            .arg(format!("--listen-client-urls=http://127.0.0.1:{port}"))
            .arg(format!("--advertise-client-urls=http://127.0.0.1:{port}"))
            .arg(format!("--listen-peer-urls=http://127.0.0.1:{peer}"))
            .arg(format!(
                "--initial-advertise-peer-urls=http://127.0.0.1:{peer}"
            ))
            .arg(format!("--initial-cluster=t=http://127.0.0.1:{peer}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let etcd = Etcd {
            child,
            _dir: dir,
            port,
        };
        wait_until("etcd answers", || {
            http("GET", &format!("http://127.0.0.1:{port}/health"), None)
                .is_some_and(|h| h.contains("true"))
        });
        Some(etcd)
    }
}

impl Drop for Etcd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One Patroni member: its configuration, process and ports.
struct Member {
    name: String,
    dir: PathBuf,
    api: u16,
    pg: u16,
    child: Option<Child>,
}

impl Member {
    fn new(root: &Path, name: &str) -> Member {
        Member {
            name: name.to_string(),
            dir: root.to_path_buf(),
            api: free_port(),
            pg: free_port(),
            child: None,
        }
    }

    fn config(&self, etcd: u16, bin: &Path, superuser_password: &str) -> String {
        let d = self.dir.display();
        format!(
            "scope: pgrender-test
name: {name}
restapi:
  listen: 127.0.0.1:{api}
  connect_address: 127.0.0.1:{api}
etcd3:
  hosts: 127.0.0.1:{etcd}
bootstrap:
  dcs:
    ttl: 20
    loop_wait: 1
    retry_timeout: 5
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_log_hints: 'on'
  initdb:
    - encoding: UTF8
    - auth-host: scram-sha-256
  pg_hba:
    - local all all trust
    - local replication all trust
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
postgresql:
  listen: 127.0.0.1:{pg}
  connect_address: 127.0.0.1:{pg}
  data_dir: {d}/{name}
  bin_dir: {bin}
  pgpass: {d}/{name}.pgpass
  authentication:
    superuser:
      username: postgres
      password: {superuser_password}
    replication:
      username: replicator
      password: replicator-secret
  parameters:
    unix_socket_directories: {d}
",
            name = self.name,
            api = self.api,
            pg = self.pg,
            bin = bin.display(),
        )
    }

    /// Start (or start again, as a new pod would) with this password.
    fn start(&mut self, patroni: fn() -> Option<Command>, etcd: u16, bin: &Path, password: &str) {
        let file = self.dir.join(format!("{}.yml", self.name));
        std::fs::write(&file, self.config(etcd, bin, password)).expect("config");
        chown_to_postgres(&self.dir);
        let log = std::fs::File::create(self.dir.join(format!("{}.log", self.name))).expect("log");
        let child = patroni()
            .expect("patroni")
            .arg(&file)
            // Its worker processes enter the working folder, which the
            // `postgres` user may not (a clone in a private temp folder).
            .current_dir(&self.dir)
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("patroni");
        self.child = Some(child);
    }

    /// Stop Patroni and its PostgreSQL, as deleting the pod does.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }

    fn state(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&http(
            "GET",
            &format!("http://127.0.0.1:{}/patroni", self.api),
            None,
        )?)
        .ok()
    }

    fn role(&self) -> Option<String> {
        Some(self.state()?["role"].as_str()?.to_string())
    }

    fn streaming(&self) -> bool {
        self.state()
            .is_some_and(|s| s["role"] == "replica" && s["replication_state"] == "streaming")
    }

    fn pending_restart(&self) -> bool {
        self.state().is_some_and(|s| s["pending_restart"] == true)
    }

    /// What this member's Patroni and PostgreSQL have logged so far.
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join(format!("{}.log", self.name))).unwrap_or_default()
    }

    /// `wait_until`, saying on failure what this member shows and logs.
    #[track_caller]
    fn wait_until(&self, bin: &Path, what: &str, check: impl FnMut() -> bool) {
        if holds_in_time(check) {
            return;
        }
        let log = self.log();
        let tail: Vec<&str> = log
            .lines()
            .filter(|l| !l.contains("no action."))
            .rev()
            .take(60)
            .collect();
        panic!(
            "waited in vain until {what} on {}: work_mem {:?}, state {:?}, config {:?}\nlog (last lines first):\n{}",
            self.name,
            self.sql(bin, "SHOW work_mem"),
            self.state(),
            http(
                "GET",
                &format!("http://127.0.0.1:{}/config", self.api),
                None
            ),
            tail.join("\n")
        );
    }

    /// One value through the local socket (trust), as Patroni itself reads.
    fn sql(&self, bin: &Path, query: &str) -> String {
        let o = Command::new(bin.join("psql"))
            .args(["-X", "-A", "-t", "-U", "postgres", "-d", "postgres", "-h"])
            .arg(&self.dir)
            .args(["-p", &self.pg.to_string(), "-c", query])
            .output()
            .expect("psql");
        assert!(
            o.status.success(),
            "{}: {}",
            self.name,
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    /// Whether `password` logs `postgres` in over TCP (scram-sha-256).
    fn accepts(&self, bin: &Path, password: &str) -> bool {
        Command::new(bin.join("psql"))
            .args([
                "-X",
                "-A",
                "-t",
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-h",
                "127.0.0.1",
            ])
            .args(["-p", &self.pg.to_string(), "-c", "SELECT 1"])
            .env("PGPASSWORD", password)
            .env("PGCONNECT_TIMEOUT", "5")
            .stdin(Stdio::null())
            .output()
            .is_ok_and(|o| o.status.success())
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The report pgrender prints for these settings on Zalando's operator.
fn zalando_report(old: &str, new: &str) -> String {
    let ws = Workspace::empty();
    let spec = |parameters: &str| {
        spec_with(
            "pg",
            &format!(
                "  backend: zalando-postgres-operator\n  postgres:\n    parameters:\n{parameters}"
            ),
        )
    };
    ws.write("specs/pg.yaml", &spec(old));
    let o = ws.run(&["render", "specs", "--out-root", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    ws.write("specs/pg.yaml", &spec(new));
    let o = ws.run(&["render", "specs", "--out-root", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn patroni_applies_settings_and_a_rotation_as_pgrender_says() {
    let Some(bin) = postgres_bin_for("patroni") else {
        return;
    };
    if patroni_command().is_none() {
        crate::support::did_not_run(
            "patroni",
            "no Patroni for the postgres user (pip install patroni[etcd3,psycopg3] --target DIR; PATRONI_PYTHONPATH=DIR)",
        );
        return;
    }
    let Some(etcd) = Etcd::start() else {
        crate::support::did_not_run("patroni", "no etcd (install Debian's etcd-server)");
        return;
    };
    // What pgrender says first.
    let report = zalando_report(
        "      work_mem: 4MB\n      shared_buffers: 128MB\n",
        "      work_mem: 8MB\n      shared_buffers: 256MB\n",
    );
    assert!(
        report.contains("shared_buffers (restart), work_mem (reload)")
            && report.contains("the operator restarts PostgreSQL through Patroni, one instance at a time, the primary last"),
        "{report}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    chown_to_postgres(dir.path());
    let mut primary = Member::new(dir.path(), "member0");
    let mut replica = Member::new(dir.path(), "member1");
    primary.start(patroni_command, etcd.port, &bin, "old-secret");
    wait_until("member0 leads", || {
        primary.role().as_deref() == Some("primary")
    });
    replica.start(patroni_command, etcd.port, &bin, "old-secret");
    wait_until("member1 streams", || replica.streaming());
    primary.sql(
        &bin,
        "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before the rotation')",
    );

    // Patroni settles a new replica's settings after it first streams
    // (a restart may be pending for a moment): start from a settled cluster.
    wait_until("no restart is pending", || {
        !primary.pending_restart() && !replica.pending_restart()
    });
    // And a replica whose bootstrap is over: a change of the dynamic
    // configuration that reaches it while its HA loop still says "bootstrap
    // from leader in progress" is taken as "nothing to reload" and never
    // applied (patroni/__main__.py `_run_cycle` marks the version seen,
    // patroni/config.py `set_dynamic_configuration`), which this test hit
    // about once in ten runs.
    wait_until("member1 follows the leader", || {
        replica.log().contains("following a leader")
    });

    // A setting PostgreSQL reloads: applied everywhere, no restart pending.
    let config = format!("http://127.0.0.1:{}/config", primary.api);
    http(
        "PATCH",
        &config,
        Some(r#"{"postgresql":{"parameters":{"work_mem":"8MB"}}}"#),
    )
    .expect("patch");
    for member in [&primary, &replica] {
        member.wait_until(&bin, "work_mem reloads", || {
            member.sql(&bin, "SHOW work_mem") == "8MB"
        });
        assert!(
            !member.pending_restart(),
            "{}: {:?}",
            member.name,
            member.state()
        );
    }
    // One read at start: pending until each member restarts.
    http(
        "PATCH",
        &config,
        Some(r#"{"postgresql":{"parameters":{"shared_buffers":"256MB"}}}"#),
    )
    .expect("patch");
    for member in [&primary, &replica] {
        wait_until("the restart is pending", || member.pending_restart());
        assert_eq!(
            member.sql(&bin, "SHOW shared_buffers"),
            "128MB",
            "{}",
            member.name
        );
    }
    // The operator's order: replicas first, the primary last.
    for member in [&replica, &primary] {
        http(
            "POST",
            &format!("http://127.0.0.1:{}/restart", member.api),
            Some("{}"),
        )
        .expect("restart");
        wait_until("the restart is done", || {
            !member.pending_restart() && member.state().is_some_and(|s| s["state"] == "running")
        });
        assert_eq!(
            member.sql(&bin, "SHOW shared_buffers"),
            "256MB",
            "{}",
            member.name
        );
    }
    assert_eq!(
        primary.role().as_deref(),
        Some("primary"),
        "a restart is no switchover"
    );

    // The rotation, as the runbook orders it.
    let runbook = std::fs::read_to_string(
        crate::support::repo_root().join("tests/golden/zalando/expected/postgresql/README.md"),
    )
    .expect("runbook");
    let rotation = runbook
        .split("## Rotating credentials")
        .nth(1)
        .expect("section");
    let order: Vec<usize> = [
        "\\password postgres",
        "spilo-role=replica",
        "patronictl switchover",
        "delete pod <former primary",
    ]
    .iter()
    .map(|step| rotation.find(step).unwrap_or_else(|| panic!("{step}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{rotation}");

    primary.sql(&bin, "ALTER ROLE postgres PASSWORD 'new-secret'");
    wait_until("the replica has the new password", || {
        replica.accepts(&bin, "new-secret")
    });
    // Each replica's pod is deleted and starts with the new Secret.
    replica.stop();
    assert_eq!(primary.role().as_deref(), Some("primary"));
    replica.start(patroni_command, etcd.port, &bin, "new-secret");
    wait_until("member1 streams again", || replica.streaming());
    // Switch over, then the former primary's pod.
    let switchover = format!(
        r#"{{"leader":"{}","candidate":"{}"}}"#,
        primary.name, replica.name
    );
    http(
        "POST",
        &format!("http://127.0.0.1:{}/switchover", primary.api),
        Some(&switchover),
    )
    .expect("switchover");
    wait_until("member1 leads", || {
        replica.role().as_deref() == Some("primary")
    });
    primary.stop();
    primary.start(patroni_command, etcd.port, &bin, "new-secret");
    wait_until("member0 streams from member1", || primary.streaming());
    for member in [&primary, &replica] {
        assert!(member.accepts(&bin, "new-secret"), "{}", member.name);
        assert!(!member.accepts(&bin, "old-secret"), "{}", member.name);
        assert_eq!(
            member.sql(&bin, "SELECT v FROM kept"),
            "before the rotation"
        );
    }
}
