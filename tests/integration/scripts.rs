//! Shell is code: every shell script of the repository passes shellcheck
//! (Debian's, at its default severity) with no finding, and every
//! `# shellcheck disable=` says why on its line. The job scripts are plain
//! files: each rendered scripts ConfigMap carries them byte for byte.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::repo_root;

/// Every shell script of the repository: `*.sh`, and files whose first
/// line runs a shell.
fn shell_scripts() -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![repo_root()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                // Build output, git, and the generated trees (no scripts of
                // their own: they carry jobs/ inside YAML).
                if !matches!(name.as_str(), "target" | ".git" | "golden" | "kubernetes") {
                    stack.push(path);
                }
                continue;
            }
            let first_line = std::fs::read(&path)
                .ok()
                .and_then(|bytes| {
                    let line = bytes.split(|b| *b == b'\n').next()?.to_vec();
                    String::from_utf8(line).ok()
                })
                .unwrap_or_default();
            let shebang = first_line.starts_with("#!")
                && (first_line.ends_with("sh") || first_line.contains("bash"));
            if name.ends_with(".sh") || shebang {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_shell_script_passes_shellcheck() {
    let scripts = shell_scripts();
    let names: Vec<String> = scripts
        .iter()
        .map(|p| {
            p.strip_prefix(repo_root())
                .expect("inside")
                .display()
                .to_string()
        })
        .collect();
    for expected in [
        "jobs/backup.sh",
        "jobs/restore.sh",
        "jobs/drill.sh",
        "jobs/sets.sh",
        ".ci/run",
        "scripts/build-static",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    // A disable says why, after the codes, on the same line.
    for script in &scripts {
        let text = std::fs::read_to_string(script).expect("read");
        for (i, line) in text.lines().enumerate() {
            if let Some(rest) = line.trim_start().strip_prefix("# shellcheck disable=") {
                let reason = rest.split_once(" # ").map(|(_, why)| why.trim());
                assert!(
                    reason.is_some_and(|why| why.len() >= 10),
                    "{}:{}: a shellcheck disable without its reason: {line}",
                    script.display(),
                    i + 1
                );
            }
        }
    }
    let Ok(version) = Command::new("shellcheck").arg("--version").output() else {
        crate::support::did_not_run("shellcheck", "no shellcheck (install Debian's shellcheck)");
        return;
    };
    assert!(version.status.success());
    let o = Command::new("shellcheck")
        .args(["--external-sources", "--source-path=SCRIPTDIR"])
        .args(&scripts)
        .current_dir(repo_root())
        .output()
        .expect("shellcheck");
    assert!(
        o.status.success(),
        "shellcheck found:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn every_rendered_scripts_config_map_carries_the_job_files_byte_for_byte() {
    let mut checked = 0;
    let mut stack = vec![
        repo_root().join("kubernetes/applications"),
        repo_root().join("tests/golden"),
    ];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.ends_with("backup/scripts.yaml") {
                assert_carries_the_job_files(&path);
                checked += 1;
            }
        }
    }
    assert!(checked >= 16, "{checked} scripts ConfigMaps");
}

fn assert_carries_the_job_files(path: &Path) {
    let text = std::fs::read_to_string(path).expect("read");
    let docs = pgrender::parse_stream(&text).expect("yaml");
    let data = docs[0]["data"].as_object().expect("data");
    let names: Vec<&str> = data.keys().map(String::as_str).collect();
    let expected: Vec<&str> = pgrender::JOB_FILES.iter().map(|f| f.name).collect();
    assert_eq!(names, expected, "{}", path.display());
    for file in pgrender::JOB_FILES {
        let on_disk =
            std::fs::read_to_string(repo_root().join("jobs").join(file.name)).expect("job file");
        assert_eq!(
            data[file.name].as_str(),
            Some(on_disk.as_str()),
            "{}: {}",
            path.display(),
            file.name
        );
        // Plain files: values reach them as environment, never as template tags.
        assert!(
            !on_disk.contains("{{") && !on_disk.contains("{%"),
            "{}",
            file.name
        );
    }
    // Every file under jobs/ is carried.
    let mut on_disk: Vec<String> = std::fs::read_dir(repo_root().join("jobs"))
        .expect("jobs")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut carried: Vec<String> = expected.iter().map(|n| n.to_string()).collect();
    carried.sort();
    assert_eq!(on_disk, carried);
}
