//! Backends: how one spec becomes a deployment of a particular kind.
//!
//! This is the one place that branches on `spec.backend`. A backend
//! validates its own options, says what the shared outputs (MetalLB pool,
//! backup job, README) need to know about the running cluster, and renders
//! its own files. Adding a backend is adding a module here and its templates.

mod bitnami;
mod cloudnative_pg;

use std::collections::BTreeMap;

use crate::alerts::Alert;
use crate::render::{RenderOptions, Renderer};
use crate::spec::{Backend as BackendName, PostgresCluster};
use crate::validate::Report;

/// What the shared outputs need to know about a rendered cluster.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClusterFacts {
    /// In-cluster service clients (and the backup job) connect to.
    pub service_host: String,
    /// Image with `pg_dump`/`pg_dumpall` of the server's major version.
    pub client_image: String,
    /// Unix user the image runs as.
    pub run_as_user: u32,
    /// Secret and key holding the superuser password.
    pub superuser: String,
    pub password_secret: String,
    pub password_key: String,
    /// Every key the backend reads from `auth.existingSecret`, with what it is for.
    pub secret_keys: Vec<SecretKey>,
    /// Type of that Secret (`Opaque`, `kubernetes.io/basic-auth`).
    pub secret_type: &'static str,
    /// Who reads it, for the README ("The chart and the backup job").
    pub secret_readers: &'static str,
    /// What clients' traffic lands on, for the README ("a pgpool pod").
    pub entry_pods: &'static str,
    /// Container running PostgreSQL in a server pod.
    pub server_container: &'static str,
    pub metrics: MetricNames,
    pub extra_ingress: Vec<IngressRule>,
    /// Labels of the PostgreSQL server pods (as the chart or operator sets them).
    pub server_labels: BTreeMap<String, String>,
    /// Labels of the proxy pods clients connect to, when there is a proxy.
    pub proxy_labels: Option<BTreeMap<String, String>>,
    /// Labels every pod of the cluster carries (replication and proxy peers).
    pub cluster_labels: BTreeMap<String, String>,
    /// Container ports: PostgreSQL, the proxy (or PostgreSQL again) and the exporter.
    pub postgres_port: u16,
    pub client_port: u16,
    pub metrics_port: u16,
    /// Regular expressions (PromQL `=~`) for the server pods and their volume claims.
    pub server_pod_regex: String,
    pub volume_claim_regex: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SecretKey {
    pub key: String,
    pub purpose: String,
    /// A value that is not secret and always the same (a user name); the
    /// README writes it instead of prompting for it.
    pub value: Option<String>,
}

/// Names of the metrics the backend's exporter gives for the alerts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MetricNames {
    /// 1 while the exporter reaches PostgreSQL.
    pub up: &'static str,
    /// Replay lag of a replica in seconds (0 on the primary).
    pub replication_lag: &'static str,
    /// Connections per instance (summed per pod by the alert).
    pub connections: &'static str,
}

/// Extra traffic the backend's own machinery needs into the server pods.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IngressRule {
    pub why: &'static str,
    pub namespace: String,
    pub ports: Vec<u16>,
}

/// An ArgoCD Application a spec renders, for the cross-spec uniqueness rule.
#[derive(Debug, Clone)]
pub struct RenderedApplication {
    /// JSON Pointer of the spec field that names it.
    pub field: &'static str,
    /// `namespace/name`.
    pub name: String,
    /// What to do when two specs render it.
    pub remedy: &'static str,
}

/// One generated file, before the header and checksums are added.
#[derive(Debug, Clone)]
pub struct BackendFile {
    pub path: String,
    pub content: String,
}

/// What a backend renders for one spec: its own files, and the template and
/// context of the README (runbook), which the caller renders only when the
/// run asks for it (`generate` does not).
#[derive(Debug)]
pub struct BackendOutput {
    pub files: Vec<BackendFile>,
    pub readme_template: &'static str,
    pub readme_context: minijinja::Value,
}

