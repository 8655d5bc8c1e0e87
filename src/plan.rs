//! A `Plan`: every file of one spec's output folder, path to content, and
//! the settings of the run that shape it. What `render` builds and `output`
//! writes or compares.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

/// Where output folders go when no `--out-root` is given.
pub(crate) const DEFAULT_OUT_ROOT: &str = "kubernetes/applications";

/// The file in each output folder that lists the others with their sha256.
pub(crate) const CHECKSUMS: &str = "CHECKSUMS";

/// Whether `dir` is an output folder pgrender wrote: it carries CHECKSUMS.
/// Spec discovery never descends into one, and `check` reports one that
/// no spec renders any more.
pub(crate) fn is_generated_folder(dir: &std::path::Path) -> bool {
    dir.join(CHECKSUMS).is_file()
}

/// Settings of one render run that are not part of any spec.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The output root as a repository-relative path (`kubernetes/applications`),
    /// used where the output names its own location (multi-source values).
    pub out_root: String,
    /// Render the ArgoCD plugin's stream rather than a folder for git. The
    /// Application that runs the plugin then owns every object, so: Helm
    /// values inline (a plugin parameter changes what ArgoCD applies, never
    /// only a file it does not read), no folder Application (it would own
    /// the same objects), and no README or CHECKSUMS (not manifests).
    pub plugin_stream: bool,
    /// Whether a repository root was found above the output root
    /// (`repository::locate`); values read from git need one.
    pub in_repository: bool,
    /// That repository root on disk, where the folders the output names
    /// (`spec.argocd.secretsPath`) must be; never part of the output.
    pub repository_root: Option<std::path::PathBuf>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            out_root: DEFAULT_OUT_ROOT.into(),
            plugin_stream: false,
            in_repository: true,
            repository_root: None,
        }
    }
}

impl RenderOptions {
    /// A cluster's output folder as the repository names it.
    /// Whether Helm values are read from git (`values/values.yaml` at the
    /// repository path) rather than embedded in the Application.
    pub fn values_from_git(&self, git_repo_url: Option<&String>) -> bool {
        git_repo_url.is_some() && !self.plugin_stream
    }

    pub fn folder(&self, name: &str) -> String {
        format!("{}/{name}", self.out_root.trim_end_matches('/'))
    }

    pub fn values_file_path(&self, name: &str) -> String {
        format!(
            "{}/{name}/values/values.yaml",
            self.out_root.trim_end_matches('/')
        )
    }
}

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

/// `sha256  path` per file, sorted by path: `sha256sum -c CHECKSUMS` works
/// inside the folder.
pub(crate) fn checksums<'a>(files: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    let mut out = String::new();
    for (path, content) in files {
        if path == CHECKSUMS {
            continue;
        }
        out.push_str(&sha256_hex(content.as_bytes()));
        out.push_str("  ");
        out.push_str(path);
        out.push('\n');
    }
    out
}

/// Lowercase hex sha256, as `sha256sum` prints it.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
