//! Writing output folders so that each one changes all at once or not at all.
//!
//! Each new tree is written and fsynced in a staging folder beside its
//! target, then swapped in with one `renameat2(RENAME_EXCHANGE)`: at every
//! instant the target path holds either the complete old tree or the
//! complete new one. Where the file system cannot exchange, two renames are
//! used and the next run repairs a crash between them (see `recover`).
//! The output root is locked (`flock`) for the whole run, so two renders
//! never interleave.

use std::fs::{self, File, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::OutputError;
use super::existing::{check_owned, read_tree};
use crate::render::Plan;

const STAGING_PREFIX: &str = ".pgrender-staging-";
const OLD_PREFIX: &str = ".pgrender-old-";

/// What happened to one output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    Created(PathBuf),
    Updated(PathBuf),
    Unchanged(PathBuf),
}

/// Write every plan under `out_root`. All folders are checked before any is
/// touched, so a refusal leaves the whole tree as it was. Returns the
/// outcome per plan and notes about repairs of an interrupted earlier run.
pub fn write_plans(
    out_root: &Path,
    plans: &[Plan],
    force: bool,
) -> Result<(Vec<WriteOutcome>, Vec<String>), OutputError> {
    fs::create_dir_all(out_root).map_err(OutputError::io(out_root))?;
    let _lock = lock(out_root)?;
    let notes = recover(out_root)?;

    let mut unchanged = Vec::with_capacity(plans.len());
    for plan in plans {
        let dir = out_root.join(&plan.name);
        let existing = read_tree(&dir)?;
        if let Some(files) = &existing {
            check_owned(&dir, files, force)?;
        }
        unchanged.push(existing.is_some_and(|files| same_tree(&files, plan)));
    }

    let mut outcomes = Vec::with_capacity(plans.len());
    for (plan, same) in plans.iter().zip(unchanged) {
        let target = out_root.join(&plan.name);
        if same {
            outcomes.push(WriteOutcome::Unchanged(target));
            continue;
        }
        let staging = out_root.join(format!("{STAGING_PREFIX}{}", plan.name));
        write_staging(&staging, plan)?;
        if target.exists() {
            swap(out_root, &staging, &target, &plan.name)?;
            fs::remove_dir_all(&staging).map_err(OutputError::io(&staging))?;
            outcomes.push(WriteOutcome::Updated(target));
        } else {
            fs::rename(&staging, &target).map_err(OutputError::io(&target))?;
            outcomes.push(WriteOutcome::Created(target));
        }
        sync_dir(out_root)?;
    }
    Ok((outcomes, notes))
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
/// exists) or the only copy (moved back).
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
        fs::remove_dir_all(&path).map_err(OutputError::io(&path))?;
        notes.push(format!(
            "removed {} left by an interrupted earlier render",
            path.display()
        ));
    }
    Ok(notes)
}

fn same_tree(existing: &std::collections::BTreeMap<String, Vec<u8>>, plan: &Plan) -> bool {
    existing.len() == plan.files.len()
        && plan.files.iter().all(|(path, content)| {
            existing
                .get(path)
                .is_some_and(|bytes| bytes == content.as_bytes())
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
        file.sync_all().map_err(OutputError::io(&path))?;
    }
    for dir in dirs.iter().rev() {
        sync_dir(dir)?;
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

fn sync_dir(dir: &Path) -> Result<(), OutputError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(OutputError::io(dir))
}
