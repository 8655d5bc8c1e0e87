//! pgrender: an offline renderer from a `PostgresCluster` spec to the GitOps
//! manifests that run it on K3s with ArgoCD.
//!
//! A run goes through these steps, each in the module named for it:
//!
//! 1. [`specs`] finds the spec files ([`load`]: bounded reading, YAML with
//!    positions via [`yaml`]), sets values from the ArgoCD plugin
//!    ([`overrides`]) and validates each spec and all of them together
//!    ([`validate`]: schema, rules, fleet rules; problems as [`diagnostic`]s).
//!    A valid spec carries the [`backend`] that renders it.
//! 2. [`render`] turns each valid spec into a [`plan::Plan`] (path -> bytes):
//!    the backend's own files, the shared ones ([`alerts`] among them, built
//!    from the backend's [`facts`]), all through one [`templates::Renderer`].
//! 3. [`output`] writes plans atomically or compares them with the disk
//!    (`check`); [`cmp`] prints them as the ArgoCD plugin's stream.
//!
//! [`cli`] is the command line over all of it, [`migrate`] the Bitnami to
//! CloudNativePG guide; [`error::Error`] is what stops a command. No module
//! imports one of a later step (a test checks the order).

#![forbid(unsafe_code)]

// Leaves: rules and types that depend on nothing else in the crate.
pub mod footprint;
pub mod git;
pub mod names;
pub mod parallel;
pub mod plan;
pub mod quantity;
pub mod repository;
pub mod templates;
pub mod versions;
pub mod yaml;

// The spec and the facts a backend reports, both naming pinned versions.
pub mod facts;
pub mod spec;

pub mod diagnostic;
pub mod load;

pub mod alerts;
pub mod backend;

pub mod validate;

pub mod overrides;

pub mod output;

pub mod changes;

pub mod error;

pub mod specs;

pub mod init;
pub mod render;

pub mod cmp;
pub mod commands;
pub mod migrate;
pub mod opentofu;

pub mod cli;
