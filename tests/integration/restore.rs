//! The backup and the restore Job, for real: each backend's rendered
//! scripts and settings (`jobs.rs`) back up a filled PostgreSQL server and
//! restore into a fresh one. A good set restores everything, twice to the
//! same result; a spoiled file is refused before anything changes; a
//! database whose restore fails is left as it was; what the Job is asked
//! that it cannot do safely is refused; `list` and `latest` tell complete
//! sets from incomplete ones.

use std::path::Path;
use std::process::{Command, Output};

use crate::jobs::{Backups, FILLED, Jobs, backed_up, every_backend, fill, text};
use crate::pg::{Server, postgres_bin_for};

#[track_caller]
fn assert_ok(what: &str, o: &Output) {
    assert!(
        o.status.success(),
        "{what}: {}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}

#[track_caller]
fn assert_refused(what: &str, o: &Output, message: &str) {
    assert_ne!(
        o.status.code(),
        Some(0),
        "{what}: succeeded: {}",
        text(&o.stdout)
    );
    assert!(
        text(&o.stderr).contains(message),
        "{what}: {}",
        text(&o.stderr)
    );
}

/// The stamp of the one set in `backups`.
fn only_stamp(backups: &Backups) -> String {
    let stamps = backups.stamps();
    assert_eq!(stamps.len(), 1, "{stamps:?}");
    stamps[0].clone()
}

#[test]
fn every_backend_backs_up_and_restores_a_whole_cluster() {
    let Some(bin) = postgres_bin_for("restore") else {
        return;
    };
    let source = Server::start(&bin);
    fill(&source);
    for jobs in every_backend() {
        let backups = backed_up(&jobs, &source);
        let stamp = only_stamp(&backups);
        for (_, part) in FILLED {
            backups.file(&format!("pg_dump-{part}-{stamp}.dump"));
        }
        let target = Server::start(&bin);
        let empty = target.fingerprints();

        // With no RESTORE_FILE the Job lists the sets and changes nothing.
        let o = jobs.restore(&target, backups.path(), "");
        assert_ok(&jobs.backend, &o);
        assert!(
            text(&o.stdout).contains(&format!("{stamp}: complete, 4 database(s)")),
            "{}: {}",
            jobs.backend,
            text(&o.stdout)
        );
        assert_eq!(
            target.fingerprints(),
            empty,
            "{}: listing changed the cluster",
            jobs.backend
        );

        let o = jobs.restore(&target, backups.path(), "latest");
        assert_ok(&jobs.backend, &o);
        assert!(text(&o.stdout).contains(&format!("latest: the newest complete set is {stamp}")));
        assert_eq!(
            target.fingerprints(),
            source.fingerprints(),
            "{}: the restored cluster differs",
            jobs.backend
        );
    }
}

#[test]
fn a_restore_restores_everything_refuses_spoiled_files_and_rolls_back_a_failed_database() {
    let Some(bin) = postgres_bin_for("restore") else {
        return;
    };
    let jobs = Jobs::of(&crate::support::repo_root().join("kubernetes/applications/postgresql"));
    let source = Server::start(&bin);
    fill(&source);
    let backups = backed_up(&jobs, &source);
    let stamp = only_stamp(&backups);

    let target = Server::start(&bin);
    let o = jobs.restore(&target, backups.path(), "latest");
    assert_ok("restore", &o);
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
    assert_eq!(
        target.sql(
            &crate::pg::conninfo(r"my db's = \*data"),
            &["SELECT sum(a) FROM \"odd schema\".\"tab\tle\""]
        ),
        "15"
    );
    let restored = target.fingerprints();

    // A second restore of the same set gives the same cluster.
    assert_ok(
        "second restore",
        &jobs.restore(&target, backups.path(), &stamp),
    );
    assert_eq!(target.fingerprints(), restored, "a second restore differs");

    // Spoiled files are refused before anything is touched.
    type Spoiling = (&'static str, &'static str, &'static str, fn(&Path));
    let spoiled: [Spoiling; 4] = [
        (
            "a database dump cut off",
            "pg_dump-appdb-",
            "is cut off or damaged",
            |path| {
                let bytes = std::fs::read(path).expect("read");
                std::fs::write(path, &bytes[..bytes.len() / 2]).expect("write");
            },
        ),
        (
            "a database dump damaged",
            "pg_dump-appdb-",
            "is cut off or damaged",
            |path| {
                let mut bytes = std::fs::read(path).expect("read");
                let middle = bytes.len() / 2;
                bytes[middle..middle + 64].fill(b'X');
                std::fs::write(path, bytes).expect("write");
            },
        ),
        (
            "the roles file cut off",
            "pg_globals-",
            "is damaged (gzip)",
            |path| {
                let bytes = std::fs::read(path).expect("read");
                std::fs::write(path, &bytes[..bytes.len() - 20]).expect("write");
            },
        ),
        (
            "the roles' SQL cut before its end",
            "pg_globals-",
            "ends before pg_dumpall finished it",
            |path| {
                let o = Command::new("gzip")
                    .arg("-dc")
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
    for (what, prefix, message, spoil) in spoiled {
        let copy = backups.copy();
        spoil(&copy.file(prefix));
        let o = jobs.restore(&target, copy.path(), "latest");
        assert_refused(what, &o, message);
        assert!(
            text(&o.stderr).contains("nothing was restored"),
            "{what}: {}",
            text(&o.stderr)
        );
        assert_eq!(
            target.fingerprints(),
            restored,
            "{what}: the cluster changed"
        );
    }

    // A dump renamed to another database's name is refused: the Job never
    // restores into a database it did not mean.
    let copy = backups.copy();
    std::fs::rename(
        copy.file("pg_dump-other-"),
        copy.path().join(format!("pg_dump-elsewhere-{stamp}.dump")),
    )
    .expect("rename");
    let o = jobs.restore(
        &target,
        copy.path(),
        &format!("pg_dump-elsewhere-{stamp}.dump"),
    );
    assert_refused(
        "a renamed dump",
        &o,
        "does not say it holds database elsewhere",
    );
    assert_eq!(target.fingerprints(), restored);

    // A restore that fails part-way (an object outside the dump depends on
    // a table the dump replaces) is rolled back as a whole.
    target.sql(
        "appdb",
        &[
            "CREATE SCHEMA extra",
            "CREATE VIEW extra.v AS SELECT * FROM public.t",
        ],
    );
    let before = target.fingerprints();
    let o = jobs.restore(
        &target,
        backups.path(),
        &format!("pg_dump-appdb-{stamp}.dump"),
    );
    assert_refused(
        "restoring over a dependent view",
        &o,
        "the restore ran in one transaction, so it is as it was before",
    );
    assert_eq!(
        target.fingerprints(),
        before,
        "a failed restore changed the cluster"
    );

    // Nothing is guessed: no such dump, a path, the earlier one-file format,
    // an unknown set, a word that is none of these.
    for (choice, message) in [
        (
            "pg_dump-nope-2026-01-01T000000Z.dump",
            "no dump 'pg_dump-nope",
        ),
        ("../etc/passwd", "not a path"),
        (
            "pg_dumpall-2026-01-01T000000Z.sql.gz",
            "earlier one-file format",
        ),
        ("2026-01-01T000000Z", "no dump set '2026-01-01T000000Z'"),
        ("newest", "is neither a set's time"),
    ] {
        assert_refused(
            choice,
            &jobs.restore(&target, backups.path(), choice),
            message,
        );
    }
    assert_eq!(target.fingerprints(), before);
}

#[test]
fn latest_and_list_tell_complete_sets_from_incomplete_ones() {
    let Some(bin) = postgres_bin_for("restore") else {
        return;
    };
    let jobs = Jobs::of(&crate::support::repo_root().join("kubernetes/applications/postgresql"));
    let source = Server::start(&bin);
    fill(&source);
    let backups = backed_up(&jobs, &source);
    let complete = only_stamp(&backups);

    // A newer set whose backup died after two dumps (no manifest), one whose
    // manifest was cut, and files that are no set at all.
    let died = "2099-01-01T000000Z";
    let cut = "2099-01-02T000000Z";
    for (from, to) in [
        (
            format!("pg_globals-{complete}.sql.gz"),
            format!("pg_globals-{died}.sql.gz"),
        ),
        (
            format!("pg_dump-appdb-{complete}.dump"),
            format!("pg_dump-appdb-{died}.dump"),
        ),
        (
            format!("pg_globals-{complete}.sql.gz"),
            format!("pg_globals-{cut}.sql.gz"),
        ),
        (
            format!("pg_dump-other-{complete}.dump"),
            format!("pg_dump-other-{cut}.dump"),
        ),
    ] {
        std::fs::copy(backups.path().join(from), backups.path().join(to)).expect("copy");
    }
    std::fs::write(
        backups.path().join(format!("pg_manifest-{cut}.tsv")),
        "# pgrender backup manifest\ndatabase\tother\n",
    )
    .expect("write");
    for stray in [
        "pg_manifest-manual.tsv",
        "pg_dump-x-yesterday.dump",
        "notes.txt",
    ] {
        std::fs::write(backups.path().join(stray), "end\n").expect("write");
    }

    let o = jobs.restore(&Server::start(&bin), backups.path(), "");
    assert_ok("list", &o);
    let list = text(&o.stdout);
    for line in [
        format!("{cut}: incomplete: its manifest pg_manifest-{cut}.tsv is cut off (no `end` line)"),
        format!("{died}: incomplete: no manifest: its backup did not finish"),
        format!("{complete}: complete, 4 database(s)"),
    ] {
        assert!(list.contains(&line), "{line:?} in {list}");
    }
    assert!(
        !list.contains("manual") && !list.contains("yesterday"),
        "{list}"
    );
    let order: Vec<usize> = [cut, died, complete.as_str()]
        .iter()
        .map(|s| list.find(&format!("{s}: ")).expect("listed"))
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "newest first: {list}"
    );

    // `latest` takes the newest complete set and says what it skipped.
    let target = Server::start(&bin);
    let o = jobs.restore(&target, backups.path(), "latest");
    assert_ok("latest", &o);
    let out = text(&o.stdout);
    assert!(
        out.contains(&format!("skipped {cut}: its manifest")),
        "{out}"
    );
    assert!(
        out.contains(&format!("skipped {died}: no manifest")),
        "{out}"
    );
    assert!(
        out.contains(&format!("latest: the newest complete set is {complete}")),
        "{out}"
    );
    assert_eq!(target.fingerprints(), source.fingerprints());

    // Naming an incomplete set is refused with the reason and the way on.
    let before = target.fingerprints();
    let o = jobs.restore(&target, backups.path(), died);
    assert_refused(
        "an incomplete set",
        &o,
        &format!("set {died} is incomplete: no manifest"),
    );
    assert!(
        text(&o.stderr).contains(&format!("pg_dump-appdb-{died}.dump")),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(target.fingerprints(), before);

    // A complete set whose manifest and dumps disagree is refused too.
    let copy = backups.copy();
    std::fs::remove_file(copy.file(&format!("pg_dump-other-{complete}"))).expect("rm");
    let o = jobs.restore(&target, copy.path(), &complete);
    assert_refused(
        "a dump missing",
        &o,
        &format!(
            "database other is in the manifest, but its dump pg_dump-other-{complete}.dump is missing"
        ),
    );
    assert_eq!(target.fingerprints(), before);
}
