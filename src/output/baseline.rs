//! The "before" of a change report: what the cluster runs. Where the output
//! root is in a git repository, that is the output committed at a revision
//! (`HEAD`, or the branch ArgoCD syncs); elsewhere, the output on disk.
//! A render that was written but not committed is then no "before": going
//! back to the committed spec is no change at all.

use std::path::{Path, PathBuf};

use super::{Folder, OutputError, read_folder};
use crate::read::git::{BaseError, Committed, HeadStatus};

/// A baseline whose git status may still be running.
#[derive(Debug)]
pub(crate) enum PendingBaseline {
    Head(Option<HeadStatus>),
    Ready(Baseline),
}

/// Where the output root sits in its git work tree: found the same way for
/// `HEAD` and for a base.
fn git_place(out_root: &Path) -> Option<(std::path::PathBuf, String)> {
    let cwd = std::env::current_dir().ok()?;
    crate::read::repository::git_place(out_root, &cwd)
}

impl PendingBaseline {
    /// The output committed at `HEAD` where the output root is in a git
    /// work tree with a commit, else the output on disk; or the base the
    /// user named.
    pub(crate) fn wait(self) -> Baseline {
        match self {
            PendingBaseline::Ready(baseline) => baseline,
            PendingBaseline::Head(status) => match status.and_then(HeadStatus::finish) {
                Some(committed) => Baseline::Commit(committed),
                None => Baseline::Disk,
            },
        }
    }
}

/// What changes are judged against.
#[derive(Debug)]
pub(crate) enum Baseline {
    /// `HEAD`, as `render` and `check` judge a change by default.
    Commit(Committed),
    /// A revision named with `check --base` (the branch ArgoCD syncs).
    Base(Committed),
    Disk,
}

impl Baseline {
    /// Start reading the output committed at `HEAD` (git runs meanwhile);
    /// outside git, the output on disk.
    pub(crate) fn start(out_root: &Path) -> PendingBaseline {
        PendingBaseline::Head(
            git_place(out_root).and_then(|(root, prefix)| HeadStatus::start(&root, &prefix)),
        )
    }

    /// The output root at a revision the user named (`check --base`).
    pub(crate) fn base(out_root: &Path, revision: &str) -> Result<Baseline, BaseError> {
        Committed::base(out_root, git_place(out_root), revision).map(Baseline::Base)
    }

    /// The commit judged against, if the baseline is one.
    pub(crate) fn committed(&self) -> Option<&Committed> {
        match self {
            Baseline::Commit(committed) | Baseline::Base(committed) => Some(committed),
            Baseline::Disk => None,
        }
    }

    /// `<out_root>/<name>` as the baseline holds it.
    pub(crate) fn folder(
        &self,
        out_root: &Path,
        name: &str,
    ) -> Result<Option<Folder>, OutputError> {
        match self {
            Baseline::Commit(committed) | Baseline::Base(committed) if committed.changed(name) => {
                committed.folder(name).map_err(|why| OutputError::Git {
                    path: out_root.join(name),
                    why,
                })
            }
            _ => read_folder(out_root, name),
        }
    }

    /// The line above a change report that says what it was judged against.
    pub(crate) fn describe(&self, out_root: &Path) -> String {
        match self {
            Baseline::Commit(committed) => format!(
                "against: {} as committed at {} (what ArgoCD syncs once it is pushed)",
                out_root.display(),
                committed.revision
            ),
            Baseline::Base(committed) => format!(
                "against: {} as committed at {} (the base: what ArgoCD syncs before this change is merged)",
                out_root.display(),
                committed.revision
            ),
            Baseline::Disk => format!(
                "against: {} as it is on disk (no git commit to compare with)",
                out_root.display()
            ),
        }
    }

    /// Folders the work tree changed since the baseline's commit, with how
    /// to go back: said when a report may not be what the disk shows.
    pub(crate) fn uncommitted(&self, out_root: &Path, names: &[&str]) -> Vec<String> {
        // Against a base the work tree is the change itself, committed or not.
        let Baseline::Commit(committed) = self else {
            return Vec::new();
        };
        names
            .iter()
            .filter(|name| committed.changed(name))
            .map(|name| {
                let folder: PathBuf = out_root.join(name);
                format!(
                    "{} differs from {} (rendered, not committed): the changes are judged against {}; \
                     `git checkout {} -- {}` goes back to the committed output",
                    folder.display(),
                    committed.revision,
                    committed.revision,
                    committed.revision,
                    folder.display()
                )
            })
            .collect()
    }
}
