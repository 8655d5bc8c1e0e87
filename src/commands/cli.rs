//! The command line: argument parsing, and the terminal the commands
//! (`commands`, `cmp`) print to. Exit codes: 0 ok, 1 drift found by
//! `check`, 2 any error, 3 a change that needs a person (`check --base`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::backend::name::BackendName;
use crate::commands::{self, Console, EXIT_ERROR, EXIT_OK, warn};
use crate::error::Error;
use crate::read::repository::{DEFAULT_OUT_ROOT, DEFAULT_SPEC_PATH, SCHEMA_PATH};

#[derive(Debug, Parser)]
#[command(
    name = "pgrender",
    version,
    about = "Render a PostgresCluster spec into the GitOps manifests of a PostgreSQL HA service (ArgoCD, Helm, MetalLB, backups)",
    // One help text for -h and --help: no long_about, everything else after it.
    after_help = "pgrender is offline and deterministic: the same spec gives the same bytes on every machine. \
        Specs live in kubernetes/specs/, output in kubernetes/applications/<metadata.name>/.\n\n\
        Exit codes: 0 ok, 1 drift found by `check`, 2 any error, 3 `check --base`: a change needs a person.\n\n\
        Examples:\n  pgrender init orders            start a new cluster spec in kubernetes/specs\n  \
        pgrender render                 render kubernetes/specs into kubernetes/applications\n  \
        pgrender check                  fail (exit 1) if the committed output is stale\n  \
        pgrender check --base origin/main  what merging does to the running clusters (exit 3: a person must act)\n  \
        pgrender validate my-spec.yaml  report every problem in a spec"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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
        pgrender init analytics --backend cloudnative-pg --pool 192.168.10.112/29"
    )]
    Init {
        /// metadata.name of the cluster: names the spec file, the output folder and the Helm release.
        #[arg(value_name = "NAME")]
        name: String,
        /// Folder the spec is written to. Default: the repository's
        /// kubernetes/specs, from any folder inside it.
        #[arg(long, value_name = "DIR")]
        spec_dir: Option<PathBuf>,
        /// How the cluster runs (spec.backend).
        #[arg(long, value_name = "BACKEND", value_enum, default_value_t = BackendName::default())]
        backend: BackendName,
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
        /// Default: the one the specs already in the folder name.
        #[arg(long, value_name = "URL")]
        git_repo_url: Option<String>,
        /// A client network allowed to connect (spec.network.allowedClients), as a
        /// CIDR; repeat it for several. Default: 192.168.20.0/24. Every other address
        /// is dropped by the NetworkPolicy.
        #[arg(long, value_name = "CIDR")]
        allow: Vec<String>,
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
        Exit 1 on any drift, 0 when the output is current, 2 on errors. With --base, the review of a pull \
        request: each cluster judged against the output committed at REV (added, changed, removed, what each \
        change does and its steps), and exit 3 when the output is current but a change needs a manual step, \
        is refused by Kubernetes or destroys data.\n\n\
        Examples:\n  pgrender check\n  pgrender check kubernetes/specs --out-root kubernetes/applications\n  \
        pgrender check --base origin/main --format markdown >> \"$GITHUB_STEP_SUMMARY\""
    )]
    Check {
        #[command(flatten)]
        input: SpecInput,
        #[command(flatten)]
        out: OutRoot,
        /// Judge the changes against the output committed at this revision
        /// (the branch ArgoCD syncs, e.g. origin/main), read from the local
        /// repository, never fetched; report clusters added and removed, and
        /// exit 3 when a change needs a person. Default: HEAD, no exit 3.
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// How to print: text, markdown (a pull-request comment or job
        /// summary), github (workflow commands GitHub, Forgejo and Gitea Actions read).
        #[arg(long, value_name = "FORMAT", value_enum, default_value_t = commands::Format::Text)]
        format: commands::Format,
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
    /// Print the steps from a cluster on one backend to a cluster on another (Markdown).
    #[command(after_help = migrate_guide_help())]
    MigrateGuide {
        /// Spec of the running cluster.
        #[arg(value_name = "OLD")]
        old: PathBuf,
        /// Spec of the cluster on another backend that replaces it.
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
pub(crate) struct SpecInput {
    /// A spec file, or a folder searched recursively for specs (files with
    /// `apiVersion: pgrender.dev/v1alpha1` and `kind: PostgresCluster`; a
    /// file that nearly is one is an error). Either is checked for clashes
    /// with every spec of the repository's kubernetes/specs (or, with
    /// another --out-root, a file with those of its own folder). Default:
    /// the repository's kubernetes/specs, from any folder inside it.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct OutRoot {
    /// Folder that receives one output folder per spec (a path inside the
    /// repository). Default: the repository's kubernetes/applications, from
    /// any folder inside it.
    #[arg(long, value_name = "DIR")]
    pub out_root: Option<PathBuf>,
}

/// The repository's layout, found from the folder pgrender runs in: a path
/// left out on the command line is the repository's, never a second tree
/// nested under the working directory.
struct Layout {
    cwd: PathBuf,
}

impl Layout {
    fn here() -> Result<Layout, Error> {
        Ok(Layout {
            cwd: crate::pipeline::working_dir()?,
        })
    }

    fn or_default(&self, given: Option<PathBuf>, default: &str) -> PathBuf {
        given.unwrap_or_else(|| crate::read::repository::layout_path(&self.cwd, default))
    }

    fn specs(&self, input: SpecInput) -> PathBuf {
        self.or_default(input.path, DEFAULT_SPEC_PATH)
    }

    fn out_root(&self, out: OutRoot) -> PathBuf {
        self.or_default(out.out_root, DEFAULT_OUT_ROOT)
    }
}

/// `--backend` takes the names of the registry's backends.
impl clap::ValueEnum for BackendName {
    fn value_variants<'a>() -> &'a [Self] {
        BackendName::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

/// `migrate-guide --help`, naming the registry's backends.
fn migrate_guide_help() -> String {
    let names: Vec<&str> = BackendName::ALL.iter().map(|b| b.as_str()).collect();
    format!(
        "OLD is the spec of the running cluster, NEW the spec of the cluster on another backend \
         that replaces it (its own name and address while both run): any two of {}. Both are \
         validated, also against each other; NEW's PostgreSQL major must not be older than OLD's. \
         Nothing is written.\n\n\
         Example:\n  pgrender migrate-guide kubernetes/specs/postgresql.yaml kubernetes/specs/postgresql-cnpg.yaml > MIGRATION.md",
        names.join(", ")
    )
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
                    crate::pipeline::others_note(*elsewhere, root)
                ));
            }
            text.push_str(&format!(
                "error: {} problem(s) found; nothing was written\n",
                diagnostics.0.len()
            ));
            text
        }
        Error::Destructive { report, .. } => format!("{report}error: {error}\n"),
        Error::InitRejected(diagnostics) => format!(
            "{diagnostics}\nerror: {} problem(s) in the spec init would write; nothing was written. \
             Choose other values (--ip, --pool, --allow, --namespace, --backend) or another NAME\n",
            diagnostics.0.len()
        ),
        other => format!("error: {other}\n"),
    };
    print_stderr(&text);
}

