//! The restore drill, for real: each backend's rendered backup script makes
//! a set (with its manifest) from a filled PostgreSQL server, and its drill
//! script restores it into its own throwaway server (the same binaries, as
//! the non-root `postgres` user when the test runs as root) and compares it
//! with the manifest. A good set passes; each spoiled copy fails with a
//! message that names the cause and the set, one line per difference.

use crate::jobs::{Backups, Jobs, backed_up, every_backend, fill, text};
use crate::pg::{Server, postgres_bin_for};

/// Replace `from` by `to` in the set's manifest.
fn edit_manifest(backups: &Backups, from: &str, to: &str) {
    let path = backups.file("pg_manifest-");
    let manifest = std::fs::read_to_string(&path).expect("manifest");
    assert!(manifest.contains(from), "{from:?} in {manifest}");
    std::fs::write(&path, manifest.replacen(from, to, 1)).expect("write");
}

#[test]
fn every_backends_drill_passes_a_good_set_and_changes_nothing() {
    let Some(bin) = postgres_bin_for("drill") else {
        return;
    };
    let source = Server::start(&bin);
    fill(&source);
    for jobs in every_backend() {
        let backups = backed_up(&jobs, &source);
        let stamp = backups.stamps().pop().expect("a set");
        let manifest = std::fs::read_to_string(backups.file("pg_manifest-")).expect("manifest");
        for line in [
            "database\tappdb",
            "table\tappdb\tpublic.t\t5000",
            "database\tother",
            "table\tother\tpublic.x\t3",
            "database\tpostgres",
            // Names are data: escaped, each on its line.
            r#"database	my db's = \\*data"#,
            r#"table	my db's = \\*data	"odd schema"."tab\tle"	2"#,
        ] {
            assert!(
                manifest.lines().any(|l| l == line),
                "{}: {line:?} in:\n{manifest}",
                jobs.backend
            );
        }
        assert_eq!(manifest.lines().last(), Some("end"));
        let before = backups.contents();
        let o = jobs.drill(&bin, backups.path());
        assert!(
            o.status.success(),
            "{}: drill: {}{}",
            jobs.backend,
            text(&o.stdout),
            text(&o.stderr)
        );
        assert!(
            text(&o.stdout).contains(&format!(
                "drill of set {stamp} passed: 4 database(s) restored"
            )),
            "{}",
            text(&o.stdout)
        );
        assert_eq!(
            backups.contents(),
            before,
            "{}: the drill changed the set",
            jobs.backend
        );
    }
}

#[test]
fn the_drill_names_the_set_and_each_thing_that_is_wrong() {
    let Some(bin) = postgres_bin_for("drill") else {
        return;
    };
    let jobs = Jobs::of(&crate::support::repo_root().join("kubernetes/applications/postgresql"));
    let source = Server::start(&bin);
    fill(&source);
    let backups = backed_up(&jobs, &source);
    let stamp = backups.stamps().pop().expect("a set");

    type Spoiling = (&'static str, &'static str, fn(&Backups, &str));
    let spoiled: [Spoiling; 8] = [
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
            "database appdb, table public.ghost: 3 rows in the manifest, missing after the restore\n",
            |set, _| {
                edit_manifest(
                    set,
                    "table\tappdb\tpublic.t\t5000\n",
                    "table\tappdb\tpublic.ghost\t3\ntable\tappdb\tpublic.t\t5000\n",
                )
            },
        ),
        (
            "row counts that differ in two databases: one line each",
            "database appdb, table public.t: 4999 rows in the manifest, 5000 after the restore\ndatabase other, table public.x: 4 rows in the manifest, 3 after the restore\n",
            |set, _| {
                edit_manifest(set, "public.t\t5000", "public.t\t4999");
                edit_manifest(set, "public.x\t3", "public.x\t4");
            },
        ),
        (
            "a set without its roles file",
            "its roles file pg_globals-",
            |set, _| std::fs::remove_file(set.file("pg_globals-")).expect("rm"),
        ),
        (
            "a database's lines deleted from the manifest",
            "is not in the manifest",
            |set, _| {
                edit_manifest(set, "database\tother\n", "");
                edit_manifest(set, "table\tother\tpublic.x\t3\n", "");
            },
        ),
        (
            "a dump the manifest lists deleted",
            "database other is in the manifest, but its dump pg_dump-other-",
            |set, stamp| {
                std::fs::remove_file(set.file(&format!("pg_dump-other-{stamp}"))).expect("rm")
            },
        ),
        (
            "a dump renamed to another database's name",
            "does not say it holds database appdb",
            |set, stamp| {
                let appdb = set.file(&format!("pg_dump-appdb-{stamp}"));
                std::fs::copy(set.file(&format!("pg_dump-other-{stamp}")), appdb).expect("copy");
            },
        ),
    ];
    for (what, message, spoil) in spoiled {
        let copy = backups.copy();
        spoil(&copy, &stamp);
        let o = jobs.drill(&bin, copy.path());
        let err = text(&o.stderr);
        assert_ne!(o.status.code(), Some(0), "{what}: the drill passed");
        assert!(
            err.contains(message) && err.contains(&format!("drill of set {stamp} failed")),
            "{what}: {err}"
        );
    }

    // A newer set that did not finish is skipped, and said; stray files
    // are no set.
    let copy = backups.copy();
    let newer = "2099-01-01T000000Z";
    std::fs::copy(
        copy.file("pg_globals-"),
        copy.path().join(format!("pg_globals-{newer}.sql.gz")),
    )
    .expect("copy");
    std::fs::write(copy.path().join("pg_manifest-manual.tsv"), "end\n").expect("write");
    let o = jobs.drill(&bin, copy.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains(&format!("skipped {newer}: no manifest"))
            && text(&o.stdout).contains(&format!("drill of set {stamp} passed")),
        "{}",
        text(&o.stdout)
    );

    // No complete set at all is a failure that names the newest set, not a pass.
    let copy = backups.copy();
    std::fs::remove_file(copy.file("pg_manifest-")).expect("rm");
    let o = jobs.drill(&bin, copy.path());
    assert_ne!(o.status.code(), Some(0));
    let err = text(&o.stderr);
    assert!(
        err.contains("no complete dump set")
            && err.contains(&format!("skipped {stamp}: no manifest")),
        "{err}"
    );
}
