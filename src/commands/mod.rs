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

use std::path::Path;

pub(crate) use check::check;
pub(crate) use hook::hook;
pub(crate) use render::render;
pub(crate) use validate::validate;

use crate::changes;
use crate::error::Error;
use crate::output;
use crate::plan::RenderOptions;
use crate::specs::{LoadOptions, Loaded, load_specs_with};
use crate::validate::ValidSpec;

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
        ..RenderOptions::default()
    })
}

/// The specs at `path`, never searched for inside the output root: the
/// commands that write or compare output see the specs `validate` sees.
pub(crate) fn load_specs_beside(path: &Path, out_root: &Path) -> Result<Loaded, Error> {
    let options = LoadOptions {
        skip: vec![out_root.to_path_buf()],
        ..Default::default()
    };
    load_specs_with(path, &options)
}

/// Specs rendered and written per batch: bounds memory for large fleets.
pub(crate) const BATCH: usize = 512;

/// With new folders in the plan, every orphan folder reads as a rename.
pub(crate) fn renamed_folders(
    out_root: &Path,
    specs: &[ValidSpec],
    created: &[&str],
) -> Vec<changes::ClusterChange> {
    if created.is_empty() {
        return Vec::new();
    }
    output::orphans(out_root, &spec_names(specs))
        .into_iter()
        .filter_map(|orphan| match orphan {
            output::Drift::Orphan { path } => path
                .file_name()
                .map(|name| changes::renamed(&name.to_string_lossy(), created)),
            _ => None,
        })
        .collect()
}

pub(crate) fn spec_names(specs: &[ValidSpec]) -> std::collections::HashSet<&str> {
    specs
        .iter()
        .map(|s| s.cluster.metadata.name.as_str())
        .collect()
}