pub trait Backend: Sync {
    /// Rules for this backend's own options.
    fn validate(&self, cluster: &PostgresCluster, report: &mut Report<'_>);
    /// Non-fatal notes for stderr (never secrets).
    fn warnings(&self, cluster: &PostgresCluster) -> Vec<String>;
    fn facts(&self, cluster: &PostgresCluster) -> ClusterFacts;
    /// The ArgoCD Applications this spec renders: no two specs may share one.
    fn applications(&self, cluster: &PostgresCluster) -> Vec<RenderedApplication>;
    /// The backend's own files (Application, values, …) and what its
    /// README, which documents `alerts`, is rendered from.
    fn render(
        &self,
        cluster: &PostgresCluster,
        facts: &ClusterFacts,
        alerts: &[Alert],
        renderer: &Renderer,
        options: &RenderOptions,
    ) -> Result<BackendOutput, minijinja::Error>;
}

/// Report options written for another backend: they would be silently
/// ignored, which is worse than an error.
pub(crate) fn reject_foreign_options(
    report: &mut Report<'_>,
    pointer: &str,
    owner: BackendName,
    this: BackendName,
) {
    if report.is_written(pointer) {
        report.at_key(
            pointer,
            format!(
                "options of the {} backend mean nothing for {}; remove them, or set spec.backend: {}",
                owner.as_str(),
                this.as_str(),
                owner.as_str()
            ),
        );
    }
}

/// Every backend's templates, for the renderer to compile.
pub(crate) fn templates() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    bitnami::TEMPLATES
        .iter()
        .chain(cloudnative_pg::TEMPLATES.iter())
}

/// The dispatch point.
pub fn for_cluster(cluster: &PostgresCluster) -> &'static dyn Backend {
    match cluster.spec.backend {
        BackendName::BitnamiPostgresqlHa => &bitnami::Bitnami,
        BackendName::CloudnativePg => &cloudnative_pg::CloudnativePg,
    }
}

#[cfg(test)]
mod tests {
    use crate::render::{RenderOptions, Renderer, render_spec};
    use crate::spec::{Backend, ClusterSpec};
    use crate::validate::ValidSpec;

    /// The default spec once with each backend.
    fn default_spec_per_backend() -> impl Iterator<Item = (Backend, ValidSpec)> {
        [Backend::BitnamiPostgresqlHa, Backend::CloudnativePg]
            .into_iter()
            .map(|backend| {
                let spec = ClusterSpec {
                    backend,
                    ..ClusterSpec::default()
                };
                (backend, ValidSpec::unread("x.yaml", spec))
            })
    }

    /// A one-spec run frees each compiled template after its render
    /// (`Renderer::single_use`); that must not change a byte of any output.
    #[test]
    fn single_use_renders_what_the_shared_renderer_renders() {
        for (backend, valid) in default_spec_per_backend() {
            let options = RenderOptions::default();
            let kept = render_spec(&valid, &Renderer::new(), &options).unwrap();
            let single = render_spec(&valid, &Renderer::single_use(), &options).unwrap();
            assert!(kept.files.contains_key("README.md"), "{backend:?}");
            assert_eq!(single, kept, "{backend:?}");
        }
    }

    /// `generate` asks for manifests only: the same files minus the README
    /// and CHECKSUMS it would drop anyway, for both backends.
    #[test]
    fn manifests_only_renders_the_same_manifests_without_readme_and_checksums() {
        for (backend, valid) in default_spec_per_backend() {
            let renderer = Renderer::new();
            let full = render_spec(&valid, &renderer, &RenderOptions::default()).unwrap();
            let only = RenderOptions {
                readme_and_checksums: false,
                ..RenderOptions::default()
            };
            let manifests = render_spec(&valid, &renderer, &only).unwrap();
            let mut expected = full.files.clone();
            assert!(expected.remove("README.md").is_some());
            assert!(expected.remove(crate::render::CHECKSUMS).is_some());
            assert_eq!(manifests.files, expected, "{backend:?}");
        }
    }
}
