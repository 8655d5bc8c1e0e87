//! PostgreSQL settings pgrender accepts are settings PostgreSQL starts
//! with, and the ones it refuses PostgreSQL refuses too: each case of
//! `tests/parameters/{accepted,refused}.tsv` is validated in a spec of each
//! major and given to a real server of that major with `postgres -C`
//! (which reads the configuration and exits, as a start would).
//!
//! Servers: Debian's `/usr/lib/postgresql/<major>/bin`, or the folder in
//! `PG_BINDIR_<major>` (`.ci/run` installs all four majors). A major with
//! no server says that it did not run.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::pg::{is_root, server_command};
use crate::support::{did_not_run, repo_root};

const MAJORS: [u32; 4] = [15, 16, 17, 18];

fn server_bin(major: u32) -> Option<PathBuf> {
    let from_env = std::env::var_os(format!("PG_BINDIR_{major}")).map(PathBuf::from);
    let debian = PathBuf::from(format!("/usr/lib/postgresql/{major}/bin"));
    from_env
        .into_iter()
        .chain([debian])
        .find(|bin| bin.join("postgres").is_file())
}

fn cases(file: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(repo_root().join("tests/parameters").join(file))
        .expect("cases file");
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (name, value) = line.split_once('\t').expect("name<TAB>value");
            (name.to_string(), value.to_string())
        })
        .collect()
}

/// A data folder for `postgres -C`, made by the server's own initdb.
fn data_folder(bin: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    if is_root() {
        let status = std::process::Command::new("chown")
            .arg("postgres:")
            .arg(dir.path())
            .status()
            .expect("chown");
        assert!(status.success());
    }
    let out = server_command(bin, "initdb")
        .args(["--no-sync", "-U", "postgres", "-A", "trust", "-D"])
        .arg(dir.path().join("data"))
        .output()
        .expect("initdb");
    assert!(
        out.status.success(),
        "initdb: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// The server's verdict: `Ok` with what it read, or its error.
fn server_reads(bin: &Path, data: &Path, name: &str, value: &str) -> Result<String, String> {
    let out = server_command(bin, "postgres")
        .arg("-D")
        .arg(data.join("data"))
        .args(["-C", name, "-c"])
        .arg(format!("{name}={value}"))
        .output()
        .expect("postgres -C");
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(stderr)
    }
}

/// pgrender's verdict on a spec of `major` that sets `name: value` (with
/// room enough in memory that only the value itself is judged).
fn pgrender_reads(major: u32, name: &str, value: &str) -> Result<(), String> {
    let spec = json!({
        "apiVersion": "pgrender.dev/v1alpha1",
        "kind": "PostgresCluster",
        "metadata": {"name": "pg"},
        "spec": {
            "backend": "cloudnative-pg",
            "postgres": {"version": major.to_string(), "maxConnections": 10, "parameters": {name: value}},
            "resources": {"memory": "64Gi"},
        }
    });
    let file = pgrender::SpecFile {
        display: "pg.yaml".into(),
        file_name: "pg.yaml".into(),
        repository_path: None,
        document: pgrender::parse_document(&spec.to_string()).expect("spec parses"),
    };
    match pgrender::check_file(&file) {
        Ok(_) => Ok(()),
        Err(diagnostics) => Err(diagnostics.to_string()),
    }
}

#[test]
fn postgresql_and_pgrender_agree_on_every_case_of_every_major() {
    let (accepted, refused) = (cases("accepted.tsv"), cases("refused.tsv"));
    assert!(
        accepted.len() >= 30 && refused.len() >= 20,
        "the tables are there"
    );
    let mut disagreements = Vec::new();
    for major in MAJORS {
        let Some(bin) = server_bin(major) else {
            did_not_run(
                &format!("settings (PostgreSQL {major})"),
                &format!("no server: set PG_BINDIR_{major} or install postgresql-{major}"),
            );
            continue;
        };
        let data = data_folder(&bin);
        for (name, value) in &accepted {
            if let Err(why) = server_reads(&bin, data.path(), name, value) {
                disagreements.push(format!(
                    "{major} {name}={value:?}: the server refused it: {why}"
                ));
            }
            if let Err(why) = pgrender_reads(major, name, value) {
                disagreements.push(format!(
                    "{major} {name}={value:?}: pgrender refused it: {why}"
                ));
            }
        }
        for (name, value) in &refused {
            if let Ok(read) = server_reads(&bin, data.path(), name, value) {
                disagreements.push(format!(
                    "{major} {name}={value:?}: the server accepted it as {read}"
                ));
            }
            match pgrender_reads(major, name, value) {
                Ok(()) => {
                    disagreements.push(format!("{major} {name}={value:?}: pgrender accepted it"))
                }
                Err(why) if !why.contains(&format!("spec.postgres.parameters.{name}:")) => {
                    disagreements.push(format!(
                        "{major} {name}={value:?}: refused for another reason: {why}"
                    ));
                }
                Err(_) => {}
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
