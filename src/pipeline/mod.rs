//! The one pipeline every command runs: find the specs (`find`), read and
//! validate each one and all of them together (`verdict`), hold the run's
//! settings against them (`run_checks`), then plan each one's folder.
//! `render`, `check`, `hook`, `validate`, `init`, `migrate-guide` and the
//! plugin's `generate` each build a [`Pipeline`] and go through the same
//! steps, so they reach the same verdict on the same tree
//! (tests/integration/verdicts.rs). Every problem in every file is
//! reported, not just the first.

mod find;
mod run_checks;
mod verdict;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub(crate) use verdict::others_note;

use crate::backend::kit::run_options::RenderOptions;
use crate::backend::kit::templates::Renderer;
use crate::error::Error;
use crate::judge::ValidSpec;
use crate::judge::overrides::Override;
use crate::plan::Plan;
use crate::read::repository::{DEFAULT_OUT_ROOT, DEFAULT_SPEC_PATH};

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

/// How specs are loaded beyond the defaults.
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

/// One run: which specs, how they are loaded, and the output settings
/// they are held against and planned for.
pub(crate) struct Pipeline {
    path: PathBuf,
    load: LoadOptions,
    run: RenderOptions,
    /// Whether `load` holds the output settings against the specs (not for
    /// specs read alone, which render nowhere in particular).
    check_run: bool,
    renderer: OnceLock<Renderer>,
}

impl Pipeline {
    fn new(path: &Path, load: LoadOptions, run: RenderOptions, check_run: bool) -> Pipeline {
        Pipeline {
            path: path.to_path_buf(),
            load,
            run,
            check_run,
            renderer: OnceLock::new(),
        }
    }

    /// The specs at `path`, alone (a file is checked with its own folder):
    /// what the library's `load_specs` reads.
    pub(crate) fn alone(path: &Path) -> Pipeline {
        Pipeline::new(
            path,
            LoadOptions::default(),
            RenderOptions::default(),
            false,
        )
    }

    /// `validate`, `init` and `migrate-guide`: the specs at `path`, checked
    /// with every spec rendered into the repository's output root, as
    /// `render` would render them there.
    pub(crate) fn validating(path: &Path) -> Result<Pipeline, Error> {
        let cwd = working_dir()?;
        let out_root = crate::read::repository::layout_path(&cwd, DEFAULT_OUT_ROOT);
        let load = LoadOptions {
            fleet: fleet_for(None)?,
            ..LoadOptions::default()
        };
        Ok(Pipeline::new(path, load, run_options(&out_root)?, true))
    }

    /// `render`, `check` and `hook`: the specs at `path`, never searched
    /// for inside `out_root`, checked with every spec rendered into it,
    /// planned for it.
    pub(crate) fn writing(path: &Path, out_root: &Path) -> Result<Pipeline, Error> {
        let load = LoadOptions {
            skip: vec![out_root.to_path_buf()],
            fleet: fleet_for(Some(out_root))?,
            ..LoadOptions::default()
        };
        Ok(Pipeline::new(path, load, run_options(out_root)?, true))
    }

    /// `generate`: the ArgoCD plugin renders its source directory whole,
    /// with the values of its parameters, as one stream of manifests.
    pub(crate) fn plugin(
        path: &Path,
        overrides: Vec<Override>,
        only: Option<Vec<PathBuf>>,
    ) -> Pipeline {
        let load = LoadOptions {
            overrides,
            only,
            ..LoadOptions::default()
        };
        let run = RenderOptions {
            plugin_stream: true,
            ..RenderOptions::default()
        };
        Pipeline::new(path, load, run, true)
    }

    /// Find, read and validate the specs; for a run that plans, hold its
    /// settings against them too (their warnings join the specs').
    ///
    /// The specs at the path are checked against their fleet: the rules
    /// across specs (pools, names, namespaces) see every spec that renders
    /// into the same output root, because the others are rendered too, by
    /// another command or by ArgoCD; a spec file given alone without a
    /// fleet is checked with the specs of its own folder. Only the specs at
    /// the path are returned; the others' own problems are counted, not shown.
    pub(crate) fn load(&self) -> Result<Loaded, Error> {
        let candidates = find::Candidates::find(&self.path, &self.load)?;
        let (specs, problems) = verdict::read_and_validate(&candidates, &self.path, &self.load);
        let mut loaded = verdict::verdict(&candidates, &self.path, &self.load, specs, problems)?;
        if self.check_run {
            let warnings = run_checks::check_run(&loaded.specs, &self.run)?;
            loaded.warnings.extend(warnings);
        }
        Ok(loaded)
    }

    /// Each spec's folder as a plan, on every core.
    pub(crate) fn plan(&self, specs: &[ValidSpec]) -> Result<Vec<Plan>, Error> {
        let run = &self.run;
        let renderer = self.renderer.get_or_init(crate::plan::folder::renderer);
        crate::read::parallel::map(specs, |spec| {
            crate::plan::folder::render_spec(spec, renderer, run).map_err(|source| Error::Render {
                name: spec.cluster.metadata.name.clone(),
                source,
            })
        })
        .into_iter()
        .collect()
    }
}

/// Find every spec at `path` and validate each one and all together.
/// Every problem in every file is reported, not just the first.
pub fn load_specs(path: &Path) -> Result<Loaded, Error> {
    Pipeline::alone(path).load()
}

/// The folder pgrender runs in, for the rules that resolve paths from it.
pub(crate) fn working_dir() -> Result<PathBuf, Error> {
    std::env::current_dir().map_err(|source| Error::Io {
        path: "the working directory".into(),
        source,
    })
}

/// The run's settings, with the output root named as its repository names
/// it (`repository::locate`), whichever folder pgrender runs from.
fn run_options(out_root: &Path) -> Result<RenderOptions, Error> {
    let location = crate::read::repository::locate(out_root, &working_dir()?);
    Ok(RenderOptions {
        out_root: location.relative,
        in_repository: location.in_repository,
        repository_root: location.root,
        ..RenderOptions::default()
    })
}

/// The folder of the specs that render into `out_root` (`None`: the
/// repository's default output root): the repository's `kubernetes/specs`
/// when `out_root` is its `kubernetes/applications`. Another output root
/// has no known fleet beyond the path given.
fn fleet_for(out_root: Option<&Path>) -> Result<Option<PathBuf>, Error> {
    let cwd = working_dir()?;
    let default_out = crate::read::repository::layout_path(&cwd, DEFAULT_OUT_ROOT);
    let shared =
        out_root.is_none_or(|out| crate::read::repository::same_path(&cwd, out, &default_out));
    Ok(shared.then(|| crate::read::repository::layout_path(&cwd, DEFAULT_SPEC_PATH)))
}
