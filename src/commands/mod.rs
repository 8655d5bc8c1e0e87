//! The commands over the one pipeline: find the specs, load and validate
//! them (`specs`), plan each one's folder (`render`), then compare, write
//! or print. `render`, `check`, `hook` and `validate` live here, one module
//! each; `generate` and `discover`, the ArgoCD plugin's, live in `cmp`.
//! All of them find specs the same way and reach the same verdict on the
//! same tree (tests/integration/verdicts.rs). They print through a
//! [`Console`], so the command line only parses arguments and exits.

mod check;
mod hook;
mod render;
mod validate;

use std::path::{Path, PathBuf};

pub(crate) use check::check;
pub(crate) use hook::hook;
pub(crate) use render::render;
pub(crate) use validate::validate;

use crate::changes;
use crate::error::Error;
use crate::output;
use crate::plan::{DEFAULT_OUT_ROOT, RenderOptions};
use crate::specs::{DEFAULT_SPEC_PATH, LoadOptions, Loaded, load_specs_with};

pub(crate) const EXIT_OK: u8 = 0;
pub(crate) const EXIT_DRIFT: u8 = 1;
pub(crate) const EXIT_ERROR: u8 = 2;

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

/// The run's settings, with the output root named as its repository names
/// it (`repository::locate`), whichever folder pgrender runs from.
pub(crate) fn options_for(out_root: &Path) -> Result<RenderOptions, Error> {
    let location = crate::repository::locate(out_root, &crate::specs::working_dir()?);
    Ok(RenderOptions {
        out_root: location.relative,
        in_repository: location.in_repository,
        repository_root: location.root,
        ..RenderOptions::default()
    })
}

/// The specs at `path`, never searched for inside the output root, and
/// checked with every spec rendered into the same output root: the
/// commands that write or compare output see the specs `validate` sees.
pub(crate) fn load_specs_beside(path: &Path, out_root: &Path) -> Result<Loaded, Error> {
    let options = LoadOptions {
        skip: vec![out_root.to_path_buf()],
        fleet: fleet_for(Some(out_root))?,
        ..Default::default()
    };
    load_specs_with(path, &options)
}

/// The folder of the specs that render into `out_root` (`None`: the
/// repository's default output root): the repository's `kubernetes/specs`
/// when `out_root` is its `kubernetes/applications`. Another output root
/// has no known fleet beyond the path given.
pub(crate) fn fleet_for(out_root: Option<&Path>) -> Result<Option<PathBuf>, Error> {
    let cwd = crate::specs::working_dir()?;
    let default_out = crate::repository::layout_path(&cwd, DEFAULT_OUT_ROOT);
    let shared = out_root.is_none_or(|out| crate::repository::same_path(&cwd, out, &default_out));
    Ok(shared.then(|| crate::repository::layout_path(&cwd, DEFAULT_SPEC_PATH)))
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