fn init(request: crate::commands::init::InitRequest) -> Result<u8, Error> {
    let created = crate::commands::init::init(&request)?;
    warn(&mut Terminal, &created.warnings);
    let path = created.path.display();
    let folder = request.out_root.join(&request.name);
    let folder = folder.display();
    let mut said = format!("created: {path}\n");
    let mut to_commit = format!("{path} {folder}");
    if let Some(schema) = &created.schema {
        let schema = schema.display();
        said.push_str(&format!(
            "created: {schema} (the JSON Schema the spec's first line names, for editors)\n"
        ));
        to_commit.push_str(&format!(" {schema}"));
    }
    said.push_str(&format!(
        "clients allowed to connect: {} (spec.network.allowedClients; --allow CIDR, or edit the file: \
         the NetworkPolicy drops every other address)\n",
        created.allowed_clients.join(", ")
    ));
    if let Some(from) = &created.git_repo_url_from {
        said.push_str(&format!("spec.argocd.gitRepoURL: as in {from}\n"));
    }
    print_stdout(&format!(
        "{said}\nNext:\n  pgrender render {path}\n  \
         git add {to_commit} && git commit -m \"postgresql: add {name}\"\n\n{credentials}\n",
        name = request.name,
        credentials = if created.credentials_by_operator {
            format!(
                "The operator makes the passwords itself: {folder}/README.md says where to read them."
            )
        } else {
            format!(
                "Before the first sync, create the credentials Secret: {folder}/README.md says how."
            )
        }
    ))?;
    Ok(EXIT_OK)
}

