//! `check`, for CI: render in memory, compare with the folders on disk,
//! say what each change would do, print the diff; exit 1 on drift.

use std::path::Path;

use super::{BATCH, Console, EXIT_DRIFT, EXIT_OK, orphan_folders, renamed_folders, warn};
use crate::error::Error;
use crate::output;
use crate::output::changes;
use crate::pipeline::Pipeline;

pub(crate) fn check(console: &mut dyn Console, path: &Path, out_root: &Path) -> Result<u8, Error> {
    let pipeline = Pipeline::writing(path, out_root)?;
    let loaded = pipeline.load()?;
    warn(console, &loaded.warnings);
    let leftovers: Vec<String> = output::leftovers(out_root)
        .iter()
        .map(|l| format!("{} was left by an interrupted render; the next render removes it (or says why it cannot)", l.display()))
        .collect();
    warn(console, &leftovers);
    let mut drift = Vec::new();
    // Folders that differ from the specs, for the note on uncommitted renders.
    let mut drifted: Vec<String> = Vec::new();
    let mut changes = Vec::new();
    let mut created = Vec::new();
    // What render would refuse to replace: the advice must name it first.
    let mut refusals = Vec::new();
    let baseline = output::Baseline::for_out_root(out_root)?;
    for batch in loaded.specs.chunks(BATCH) {
        for plan in &pipeline.plan(batch)? {
            let on_disk = output::read_folder(out_root, &plan.name)?;
            let before = drift.len();
            drift.extend(output::compare(out_root, plan, on_disk.as_ref()));
            if drift.len() > before {
                drifted.push(plan.name.clone());
            }
            match &on_disk {
                Some(old) => {
                    refusals.extend(output::render_would_refuse(&out_root.join(&plan.name), old))
                }
                None => created.push(plan.name.clone()),
            }
            if let Some(old) = baseline.folder(out_root, &plan.name)? {
                changes.extend(changes::classify(&old, plan));
            }
        }
    }
    // Only a check that saw the whole fleet can see folders whose spec is gone.
    let orphans = orphan_folders(out_root, &loaded);
    let created: Vec<&str> = created.iter().map(String::as_str).collect();
    changes.extend(renamed_folders(&orphans, &created));
    drift.extend(
        orphans
            .into_iter()
            .map(|path| output::Drift::Orphan { path }),
    );
    if drift.is_empty() {
        console.out(&format!(
            "ok: {} spec(s) match {}\n",
            loaded.specs.len(),
            out_root.display()
        ))?;
        return Ok(EXIT_OK);
    }
    // What the drift would do to the cluster, above the diff itself.
    let mut buffer = super::framed_report(&baseline, out_root, &changes).into_bytes();
    output::print_drift(&mut buffer, &drift).expect("writing to memory cannot fail");
    console.out(&String::from_utf8_lossy(&buffer))?;
    // A folder rendered but not committed: the way back is git's.
    let reported: Vec<&str> = changes.iter().map(|c| c.name.as_str()).collect();
    let unexplained: Vec<&str> = drifted
        .iter()
        .map(String::as_str)
        .filter(|name| !reported.contains(name))
        .collect();
    let mut advice = String::new();
    for note in baseline.uncommitted(out_root, &unexplained) {
        advice.push_str(&format!("note: {note}\n"));
    }
    advice.push_str(&drift_advice(
        refusals,
        &drift,
        changes::refused_next_step(&changes),
    ));
    console.err(&advice);
    Ok(EXIT_DRIFT)
}

/// What fixes the drift `check` found: the plain render, or first what
/// stops it (`refusals`: folders render would refuse; orphans it never deletes).
fn drift_advice(
    refusals: Vec<String>,
    drift: &[output::Drift],
    refused_next_step: Option<&str>,
) -> String {
    let mut first = refusals;
    for d in drift {
        if let output::Drift::Orphan { path } = d {
            first.push(changes::orphan_advice(path));
        }
    }
    // The last step: what `render` would do with this tree. Changes it
    // refuses are written by the step their own list names, as `render`
    // itself says when it refuses them.
    let last = refused_next_step.unwrap_or("run `pgrender render` and commit the result");
    let mut text = format!("drift: {} file(s) differ from the specs; ", drift.len());
    if first.is_empty() {
        text.push_str(&format!("{last}\n"));
    } else {
        text.push_str("first fix what `pgrender render` cannot:\n");
        for item in &first {
            text.push_str(&format!("  - {item}\n"));
        }
        text.push_str(&format!("then {last}\n"));
    }
    text
}
