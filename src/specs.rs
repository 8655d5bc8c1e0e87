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
    /// `metadata.name` of every spec rendered into the output root, when
    /// this load saw all of them (a folder, or a file with its fleet):
    /// an output folder none of them renders is an orphan.
    pub fleet_names: Option<std::collections::BTreeSet<String>>,
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
    /// The folder of every spec that renders into the same output root
    /// (the repository's `kubernetes/specs`): its specs are checked with
    /// the ones at the path (pools, names, namespaces), and not returned.
    pub fleet: Option<PathBuf>,
}

/// Find every spec at `path` and validate each one and all together.
/// Every problem in every file is reported, not just the first.
pub fn load_specs(path: &Path) -> Result<Loaded, Error> {
    load_specs_with(path, &LoadOptions::default())
}

/// `load_specs` with overrides, confinement, a selection and a fleet.
///
/// The specs at `path` are checked against their fleet: the rules across
/// specs (pools, names, namespaces) see every spec that renders into the
/// same output root (`LoadOptions::fleet`), because the others are rendered
/// too, by another command or by ArgoCD; a spec file given alone without
/// a fleet is checked with the specs of its own folder. Only the specs at
/// `path` are returned; the others' own problems are counted, not shown.
pub(crate) fn load_specs_with(path: &Path, options: &LoadOptions) -> Result<Loaded, Error> {
    let named = path.is_file() && options.only.is_none();
    let fleet = options
        .fleet
        .clone()
        .filter(|folder| folder.is_dir() && !same_place(folder, path))
        .or_else(|| named.then(|| own_folder(path)));
    let own = if named {
        Vec::new()
    } else {
        load::find_candidates(path, &options.skip)?
    };
    let mut candidates = own.clone();
    if let Some(fleet) = &fleet {
        let known: Vec<PathBuf> = candidates
            .iter()
            .filter_map(|c| c.canonicalize().ok())
            .collect();
        for candidate in load::find_candidates(fleet, &options.skip)? {
            if !candidate
                .canonicalize()
                .is_ok_and(|real| known.contains(&real))
            {
                candidates.push(candidate);
            }
        }
    }
    if named {
        candidates = with_named_file(candidates, path);
    }
    let is_own = |display: &str| {
        if named {
            display == path.display().to_string()
        } else {
            own.iter().any(|c| c.display().to_string() == display)
        }
    };
    // Each candidate stays inside the source of the folder it was found in
    // (in git, both are the repository).
    let cwd = working_dir()?;
    let (own_found, fleet_found): (Vec<PathBuf>, Vec<PathBuf>) = candidates
        .iter()
        .cloned()
        .partition(|c| named && c.as_path() == path || own.contains(c));
    confine(&crate::repository::source_root(path, &cwd), &own_found)?;
    if let Some(fleet) = &fleet {
        confine(&crate::repository::source_root(fleet, &cwd), &fleet_found)?;
    }
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
    // Conflicts between the user's specs and the fleet's are said at the user's.
    let mine: Vec<&str> = specs
        .iter()
        .map(|s| s.source.display.as_str())
        .filter(|d| is_own(d))
        .collect();
    if let Err(diagnostics) = validate::check_together(&specs, &mine) {
        problems.extend(diagnostics.0);
    }
    let mut warnings: Vec<String> = Vec::new();
    // What the user asked about: its own problems and its side of
    // conflicts; the fleet's own problems are only counted.
    let (mine, elsewhere): (Vec<Diagnostic>, Vec<Diagnostic>) =
        problems.into_iter().partition(|d| is_own(&d.file));
    let elsewhere = Diagnostics::sorted(elsewhere).0.len();
    let fleet_shown = fleet
        .as_ref()
        .map(|f| f.display().to_string())
        .unwrap_or_default();
    if !mine.is_empty() {
        let diagnostics = Diagnostics::sorted(mine);
        return Err(if named || elsewhere > 0 {
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
    if elsewhere > 0 {
        warnings.push(others_note(elsewhere, &fleet_shown));
    }
    // A fleet with an invalid spec cannot say which folders are orphans.
    let whole = !named || options.fleet.as_ref().is_some_and(|f| f.is_dir());
    let fleet_names = (whole && elsewhere == 0).then(|| {
        specs
            .iter()
            .map(|spec| spec.cluster.metadata.name.clone())
            .collect()
    });
    specs.retain(|spec| is_own(&spec.source.display));
    if specs.is_empty() {
        return Err(Error::NoSpecs { path: shown });
    }
    if let Some(folder) = options.fleet.as_ref().filter(|f| f.is_dir()) {
        for spec in &specs {
            if !under(Path::new(&spec.source.display), folder) {
                warnings.push(format!(
                    "{} is outside {}, the folder of the specs rendered into the same output root: \
                     a whole-repository render, check or hook does not see it, and reads its output folder as an orphan",
                    spec.source.display,
                    folder.display()
                ));
            }
        }
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
        fleet_names,
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

/// The folder `file` is in.
fn own_folder(file: &Path) -> PathBuf {
    match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether two paths name the same file or folder.
fn same_place(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// Whether `path` lies in `folder`, symlinks resolved.
fn under(path: &Path, folder: &Path) -> bool {
    matches!((path.canonicalize(), folder.canonicalize()), (Ok(p), Ok(f)) if p.starts_with(&f))
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
