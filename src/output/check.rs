//! `check`: the rendered plan against what is on disk, as unified diffs.

use std::io::Write;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use super::OutputError;
use super::existing::read_tree;
use crate::render::Plan;

/// One difference between the plan and the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// Would be written but is not on disk.
    Missing { path: PathBuf },
    /// On disk but no longer generated (render would delete it).
    Extra { path: PathBuf },
    /// Differs; `diff` is a unified diff from disk to the rendered text.
    Changed { path: PathBuf, diff: String },
}

/// Compare one plan with `<out_root>/<name>/`.
pub fn compare(out_root: &Path, plan: &Plan) -> Result<Vec<Drift>, OutputError> {
    let dir = out_root.join(&plan.name);
    let on_disk = read_tree(&dir)?.unwrap_or_default();
    let mut drift = Vec::new();
    for (rel, content) in &plan.files {
        let path = dir.join(rel);
        match on_disk.get(rel) {
            None => drift.push(Drift::Missing { path }),
            Some(bytes) if bytes.as_slice() == content.as_bytes() => {}
            Some(bytes) => {
                let old = String::from_utf8_lossy(bytes);
                let shown = path.display().to_string();
                let diff = TextDiff::from_lines(old.as_ref(), content.as_str())
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("{shown} (on disk)"),
                        &format!("{shown} (rendered)"),
                    )
                    .to_string();
                drift.push(Drift::Changed { path, diff });
            }
        }
    }
    for rel in on_disk.keys().filter(|rel| !plan.files.contains_key(*rel)) {
        drift.push(Drift::Extra {
            path: dir.join(rel),
        });
    }
    Ok(drift)
}

/// Print drift for people: diffs first, then the file lists.
pub fn print_drift(out: &mut impl Write, drift: &[Drift]) -> std::io::Result<()> {
    for d in drift {
        if let Drift::Changed { diff, .. } = d {
            out.write_all(diff.as_bytes())?;
            if !diff.ends_with('\n') {
                writeln!(out)?;
            }
        }
    }
    for d in drift {
        match d {
            Drift::Missing { path } => {
                writeln!(out, "missing: {} (render would create it)", path.display())?
            }
            Drift::Extra { path } => writeln!(
                out,
                "extra: {} (no longer generated; render would remove it)",
                path.display()
            )?,
            Drift::Changed { .. } => {}
        }
    }
    Ok(())
}
