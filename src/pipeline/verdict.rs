//! Reading and validating the candidates, and the verdict on them: the
//! user's specs when every one is valid, else every problem of theirs (the
//! fleet's own problems are counted, not shown).

use std::path::Path;

use super::find::Candidates;
use super::{LoadOptions, Loaded};
use crate::error::Error;
use crate::judge::overrides;
use crate::judge::{self, ValidSpec};
use crate::read::diagnostic::{Diagnostic, Diagnostics};
use crate::read::load;

/// Read and validate every candidate, each on its own (on every core), then
/// all of them together; the valid specs and every problem found.
pub(super) fn read_and_validate(
    candidates: &Candidates,
    path: &Path,
    options: &LoadOptions,
) -> (Vec<ValidSpec>, Vec<Diagnostic>) {
    // A file named by the user (or by the plugin's selection) must be a spec;
    // inside a folder, YAML that is clearly something else is skipped.
    let explicit =
        |candidate: &Path| options.only.is_some() || (candidates.named && candidate == path);
    let results = crate::read::parallel::map(
        &candidates.files,
        |candidate| -> Result<Option<ValidSpec>, Vec<Diagnostic>> {
            match load::load_candidate(candidate, explicit(candidate)) {
                Ok(Some(mut file)) => {
                    let fitting = overrides::fitting(&file.document.value, &options.overrides);
                    overrides::apply(&mut file.document.value, &fitting);
                    judge::check_file(&file)
                        .map(Some)
                        .map_err(|mut diagnostics| {
                            overrides::mask(&mut diagnostics.0, &options.overrides);
                            diagnostics.0
                        })
                }
                Ok(None) => Ok(None),
                Err(diagnostic) => Err(vec![diagnostic]),
            }
        },
    );
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut specs = Vec::new();
    for result in results {
        match result {
            Ok(Some(valid)) => specs.push(valid),
            Ok(None) => {}
            Err(diagnostics) => problems.extend(diagnostics),
        }
    }
    // Conflicts between the user's specs and the fleet's are said at the user's.
    let mine: Vec<&str> = specs
        .iter()
        .map(|s| s.source.display.as_str())
        .filter(|d| candidates.is_own(d))
        .collect();
    if let Err(diagnostics) = judge::check_together(&specs, &mine) {
        problems.extend(diagnostics.0);
    }
    (specs, problems)
}

/// What the user asked about: its own problems and its side of conflicts
/// stop the load; otherwise its specs, with the warnings they raise.
pub(super) fn verdict(
    candidates: &Candidates,
    path: &Path,
    options: &LoadOptions,
    mut specs: Vec<ValidSpec>,
    problems: Vec<Diagnostic>,
) -> Result<Loaded, Error> {
    let shown = path.display().to_string();
    let (mine, elsewhere): (Vec<Diagnostic>, Vec<Diagnostic>) = problems
        .into_iter()
        .partition(|d| candidates.is_own(&d.file));
    let elsewhere = Diagnostics::sorted(elsewhere).0.len();
    let fleet_shown = candidates
        .fleet
        .as_ref()
        .map(|f| f.display().to_string())
        .unwrap_or_default();
    if !mine.is_empty() {
        let diagnostics = Diagnostics::sorted(mine);
        return Err(if candidates.named || elsewhere > 0 {
            Error::InvalidFile {
                file: shown,
                diagnostics,
                elsewhere,
                root: fleet_shown,
            }
        } else {
            Error::Invalid(diagnostics)
        });
    }
    let mut warnings: Vec<String> = Vec::new();
    if elsewhere > 0 {
        warnings.push(others_note(elsewhere, &fleet_shown));
    }
    // A fleet with an invalid spec cannot say which folders are orphans.
    let whole = !candidates.named || options.fleet.as_ref().is_some_and(|f| f.is_dir());
    let fleet_names = (whole && elsewhere == 0).then(|| {
        specs
            .iter()
            .map(|spec| spec.cluster.metadata.name.clone())
            .collect()
    });
    specs.retain(|spec| candidates.is_own(&spec.source.display));
    if specs.is_empty() {
        return Err(Error::NoSpecs { path: shown });
    }
    if let Some(folder) = options.fleet.as_ref().filter(|f| f.is_dir()) {
        warnings.extend(outside_fleet(&specs, folder));
    }
    let mut notes: Vec<String> = Vec::new();
    for spec in &specs {
        add_new(&mut warnings, spec.backend.warnings(&spec.cluster));
        add_new(&mut notes, spec.backend.notes(&spec.cluster));
    }
    Ok(Loaded {
        specs,
        warnings,
        notes,
        fleet_names,
    })
}

/// What a named file's run says of the problems of its neighbours.
pub(crate) fn others_note(count: usize, root: &str) -> String {
    format!(
        "{count} other problem(s) in the specs beside it, not shown; `pgrender validate {root}` lists them"
    )
}

/// Specs given outside the fleet's folder: the runs over the whole
/// repository do not see them.
fn outside_fleet(specs: &[ValidSpec], folder: &Path) -> Vec<String> {
    specs
        .iter()
        .filter(|spec| !under(Path::new(&spec.source.display), folder))
        .map(|spec| {
            format!(
                "{} is outside {}, the folder of the specs rendered into the same output root: \
                 a whole-repository render, check or hook does not see it, and reads its output folder as an orphan",
                spec.source.display,
                folder.display()
            )
        })
        .collect()
}

/// Whether `path` lies in `folder`, symlinks resolved.
fn under(path: &Path, folder: &Path) -> bool {
    matches!((path.canonicalize(), folder.canonicalize()), (Ok(p), Ok(f)) if p.starts_with(&f))
}

/// Append the texts `list` does not hold yet.
fn add_new(list: &mut Vec<String>, texts: Vec<String>) {
    for text in texts {
        if !list.contains(&text) {
            list.push(text);
        }
    }
}
