//! Writing output folders so that each one changes all at once or not at all.
//!
//! Each new tree is written in a staging folder beside its target, then
//! swapped in with one `renameat2(RENAME_EXCHANGE)`: a reader, or a render
//! that is killed, sees a target path hold either the complete old tree or
//! the complete new one. Where the file system cannot exchange, two renames
//! are used and the next run repairs a crash between them (see `recover`).
//! The output root is locked (`flock`) for the whole run, so two renders
//! never interleave.
//!
//! Nothing is flushed to disk, just as `git checkout` does not flush the work
//! tree it writes: a sync waits for a journal commit, which costs more than
//! writing the files does. The price is that a power cut shortly after a
//! render can leave empty files in a swapped-in folder (ext4 delayed
//! allocation); the next render recognises those and regenerates them
//! (`existing::check_owned`).

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::OutputError;
use super::existing::{Existing, check_owned, read_existing};
use crate::plan::Plan;
use crate::read::checksums::sha256_hex;

const STAGING_PREFIX: &str = ".pgrender-staging-";
const OLD_PREFIX: &str = ".pgrender-old-";

/// What happened to one output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WriteOutcome {
    Created(PathBuf),
    Updated(PathBuf),
    Unchanged(PathBuf),
}

/// Writes plans under one output root, holding its lock until dropped.
pub(crate) struct Writer {
    out_root: PathBuf,
    force: bool,
    /// Hashes of the existing folders, read by `preflight`.
    existing: HashMap<String, Option<BTreeMap<String, String>>>,
    _lock: File,
}

impl Writer {
    /// Create the output root if needed, lock it, and repair what an
    /// interrupted earlier run left. Returns notes about repairs.
    pub(crate) fn open(out_root: &Path, force: bool) -> Result<(Writer, Vec<String>), OutputError> {
        fs::create_dir_all(out_root).map_err(OutputError::io(out_root))?;
        let lock = lock(out_root)?;
        let notes = recover(out_root)?;
        let writer = Writer {
            out_root: out_root.to_path_buf(),
            force,
            existing: HashMap::new(),
            _lock: lock,
        };
        Ok((writer, notes))
    }

    /// Check every folder that will be written before any is touched, so a
    /// refusal leaves the whole tree as it was. Returns notes about files
    /// that will be regenerated without being edits (left empty by a power cut).
    pub(crate) fn preflight<'a>(
        &mut self,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<Vec<String>, OutputError> {
        let mut notes = Vec::new();
        writable(&self.out_root, &self.out_root)?;
        for name in names {
            let dir = self.out_root.join(name);
            let existing = read_existing(&dir)?;
            if let Some(found) = &existing {
                notes.extend(check_owned(&dir, found, self.force)?);
                // The old tree is deleted after the new one is swapped in.
                for sub in walkdir::WalkDir::new(&dir)
                    .into_iter()
                    .filter_map(Result::ok)
                {
                    if sub.file_type().is_dir() {
                        writable(sub.path(), &dir)?;
                    }
                }
            }
            self.existing.insert(
                name.to_string(),
                existing.map(|Existing { hashes, .. }| hashes),
            );
        }
        Ok(notes)
    }

    /// Whether `preflight` found a folder for `name` on disk.
    pub(crate) fn has_folder(&self, name: &str) -> bool {
        self.existing.get(name).is_some_and(Option::is_some)
    }

    /// Write one batch of plans (all names passed to `preflight` before).
    pub(crate) fn write(&mut self, plans: &[Plan]) -> Result<Vec<WriteOutcome>, OutputError> {
        let mut outcomes = Vec::with_capacity(plans.len());
        let mut staged = Vec::new();
        for plan in plans {
            let target = self.out_root.join(&plan.name);
            let existing = self.existing.get(&plan.name).unwrap_or(&None);
            if existing
                .as_ref()
                .is_some_and(|hashes| same_tree(hashes, plan))
            {
                outcomes.push(WriteOutcome::Unchanged(target));
                continue;
            }
            let staging = free_name(&self.out_root, &format!("{STAGING_PREFIX}{}", plan.name));
            staged.push((plan, staging, target, existing.is_some()));
        }
        if staged.is_empty() {
            return Ok(outcomes);
        }
        // Creating files is mostly kernel time, and the staging folders are
        // independent: stage on every core. (A failure leaves staging
        // folders behind, which the next run's `recover` removes.)
        crate::read::parallel::map(&staged, |(plan, staging, _, _)| {
            write_staging(staging, plan)
        })
        .into_iter()
        .collect::<Result<Vec<()>, OutputError>>()?;
        for (plan, staging, target, existed) in staged {
            if existed {
                swap(&self.out_root, &staging, &target, &plan.name)?;
                fs::remove_dir_all(&staging).map_err(OutputError::io(&staging))?;
                outcomes.push(WriteOutcome::Updated(target));
            } else {
                fs::rename(&staging, &target).map_err(OutputError::io(&target))?;
                outcomes.push(WriteOutcome::Created(target));
            }
        }
        Ok(outcomes)
    }
}

