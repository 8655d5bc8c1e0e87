//! The settings of one run that shape the output but are not part of any
//! spec: where the output root lies in the repository, and whether the run
//! renders the ArgoCD plugin's stream.

use crate::read::repository::DEFAULT_OUT_ROOT;

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
