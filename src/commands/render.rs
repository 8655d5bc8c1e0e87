//! `render`: validate, say what each change does to the running cluster,
//! refuse what Kubernetes would refuse or what would lose data, then write
//! every spec's folder atomically.

use std::path::{Path, PathBuf};

use super::{BATCH, Console, EXIT_OK, orphan_folders, renamed_folders, warn};
use crate::error::Error;
use crate::judge::ValidSpec;
use crate::output::changes::{self, ClusterChange};
use crate::output::{self, WriteOutcome, Writer};
use crate::pipeline::{Loaded, Pipeline};
use crate::plan::Plan;

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
    // git reads the committed output while the specs load and plan.
    let pending = output::Baseline::start(out_root);
    let pipeline = Pipeline::writing(path, out_root)?;
    let loaded = pipeline.load()?;
    warn(console, &loaded.warnings);
    let (mut writer, mut notes) = Writer::open(out_root, force)?;
    let names = loaded
        .specs
        .iter()
        .map(|s| s.cluster.metadata.name.as_str());
    notes.extend(writer.preflight(names)?);
    let mut text: String = loaded
        .notes
        .iter()
        .chain(&notes)
        .map(|note| format!("note: {note}\n"))
        .collect();
    let Judged {
        planned,
        mut changes,
        baseline,
    } = judge_changes(&pipeline, &loaded, &writer, pending, out_root)?;
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
    let changed = match planned {
        Some(plans) => write(&mut writer, &plans, &mut text)?,
        None => {
            let mut changed = false;
            for batch in loaded.specs.chunks(BATCH) {
                changed |= write(&mut writer, &pipeline.plan(batch)?, &mut text)?;
            }
            changed
        }
    };
    for orphan in &orphans {
        text.push_str(&format!("note: {}\n", changes::orphan_advice(orphan)));
    }
    Ok(Rendered {
        text,
        changed,
        orphans,
    })
}

/// The plans (when the fleet is one batch), their changes, and what the
/// changes were judged against.
struct Judged {
    planned: Option<Vec<Plan>>,
    changes: Vec<ClusterChange>,
    baseline: output::Baseline,
}

/// What the new plans do to the folders on disk (judged against the
/// baseline `pending` gives), decided before any is written: a refusal leaves every folder as it was. A fleet of one batch
/// (nearly every repository) is planned once, and its plans returned to be
/// written; a larger one is planned again batch by batch for writing, so
/// that memory stays bounded.
fn judge_changes(
    pipeline: &Pipeline,
    loaded: &Loaded,
    writer: &Writer,
    pending: output::PendingBaseline,
    out_root: &Path,
) -> Result<Judged, Error> {
    let one_batch = loaded.specs.len() <= BATCH;
    let mut planned = None;
    let mut changes = Vec::new();
    let mut pending = Some(pending);
    let mut baseline = None;
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
        let plans = pipeline.plan(to_plan)?;
        // Waited for once the first plans are made, so that git ran meanwhile.
        let baseline = baseline.get_or_insert_with(|| {
            pending
                .take()
                .map_or(output::Baseline::Disk, output::PendingBaseline::wait)
        });
        for plan in &plans {
            if let Some(old) = baseline.folder(out_root, &plan.name)? {
                changes.extend(changes::classify(&old, plan));
            }
        }
        if one_batch {
            planned = Some(plans);
        }
    }
    let baseline = match baseline {
        Some(baseline) => baseline,
        None => pending.map_or(output::Baseline::Disk, output::PendingBaseline::wait),
    };
    Ok(Judged {
        planned,
        changes,
        baseline,
    })
}

/// Write `plans`, one line each into `text`; whether any folder changed.
fn write(writer: &mut Writer, plans: &[Plan], text: &mut String) -> Result<bool, Error> {
    let mut changed = false;
    for outcome in writer.write(plans)? {
        changed |= !matches!(outcome, WriteOutcome::Unchanged(_));
        let (verb, dir) = match outcome {
            WriteOutcome::Created(d) => ("created", d),
            WriteOutcome::Updated(d) => ("updated", d),
            WriteOutcome::Unchanged(d) => ("unchanged", d),
        };
        text.push_str(&format!("{verb}: {}\n", dir.display()));
    }
    Ok(changed)
}
