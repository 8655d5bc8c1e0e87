//! The commands, each over the one pipeline (`crate::pipeline`: find,
//! load, validate, plan), then comparing, writing or printing: `render`,
//! `check`, `hook`, `validate`, `init` and `migrate-guide`, one module
//! each, and the command line (`cli`); `generate` and `discover`, the
//! ArgoCD plugin's, live in `crate::plugin`. All of them reach the same
//! verdict on the same tree (tests/integration/verdicts.rs). They print
//! through a [`Console`], so the command line only parses arguments and
//! exits.

mod check;
pub(crate) mod cli;
mod hook;
pub(crate) mod init;
pub(crate) mod migrate_guide;
mod render;
mod validate;

use std::path::{Path, PathBuf};

pub(crate) use check::{CheckRequest, Format, check};
pub(crate) use hook::hook;
pub(crate) use render::render;
pub(crate) use validate::validate;

use crate::error::Error;
use crate::output;
use crate::output::changes;
use crate::pipeline::Loaded;

pub(crate) const EXIT_OK: u8 = 0;
pub(crate) const EXIT_DRIFT: u8 = 1;
pub(crate) const EXIT_ERROR: u8 = 2;
/// `check --base`: the output is current, and merging needs a person (a
/// manual step, a sync Kubernetes refuses, or lost data).
pub(crate) const EXIT_REVIEW: u8 = 3;

/// Where a command's words go: stdout for its result, stderr for warnings
/// and advice, in the order the command says them.
pub(crate) trait Console {
    /// Standard output; an error when it cannot be written.
    fn out(&mut self, text: &str) -> Result<(), Error>;
    /// Standard error; if even that is gone, there is nobody left to tell.
    fn err(&mut self, text: &str);
}

/// Warnings, one `warning:` line each.
pub(crate) fn warn(console: &mut dyn Console, warnings: &[String]) {
    let text: String = warnings.iter().map(|w| format!("warning: {w}\n")).collect();
    console.err(&text);
}

/// The change report as `render` and `check` print it: what it is judged
/// against, the changes, and the folders whose uncommitted render it
/// looked past. Empty when nothing changes.
pub(crate) fn framed_report(
    baseline: &output::Baseline,
    out_root: &Path,
    changes: &[changes::ClusterChange],
) -> String {
    if changes.is_empty() {
        return String::new();
    }
    let mut text = format!("{}\n", baseline.describe(out_root));
    text.push_str(&changes::report(changes, true));
    let names: Vec<&str> = changes.iter().map(|c| c.name.as_str()).collect();
    for note in baseline.uncommitted(out_root, &names) {
        text.push_str(&format!("note: {note}\n"));
    }
    text
}

/// Specs rendered and written per batch: bounds memory for large fleets.
pub(crate) const BATCH: usize = 512;

/// With new folders in the plan, every orphan folder reads as a rename.
pub(crate) fn renamed_folders(
    orphans: &[PathBuf],
    created: &[&str],
) -> Vec<changes::ClusterChange> {
    if created.is_empty() {
        return Vec::new();
    }
    orphans
        .iter()
        .filter_map(|path| {
            path.file_name()
                .map(|name| changes::renamed(&name.to_string_lossy(), created))
        })
        .collect()
}

/// Generated folders no spec of the fleet renders any more: empty when the
/// load did not see the whole fleet of the output root.
pub(crate) fn orphan_folders(out_root: &Path, loaded: &Loaded) -> Vec<PathBuf> {
    let Some(names) = &loaded.fleet_names else {
        return Vec::new();
    };
    output::orphans(out_root, names)
        .into_iter()
        .filter_map(|drift| match drift {
            output::Drift::Orphan { path } => Some(path),
            _ => None,
        })
        .collect()
}
