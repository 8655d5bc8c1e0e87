//! The command line: argument parsing and the commands' console output.
//! Exit codes: 0 ok, 1 drift found by `check`, 2 any error.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::changes;
use crate::error::Error;
use crate::footprint::Impact;
use crate::output::{self, WriteOutcome};
use crate::plan::{DEFAULT_OUT_ROOT, RenderOptions};
use crate::render::{check_options, render_plans, renderer};
use crate::specs::{DEFAULT_SPEC_PATH, load_specs};
use crate::validate::ValidSpec;

pub const EXIT_OK: u8 = 0;
pub const EXIT_DRIFT: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "pgrender",
    version,
    about = "Render a PostgresCluster spec into the GitOps manifests of a PostgreSQL HA service (ArgoCD, Helm, MetalLB, backups)",
    // One help text for -h and --help: no long_about, everything else after it.
    after_help = "pgrender is offline and deterministic: the same spec gives the same bytes on every machine. \
        Specs live in kubernetes/specs/, output in kubernetes/applications/<metadata.name>/.\n\n\
        Exit codes: 0 ok, 1 drift found by `check`, 2 any error.\n\n\
        Examples:\n  pgrender init orders            start a new cluster spec in kubernetes/specs\n  \
        pgrender render                 render kubernetes/specs into kubernetes/applications\n  \
        pgrender check                  fail (exit 1) if the committed output is stale\n  \
        pgrender validate my-spec.yaml  report every problem in a spec"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate specs and write each one's output folder atomically.
    #[command(
        after_help = "Each spec renders into <out-root>/<metadata.name>/. A folder is replaced as a whole or not \
        at all; files an earlier render made and this one does not are removed. pgrender refuses to touch a folder \
        holding files it did not generate (not listed in its CHECKSUMS), and files edited by hand unless --force.\n\n\
        Examples:\n  pgrender render\n  pgrender render kubernetes/specs/postgresql.yaml\n  \
        pgrender render specs/ --out-root deploy/apps"
    )]
    Render {
        #[command(flatten)]
        input: SpecInput,
        #[command(flatten)]
        out: OutRoot,
        /// Overwrite generated files that were edited by hand.
        #[arg(long)]
        force: bool,
        /// Write changes that Kubernetes would refuse or that would lose data
        /// (after doing the steps render prints for them).
        #[arg(long)]
        allow_destructive: bool,
    },
    /// Start a new cluster: write a minimal spec, checked against its neighbours.
    #[command(
        after_help = "Writes <spec-dir>/NAME.yaml: the fields that make this cluster differ from the defaults \
        (backend, namespace, address and pool, names that must be unique), with a schema comment for editors. \
        It is validated alone and together with every spec already in the folder (pool overlaps, names, \
        namespaces) before anything is written, and an existing file is never overwritten. Unset: the \
        namespace is NAME, the pool is the reference pool, the address is the pool's first.\n\n\
        Examples:\n  pgrender init orders --ip 192.168.10.120 --pool 192.168.10.120-192.168.10.125\n  \
        pgrender init analytics --backend cloudnative-pg --pool 192.168.10.96/29"
    )]
    Init {
        /// metadata.name of the cluster: names the spec file, the output folder and the Helm release.
        #[arg(value_name = "NAME")]
        name: String,
        /// Folder the spec is written to.
        #[arg(long, value_name = "DIR", default_value = DEFAULT_SPEC_PATH)]
        spec_dir: PathBuf,
        /// How the cluster runs: bitnami-postgresql-ha or cloudnative-pg.
        #[arg(long, value_name = "BACKEND", default_value = "bitnami-postgresql-ha", value_parser = parse_backend)]
        backend: crate::spec::Backend,
        /// LoadBalancer address MetalLB assigns (default: the pool's first address).
        #[arg(long, value_name = "IP")]
        ip: Option<String>,
        /// MetalLB address range `a.b.c.d-a.b.c.e` or CIDR (default: 192.168.10.100-192.168.10.110).
        #[arg(long, value_name = "RANGE")]
        pool: Option<String>,
        /// Namespace the cluster runs in (default: NAME).
        #[arg(long, value_name = "NAMESPACE")]
        namespace: Option<String>,
        /// Git repository holding the rendered tree (spec.argocd.gitRepoURL): the
        /// render then includes the ArgoCD Application that syncs the folder.
        #[arg(long, value_name = "URL")]
        git_repo_url: Option<String>,
    },
    /// What the pre-commit hooks run: render, then fail if that changed a file or left output unstaged.
    #[command(
        after_help = "Renders like `render`, then exits 1 when it wrote or removed a file, or when any file under \
        the output root is untracked or differs from what is staged (`git status`): a commit never goes in without \
        the manifests of its specs, not even the first one, whose output folder git does not know yet. The message \
        names the files and says to `git add` them. Exit 0 when the staged output is current, 2 on errors \
        (also outside a git work tree).\n\n\
        Examples:\n  pgrender hook\n  pgrender hook deploy/specs --out-root deploy/apps"
    )]
    Hook {
        #[command(flatten)]
        input: SpecInput,
        #[command(flatten)]
        out: OutRoot,
    },
    /// Render in memory and compare with the output on disk (for CI).
    #[command(
        after_help = "Prints a unified diff for every file that differs and lists missing and extra files. \
        Exit 1 on any drift, 0 when the output is current, 2 on errors.\n\n\
        Examples:\n  pgrender check\n  pgrender check kubernetes/specs --out-root kubernetes/applications"
    )]
    Check {
        #[command(flatten)]
        input: SpecInput,
        #[command(flatten)]
        out: OutRoot,
    },
    /// Validate specs only: schema and semantic rules, every problem printed.
    #[command(
        after_help = "Each problem is printed as file:line:column: field.path: message.\n\n\
        Examples:\n  pgrender validate\n  pgrender validate kubernetes/specs/postgresql.yaml"
    )]
    Validate {
        #[command(flatten)]
        input: SpecInput,
    },
    /// ArgoCD plugin: print every manifest of the specs here as one YAML stream.
    #[command(
        after_help = "Run by ArgoCD's config management plugin sidecar in the application's source directory. \
        stdout carries only Kubernetes objects (the same bytes `render` writes, without values/, README and CHECKSUMS); \
        warnings and errors go to stderr; nothing is written. An empty stream is never printed: no spec is an error.\n\n\
        Settings: ARGOCD_APP_PARAMETERS (parameters specs, chart-version, image-registry, image-namespace, overrides), \
        then ARGOCD_ENV_PGRENDER_SPECS, _CHART_VERSION, _IMAGE_REGISTRY, _IMAGE_NAMESPACE; ARGOCD_APP_NAME and KUBE_VERSION \
        are checked. Parameters win over env.\n\n\
        Examples:\n  cd kubernetes/specs && pgrender generate\n  \
        ARGOCD_APP_PARAMETERS='[{\"name\":\"chart-version\",\"string\":\"12.8.2\"}]' pgrender generate"
    )]
    Generate {
        /// Folder (or spec file) to render, inside the working directory.
        #[arg(value_name = "PATH", default_value = ".")]
        path: PathBuf,
    },
    /// ArgoCD plugin: print the spec files here; prints nothing when there are none.
    #[command(
        after_help = "A file counts by its content (apiVersion pgrender.dev/v1alpha1, kind PostgresCluster), so \
        plain Helm or Kustomize apps never match. ArgoCD applies the plugin when this prints something.\n\n\
        Example:\n  pgrender discover"
    )]
    Discover {
        /// Folder to search for spec files (as ArgoCD runs it: the application's source directory).
        #[arg(value_name = "PATH", default_value = ".")]
        path: PathBuf,
    },
    /// ArgoCD plugin: print the parameter announcements as JSON.
    #[command(
        after_help = "Used as the plugin's parameters.dynamic command; ArgoCD shows them in the UI.\n\n\
        Example:\n  pgrender parameters"
    )]
    Parameters,
    /// Print the steps from a Bitnami cluster to a CloudNativePG one (Markdown).
    #[command(
        after_help = "OLD is the spec of the running bitnami-postgresql-ha cluster, NEW the spec of the \
        cloudnative-pg cluster that replaces it (its own name and address while both run). Both are validated, \
        also against each other. Nothing is written.\n\n\
        Example:\n  pgrender migrate-guide kubernetes/specs/postgresql.yaml kubernetes/specs/postgresql-cnpg.yaml > MIGRATION.md"
    )]
    MigrateGuide {
        /// Spec of the Bitnami cluster.
        #[arg(value_name = "OLD")]
        old: PathBuf,
        /// Spec of the CloudNativePG cluster.
        #[arg(value_name = "NEW")]
        new: PathBuf,
    },
    /// Print the JSON Schema of the spec (as committed in schemas/pgcluster.schema.json).
    #[command(
        after_help = "Use it for editor completion, e.g. with the YAML language server:\n  \
        # yaml-language-server: $schema=../../schemas/pgcluster.schema.json\n\n\
        Example:\n  pgrender schema > schemas/pgcluster.schema.json"
    )]
    Schema,
}

