//! What pgrender asks git, always by running the `git` program of the
//! repository it works in, never over the network: which files under a
//! folder differ from what is staged (the pre-commit hook), and what the
//! output folders held at a commit (the "before" of a change report).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The `git` program, kept offline: in a partial clone a missing object
/// is fetched from the remote on demand, unless told not to
/// (`GIT_NO_LAZY_FETCH`, git 2.45); pgrender never makes a network call,
/// so such an object is an error that says so.
fn git() -> Command {
    let mut command = Command::new("git");
    command
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0");
    command
}

/// Paths under `folder` that a commit would not carry as they are on disk:
/// untracked, or changed or deleted since they were staged.
pub(crate) fn unstaged_paths(folder: &Path) -> Result<Vec<String>, String> {
    let out = git()
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
    let out = git()
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

/// Why a base revision named on the command line cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseError {
    #[error(
        "--base {revision}: {dir} is not in a git work tree; the base is read from the local repository"
    )]
    NotInGit { revision: String, dir: String },
    #[error(
        "--base {revision}: no such commit in this clone, which is shallow (fetched with a depth): fetch the base first, \
         e.g. `git fetch --no-tags --depth=1 origin main:refs/remotes/origin/main` (GitHub and Forgejo checkout: \
         `fetch-depth: 0`; GitLab: `GIT_DEPTH: 0`); pgrender never fetches"
    )]
    Shallow { revision: String },
    #[error(
        "--base {revision}: no such commit in this repository; name a branch, tag or commit it has \
         (`git branch -a` lists them; a remote branch needs `git fetch` first; pgrender never fetches)"
    )]
    Unknown { revision: String },
    #[error("--base {revision}: {why}")]
    Git { revision: String, why: String },
}

/// The output root as a commit holds it: which of its folders the work
/// tree changed since, and each such folder's files at the commit.
#[derive(Debug)]
pub(crate) struct Committed {
    /// The revision as the user named it (`HEAD`, `origin/main`).
    pub revision: String,
    /// The work tree's top folder, where git runs.
    root: PathBuf,
    /// The output root from the top folder, with a trailing `/` (empty at
    /// the top).
    prefix: String,
    /// Top-level folders under the output root that differ between the
    /// commit and the work tree (changed, deleted or untracked files).
    changed: BTreeSet<String>,
}

impl Committed {
    /// The output root `dir` at a base the user named, `place` being where
    /// it sits in its work tree (`repository::git_place`): an error that
    /// says what to do when it cannot be read (outside git, a shallow clone
    /// without it, no such revision).
    pub(crate) fn base(
        dir: &Path,
        place: Option<(PathBuf, String)>,
        revision: &str,
    ) -> Result<Committed, BaseError> {
        let Some((root, prefix)) = place else {
            return Err(BaseError::NotInGit {
                revision: revision.to_string(),
                dir: dir.display().to_string(),
            });
        };
        if !names_a_commit(&root, revision) {
            let shallow = run(&root, &["rev-parse", "--is-shallow-repository"])
                .is_ok_and(|out| out.starts_with(b"true"));
            let revision = revision.to_string();
            return Err(if shallow {
                BaseError::Shallow { revision }
            } else {
                BaseError::Unknown { revision }
            });
        }
        Committed::read(root, prefix, revision).map_err(|why| BaseError::Git {
            revision: revision.to_string(),
            why,
        })
    }

    fn read(root: PathBuf, prefix: String, revision: &str) -> Result<Committed, String> {
        let scope = format!(":(top){prefix}");
        let tracked = run(
            &root,
            &["diff", "--name-only", "-z", revision, "--", &scope],
        )?;
        let untracked = run(
            &root,
            &[
                "ls-files",
                "-z",
                "--others",
                "--exclude-standard",
                "--",
                &scope,
            ],
        )?;
        let mut changed = BTreeSet::new();
        for path in tracked
            .split(|b| *b == 0)
            .chain(untracked.split(|b| *b == 0))
        {
            changed.extend(top_folder(&String::from_utf8_lossy(path), &prefix));
        }
        Ok(Committed {
            revision: revision.to_string(),
            root,
            prefix,
            changed,
        })
    }

