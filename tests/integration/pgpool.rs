//! The backup behind the real HA software it runs behind on Bitnami:
//! Debian's `pgpool2` in front of a primary and a streaming replica (Debian's
//! PostgreSQL, Unix sockets only), load balancing on and every read sent to
//! the replica (weight 0 for the primary), as the worst case of what a
//! session through the proxy may meet. The backup finds the primary among
//! the server pods and dumps from it while a writer changes rows through
//! pgpool, and its manifest matches its dumps; with the primary gone and
//! the replica not yet promoted, it fails and leaves no complete set; after
//! the failover it dumps from the new primary. `.ci/run` installs pgpool2;
//! without it the test says that it did not run.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use crate::faults::Faults;
use crate::jobs::{Backups, Jobs, fill, text};
use crate::pg::{Server, as_postgres, chown_to_postgres, postgres_bin_for};

/// A pgpool in its own folder, listening on a socket there, stopped on drop.
struct Pgpool {
    dir: tempfile::TempDir,
    child: Child,
}

impl Pgpool {
    fn start(program: &Path, primary: &Server, replica: &Server) -> Pgpool {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path().display();
        let config = format!(
            "backend_clustering_mode = 'streaming_replication'
listen_addresses = ''
port = 5432
socket_dir = '{d}'
pcp_listen_addresses = ''
pcp_port = 9898
pcp_socket_dir = '{d}'
backend_hostname0 = '{primary}'
backend_port0 = 5432
backend_weight0 = 0
backend_flag0 = 'ALLOW_TO_FAILOVER'
backend_hostname1 = '{replica}'
backend_port1 = 5432
backend_weight1 = 1
backend_flag1 = 'ALLOW_TO_FAILOVER'
load_balance_mode = on
sr_check_period = 0
sr_check_user = 'postgres'
health_check_period = 0
failover_on_backend_error = off
enable_pool_hba = off
num_init_children = 8
max_pool = 1
pid_file_name = '{d}/pgpool.pid'
logdir = '{d}'
use_watchdog = off
",
            primary = primary.socket_dir().display(),
            replica = replica.socket_dir().display(),
        );
        std::fs::write(dir.path().join("pgpool.conf"), config).expect("write");
        std::fs::write(dir.path().join("pcp.conf"), "").expect("write");
        chown_to_postgres(dir.path());
        let child = as_postgres(program)
            .args(["-n", "-f"])
            .arg(dir.path().join("pgpool.conf"))
            .arg("-F")
            .arg(dir.path().join("pcp.conf"))
            .stdout(std::fs::File::create(dir.path().join("pgpool.out")).expect("log"))
            .stderr(std::fs::File::create(dir.path().join("pgpool.err")).expect("log"))
            .spawn()
            .expect("pgpool");
        let pool = Pgpool { dir, child };
        // Ready when it answers; the number of tries bounds a broken start.
        for _ in 0..200 {
            if pool.query(primary, "SELECT 1").is_some() {
                return pool;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!(
            "pgpool did not start: {}",
            std::fs::read_to_string(pool.dir.path().join("pgpool.err")).unwrap_or_default()
        );
    }

    fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// One query in a new session through pgpool.
    fn query(&self, server: &Server, sql: &str) -> Option<String> {
        let o = server
            .client("psql")
            .env("PGHOST", self.socket_dir())
            .args(["-X", "-A", "-t", "-d", "appdb", "-c", sql])
            .output()
            .expect("psql");
        o.status
            .success()
            .then(|| text(&o.stdout).trim().to_string())
    }
}

impl Drop for Pgpool {
    fn drop(&mut self) {
        // pgpool itself (runuser's child when the tests run as root) ends
        // its own children and its sessions on SIGINT (fast shutdown).
        // Its pid file ends in a NUL byte.
        if let Ok(pid) = std::fs::read_to_string(self.dir.path().join("pgpool.pid")) {
            let pid = pid.trim_matches(|c: char| c.is_whitespace() || c == '\0');
            let _ = Command::new("kill").args(["-INT", pid]).status();
        }
        let _ = self.child.wait();
    }
}

fn pgpool_program() -> Option<PathBuf> {
    ["/usr/sbin/pgpool", "/usr/bin/pgpool"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

#[test]
fn the_backup_dumps_from_the_primary_behind_pgpool_before_and_after_a_failover() {
    let Some(bin) = postgres_bin_for("pgpool") else {
        return;
    };
    let Some(program) = pgpool_program() else {
        crate::support::did_not_run("pgpool", "no pgpool (install Debian's pgpool2)");
        return;
    };
    let reference = crate::support::repo_root().join("kubernetes/applications/postgresql");
    let jobs = Jobs::of(&reference);
    let primary = Server::start(&bin);
    fill(&primary);
    let replica = Server::replica_of(&primary);
    let pool = Pgpool::start(&program, &primary, &replica);
    // Load balancing sends a read to the replica: what pgrender's backup
    // must not dump through.
    // (a stable function: pgpool sends what reads a catalog, or calls a
    // volatile function, to the primary)
    let data_directory = "SELECT current_setting('data_directory')";
    assert_eq!(
        pool.query(&primary, data_directory),
        Some(replica.sql("postgres", &[data_directory]))
    );

    let faults = Faults::new(&bin);
    let backups = Backups::new();
    let candidates = format!(
        "{} {}",
        replica.socket_dir().display(),
        primary.socket_dir().display()
    );
    let backup = |settings: &[(&str, String)]| {
        let mut command = jobs.backup_command(&primary, backups.path());
        // As the CronJob's pod: PGHOST is the proxy, the candidates are the
        // server pods, the replica first.
        command
            .env("PGHOST", pool.socket_dir())
            .env("PRIMARY_CANDIDATES", &candidates);
        faults.reset_counters();
        faults.apply(command, settings)
    };

    // Through pgpool alone, pg_dump would read on the replica a snapshot
    // exported on the primary: the reason the backup looks for the primary.
    let mut through_pool = jobs.backup_command(&primary, backups.path());
    through_pool
        .env("PGHOST", pool.socket_dir())
        .env_remove("PRIMARY_CANDIDATES");
    faults.reset_counters();
    let o = faults.apply(through_pool, &[]);
    assert_ne!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("pg_dump of database"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(backups.newest_complete(&jobs), None);

    // Under a writer going through pgpool, the set is the primary's snapshot.
    let rows_before = pool
        .query(&primary, "SELECT count(*) FROM t")
        .expect("count");
    let o = backup(&[
        (
            "WRITE_BEFORE_DUMP",
            "INSERT INTO t (v) SELECT 'late ' || g FROM generate_series(1, 100) g".to_string(),
        ),
        ("WRITER_HOST", pool.socket_dir().display().to_string()),
    ]);
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    assert!(
        out.contains(&format!("{}: a replica", replica.socket_dir().display()))
            && out.contains(&format!(
                "using the primary, {}",
                primary.socket_dir().display()
            )),
        "{out}"
    );
    let first = backups.newest_complete(&jobs).expect("a complete set");
    let manifest =
        std::fs::read_to_string(backups.file(&format!("pg_manifest-{first}"))).expect("manifest");
    assert!(
        manifest.contains(&format!("table\tappdb\tpublic.t\t{rows_before}\n")),
        "{manifest}"
    );
    assert_ne!(
        primary.sql("appdb", &["SELECT count(*) FROM t"]),
        rows_before,
        "the writer wrote"
    );
    let o = jobs.drill(&bin, backups.path());
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));

    // The primary gone, the replica not promoted: no primary, no set.
    let rows_at_failover = primary.sql("appdb", &["SELECT count(*) FROM t"]);
    primary.stop();
    let files = backups.names();
    let o = backup(&[]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        text(&o.stderr).contains(&format!("no primary among {candidates}")),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        backups.newest_complete(&jobs).as_deref(),
        Some(first.as_str())
    );
    assert_eq!(backups.names(), files, "nothing was written");

    // After the failover the next backup dumps from the new primary, with
    // every row the old primary had.
    replica.promote();
    let o = backup(&[]);
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}{}", text(&o.stderr));
    assert!(
        out.contains(&format!(
            "using the primary, {}",
            replica.socket_dir().display()
        )),
        "{out}"
    );
    let second = backups.newest_complete(&jobs).expect("a complete set");
    assert_ne!(second, first);
    let manifest =
        std::fs::read_to_string(backups.file(&format!("pg_manifest-{second}"))).expect("manifest");
    assert!(
        manifest.contains(&format!("table\tappdb\tpublic.t\t{rows_at_failover}\n")),
        "{manifest}"
    );
    let o = jobs.drill(&bin, backups.path());
    assert!(
        o.status.success() && text(&o.stdout).contains(&format!("drill of set {second} passed")),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}