#[derive(Debug, clap::Args)]
pub struct SpecInput {
    /// A spec file (checked against the other specs of kubernetes/specs, or
    /// of its own folder, for clashes), or a folder searched recursively for
    /// specs (files with `apiVersion: pgrender.dev/v1alpha1` and `kind:
    /// PostgresCluster`; a file that nearly is one is an error).
    #[arg(value_name = "PATH", default_value = DEFAULT_SPEC_PATH)]
    pub path: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct OutRoot {
    /// Folder that receives one output folder per spec (a path inside the repository).
    #[arg(long, value_name = "DIR", default_value = DEFAULT_OUT_ROOT)]
    pub out_root: PathBuf,
}

fn parse_backend(text: &str) -> Result<crate::spec::Backend, String> {
    let names = crate::backend::NAMES;
    names
        .into_iter()
        .find(|b| b.as_str() == text)
        .ok_or_else(|| {
            let known: Vec<&str> = names.iter().map(|b| b.as_str()).collect();
            format!("`{text}` is not a backend: {}", known.join(" or "))
        })
}

/// Parse the process arguments and run; the exit code to return.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(match run(cli.command) {
        Ok(code) => code,
        Err(error) => {
            report_error(&error);
            EXIT_ERROR
        }
    })
}

fn report_error(error: &Error) {
    let text = match error {
        Error::Invalid(diagnostics) => format!(
            "{diagnostics}\nerror: {} problem(s) found; nothing was written\n",
            diagnostics.0.len()
        ),
        Error::InvalidFile {
            diagnostics,
            elsewhere,
            root,
            ..
        } => {
            let mut text = format!("{diagnostics}\n");
            if *elsewhere > 0 {
                text.push_str(&format!(
                    "note: {}\n",
                    crate::specs::others_note(*elsewhere, root)
                ));
            }
            text.push_str(&format!(
                "error: {} problem(s) found; nothing was written\n",
                diagnostics.0.len()
            ));
            text
        }
        Error::Destructive { report } => format!("{report}error: {error}\n"),
        Error::InitRejected(diagnostics) => format!(
            "{diagnostics}\nerror: {} problem(s) in the spec init would write; nothing was written. \
             Choose other values (--ip, --pool, --namespace, --backend) or another NAME\n",
            diagnostics.0.len()
        ),
        other => format!("error: {other}\n"),
    };
    print_stderr(&text);
}

