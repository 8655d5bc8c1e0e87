//! `hook`, what the pre-commit hooks run: render, then fail (exit 1) when
//! the render changed a file, when output on disk is not staged, or when a
//! generated folder has lost its spec (`check` fails on it in CI).

use std::path::Path;

use super::render::{Rendered, render_and_report};
use super::{Console, EXIT_DRIFT, EXIT_OK};
use crate::error::Error;

/// What the pre-commit hooks run: render, then fail (exit 1) when the
/// render changed a file or when output on disk is not staged, so that a
/// commit never goes in without the manifests of its specs.
pub(crate) fn hook(console: &mut dyn Console, path: &Path, out_root: &Path) -> Result<u8, Error> {
    let Rendered {
        text,
        changed,
        orphans,
    } = render_and_report(console, path, out_root, false, false)?;
    console.out(&text)?;
    let unstaged = if out_root.exists() {
        crate::read::git::unstaged_paths(out_root).map_err(|why| Error::Git { why })?
    } else {
        Vec::new()
    };
    if !changed && unstaged.is_empty() && orphans.is_empty() {
        return Ok(EXIT_OK);
    }
    let mut message = String::new();
    // `check` fails on these in CI: the commit must not go in with them,
    // and `git add` does not fix them.
    for orphan in &orphans {
        message.push_str(&format!(
            "pgrender: {}\n",
            crate::output::changes::orphan_advice(orphan)
        ));
    }
    if changed {
        message.push_str("pgrender: the render above changed the output; review it.\n");
    }
    if !unstaged.is_empty() {
        message.push_str("pgrender: output files that this commit would not carry as they are:\n");
        for path in unstaged.iter().take(20) {
            message.push_str(&format!("  {path}\n"));
        }
        if unstaged.len() > 20 {
            message.push_str(&format!("  ... and {} more\n", unstaged.len() - 20));
        }
    }
    if changed || !unstaged.is_empty() {
        message.push_str(&format!(
            "pgrender: run `git add {}` and commit again\n",
            out_root.display()
        ));
    }
    console.err(&message);
    Ok(EXIT_DRIFT)
}
