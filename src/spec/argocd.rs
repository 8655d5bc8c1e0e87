//! How ArgoCD deploys the rendered folder.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ArgoCd {
    /// Namespace ArgoCD runs in; the Application is created there.
    #[schemars(length(min = 1, max = 63))]
    pub namespace: String,
    /// ArgoCD project.
    #[schemars(length(min = 1))]
    pub project: String,
    /// Name of the ArgoCD Application.
    #[schemars(length(min = 1, max = 63))]
    pub application_name: String,
    /// Cluster API server the Application deploys to.
    #[schemars(length(min = 1))]
    pub destination_server: String,
    pub sync_policy: SyncPolicy,
    /// Git repository holding this rendered tree. When set, the Application
    /// uses two sources: the chart, and this repo as `$values` for
    /// `values/values.yaml`; when unset the values are embedded.
    #[serde(rename = "gitRepoURL", skip_serializing_if = "Option::is_none")]
    pub git_repo_url: Option<String>,
    /// Git revision of `gitRepoURL`.
    #[schemars(length(min = 1))]
    pub git_target_revision: String,
    /// Repository folder (relative to the repository root) holding this
    /// cluster's SealedSecrets or ExternalSecrets: `folder-application.yaml`
    /// syncs it beside the rendered folder, and pgrender never writes there.
    /// Needs `gitRepoURL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets_path: Option<String>,
}

impl Default for ArgoCd {
    fn default() -> Self {
        ArgoCd {
            namespace: "argocd".into(),
            project: "default".into(),
            application_name: "postgresql-cluster".into(),
            destination_server: "https://kubernetes.default.svc".into(),
            sync_policy: SyncPolicy::default(),
            git_repo_url: None,
            git_target_revision: "HEAD".into(),
            secrets_path: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct SyncPolicy {
    /// Sync automatically when git changes.
    pub automated: bool,
    /// Delete resources that left git (only with `automated`).
    pub prune: bool,
    /// Undo changes made in the cluster (only with `automated`).
    pub self_heal: bool,
}

impl Default for SyncPolicy {
    fn default() -> Self {
        SyncPolicy {
            automated: true,
            prune: true,
            self_heal: true,
        }
    }
}
