//! The first phase of every command: find the specs under a path, set the
//! values that come from outside the files, validate each spec and all of
//! them together. Every problem in every file is reported, not just the first.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::load;
use crate::overrides::{self, Override};
use crate::validate::{self, ValidSpec};

/// Where specs are looked for when no PATH is given.
pub(crate) const DEFAULT_SPEC_PATH: &str = "kubernetes/specs";

/// Validated specs and the warnings they raised (deduplicated).
#[derive(Debug)]
pub struct Loaded {
    pub specs: Vec<ValidSpec>,
    pub warnings: Vec<String>,
    /// Warnings the specs acknowledged; only `render` says them.
    pub notes: Vec<String>,
}

/// How specs are loaded beyond the defaults (the ArgoCD plugin uses these).
#[derive(Debug, Default, Clone)]
pub(crate) struct LoadOptions {
    /// Values set into every spec before validation.
    pub overrides: Vec<Override>,
    /// Only these spec files (relative to the search path), if set.
    pub only: Option<Vec<PathBuf>>,
    /// Folders never searched for specs (the output root).
    pub skip: Vec<PathBuf>,
}

/// Find every spec at `path` and validate each one and all together.
/// Every problem in every file is reported, not just the first.
pub fn load_specs(path: &Path) -> Result<Loaded, Error> {
    load_specs_with(path, &LoadOptions::default())
}

/// `load_specs` with overrides, confinement and a selection.
///
/// A spec file given alone is still checked against its fleet: the rules
/// across specs (pools, names, namespaces) see every spec under the spec
/// root holding it (`spec_root`), because the others are rendered too, by
/// another command or by ArgoCD. Only that file's spec is returned.
pub(crate) fn load_specs_with(path: &Path, options: &LoadOptions) -> Result<Loaded, Error> {
    let named = path.is_file() && options.only.is_none();
    let root = if named {
        spec_root(path)
    } else {
        path.to_path_buf()
    };
    let mut candidates = load::find_candidates(&root, &options.skip)?;
    if named {
        candidates = with_named_file(candidates, path);
    }
    confine(
        &crate::repository::source_root(path, &working_dir()?),
        &candidates,
    )?;
    if let Some(only) = &options.only {
        candidates = select(path, &candidates, only)?;
    }
    // A file named by the user (or by the plugin's selection) must be a spec;
    // inside a folder, YAML that is clearly something else is skipped.
    let explicit = |candidate: &Path| options.only.is_some() || (named && candidate == path);
    // Reading and validating each file is independent: use every core.
    let results = crate::parallel::map(
        &candidates,
        |candidate| -> Result<Option<ValidSpec>, Vec<Diagnostic>> {
            match load::load_candidate(candidate, explicit(candidate)) {
                Ok(Some(mut file)) => {
                    let fitting = overrides::fitting(&file.document.value, &options.overrides);
                    overrides::apply(&mut file.document.value, &fitting);
                    validate::check_file(&file)
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
    let shown = path.display().to_string();
    if let Err(diagnostics) = validate::check_together(&specs, named.then_some(shown.as_str())) {
        problems.extend(diagnostics.0);
    }
    let mut warnings: Vec<String> = Vec::new();
    if named {
        // The user asked about one file: its own problems and its side of
        // conflicts (reported at it); the neighbours' own, only counted.
        let (mine, elsewhere): (Vec<Diagnostic>, Vec<Diagnostic>) =
            problems.into_iter().partition(|d| d.file == shown);
        let root = root.display().to_string();
        let elsewhere = Diagnostics::sorted(elsewhere).0.len();
        if !mine.is_empty() {
            return Err(Error::InvalidFile {
                file: shown,
                diagnostics: Diagnostics::sorted(mine),
                elsewhere,
                root,
            });
        }
        if elsewhere > 0 {
            warnings.push(others_note(elsewhere, &root));
        }
    } else if !problems.is_empty() {
        return Err(Error::Invalid(Diagnostics::sorted(problems)));
    }
    if named {
        specs.retain(|spec| spec.source.display == shown);
    }
    if specs.is_empty() {
        return Err(Error::NoSpecs { path: shown });
    }
    let mut notes: Vec<String> = Vec::new();
    for spec in &specs {
        for warning in spec.backend.warnings(&spec.cluster) {
            if !warnings.contains(&warning) {
                warnings.push(warning);
            }
        }
        for note in spec.backend.notes(&spec.cluster) {
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    Ok(Loaded {
        specs,
        warnings,
        notes,
    })
}

/// The folder pgrender runs in, for the rules that resolve paths from it.
pub(crate) fn working_dir() -> Result<PathBuf, Error> {
    std::env::current_dir().map_err(|source| Error::Io {
        path: "the working directory".into(),
        source,
    })
}

/// What a named file's run says of the problems of its neighbours.
pub(crate) fn others_note(count: usize, root: &str) -> String {
    format!(
        "{count} other problem(s) in the specs beside it, not shown; `pgrender validate {root}` lists them"
    )
}

/// The folder whose specs are rendered together with `file`: the default
/// spec folder when `file` is inside it, else the folder `file` is in.
fn spec_root(file: &Path) -> PathBuf {
    let default = Path::new(DEFAULT_SPEC_PATH);
    if let (Ok(real), Ok(folder)) = (file.canonicalize(), default.canonicalize())
        && real.starts_with(&folder)
    {
        return default.to_path_buf();
    }
    match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The candidates of the spec root, with the user's file under the name
/// the user gave it (messages then show the path as typed), and present
/// even when its name does not end in `.yaml`.
fn with_named_file(candidates: Vec<PathBuf>, file: &Path) -> Vec<PathBuf> {
    let real = file.canonicalize().ok();
    let mut out: Vec<PathBuf> = candidates
        .into_iter()
        .filter(|c| c.canonicalize().ok() != real)
        .collect();
    out.push(file.to_path_buf());
    out
}

/// Refuse any candidate that resolves outside `root` (a symlink out of the
/// source directory, in ArgoCD a path out of the repository checkout).
fn confine(root: &Path, candidates: &[PathBuf]) -> Result<(), Error> {
    let resolve = |path: &Path| {
        path.canonicalize().map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })
    };
    let root = resolve(root)?;
    for candidate in candidates {
        if !resolve(candidate)?.starts_with(&root) {
            return Err(Error::OutsideSource {
                path: candidate.display().to_string(),
                root: root.display().to_string(),
            });
        }
    }
    Ok(())
}

/// Keep the candidates named in `only` (paths relative to `base`); each
/// name must match one.
fn select(base: &Path, candidates: &[PathBuf], only: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut chosen = Vec::new();
    for want in only {
        let normal: PathBuf = want
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        let found = candidates.iter().find(|c| {
            c.strip_prefix(base)
                .map(|rel| rel == normal)
                .unwrap_or(false)
        });
        match found {
            Some(path) if !chosen.contains(path) => chosen.push(path.clone()),
            Some(_) => {}
            None => {
                return Err(Error::SelectedSpecMissing {
                    spec: want.display().to_string(),
                    base: base.display().to_string(),
                });
            }
        }
    }
    Ok(chosen)
}