    /// Whether the work tree's `folder` differs from the commit's.
    pub(crate) fn changed(&self, folder: &str) -> bool {
        self.changed.contains(folder)
    }

    /// Every file under the output root at the commit: its path below the
    /// output root and its object.
    fn entries(&self, below: &str) -> Result<Vec<(String, String)>, String> {
        let listing = run(
            &self.root,
            &[
                "ls-tree",
                "-r",
                "-z",
                "--full-tree",
                &self.revision,
                "--",
                &format!("{}{below}", self.prefix),
            ],
        )?;
        // `<mode> blob <object>\t<path>`, paths from the top folder.
        let mut entries = Vec::new();
        for entry in listing.split(|b| *b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let (meta, path) = entry
                .split_once('\t')
                .ok_or("unreadable git ls-tree line")?;
            let mut fields = meta.split(' ');
            let (_, kind, object) = (fields.next(), fields.next(), fields.next());
            if kind == Some("blob")
                && let (Some(object), Some(rel)) = (object, path.strip_prefix(self.prefix.as_str()))
            {
                entries.push((rel.to_string(), object.to_string()));
            }
        }
        Ok(entries)
    }

    /// The folders under the output root at the commit that pgrender
    /// generated (they hold a CHECKSUMS file); empty when the commit has
    /// no output root.
    pub(crate) fn generated_folders(&self) -> Result<BTreeSet<String>, String> {
        Ok(self
            .entries("")?
            .into_iter()
            .filter_map(|(rel, _)| {
                let (folder, file) = rel.split_once('/')?;
                (file == crate::read::checksums::CHECKSUMS).then(|| folder.to_string())
            })
            .collect())
    }

    /// The files of `folder` at the commit (relative path to bytes); `None`
    /// when the commit has no such folder.
    pub(crate) fn folder(&self, folder: &str) -> Result<Option<BTreeMap<String, Vec<u8>>>, String> {
        let below = format!("{folder}/");
        let entries: Vec<(String, String)> = self
            .entries(&below)?
            .into_iter()
            .filter_map(|(rel, object)| Some((rel.strip_prefix(&below)?.to_string(), object)))
            .collect();
        if entries.is_empty() {
            return Ok(None);
        }
        let objects: Vec<&str> = entries.iter().map(|(_, o)| o.as_str()).collect();
        let blobs = blobs(&self.root, &objects)?;
        Ok(Some(
            entries.into_iter().map(|(rel, _)| rel).zip(blobs).collect(),
        ))
    }

    /// A file at the commit by its path from the repository's top folder
    /// (`kubernetes/specs/x.yaml`); `None` when the commit has none.
    pub(crate) fn file(&self, path: &str) -> Result<Option<Vec<u8>>, String> {
        let object = format!("{}:{path}", self.revision);
        if run(&self.root, &["cat-file", "-e", &object]).is_err() {
            return Ok(None);
        }
        blobs(&self.root, &[&object]).map(|mut found| found.pop())
    }
}

/// `git status` of the output root against `HEAD`, started at once and
/// read when a change report needs it, so that git runs while the specs
/// are planned: the one git process a `render` or `check` of a clean tree
/// costs.
#[derive(Debug)]
pub(crate) struct HeadStatus {
    child: std::process::Child,
    root: PathBuf,
    prefix: String,
}