fn init(request: crate::init::InitRequest) -> Result<u8, Error> {
    let created = crate::init::init(&request)?;
    print_warnings(&created.warnings);
    let path = created.path.display();
    let folder = format!("{DEFAULT_OUT_ROOT}/{}", request.name);
    print_stdout(&format!(
        "created: {path}\n\nNext:\n  pgrender render {path}\n  \
         git add {path} {folder} && git commit -m \"postgresql: add {name}\"\n\n\
         Before the first sync, create the credentials Secret: {folder}/README.md says how.\n",
        name = request.name
    ))?;
    Ok(EXIT_OK)
}

/// Run one command. `Ok` carries the exit code (0, or 1 for drift).
pub fn run(command: Command) -> Result<u8, Error> {
    match command {
        Command::Render {
            input,
            out,
            force,
            allow_destructive,
        } => render(&input.path, &out.out_root, force, allow_destructive),
        Command::Check { input, out } => check(&input.path, &out.out_root),
        Command::Hook { input, out } => hook(&input.path, &out.out_root),
        Command::Init {
            name,
            spec_dir,
            backend,
            ip,
            pool,
            namespace,
            git_repo_url,
        } => init(crate::init::InitRequest {
            name,
            spec_dir,
            backend,
            namespace,
            ip,
            pool,
            git_repo_url,
        }),
        Command::Validate { input } => validate(&input.path),
        Command::Generate { path } => {
            let env: BTreeMap<String, String> = std::env::vars().collect();
            let (stream, warnings) = crate::cmp::generate(&path, &env)?;
            print_warnings(&warnings);
            print_stdout(&stream)?;
            Ok(EXIT_OK)
        }
        Command::Discover { path } => {
            let found = crate::cmp::discover(&path)?;
            let text: String = found.iter().map(|p| format!("{}\n", p.display())).collect();
            print_stdout(&text)?;
            Ok(EXIT_OK)
        }
        Command::Parameters => {
            let json = serde_json::to_string_pretty(&crate::cmp::announcements())
                .expect("JSON value serializes");
            print_stdout(&format!("{json}\n"))?;
            Ok(EXIT_OK)
        }
        Command::MigrateGuide { old, new } => {
            print_stdout(&crate::migrate::guide(&old, &new)?)?;
            Ok(EXIT_OK)
        }
        Command::Schema => {
            print_stdout(&crate::spec::json_schema_text())?;
            Ok(EXIT_OK)
        }
    }
}

