//! The restore drill, for real: the committed reference output's backup
//! script makes a set (with its manifest) from a filled PostgreSQL server,
//! and the drill CronJob's script restores it into its own throwaway server
//! (the same binaries, as the non-root `postgres` user when the test runs as
//! root) and compares it with the manifest. A good set passes; each spoiled
//! copy fails with a message that names the cause and the set.

use std::path::Path;
use std::process::{Command, Output};

use crate::restore::{Dumps, Server, fill, is_root, postgres_bin, script, text};

/// Run the drill's script on `dumps` with `bin`'s server programs first in
/// PATH, as the pod would: its own data folder, no connection settings.
fn drill(bin: &Path, dumps: &Dumps) -> Output {
    let work = tempfile::tempdir().expect("tempdir");
    let script = script("backup/restore-drill.yaml", "CronJob");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = if is_root() {
        for dir in [work.path(), dumps.path()] {
            let status = Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(dir)
                .status()
                .expect("chown");
            assert!(status.success());
        }
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "env"]);
        c
    } else {
        Command::new("env")
    };
    command
        .arg(format!("PATH={path}"))
        .arg(format!("BACKUP_DIR={}", dumps.path().display()))
        .arg(format!("DRILL_DIR={}", work.path().display()))
        .arg("PG_MAJOR=0")
        .args(["bash", "-c", &script])
        .env_remove("PGHOST")
        .env_remove("PGPORT")
        .env_remove("PGUSER")
        .env_remove("PGDATA")
        .env_remove("PGPASSWORD")
        .output()
        .expect("drill")
}

/// Every file of a set folder with its bytes: the drill must change none.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dumps")
        .map(|e| {
            let path = e.expect("entry").path();
            (
                path.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read(&path).expect("read"),
            )
        })
        .collect();
    out.sort();
    out
}

/// Replace `from` by `to` in the set's manifest.
fn edit_manifest(dumps: &Dumps, from: &str, to: &str) {
    let path = dumps.file("pg_manifest-");
    let manifest = std::fs::read_to_string(&path).expect("manifest");
    assert!(manifest.contains(from), "{from:?} in {manifest}");
    std::fs::write(&path, manifest.replacen(from, to, 1)).expect("write");
}

#[test]
fn the_drill_passes_a_good_set_and_names_what_is_wrong_with_a_spoiled_one() {
    let Some(bin) = postgres_bin() else {
        crate::support::did_not_run(
            "drill",
            "no PostgreSQL server binaries (install Debian's postgresql, or set PG_BINDIR)",
        );
        return;
    };
    let source = Server::start(&bin);
    fill(&source);
    let dumps = Dumps::made_by_the_backup_job(&source);
    let manifest_path = dumps.file("pg_manifest-");
    let stamp = manifest_path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .trim_start_matches("pg_manifest-")
        .trim_end_matches(".tsv")
        .to_string();

    // The manifest records the set's databases and exact row counts.
    let manifest = std::fs::read_to_string(&manifest_path).expect("manifest");
    for line in [
        "database\tappdb",
        "table\tappdb\tpublic.t\t5000",
        "database\tother",
        "table\tother\tpublic.x\t3",
        "database\tpostgres",
    ] {
        assert!(
            manifest.lines().any(|l| l == line),
            "{line:?} in:\n{manifest}"
        );
    }
    assert_eq!(manifest.lines().last(), Some("end"));

    // A good set passes, and the drill writes nothing to the backup volume.
    let good = dumps.copy();
    let before = contents(good.path());
    let o = drill(&bin, &good);
    assert!(
        o.status.success(),
        "drill: {}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    assert!(
        text(&o.stdout).contains(&format!(
            "drill of set {stamp} passed: 3 database(s) restored"
        )),
        "{}",
        text(&o.stdout)
    );
    assert_eq!(contents(good.path()), before, "the drill changed the set");

    type Spoiling = (&'static str, &'static str, fn(&Dumps, &str));
    let spoiled: [Spoiling; 5] = [
        (
            "a database dump cut off",
            "is cut off or damaged",
            |set, stamp| {
                let path = set.file(&format!("pg_dump-appdb-{stamp}"));
                let bytes = std::fs::read(&path).expect("read");
                std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("write");
            },
        ),
        (
            "a database dump damaged",
            "is cut off or damaged",
            |set, stamp| {
                let path = set.file(&format!("pg_dump-appdb-{stamp}"));
                let mut bytes = std::fs::read(&path).expect("read");
                let middle = bytes.len() / 2;
                bytes[middle..middle + 64].fill(b'X');
                std::fs::write(&path, bytes).expect("write");
            },
        ),
        (
            "a table the manifest lists but the dump lacks",
            "database appdb, table public.ghost: 3 rows in the manifest, missing after the restore",
            |set, _| {
                edit_manifest(
                    set,
                    "table\tappdb\tpublic.t\t5000\n",
                    "table\tappdb\tpublic.ghost\t3\ntable\tappdb\tpublic.t\t5000\n",
                )
            },
        ),
        (
            "a row count that differs",
            "database appdb, table public.t: 4999 rows in the manifest, 5000 after the restore",
            |set, _| edit_manifest(set, "public.t\t5000", "public.t\t4999"),
        ),
        ("a set without its roles file", "is missing", |set, _| {
            std::fs::remove_file(set.file("pg_globals-")).expect("rm")
        }),
    ];
    for (what, message, spoil) in spoiled {
        let copy = dumps.copy();
        spoil(&copy, &stamp);
        let o = drill(&bin, &copy);
        let err = text(&o.stderr);
        assert_ne!(o.status.code(), Some(0), "{what}: the drill passed");
        assert!(
            err.contains(message) && err.contains(&format!("drill of set {stamp} failed")),
            "{what}: {err}"
        );
    }

    // Behind a proxy (Bitnami's pgpool) the backup finds the primary among
    // the server pods first: an exported snapshot lives on one server.
    let backup = script("backup/cronjob.yaml", "CronJob");
    assert!(
        backup.contains("PRIMARY_CANDIDATES"),
        "the reference backup looks for the primary"
    );
    let socket = source.socket_dir().display().to_string();
    let out = tempfile::tempdir().expect("tempdir");
    let o = source.run(
        &backup,
        out.path(),
        &[(
            "PRIMARY_CANDIDATES",
            &format!("/nonexistent-server {socket}"),
        )],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains(&format!("dumping from the primary, {socket}")),
        "{}",
        text(&o.stdout)
    );
    let o = source.run(
        &backup,
        out.path(),
        &[("PRIMARY_CANDIDATES", "/nonexistent-server")],
    );
    assert_ne!(o.status.code(), Some(0));
    assert!(
        text(&o.stderr).contains("no primary among /nonexistent-server; nothing was written"),
        "{}",
        text(&o.stderr)
    );

    // No complete set at all is a failure too, not a pass.
    let empty = dumps.copy();
    std::fs::remove_file(empty.file("pg_manifest-")).expect("rm");
    let o = drill(&bin, &empty);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        text(&o.stderr).contains("no complete dump set"),
        "{}",
        text(&o.stderr)
    );
}
