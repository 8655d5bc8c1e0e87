//! The crate's error: everything that stops a command. Each variant maps to
//! exit code 2; `cli` prints it on stderr.

use crate::output::OutputError;
use crate::read::diagnostic::Diagnostics;
use crate::read::load::FindError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more specs are invalid; each diagnostic names file:line:column.
    #[error("{0}")]
    Invalid(Diagnostics),
    /// The spec file the user named has problems; `elsewhere` more are in
    /// the other specs of its spec root (`root`), not shown.
    #[error("{} problem(s) in {file}", diagnostics.0.len())]
    InvalidFile {
        file: String,
        diagnostics: Diagnostics,
        elsewhere: usize,
        root: String,
    },
    #[error(
        "{path}: no pgrender spec found (a spec is a YAML file with `apiVersion: pgrender.dev/v1alpha1` and `kind: PostgresCluster`)"
    )]
    NoSpecs { path: String },
    #[error(transparent)]
    Find(#[from] FindError),
    #[error(transparent)]
    Output(#[from] OutputError),
    /// `check --base` names a revision the local repository cannot give.
    #[error(transparent)]
    Base(#[from] crate::read::git::BaseError),
    /// A template failed on a validated spec: a bug in pgrender.
    #[error("internal error while rendering {name} (please report it): {source:#}")]
    Render {
        name: String,
        source: minijinja::Error,
    },
    /// `spec.argocd.gitRepoURL` needs the output root to be a repository path.
    #[error(
        "{spec}: spec.argocd.gitRepoURL makes the Application read values/values.yaml from git, \
         so --out-root must be a folder inside the repository, and no folder at or above it holds `.git` \
         (or, outside git, pgrender's `kubernetes/` layout)"
    )]
    OutRootNotInRepository { spec: String },
    /// `spec.argocd.secretsPath` points into the folders pgrender writes.
    #[error(
        "{spec}: spec.argocd.secretsPath `{path}` lies inside --out-root `{out_root}`, where pgrender owns every file; \
         keep the secrets in a folder of their own, e.g. kubernetes/secrets/<name>"
    )]
    SecretsInsideOutput {
        spec: String,
        path: String,
        out_root: String,
    },
    /// `spec.argocd.secretsPath` names no folder of the repository.
    #[error(
        "{spec}: spec.argocd.secretsPath `{path}` is not a folder of the repository: the Application {application} \
         reads it from git, and ArgoCD fails the whole Application, the cluster's manifests included, when a \
         source path is missing (`app path does not exist`); create it with your SealedSecrets or ExternalSecrets \
         and commit it, or remove secretsPath"
    )]
    SecretsPathMissing {
        spec: String,
        path: String,
        application: String,
    },
    /// A spec file (or a symlink to one) resolves outside its repository.
    #[error(
        "{path}: resolves outside the source directory ({root}); specs and symlinks must stay inside the repository, which is what ArgoCD and CI see"
    )]
    OutsideSource { path: String, root: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// The plugin was asked (parameter `specs`) for a file that is not there.
    #[error("spec `{spec}` was asked for but is not a YAML file under {base}")]
    SelectedSpecMissing { spec: String, base: String },
    /// ArgoCD handed the plugin settings it cannot use; never names a value.
    #[error("{0}")]
    PluginSettings(String),
    /// The plugin's own Application and a rendered one share a name.
    #[error(
        "{spec}: the plugin's own Application is named `{app}`, the same as an Application this spec renders \
         ({field}); with prune they would delete each other: rename one"
    )]
    ApplicationNameClash {
        spec: String,
        app: String,
        field: String,
    },
    /// A plugin parameter sets options of a backend no selected spec uses.
    #[error(
        "{origin} sets {field}, an option of the {backend} backend, and no spec here uses that backend; remove the parameter"
    )]
    ParameterFitsNoSpec {
        origin: String,
        field: String,
        backend: &'static str,
    },
    /// The target cluster is too old for what the output uses.
    #[error(
        "{spec}: the cluster runs Kubernetes {major}.{minor}, but the backup CronJob sets timeZone ({time_zone}), which needs 1.27 or newer; \
         upgrade the cluster (K3s 1.26 is out of support)"
    )]
    KubernetesTooOld {
        spec: String,
        major: u32,
        minor: u32,
        time_zone: String,
    },
    /// An empty stream plus auto-prune would delete the database.
    #[error("no manifests rendered; refusing to print an empty stream")]
    EmptyStream,
    /// A render would break the running cluster or lose data; `report` says
    /// how and what to do.
    #[error(
        "refusing to write: the changes above would be refused by Kubernetes or lose data; nothing was written. \
         Next: {next}"
    )]
    Destructive { report: String, next: &'static str },
    /// The spec `init` would write is invalid, alone or beside its neighbours.
    #[error("{0}")]
    InitRejected(Diagnostics),
    /// The pre-commit hook could not ask git about the output.
    #[error(
        "cannot tell which output files are staged ({why}); `pgrender hook` runs inside a git work tree"
    )]
    Git { why: String },
    /// `init NAME` with a NAME that cannot name a cluster.
    #[error(
        "`{name}` cannot name a cluster (it names the spec file, the output folder and the Helm release): {why}"
    )]
    InitName { name: String, why: String },
    /// `init` never writes over a file.
    #[error(
        "{path} already exists; pgrender init never overwrites a file: edit it, or choose another name"
    )]
    SpecExists { path: String },
    /// `migrate-guide` was given specs that do not describe a migration.
    #[error("{0}")]
    NotAMigration(String),
}