/// The run's settings, with the output root named as its repository names
/// it (`repository::locate`), whichever folder pgrender runs from.
fn options_for(out_root: &Path) -> Result<RenderOptions, Error> {
    let cwd = std::env::current_dir().map_err(|source| Error::Io {
        path: "the working directory".into(),
        source,
    })?;
    let location = crate::repository::locate(out_root, &cwd);
    Ok(RenderOptions {
        out_root: location.relative,
        in_repository: location.in_repository,
        ..RenderOptions::default()
    })
}

fn print_warnings(warnings: &[String]) {
    let text: String = warnings.iter().map(|w| format!("warning: {w}\n")).collect();
    print_stderr(&text);
}

/// stderr is unbuffered: `writeln!` makes a write per piece, and a
/// concurrent writer (ArgoCD's log) could land between them. One write;
/// if even stderr is gone there is nobody left to tell.
fn print_stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// A reader that stopped early (`pgrender check | head`) ends the output,
/// not the run: as ripgrep does, a broken pipe is quiet and the exit code
/// stays what the command found. Any other failure to write is an error.
fn print_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Io {
            path: "standard output".into(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// The specs at `path`, never searched for inside the output root: the
/// commands that write or compare output see the specs `validate` sees.
fn load_specs_beside(path: &Path, out_root: &Path) -> Result<crate::specs::Loaded, Error> {
    let options = crate::specs::LoadOptions {
        skip: vec![out_root.to_path_buf()],
        ..Default::default()
    };
    crate::specs::load_specs_with(path, &options)
}

/// Specs rendered and written per batch: bounds memory for large fleets.
const BATCH: usize = 512;

fn render(path: &Path, out_root: &Path, force: bool, allow_destructive: bool) -> Result<u8, Error> {
    let rendered = render_and_report(path, out_root, force, allow_destructive)?;
    print_stdout(&rendered.text)?;
    Ok(EXIT_OK)
}

/// What the pre-commit hooks run: render, then fail (exit 1) when the
/// render changed a file or when output on disk is not staged, so that a
/// commit never goes in without the manifests of its specs.
fn hook(path: &Path, out_root: &Path) -> Result<u8, Error> {
    let Rendered {
        text,
        changed,
        orphans,
    } = render_and_report(path, out_root, false, false)?;
    print_stdout(&text)?;
    let unstaged = if out_root.exists() {
        crate::git::unstaged_paths(out_root).map_err(|why| Error::Git { why })?
    } else {
        Vec::new()
    };
    if !changed && unstaged.is_empty() && orphans.is_empty() {
        return Ok(EXIT_OK);
    }
    let mut message = String::new();
    // `check` fails on these in CI: the commit must not go in with them.
    for orphan in &orphans {
        message.push_str(&format!(
            "pgrender: {}: no spec renders it any more; delete it (git rm -r {}) or restore its spec\n",
            orphan.display(),
            orphan.display()
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
    message.push_str(&format!(
        "pgrender: run `git add {}` and commit again\n",
        out_root.display()
    ));
    print_stderr(&message);
    Ok(EXIT_DRIFT)
}

/// What a render did.
struct Rendered {
    /// What to print: notes, the change report, one line per folder.
    text: String,
    /// Whether any folder was written.
    changed: bool,
    /// Generated folders that no spec renders any more (whole-folder runs).
    orphans: Vec<PathBuf>,
}

/// Render and say what happened.
fn render_and_report(
    path: &Path,
    out_root: &Path,
    force: bool,
    allow_destructive: bool,
) -> Result<Rendered, Error> {
    let loaded = load_specs_beside(path, out_root)?;
    print_warnings(&loaded.warnings);
    let options = options_for(out_root)?;
    check_options(&loaded.specs, &options)?;
    let (mut writer, mut notes) = output::Writer::open(out_root, force)?;
    notes.extend(
        writer.preflight(
            loaded
                .specs
                .iter()
                .map(|s| s.cluster.metadata.name.as_str()),
        )?,
    );
    let mut text = String::new();
    for note in loaded.notes.iter().chain(&notes) {
        text.push_str(&format!("note: {note}\n"));
    }
    let renderer = renderer();
    // What the new plans do to the folders on disk, decided before any is
    // written: a refusal leaves every folder as it was.
    let mut changes = Vec::new();
    for batch in loaded.specs.chunks(BATCH) {
        let on_disk: Vec<ValidSpec> = batch
            .iter()
            .filter(|s| writer.has_folder(&s.cluster.metadata.name))
            .cloned()
            .collect();
        for plan in render_plans(&on_disk, &renderer, &options)? {
            if let Some(old) = output::read_folder(out_root, &plan.name)? {
                changes.extend(changes::classify(&old, &plan));
            }
        }
    }
    if path.is_dir() {
        let created: Vec<&str> = loaded
            .specs
            .iter()
            .map(|s| s.cluster.metadata.name.as_str())
            .filter(|name| !writer.has_folder(name))
            .collect();
        changes.extend(renamed_folders(out_root, &loaded.specs, &created));
    }
    let report = changes::report(&changes, true);
    if !allow_destructive
        && changes
            .iter()
            .any(|c| c.impact() >= Impact::RefusedByKubernetes)
    {
        return Err(Error::Destructive { report });
    }
    text.push_str(&report);
    let mut changed = false;
    for batch in loaded.specs.chunks(BATCH) {
        let plans = render_plans(batch, &renderer, &options)?;
        for outcome in writer.write(&plans)? {
            changed |= !matches!(outcome, WriteOutcome::Unchanged(_));
            let (verb, dir) = match outcome {
                WriteOutcome::Created(d) => ("created", d),
                WriteOutcome::Updated(d) => ("updated", d),
                WriteOutcome::Unchanged(d) => ("unchanged", d),
            };
            text.push_str(&format!("{verb}: {}\n", dir.display()));
        }
    }
    let mut orphans = Vec::new();
    if path.is_dir() {
        for orphan in output::orphans(out_root, &spec_names(&loaded.specs)) {
            if let output::Drift::Orphan { path } = orphan {
                text.push_str(&format!(
                    "note: {} was generated by pgrender but no spec renders it any more; \
                     delete it (render never deletes whole folders)\n",
                    path.display()
                ));
                orphans.push(path);
            }
        }
    }
    Ok(Rendered {
        text,
        changed,
        orphans,
    })
}

/// With new folders in the plan, every orphan folder reads as a rename.
fn renamed_folders(
    out_root: &Path,
    specs: &[ValidSpec],
    created: &[&str],
) -> Vec<changes::ClusterChange> {
    if created.is_empty() {
        return Vec::new();
    }
    output::orphans(out_root, &spec_names(specs))
        .into_iter()
        .filter_map(|orphan| match orphan {
            output::Drift::Orphan { path } => path
                .file_name()
                .map(|name| changes::renamed(&name.to_string_lossy(), created)),
            _ => None,
        })
        .collect()
}

fn spec_names(specs: &[ValidSpec]) -> std::collections::HashSet<&str> {
    specs
        .iter()
        .map(|s| s.cluster.metadata.name.as_str())
        .collect()
}

fn check(path: &Path, out_root: &Path) -> Result<u8, Error> {
    let loaded = load_specs_beside(path, out_root)?;
    print_warnings(&loaded.warnings);
    let options = options_for(out_root)?;
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
        print_stdout(&format!(
            "ok: {} spec(s) match {}\n",
            loaded.specs.len(),
            out_root.display()
        ))?;
        return Ok(EXIT_OK);
    }
    // What the drift would do to the cluster, above the diff itself.
    let mut buffer = changes::report(&changes, true).into_bytes();
    output::print_drift(&mut buffer, &drift).expect("writing to memory cannot fail");
    print_stdout(&String::from_utf8_lossy(&buffer))?;
    print_stderr(&drift_advice(refusals, &drift));
    Ok(EXIT_DRIFT)
}

/// What fixes the drift `check` found: the plain render, or first what
/// stops it (`refusals`: folders render would refuse; orphans it never deletes).
fn drift_advice(refusals: Vec<String>, drift: &[output::Drift]) -> String {
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
    let mut text = format!("drift: {} file(s) differ from the specs; ", drift.len());
    if first.is_empty() {
        text.push_str("run `pgrender render` and commit the result\n");
    } else {
        text.push_str("first fix what `pgrender render` cannot:\n");
        for item in &first {
            text.push_str(&format!("  - {item}\n"));
        }
        text.push_str("then run `pgrender render` and commit the result\n");
    }
    text
}

fn validate(path: &Path) -> Result<u8, Error> {
    let loaded = load_specs(path)?;
    print_warnings(&loaded.warnings);
    print_stdout(&format!("ok: {} spec(s) valid\n", loaded.specs.len()))?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn every_subcommand_definition_is_consistent() {
        // Builds the deferred subcommands too and runs clap's own checks
        // (only in builds with debug assertions, as `cargo test` makes).
        super::Cli::command().debug_assert();
    }
}