impl HeadStatus {
    /// Start it for the output root `prefix` (from `root`, the work
    /// tree's top); `None` when git cannot run.
    pub(crate) fn start(root: &Path, prefix: &str) -> Option<HeadStatus> {
        // A read that runs beside the user's own git: it must not take the
        // index lock to refresh it.
        let child = git()
            .arg("--no-optional-locks")
            .arg("-C")
            .arg(root)
            .args([
                "status",
                "--porcelain=v1",
                "-z",
                "--branch",
                "--untracked-files=all",
                "--",
                &format!(":(top){prefix}"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        Some(HeadStatus {
            child,
            root: root.to_path_buf(),
            prefix: prefix.to_string(),
        })
    }

    /// The output root at `HEAD`; `None` when the repository has no commit
    /// yet or git failed (the output on disk is then the baseline, as
    /// outside git).
    pub(crate) fn finish(self) -> Option<Committed> {
        let output = self.child.wait_with_output().ok()?;
        if !output.status.success() {
            return None;
        }
        let text = String::from_utf8_lossy(&output.stdout);
        // The header: `## <branch>`, or `## No commits yet on <branch>`.
        if text.starts_with("## No commits yet") {
            return None;
        }
        let changed = status_entries(&text)
            .iter()
            .flat_map(|e| [Some(e.path), e.from])
            .flatten()
            .filter_map(|path| top_folder(path, &self.prefix))
            .collect();
        Some(Committed {
            revision: "HEAD".to_string(),
            root: self.root,
            prefix: self.prefix,
            changed,
        })
    }
}

/// The folder right under the output root `prefix` that `path` (from the
/// work tree's top) lies in.
fn top_folder(path: &str, prefix: &str) -> Option<String> {
    let (folder, _) = path.strip_prefix(prefix)?.split_once('/')?;
    Some(folder.to_string())
}

/// Whether `revision` names a commit of the repository at `root`.
fn names_a_commit(root: &Path, revision: &str) -> bool {
    let commit = format!("{revision}^{{commit}}");
    run(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &commit,
        ],
    )
    .is_ok()
}

/// The contents of `objects`, in order, from one `git cat-file --batch`.
fn blobs(dir: &Path, objects: &[&str]) -> Result<Vec<Vec<u8>>, String> {
    let mut child = git()
        .arg("-C")
        .arg(dir)
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
            .ok_or_else(|| {
                if header.ends_with(" missing") {
                    format!(
                        "git object {} is not in this clone (a partial clone, made with --filter?); \
                         pgrender never fetches: clone without --filter, or fetch the objects first",
                        header.trim_end_matches(" missing")
                    )
                } else {
                    format!("git cat-file: {header}")
                }
            })?;
        let body = output
            .get(end + 1..end + 1 + size)
            .ok_or("git cat-file output is cut")?;
        blobs.push(body.to_vec());
        output = output.get(end + 2 + size..).unwrap_or_default();
    }
    Ok(blobs)
}

/// One entry of `git status --porcelain=v1 -z`: its two-letter code, its
/// path, and for a rename or copy the path it came from (the next entry).
struct StatusEntry<'a> {
    code: &'a str,
    path: &'a str,
    from: Option<&'a str>,
}

/// The entries of `git status --porcelain=v1 -z` output, a `## branch`
/// header left out.
fn status_entries(text: &str) -> Vec<StatusEntry<'_>> {
    let mut found = Vec::new();
    let mut entries = text
        .split('\0')
        .filter(|e| !e.is_empty() && !e.starts_with("## "));
    while let Some(entry) = entries.next() {
        let (code, path) = entry.split_at(entry.len().min(3));
        let from = if code.starts_with('R') || code.starts_with('C') {
            entries.next()
        } else {
            None
        };
        found.push(StatusEntry { code, path, from });
    }
    found
}

/// Entries of `git status --porcelain=v1 -z` whose work-tree side differs
/// from the index (`XY path`, Y not blank) or that are untracked (`??`).
fn parse_status(text: &str) -> Vec<String> {
    status_entries(text)
        .into_iter()
        .filter(|e| e.code.starts_with("??") || e.code.chars().nth(1).is_some_and(|y| y != ' '))
        .map(|e| e.path.to_string())
        .collect()
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
