//! Which spec files a load reads: those at the path the user gave, and
//! those of its fleet (every spec rendered into the same output root),
//! each confined to the source it was found in.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::LoadOptions;
use crate::error::Error;
use crate::read::load;

/// The spec files one load reads, and which of them are the user's.
#[derive(Debug)]
pub(super) struct Candidates {
    /// Every file to read: the user's, then the fleet's.
    pub(super) files: Vec<PathBuf>,
    /// Whether the path is one file the user named (not a folder or the
    /// plugin's selection).
    pub(super) named: bool,
    /// The fleet folder read beside the path, if any.
    pub(super) fleet: Option<PathBuf>,
    path: PathBuf,
    /// The files found at the path (for a named file: none), and as shown:
    /// sets, as a fleet of thousands asks them once per file.
    own: HashSet<PathBuf>,
    own_shown: HashSet<String>,
}

impl Candidates {
    /// The spec files at `path` and in its fleet.
    pub(super) fn find(path: &Path, options: &LoadOptions) -> Result<Candidates, Error> {
        let named = path.is_file() && options.only.is_none();
        let fleet = options
            .fleet
            .clone()
            .filter(|folder| folder.is_dir() && !same_place(folder, path))
            .or_else(|| named.then(|| own_folder(path)));
        let own = if named {
            Vec::new()
        } else {
            load::find_candidates(path, &options.skip)?
        };
        let mut files = own.clone();
        if let Some(fleet) = &fleet {
            let known: HashSet<PathBuf> =
                files.iter().filter_map(|c| c.canonicalize().ok()).collect();
            for candidate in load::find_candidates(fleet, &options.skip)? {
                if !candidate
                    .canonicalize()
                    .is_ok_and(|real| known.contains(&real))
                {
                    files.push(candidate);
                }
            }
        }
        if named {
            files = with_named_file(files, path);
        }
        let found = Candidates {
            files,
            named,
            fleet,
            path: path.to_path_buf(),
            own_shown: own.iter().map(|c| c.display().to_string()).collect(),
            own: own.into_iter().collect(),
        };
        found.confine()?;
        Ok(match &options.only {
            Some(only) => Candidates {
                files: select(path, &found.files, only)?,
                ..found
            },
            None => found,
        })
    }

    /// Whether the file shown as `display` is the user's (not the fleet's).
    pub(super) fn is_own(&self, display: &str) -> bool {
        if self.named {
            display == self.path.display().to_string()
        } else {
            self.own_shown.contains(display)
        }
    }

    /// Each candidate stays inside the source of the folder it was found
    /// in (in git, both are the repository).
    fn confine(&self) -> Result<(), Error> {
        let cwd = super::working_dir()?;
        let (own, fleet): (Vec<PathBuf>, Vec<PathBuf>) = self
            .files
            .iter()
            .cloned()
            .partition(|c| self.named && c.as_path() == self.path || self.own.contains(c));
        confine(
            &crate::read::repository::source_root(&self.path, &cwd),
            &own,
        )?;
        if let Some(folder) = &self.fleet {
            confine(&crate::read::repository::source_root(folder, &cwd), &fleet)?;
        }
        Ok(())
    }
}

/// The folder `file` is in.
fn own_folder(file: &Path) -> PathBuf {
    match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether two paths name the same file or folder.
fn same_place(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// The candidates of the spec root, with the user's file under the name
/// the user gave it (messages then show the path as typed), and present
/// even when its name does not end in `.yaml`.
fn with_named_file(candidates: Vec<PathBuf>, file: &Path) -> Vec<PathBuf> {
    let real = file.canonicalize().ok();
    let mut out: Vec<PathBuf> = candidates
        .into_iter()
        .filter(|c| c.canonicalize().ok() != real)
        .collect();
    out.push(file.to_path_buf());
    out
}

/// Refuse any candidate that resolves outside `root` (a symlink out of the
/// source directory, in ArgoCD a path out of the repository checkout).
fn confine(root: &Path, candidates: &[PathBuf]) -> Result<(), Error> {
    let resolve = |path: &Path| {
        path.canonicalize().map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })
    };
    let root = resolve(root)?;
    for candidate in candidates {
        if !resolve(candidate)?.starts_with(&root) {
            return Err(Error::OutsideSource {
                path: candidate.display().to_string(),
                root: root.display().to_string(),
            });
        }
    }
    Ok(())
}

/// Keep the candidates named in `only` (paths relative to `base`); each
/// name must match one.
fn select(base: &Path, candidates: &[PathBuf], only: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut chosen = Vec::new();
    for want in only {
        let normal: PathBuf = want
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        let found = candidates.iter().find(|c| {
            c.strip_prefix(base)
                .map(|rel| rel == normal)
                .unwrap_or(false)
        });
        match found {
            Some(path) if !chosen.contains(path) => chosen.push(path.clone()),
            Some(_) => {}
            None => {
                return Err(Error::SelectedSpecMissing {
                    spec: want.display().to_string(),
                    base: base.display().to_string(),
                });
            }
        }
    }
    Ok(chosen)
}
