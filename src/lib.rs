//! pgrender: an offline renderer from a `PostgresCluster` spec to the GitOps
//! manifests that run it on K3s with ArgoCD.
//!
//! Data flows one way: text -> [`load`] (YAML with positions) ->
//! [`validate`] (schema + rules, all problems at once) -> [`render`] (a
//! [`render::Plan`] of path -> bytes) -> [`output`] (atomic write, or
//! comparison for `check`). The binary in `main.rs` is a thin front over
//! [`cli`].

#![forbid(unsafe_code)]

pub mod alerts;
pub mod backend;
pub mod cli;
pub mod cmp;
pub mod diagnostic;
pub mod load;
pub mod migrate;
pub mod output;
pub mod overrides;
pub mod parallel;
pub mod render;
pub mod spec;
pub mod validate;
pub mod yaml;

mod pipeline;

pub use pipeline::{
    Error, LoadOptions, Loaded, check_options, load_specs, load_specs_with, render_plans,
};

/// Where specs are looked for when no PATH is given.
pub const DEFAULT_SPEC_PATH: &str = "kubernetes/specs";
/// Where output folders go when no `--out-root` is given.
pub const DEFAULT_OUT_ROOT: &str = "kubernetes/applications";
