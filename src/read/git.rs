//! What pgrender asks git, always by running the `git` program of the
//! repository it works in, never over the network: which files under a
//! folder differ from what is staged (the pre-commit hook), and what the
//! output folders held at a commit (the "before" of a change report).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

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

/// Whether git tracks anything under `folder` (in the index or a commit):
/// `None` outside a git work tree.
pub(crate) fn tracked(folder: &Path) -> Option<bool> {
    run(folder, &["rev-parse", "--is-inside-work-tree"]).ok()?;
    let listed = run(folder, &["ls-files", "-z", "--", "."]).ok()?;
    Some(!listed.is_empty())
}

/// `git -C dir args...`, its stdout or why it failed.
fn run(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// The output root as a commit holds it: which of its folders the work
/// tree changed since, and each such folder's files at the commit.
#[derive(Debug)]
pub(crate) struct Committed {
    /// The revision as the user named it (`HEAD`).
    pub revision: String,
    /// The output root, where git runs.
    dir: std::path::PathBuf,
    /// Top-level folders under the output root that differ between the
    /// commit and the work tree (changed, deleted or untracked files).
    changed: BTreeSet<String>,
}

impl Committed {
    /// The output root `dir` at `revision`; `None` when `dir` is not in a
    /// git work tree or the revision names no commit (a repository with no
    /// commit yet).
    pub(crate) fn open(dir: &Path, revision: &str) -> Result<Option<Committed>, String> {
        if !dir.is_dir() || run(dir, &["rev-parse", "--is-inside-work-tree"]).is_err() {
            return Ok(None);
        }
        let commit = format!("{revision}^{{commit}}");
        if run(dir, &["rev-parse", "--verify", "--quiet", &commit]).is_err() {
            return Ok(None);
        }
        let mut changed = BTreeSet::new();
        let tracked = run(
            dir,
            &[
                "diff",
                "--name-only",
                "-z",
                "--relative",
                revision,
                "--",
                ".",
            ],
        )?;
        let untracked = run(
            dir,
            &[
                "ls-files",
                "-z",
                "--others",
                "--exclude-standard",
                "--",
                ".",
            ],
        )?;
        for path in tracked
            .split(|b| *b == 0)
            .chain(untracked.split(|b| *b == 0))
        {
            let path = String::from_utf8_lossy(path);
            if let Some((folder, _)) = path.split_once('/') {
                changed.insert(folder.to_string());
            }
        }
        Ok(Some(Committed {
            revision: revision.to_string(),
            dir: dir.to_path_buf(),
            changed,
        }))
    }

    /// Whether the work tree's `folder` differs from the commit's.
    pub(crate) fn changed(&self, folder: &str) -> bool {
        self.changed.contains(folder)
    }

    /// The files of `folder` at the commit (relative path to bytes); `None`
    /// when the commit has no such folder.
    pub(crate) fn folder(&self, folder: &str) -> Result<Option<BTreeMap<String, Vec<u8>>>, String> {
        let listing = run(
            &self.dir,
            &[
                "ls-tree",
                "-r",
                "-z",
                &self.revision,
                "--",
                &format!("{folder}/"),
            ],
        )?;
        // `<mode> blob <object>\t<path>`, paths relative to the output root.
        let mut entries = Vec::new();
        for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let (meta, path) = entry
                .split_once('\t')
                .ok_or("unreadable git ls-tree line")?;
            let mut fields = meta.split(' ');
            let (_, kind, object) = (fields.next(), fields.next(), fields.next());
            if kind == Some("blob")
                && let (Some(object), Some(rel)) =
                    (object, path.strip_prefix(&format!("{folder}/")))
            {
                entries.push((rel.to_string(), object.to_string()));
            }
        }
        if entries.is_empty() {
            return Ok(None);
        }
        let objects: Vec<&str> = entries.iter().map(|(_, o)| o.as_str()).collect();
        let blobs = self.blobs(&objects)?;
        Ok(Some(
            entries.into_iter().map(|(rel, _)| rel).zip(blobs).collect(),
        ))
    }

    /// The contents of `objects`, in order, from one `git cat-file --batch`.
    fn blobs(&self, objects: &[&str]) -> Result<Vec<Vec<u8>>, String> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.dir)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run git: {e}"))?;
        let mut stdin = child.stdin.take().ok_or("git cat-file has no input")?;
        let request: String = objects.iter().map(|o| format!("{o}\n")).collect();
        // The objects are few and small: write all, then read all.
        let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
        let mut output = Vec::new();
        child
            .stdout
            .take()
            .ok_or("git cat-file has no output")?
            .read_to_end(&mut output)
            .map_err(|e| format!("reading git cat-file: {e}"))?;
        writer
            .join()
            .map_err(|_| "writing to git cat-file failed")?
            .map_err(|e| format!("writing to git cat-file: {e}"))?;
        let status = child.wait().map_err(|e| format!("git cat-file: {e}"))?;
        if !status.success() {
            return Err("git cat-file failed".into());
        }
        parse_batch(&output, objects.len())
    }
}

/// `git cat-file --batch` output: `<object> <type> <size>\n<bytes>\n` each.
fn parse_batch(mut output: &[u8], count: usize) -> Result<Vec<Vec<u8>>, String> {
    let mut blobs = Vec::with_capacity(count);
    for _ in 0..count {
        let end = output
            .iter()
            .position(|b| *b == b'\n')
            .ok_or("git cat-file output is cut")?;
        let header = String::from_utf8_lossy(&output[..end]);
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("git cat-file: {header}"))?;
        let body = output
            .get(end + 1..end + 1 + size)
            .ok_or("git cat-file output is cut")?;
        blobs.push(body.to_vec());
        output = output.get(end + 2 + size..).unwrap_or_default();
    }
    Ok(blobs)
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
    fn cat_file_batches_are_read_by_size() {
        let out = b"aaaa blob 3\nx\ny\nbbbb blob 0\n\n";
        assert_eq!(
            parse_batch(out, 2).unwrap(),
            vec![b"x\ny".to_vec(), Vec::new()]
        );
        assert!(parse_batch(b"aaaa blob 9\nshort\n", 1).is_err());
    }

    #[test]
    fn untracked_and_unstaged_entries_are_reported_staged_ones_not() {
        let status = "?? out/a/README.md\0 M out/a/values.yaml\0M  out/a/staged.yaml\0 D out/a/gone.yaml\0R  out/b/new.yaml\0out/b/old.yaml\0";
        assert_eq!(
            parse_status(status),
            ["out/a/README.md", "out/a/values.yaml", "out/a/gone.yaml"]
        );
    }
}