/// Run one command. `Ok` carries the exit code (0, or 1 for drift).
pub(crate) fn run(command: Command) -> Result<u8, Error> {
    let layout = Layout::here()?;
    match command {
        Command::Render {
            input,
            out,
            force,
            allow_destructive,
        } => commands::render(
            &mut Terminal,
            &layout.specs(input),
            &layout.out_root(out),
            force,
            allow_destructive,
        ),
        Command::Check {
            input,
            out,
            base,
            format,
        } => {
            let (path, out_root) = (layout.specs(input), layout.out_root(out));
            let request = commands::CheckRequest {
                path: &path,
                out_root: &out_root,
                base: base.as_deref(),
                format,
            };
            commands::check(&mut Terminal, &request)
        }
        Command::Hook { input, out } => {
            commands::hook(&mut Terminal, &layout.specs(input), &layout.out_root(out))
        }
        Command::Init {
            name,
            spec_dir,
            backend,
            ip,
            pool,
            namespace,
            git_repo_url,
            allow,
        } => init(crate::commands::init::InitRequest {
            name,
            spec_dir: layout.or_default(spec_dir, DEFAULT_SPEC_PATH),
            schema: crate::read::repository::layout_path(&layout.cwd, SCHEMA_PATH),
            out_root: crate::read::repository::layout_path(&layout.cwd, DEFAULT_OUT_ROOT),
            backend,
            namespace,
            ip,
            pool,
            git_repo_url,
            allow,
        }),
        Command::Validate { input } => commands::validate(&mut Terminal, &layout.specs(input)),
        Command::Generate { path } => generate(&path),
        Command::Discover { path } => {
            let found = crate::plugin::discover(&path)?;
            let text: String = found.iter().map(|p| format!("{}\n", p.display())).collect();
            print_stdout(&text)?;
            Ok(EXIT_OK)
        }
        Command::Parameters => {
            let json = serde_json::to_string_pretty(&crate::plugin::announcements())
                .expect("JSON value serializes");
            print_stdout(&format!("{json}\n"))?;
            Ok(EXIT_OK)
        }
        Command::MigrateGuide { old, new } => {
            print_stdout(&crate::commands::migrate_guide::guide(&old, &new)?)?;
            Ok(EXIT_OK)
        }
        Command::Schema => {
            print_stdout(&crate::spec::json_schema_text())?;
            Ok(EXIT_OK)
        }
    }
}

/// The ArgoCD plugin's `generate`: the stream on stdout, warnings on stderr.
fn generate(path: &std::path::Path) -> Result<u8, Error> {
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let (stream, warnings) = crate::plugin::generate(path, &env)?;
    warn(&mut Terminal, &warnings);
    print_stdout(&stream)?;
    Ok(EXIT_OK)
}

/// The process's own standard streams.
struct Terminal;

impl Console for Terminal {
    fn out(&mut self, text: &str) -> Result<(), Error> {
        print_stdout(text)
    }

    fn err(&mut self, text: &str) {
        print_stderr(text);
    }
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