/// `out_root/name`, or `name.1`, `name.2`, ... when a leftover that could
/// not be deleted holds the name.
fn free_name(out_root: &Path, name: &str) -> PathBuf {
    let mut path = out_root.join(name);
    let mut n = 0;
    while path.symlink_metadata().is_ok() {
        n += 1;
        path = out_root.join(format!("{name}.{n}"));
    }
    path
}

/// What interrupted renders left in `out_root` (the next render removes
/// them, or says why it cannot).
pub(crate) fn leftovers(out_root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(out_root)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(STAGING_PREFIX) || name.starts_with(OLD_PREFIX)
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// A folder pgrender must change (`folder`, inside the output folder
/// `target`) is writable: found before anything is written, never after a
/// new tree is swapped in and the old one cannot be deleted.
fn writable(folder: &Path, target: &Path) -> Result<(), OutputError> {
    use rustix::fs::{Access, access};
    match access(folder, Access::WRITE_OK | Access::EXEC_OK) {
        Ok(()) => Ok(()),
        Err(e) => Err(OutputError::Refused {
            path: folder.to_path_buf(),
            message: format!(
                "cannot be written ({}): render replaces {} as a whole and deletes the old tree, so every folder in it must be writable; \
                 make it so (chmod -R u+w {}) or run pgrender as its owner; nothing was written",
                std::io::Error::from(e),
                target.display(),
                target.display()
            ),
        }),
    }
}

fn lock(out_root: &Path) -> Result<File, OutputError> {
    // Locking the folder itself leaves no lock file in the repository.
    let handle = File::open(out_root).map_err(OutputError::io(out_root))?;
    match handle.try_lock() {
        Ok(()) => Ok(handle),
        Err(TryLockError::WouldBlock) => Err(OutputError::Locked {
            path: out_root.to_path_buf(),
        }),
        Err(TryLockError::Error(e)) => Err(OutputError::io(out_root)(e)),
    }
}

/// Clean up after a run that was killed: a staging folder is an unfinished
/// new tree (dropped); an old-tree folder is either garbage (its target
/// exists) or the only copy (moved back). Garbage that cannot be deleted
/// is said, not an error: it must not stop every later render.
fn recover(out_root: &Path) -> Result<Vec<String>, OutputError> {
    let mut notes = Vec::new();
    let entries = fs::read_dir(out_root).map_err(OutputError::io(out_root))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(STAGING_PREFIX) || n.starts_with(OLD_PREFIX))
        .collect();
    names.sort();
    for name in names {
        let path = out_root.join(&name);
        if let Some(target_name) = name.strip_prefix(OLD_PREFIX) {
            let target = out_root.join(target_name);
            if !target.exists() {
                fs::rename(&path, &target).map_err(OutputError::io(&target))?;
                notes.push(format!(
                    "restored {} from an interrupted earlier render",
                    target.display()
                ));
                continue;
            }
        }
        match fs::remove_dir_all(&path) {
            Ok(()) => notes.push(format!(
                "removed {} left by an interrupted earlier render",
                path.display()
            )),
            Err(e) => notes.push(format!(
                "{} was left by an interrupted earlier render and cannot be removed ({e}); \
                 pgrender ignores it: delete it by hand (chmod -R u+w, then rm -r)",
                path.display()
            )),
        }
    }
    Ok(notes)
}

fn same_tree(existing: &BTreeMap<String, String>, plan: &Plan) -> bool {
    existing.len() == plan.files.len()
        && plan.files.iter().all(|(path, content)| {
            existing
                .get(path)
                .is_some_and(|hash| *hash == sha256_hex(content.as_bytes()))
        })
}

fn write_staging(staging: &Path, plan: &Plan) -> Result<(), OutputError> {
    fs::create_dir(staging).map_err(OutputError::io(staging))?;
    let mut dirs = vec![staging.to_path_buf()];
    for (rel, content) in &plan.files {
        let path = staging.join(rel);
        if let Some(parent) = path.parent()
            && !dirs.iter().any(|d| d == parent)
        {
            fs::create_dir_all(parent).map_err(OutputError::io(parent))?;
            dirs.push(parent.to_path_buf());
        }
        let mut file = File::create(&path).map_err(OutputError::io(&path))?;
        file.write_all(content.as_bytes())
            .map_err(OutputError::io(&path))?;
    }
    Ok(())
}

/// Swap the staging tree into `target`; afterwards `staging` holds the old tree.
fn swap(out_root: &Path, staging: &Path, target: &Path, name: &str) -> Result<(), OutputError> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staging, CWD, target, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(OutputError::io(target)(e.into())),
        }
    }
    // No atomic exchange here: move the old tree aside, move the new one in.
    // A crash between the two leaves only the `.pgrender-old-` folder, which
    // `recover` moves back on the next run.
    let old = out_root.join(format!("{OLD_PREFIX}{name}"));
    fs::rename(target, &old).map_err(OutputError::io(target))?;
    fs::rename(staging, target).map_err(OutputError::io(target))?;
    fs::rename(&old, staging).map_err(OutputError::io(staging))?;
    Ok(())
}
