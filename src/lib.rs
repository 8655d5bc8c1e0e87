//! pgrender: an offline renderer from a `PostgresCluster` spec to the GitOps
//! manifests that run it on K3s with ArgoCD.
//!
//! Every command goes through the same steps, each in the module named for
//! it:
//!
//! 1. `specs` finds the spec files (`load`: bounded reading, YAML with
//!    positions via `yaml`; never inside the output root or a folder
//!    pgrender generated), sets values from the ArgoCD plugin (`overrides`)
//!    and validates each spec and all of them together (`validate`: schema,
//!    rules, fleet rules; problems as `diagnostic`s). A valid spec carries
//!    the `backend` that renders it, chosen from one list of backends.
//! 2. `render` turns each valid spec into a `plan::Plan` (path -> bytes):
//!    the backend's own files, the shared ones (`alerts` among them, built
//!    from the backend's `facts`; `opentofu` for the firewall), all through
//!    one `templates::Renderer`. Paths in the output are relative to the
//!    repository root (`repository`), never to the working directory.
//! 3. `commands` compares plans with the disk (`check`, with `changes`
//!    saying what each change does), writes them atomically (`render`,
//!    `hook`, through `output`), or only validates; `cmp` prints them as
//!    the ArgoCD plugin's stream (`generate`, `discover`).
//!
//! `cli` parses arguments and prints; `migrate` is the Bitnami to
//! CloudNativePG guide; `error::Error` is what stops a command. No module
//! imports one of a later step (tests/integration/layering.rs). Modules are
//! private: the few items the binary, tests, benchmarks and fuzz target use
//! are re-exported below.

#![forbid(unsafe_code)]

// Leaves: rules and types that depend on nothing else in the crate.
mod footprint;
mod git;
mod names;
mod net;
mod parallel;
mod pg_settings;
mod plan;
mod quantity;
mod repository;
mod templates;
mod versions;
mod yaml;

// The spec and the facts a backend reports, both naming pinned versions.
mod facts;
mod spec;

mod diagnostic;
mod load;

mod alerts;
mod backend;

mod validate;

mod overrides;

mod output;

mod changes;

mod error;

mod specs;

mod init;
mod render;

mod cmp;
mod commands;
mod migrate;
mod opentofu;

mod cli;
mod cron;

// The public surface: what the binary, the tests, the benchmarks and the
// fuzz target use. Everything else is private to the crate, so that the
// `unreachable_pub` lint flags a `pub` nobody outside can reach.
pub use alerts::KUBERNETES_METRICS;
pub use backend::upstream_facts;
pub use changes::footprint as read_footprint;
pub use cli::main;
pub use footprint::BackupVolume;
pub use load::SpecFile;
pub use plan::{Plan, RenderOptions};
pub use render::{JOB_FILES, JobFile, render_spec, renderer};
pub use spec::{json_schema, json_schema_text};
pub use specs::{Loaded, load_specs};
pub use validate::{ValidSpec, check_file, check_together};
pub use versions::{
    CLOUDNATIVE_PG_METRICS, DEFAULT_OPERATOR_CHART, FORTIOS_PROVIDER, FORTIOS_PROVIDER_VERSION,
    POSTGRES_EXPORTER_METRICS,
};
pub use yaml::{Document, parse_document, parse_stream};
