//! `render`: validate, say what each change does to the running cluster,
//! refuse what Kubernetes would refuse or what would lose data, then write
//! every spec's folder atomically.

use std::path::{Path, PathBuf};

use super::{
    BATCH, Console, EXIT_OK, load_specs_beside, options_for, orphan_folders, renamed_folders, warn,
};
use crate::changes;
use crate::error::Error;
use crate::output::{self, WriteOutcome};
use crate::plan::Plan;
use crate::render::{check_options, render_plans, renderer};
use crate::validate::ValidSpec;

pub(crate) fn render(
    console: &mut dyn Console,
    path: &Path,
    out_root: &Path,
    force: bool,
    allow_destructive: bool,
) -> Result<u8, Error> {
    let rendered = render_and_report(console, path, out_root, force, allow_destructive)?;
    console.out(&rendered.text)?;
    Ok(EXIT_OK)
}

/// What a render did.
pub(super) struct Rendered {
    /// What to print: notes, the change report, one line per folder.
    pub(super) text: String,
    /// Whether any folder was written.
    pub(super) changed: bool,
    /// Generated folders that no spec renders any more (whole-folder runs).
    pub(super) orphans: Vec<PathBuf>,
}

/// Render and say what happened.
pub(super) fn render_and_report(
    console: &mut dyn Console,
    path: &Path,
    out_root: &Path,
    force: bool,
    allow_destructive: bool,
) -> Result<Rendered, Error> {
    let loaded = load_specs_beside(path, out_root)?;
    warn(console, &loaded.warnings);
    let options = options_for(out_root)?;
    warn(console, &check_options(&loaded.specs, &options)?);
    let (mut writer, mut notes) = output::Writer::open(out_root, force)?;
    notes.extend(
        writer.preflight(
            loaded
                .specs
                .iter()
                .map(|s| s.cluster.metadata.name.as_str()),
        )?,
    );
    let mut text = String::new();
    for note in loaded.notes.iter().chain(&notes) {
        text.push_str(&format!("note: {note}\n"));
    }
    let renderer = renderer();
    let baseline = output::Baseline::for_out_root(out_root)?;
    // What the new plans do to the folders on disk, decided before any is
    // written: a refusal leaves every folder as it was. A fleet of one
    // batch (nearly every repository) is rendered once and written as
    // planned; a larger one is planned again batch by batch for writing,
    // so that memory stays bounded.
    let one_batch = loaded.specs.len() <= BATCH;
    let mut planned = Vec::new();
    let mut changes = Vec::new();
    for batch in loaded.specs.chunks(BATCH) {
        let on_disk: Vec<ValidSpec>;
        let to_plan = if one_batch {
            batch
        } else {
            on_disk = batch
                .iter()
                .filter(|s| writer.has_folder(&s.cluster.metadata.name))
                .cloned()
                .collect();
            &on_disk
        };
        let plans = render_plans(to_plan, &renderer, &options)?;
        for plan in &plans {
            if let Some(old) = baseline.folder(out_root, &plan.name)? {
                changes.extend(changes::classify(&old, plan));
            }
        }
        if one_batch {
            planned = plans;
        }
    }
    let orphans = orphan_folders(out_root, &loaded);
    let created: Vec<&str> = loaded
        .specs
        .iter()
        .map(|s| s.cluster.metadata.name.as_str())
        .filter(|name| !writer.has_folder(name))
        .collect();
    changes.extend(renamed_folders(&orphans, &created));
    let report = super::framed_report(&baseline, out_root, &changes);
    if !allow_destructive && let Some(next) = changes::refused_next_step(&changes) {
        return Err(Error::Destructive { report, next });
    }
    text.push_str(&report);
    let mut changed = false;
    let mut write = |plans: &[Plan]| -> Result<(), Error> {
        for outcome in writer.write(plans)? {
            changed |= !matches!(outcome, WriteOutcome::Unchanged(_));
            let (verb, dir) = match outcome {
                WriteOutcome::Created(d) => ("created", d),
                WriteOutcome::Updated(d) => ("updated", d),
                WriteOutcome::Unchanged(d) => ("unchanged", d),
            };
            text.push_str(&format!("{verb}: {}\n", dir.display()));
        }
        Ok(())
    };
    if one_batch {
        write(&planned)?;
    } else {
        for batch in loaded.specs.chunks(BATCH) {
            write(&render_plans(batch, &renderer, &options)?)?;
        }
    }
    for orphan in &orphans {
        text.push_str(&format!(
            "note: {}\n",
            crate::changes::orphan_advice(orphan)
        ));
    }
    Ok(Rendered {
        text,
        changed,
        orphans,
    })
}
