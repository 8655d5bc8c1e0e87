//! The steps every command shares: find and validate specs, render plans.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{self, FindError};
use crate::output::OutputError;
use crate::overrides::{self, Override};
use crate::render::{Plan, RenderOptions, Renderer, render_spec};
use crate::validate::{self, ValidSpec};

/// Everything that stops a command. Every variant maps to exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more specs are invalid; each diagnostic names file:line:column.
    #[error("{0}")]
    Invalid(Diagnostics),
    #[error(
        "{path}: no pgrender spec found (a spec is a YAML file with `apiVersion: pgrender.dev/v1alpha1` and `kind: PostgresCluster`)"
    )]
    NoSpecs { path: String },
    #[error(transparent)]
    Find(#[from] FindError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("{0}")]
    Usage(String),
    /// A template failed on a validated spec: a bug in pgrender.
    #[error("internal error while rendering {name} (please report it): {source:#}")]
    Render {
        name: String,
        source: minijinja::Error,
    },
}

/// Validated specs and the warnings they raised (deduplicated).
#[derive(Debug)]
pub struct Loaded {
    pub specs: Vec<ValidSpec>,
    pub warnings: Vec<String>,
}

/// How specs are loaded beyond the defaults (the ArgoCD plugin uses these).
#[derive(Debug, Default, Clone)]
pub struct LoadOptions {
    /// Values set into every spec before validation.
    pub overrides: Vec<Override>,
    /// Every spec file must resolve (symlinks followed) inside this folder.
    pub confine_to: Option<PathBuf>,
    /// Only these spec files (relative to the search path), if set.
    pub only: Option<Vec<PathBuf>>,
}

/// Find every spec at `path` and validate each one and all together.
/// Every problem in every file is reported, not just the first.
pub fn load_specs(path: &Path) -> Result<Loaded, Error> {
    load_specs_with(path, &LoadOptions::default())
}

/// `load_specs` with overrides, confinement and a selection.
pub fn load_specs_with(path: &Path, options: &LoadOptions) -> Result<Loaded, Error> {
    let mut candidates = load::find_candidates(path)?;
    if let Some(root) = &options.confine_to {
        confine(root, &candidates)?;
    }
    if let Some(only) = &options.only {
        candidates = select(path, &candidates, only)?;
    }
    // A file named by the user (or by the plugin's selection) must be a spec.
    let explicit = path.is_file() || options.only.is_some();
    // Reading and validating each file is independent: use every core.
    let results = crate::parallel::map(
        &candidates,
        |candidate| -> Result<Option<ValidSpec>, Vec<Diagnostic>> {
            match load::load_candidate(candidate, explicit) {
                Ok(Some(mut file)) => {
                    overrides::apply(&mut file.document.value, &options.overrides);
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
    if let Err(diagnostics) = validate::check_together(&specs) {
        problems.extend(diagnostics.0);
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(Diagnostics::sorted(problems)));
    }
    if specs.is_empty() {
        return Err(Error::NoSpecs {
            path: path.display().to_string(),
        });
    }
    let mut warnings: Vec<String> = Vec::new();
    for spec in &specs {
        for warning in crate::backend::for_cluster(&spec.cluster).warnings(&spec.cluster) {
            if !warnings.contains(&warning) {
                warnings.push(warning);
            }
        }
    }
    Ok(Loaded { specs, warnings })
}

/// Refuse any candidate that resolves outside `root` (a symlink out of the
/// source directory, in ArgoCD a path out of the repository checkout).
fn confine(root: &Path, candidates: &[PathBuf]) -> Result<(), Error> {
    let root = root
        .canonicalize()
        .map_err(|e| Error::Usage(format!("{}: {e}", root.display())))?;
    for candidate in candidates {
        let real = candidate
            .canonicalize()
            .map_err(|e| Error::Usage(format!("{}: {e}", candidate.display())))?;
        if !real.starts_with(&root) {
            return Err(Error::Usage(format!(
                "{}: resolves outside the source directory; specs and symlinks must stay inside it",
                candidate.display()
            )));
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
                return Err(Error::Usage(format!(
                    "spec `{}` was asked for but is not a YAML file under {}",
                    want.display(),
                    base.display()
                )));
            }
        }
    }
    Ok(chosen)
}

/// Settings of the run that some specs cannot work with; checked before
/// anything is written.
pub fn check_options(specs: &[ValidSpec], options: &RenderOptions) -> Result<(), Error> {
    let repo_relative =
        !options.out_root.starts_with('/') && !options.out_root.split('/').any(|p| p == "..");
    match specs
        .iter()
        .find(|s| s.cluster.spec.argocd.git_repo_url.is_some())
    {
        Some(spec) if !repo_relative => Err(Error::Usage(format!(
            "{}: spec.argocd.gitRepoURL makes the Application read values/values.yaml from git, \
             so --out-root must be a path inside the repository (relative, without `..`), not `{}`",
            spec.source.display, options.out_root
        ))),
        _ => Ok(()),
    }
}

/// Render every spec into its plan, on every core.
pub fn render_plans(specs: &[ValidSpec], options: &RenderOptions) -> Result<Vec<Plan>, Error> {
    check_options(specs, options)?;
    // One spec uses each template once: compile it for that use and free it
    // (`Renderer::single_use`). Not when an earlier batch of a fleet (the
    // last one can hold a single spec) has compiled them all already.
    let single_use;
    let renderer = match (specs, SHARED_RENDERER.get()) {
        ([_], None) => {
            single_use = Renderer::single_use();
            &single_use
        }
        _ => SHARED_RENDERER.get_or_init(Renderer::new),
    };
    crate::parallel::map(specs, |spec| {
        render_spec(spec, renderer, options).map_err(|source| Error::Render {
            name: spec.cluster.metadata.name.clone(),
            source,
        })
    })
    .into_iter()
    .collect()
}

/// The template environment for many specs, built on first use and shared
/// by every thread and batch.
static SHARED_RENDERER: std::sync::OnceLock<Renderer> = std::sync::OnceLock::new();
