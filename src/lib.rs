//! pgrender: an offline renderer from a `PostgresCluster` spec to the GitOps
//! manifests that run it on K3s with ArgoCD.
//!
//! Every command runs one `pipeline`: find the spec files, read them
//! (`read`: bounded, YAML with positions, never inside the output root or
//! a folder pgrender generated), validate each one and all of them together
//! (`judge`: schema, rules, fleet rules; values from the ArgoCD plugin set
//! before), then plan each one's folder (`plan`: path -> bytes, the
//! backend's own files and the shared ones, through one template
//! environment). The commands (`commands`; the plugin's in `plugin`)
//! then compare the plans with the disk and say what each change does to
//! the running cluster, write them atomically, or print them (`output`).
//!
//! `spec` is what a spec says, each value parsed once into its type.
//! `backend` holds each backend as one declaration (its folder: options,
//! pinned versions, rules, facts, files, change rules) and the registry
//! that lists them; `error::Error` is what stops a command.
//!
//! The modules form layers in that order; the one list of them is
//! `tests/integration/layering.rs`, which fails when a module uses one of a
//! later layer. Modules are private: the few items the binary, tests,
//! benchmarks and fuzz target use are re-exported below.

#![forbid(unsafe_code)]

mod backend;
mod commands;
mod error;
mod judge;
mod output;
mod pipeline;
mod plan;
mod plugin;
mod read;
mod spec;

// The public surface: what the binary, the tests, the benchmarks and the
// fuzz target use. Everything else is private to the crate, so that the
// `unreachable_pub` lint flags a `pub` nobody outside can reach.
pub use backend::kit::facts::ClusterFacts;
pub use backend::kit::footprint::BackupVolume;
pub use backend::kit::run_options::RenderOptions;
pub use backend::name::BackendName;
pub use backend::upstream_facts;
pub use commands::cli::main;
pub use judge::{ValidSpec, check_file, check_together};
pub use output::changes::footprint as read_footprint;
pub use pipeline::{Loaded, load_specs};
pub use plan::Plan;
pub use plan::alerts::KUBERNETES_METRICS;
pub use plan::folder::{JOB_FILES, JobFile, render_spec, renderer, template_context};
pub use plan::opentofu::{FORTIOS_PROVIDER, FORTIOS_PROVIDER_VERSION};
pub use read::load::SpecFile;
pub use read::yaml::{Document, parse_document, parse_stream};
pub use spec::{json_schema, json_schema_text};
