//! The one thing pgrender asks git, for the pre-commit hook: which files
//! under a folder differ from what is staged (or are not tracked at all).
//! It runs the `git` program of the repository the hook runs in.

use std::path::Path;
use std::process::Command;

/// Paths under `folder` that a commit would not carry as they are on disk:
/// untracked, or changed or deleted since they were staged.
pub(crate) fn unstaged_paths(folder: &Path) -> Result<Vec<String>, String> {
    let out = Command::new("git")
        .args([
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--",
        ])
        .arg(folder)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git status failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(parse_status(&String::from_utf8_lossy(&out.stdout)))
}

/// Entries of `git status --porcelain=v1 -z` whose work-tree side differs
/// from the index (`XY path`, Y not blank) or that are untracked (`??`).
fn parse_status(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut entries = text.split('\0').filter(|e| !e.is_empty());
    while let Some(entry) = entries.next() {
        let (code, path) = entry.split_at(entry.len().min(3));
        let (x, y) = (code.chars().next(), code.chars().nth(1));
        if x == Some('R') || x == Some('C') {
            // A rename carries its old name as the next entry.
            entries.next();
        }
        if code.starts_with("??") || y.is_some_and(|y| y != ' ') {
            paths.push(path.to_string());
        }
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untracked_and_unstaged_entries_are_reported_staged_ones_not() {
        let status = "?? out/a/README.md\0 M out/a/values.yaml\0M  out/a/staged.yaml\0 D out/a/gone.yaml\0R  out/b/new.yaml\0out/b/old.yaml\0";
        assert_eq!(
            parse_status(status),
            ["out/a/README.md", "out/a/values.yaml", "out/a/gone.yaml"]
        );
    }
}
