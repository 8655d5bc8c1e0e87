//! Transcripts run in a real git repository, for what a trycmd sandbox
//! cannot show: commits, a revert, `git rm`, commands from a subfolder.
//! Each `tests/git-transcripts/<case>.md` holds ```console blocks of
//! `$ command` lines (run by `sh -c` in the repository, pgrender on PATH;
//! `$ cd DIR` changes folder for the lines after it), each followed by its
//! exact output, stderr and stdout together, and `? N` when it exits N.
//! The repository starts as a fresh `git init` holding `<case>.in/`. The
//! README's "Month two" shows these blocks (a test keeps them equal). After
//! an intended change: `PGRENDER_BLESS=1 cargo test git_transcripts`, then
//! review the diff. The blank line after each command's output is part of
//! the transcript.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{repo_root, snapshot};

const CASES: &str = "tests/git-transcripts";

/// A command's output as a transcript shows it.
fn shown(output: &std::process::Output) -> String {
    let mut text = String::new();
    if let Some(code) = output.status.code().filter(|c| *c != 0) {
        text.push_str(&format!("? {code}\n"));
    }
    text.push_str(&String::from_utf8_lossy(&output.stdout));
    text
}

#[test]
fn every_git_transcript_prints_what_it_records() {
    if Command::new("git").arg("--version").output().is_err() {
        crate::support::did_not_run("git_transcripts", "no git");
        return;
    }
    let bless = std::env::var_os("PGRENDER_BLESS").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(repo_root().join(CASES))
        .expect("transcripts")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in cases {
        let recorded = std::fs::read_to_string(&case).expect("transcript");
        let now = rerun(&case, &recorded);
        if now != recorded {
            if bless {
                std::fs::write(&case, &now).expect("write");
            } else {
                let diff = similar::TextDiff::from_lines(&recorded, &now)
                    .unified_diff()
                    .header("recorded", "now")
                    .to_string();
                failures.push(format!("{}:\n{diff}", case.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The transcript with each command's output replaced by what it prints now.
fn rerun(case: &Path, recorded: &str) -> String {
    // The repository is `repo/` in a folder of its own: `..` is the
    // transcript's scratch space (a remote, a second clone).
    let scratch = tempfile::tempdir().expect("tempdir");
    let repo = scratch.path().join("repo");
    std::fs::create_dir(&repo).expect("repo folder");
    let input = case.with_extension("in");
    for (rel, bytes) in snapshot(&input) {
        let target = repo.join(rel);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(target, bytes).expect("write");
    }
    let status = Command::new("git")
        .args(["init", "-q", "-b", "main"])
        .current_dir(&repo)
        .status()
        .expect("git init");
    assert!(status.success());
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_pgrender"));
    let path = format!(
        "{}:{}",
        bin.parent().expect("folder").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cwd = repo.clone();
    let mut out = String::new();
    let mut in_console = false;
    let mut in_output = false;
    for line in recorded.lines() {
        if in_console && line == "```" {
            in_console = false;
            in_output = false;
        } else if !in_console && line == "```console" {
            in_console = true;
        } else if in_console {
            if let Some(command) = line.strip_prefix("$ ") {
                out.push_str(line);
                out.push('\n');
                in_output = true;
                if let Some(dir) = command.strip_prefix("cd ") {
                    cwd = cwd.join(dir);
                    continue;
                }
                let o = Command::new("sh")
                    .arg("-c")
                    .arg(format!("({command}) 2>&1"))
                    .current_dir(&cwd)
                    .env("PATH", &path)
                    .env("COLUMNS", "100")
                    .env("GIT_AUTHOR_NAME", "t")
                    .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
                    .env("GIT_COMMITTER_NAME", "t")
                    .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
                    .env("GIT_CONFIG_GLOBAL", "/dev/null")
                    .env_remove("RUST_BACKTRACE")
                    .output()
                    .expect("sh");
                let text = shown(&o);
                out.push_str(&text);
                if !text.is_empty() {
                    out.push('\n');
                }
                continue;
            }
            if in_output {
                // Recorded output: replaced by what the command printed now.
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Every ```console block of README.md preceded by
/// `<!-- transcript: FILE, block N -->` equals block N of that transcript.
#[test]
fn the_readme_shows_the_transcripts_the_tests_run() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README");
    let mut shown_blocks = 0;
    let lines: Vec<&str> = readme.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(reference) = line
            .trim()
            .strip_prefix("<!-- transcript: ")
            .and_then(|r| r.strip_suffix(" -->"))
        else {
            continue;
        };
        let (file, number) = reference.split_once(", block ").expect("FILE, block N");
        let number: usize = number.parse().expect("a block number");
        let indent = line.len() - line.trim_start().len();
        let block: Vec<&str> = lines[i + 1..]
            .iter()
            .map(|l| l.get(indent..).unwrap_or(""))
            .skip_while(|l| *l != "```console")
            .skip(1)
            .take_while(|l| *l != "```")
            .collect();
        let transcript = std::fs::read_to_string(repo_root().join(file)).expect("transcript");
        let wanted: Vec<&str> = transcript
            .split("```console\n")
            .nth(number)
            .and_then(|b| b.split("\n```").next())
            .expect("that block")
            .lines()
            .collect();
        let trimmed = |lines: &[&str]| -> Vec<String> {
            let end = lines
                .iter()
                .rposition(|l| !l.is_empty())
                .map_or(0, |p| p + 1);
            lines[..end].iter().map(|l| l.to_string()).collect()
        };
        assert_eq!(
            trimmed(&block),
            trimmed(&wanted),
            "README.md block at line {} vs {file}, block {number}",
            i + 1
        );
        shown_blocks += 1;
    }
    assert!(
        shown_blocks >= 5,
        "{shown_blocks} transcript blocks in README.md"
    );
}
