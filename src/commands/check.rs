//! `check`, for CI: render in memory, compare with the folders on disk,
//! say what each change would do, print the diff; exit 1 on drift.

use std::path::Path;

use super::{
    BATCH, Console, EXIT_DRIFT, EXIT_OK, load_specs_beside, options_for, renamed_folders,
    spec_names, warn,
};
use crate::changes;
use crate::error::Error;
use crate::output;
use crate::render::{check_options, render_plans, renderer};

pub(crate) fn check(console: &mut dyn Console, path: &Path, out_root: &Path) -> Result<u8, Error> {
    let loaded = load_specs_beside(path, out_root)?;
    warn(console, &loaded.warnings);
    let options = options_for(out_root)?;
    check_options(&loaded.specs, &options)?;
    let mut drift = Vec::new();
    let mut changes = Vec::new();
    let mut created = Vec::new();
    // What render would refuse to replace: the advice must name it first.
    let mut refusals = Vec::new();
    let renderer = renderer();
    for batch in loaded.specs.chunks(BATCH) {
        for plan in &render_plans(batch, &renderer, &options)? {
            let on_disk = output::read_folder(out_root, &plan.name)?;
            drift.extend(output::compare(out_root, plan, on_disk.as_ref()));
            match on_disk {
                Some(old) => {
                    refusals.extend(output::render_would_refuse(
                        &out_root.join(&plan.name),
                        &old,
                    ));
                    changes.extend(changes::classify(&old, plan));
                }
                None => created.push(plan.name.clone()),
            }
        }
    }
    // Only a whole-folder check can see folders whose spec is gone.
    if path.is_dir() {
        drift.extend(output::orphans(out_root, &spec_names(&loaded.specs)));
        let created: Vec<&str> = created.iter().map(String::as_str).collect();
        changes.extend(renamed_folders(out_root, &loaded.specs, &created));
    }
    if drift.is_empty() {
        console.out(&format!(
            "ok: {} spec(s) match {}\n",
            loaded.specs.len(),
            out_root.display()
        ))?;
        return Ok(EXIT_OK);
    }
    // What the drift would do to the cluster, above the diff itself.
    let mut buffer = changes::report(&changes, true).into_bytes();
    output::print_drift(&mut buffer, &drift).expect("writing to memory cannot fail");
    console.out(&String::from_utf8_lossy(&buffer))?;
    console.err(&drift_advice(
        refusals,
        &drift,
        changes::refused_next_step(&changes),
    ));
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
            first.push(format!(
                "{}: no spec renders it any more and render never deletes a whole folder; delete it (git rm -r {})",
                path.display(),
                path.display()
            ));
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
