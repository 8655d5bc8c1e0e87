//! A `Plan`: every file of one spec's output folder, path to content. What
//! `render` builds and `output` writes or compares.

pub(crate) mod alerts;
pub(crate) mod folder;
pub(crate) mod opentofu;

use std::collections::BTreeMap;

/// The files of one spec's output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Folder name under the output root (`metadata.name`).
    pub name: String,
    /// Relative path (with `/`) to content; includes `CHECKSUMS`.
    pub files: BTreeMap<String, String>,
}

impl Plan {
    /// Paths of the Kubernetes manifests, in output order.
    pub fn manifest_paths(&self) -> impl Iterator<Item = &String> {
        self.files.keys().filter(|p| is_manifest(p))
    }
}

/// Whether the output file at `path` holds Kubernetes objects (`values/`
/// holds the chart's Helm values).
pub(crate) fn is_manifest(path: &str) -> bool {
    path.ends_with(".yaml") && !path.starts_with("values/")
}
