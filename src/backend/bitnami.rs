//! The Bitnami `postgresql-ha` chart (repmgr + pgpool), installed by an
//! ArgoCD Application with the Helm values embedded or as a value file.

use std::collections::BTreeMap;

use minijinja::value::Serde;
use serde::Serialize;

use super::{Backend, BackendFile, BackendOutput, RenderedApplication};
use crate::alerts::Alert;
use crate::diagnostic::Report;
use crate::facts::{ClusterFacts, MetricNames, SecretKey};
use crate::names::{dns_label, is_url};
use crate::plan::RenderOptions;
use crate::spec::{PostgresCluster, PostgresVersion};
use crate::templates::{Renderer, Template};

#[derive(Debug)]
pub(crate) struct Bitnami;

pub(super) const TEMPLATES: [Template; 3] = crate::templates::embedded![
    "bitnami/values.yaml",
    "bitnami/application.yaml",
    "bitnami/README.md",
];

/// What pgrender knows about one chart major. Only majors whose values.yaml
/// the test suite checks the emitted keys against are listed.
#[derive(Debug)]
struct ChartProfile {
    major: u32,
    /// PostgreSQL image tag per major version. Pinned, because the chart's
    /// default tag follows the chart's own PostgreSQL major, not the spec's.
    postgres_tags: &'static [(PostgresVersion, &'static str)],
    /// Chart majors after Bitnami's 2025 image change verify image names
    /// and need `global.security.allowInsecureImages` for anything but
    /// `docker.io/bitnami`; 12.x has no such key (a values key it does not
    /// know would be ignored, but we emit only real keys).
    has_allow_insecure_images: bool,
}

const PROFILES: [ChartProfile; 2] = [
    ChartProfile {
        major: 12,
        // 16: chart 12.8.2's default; 15: the tag of the 11.x line (PostgreSQL 15).
        postgres_tags: &[
            (PostgresVersion::V16, "16.1.0-debian-11-r19"),
            (PostgresVersion::V15, "15.4.0-debian-11-r31"),
        ],
        has_allow_insecure_images: false,
    },
    ChartProfile {
        major: 16,
        postgres_tags: &[(PostgresVersion::V16, "16.6.0-debian-12-r3")],
        has_allow_insecure_images: true,
    },
];

/// The four images the chart runs, by the values key that sets each.
const IMAGES: [(&str, &str); 4] = [
    ("postgresql", "postgresql-repmgr"),
    ("pgpool", "pgpool"),
    ("metrics", "postgres-exporter"),
    ("volumePermissions", "os-shell"),
];

/// Labels the chart puts on its pods: Bitnami's `common.labels.standard`
/// (`app.kubernetes.io/name` = chart name, `instance` = Helm release, which
/// the Application sets to `metadata.name`) plus `app.kubernetes.io/component`
/// (`postgresql` on the StatefulSet, `pgpool` on the Deployment).
fn chart_labels(release: &str, component: Option<&str>) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::from([
        (
            "app.kubernetes.io/instance".to_string(),
            release.to_string(),
        ),
        (
            "app.kubernetes.io/name".to_string(),
            "postgresql-ha".to_string(),
        ),
    ]);
    if let Some(component) = component {
        labels.insert("app.kubernetes.io/component".into(), component.into());
    }
    labels
}

/// `12.x.x`, `12.8.2`, `^12.8`, `~12`, `v12` -> 12.
fn chart_major(target_revision: &str) -> Option<u32> {
    let trimmed = target_revision.trim_start_matches(['^', '~', '=', 'v', ' ']);
    let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
    let rest = &trimmed[digits.len()..];
    if digits.is_empty() || !(rest.is_empty() || rest.starts_with('.')) {
        return None;
    }
    digits.parse().ok()
}

fn profile_for(target_revision: &str) -> Result<&'static ChartProfile, String> {
    let major = chart_major(target_revision).ok_or_else(|| {
        format!("cannot tell the chart major version from `{target_revision}`; write it like 12.x.x or 12.8.2")
    })?;
    PROFILES.iter().find(|p| p.major == major).ok_or_else(|| {
        let known: Vec<String> = PROFILES.iter().map(|p| format!("{}.x", p.major)).collect();
        format!(
            "chart major {major} is not supported; pgrender knows the values of postgresql-ha {}",
            known.join(" and ")
        )
    })
}

/// `oci://host/path` -> `host/path`, as ArgoCD wants Helm OCI repositories.
fn argocd_repo_url(repo_url: &str) -> (&str, bool) {
    match repo_url.strip_prefix("oci://") {
        Some(rest) => (rest.trim_end_matches('/'), true),
        None => (repo_url, false),
    }
}

#[derive(Serialize)]
struct Image {
    key: &'static str,
    registry: String,
    repository: String,
    tag: Option<&'static str>,
}

#[derive(Serialize)]
struct ChartContext<'a> {
    name: &'a str,
    repo_url: &'a str,
    oci: bool,
    allow_insecure_images: bool,
    images: Vec<Image>,
}

impl Bitnami {
    fn chart_context<'a>(&self, cluster: &'a PostgresCluster) -> ChartContext<'a> {
        let spec = &cluster.spec;
        let profile = profile_for(&spec.bitnami.chart.target_revision).expect("validated");
        let postgres_tag = profile
            .postgres_tags
            .iter()
            .find(|(v, _)| *v == spec.postgres.version)
            .map(|(_, tag)| *tag);
        let (repo_url, oci) = argocd_repo_url(&spec.bitnami.chart.repo_url);
        let images = IMAGES
            .iter()
            .map(|(key, name)| Image {
                key,
                registry: spec.bitnami.images.registry.clone(),
                repository: format!("{}/{}", spec.bitnami.images.namespace, name),
                tag: if *key == "postgresql" {
                    postgres_tag
                } else {
                    None
                },
            })
            .collect();
        ChartContext {
            name: &spec.bitnami.chart.name,
            repo_url,
            oci,
            allow_insecure_images: profile.has_allow_insecure_images,
            images,
        }
    }
}

impl Backend for Bitnami {
    fn applications(&self, cluster: &PostgresCluster) -> Vec<RenderedApplication> {
        let argocd = &cluster.spec.argocd;
        vec![RenderedApplication {
            field: "/spec/argocd/applicationName",
            name: format!("{}/{}", argocd.namespace, argocd.application_name),
            remedy: "give each spec its own spec.argocd.applicationName",
        }]
    }

    fn validate(&self, cluster: &PostgresCluster, report: &mut Report<'_>) {
        let spec = &cluster.spec;
        super::reject_foreign_options(
            report,
            "/spec/cloudnativePg",
            crate::spec::Backend::CloudnativePg,
            crate::spec::Backend::BitnamiPostgresqlHa,
        );
        match profile_for(&spec.bitnami.chart.target_revision) {
            Err(why) => report.at_value("/spec/bitnami/chart/targetRevision", why),
            Ok(profile) => {
                if !profile
                    .postgres_tags
                    .iter()
                    .any(|(v, _)| *v == spec.postgres.version)
                {
                    report.at_value(
                        "/spec/postgres/version",
                        format!(
                            "PostgreSQL {} has no known image for postgresql-ha {}.x",
                            spec.postgres.version.as_str(),
                            profile.major
                        ),
                    );
                }
            }
        }
        let chart = &spec.bitnami.chart;
        if dns_label(&chart.name).is_err() {
            report.at_value(
                "/spec/bitnami/chart/name",
                format!(
                    "`{}` is not a chart name (lower-case letters, digits and `-`)",
                    chart.name
                ),
            );
        }
        let revision_ok = chart
            .target_revision
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " .*^~<>=|,-+".contains(c));
        if !revision_ok {
            report.at_value(
                "/spec/bitnami/chart/targetRevision",
                format!(
                    "`{}` is not a chart version or range",
                    chart.target_revision
                ),
            );
        }
        let repo = &spec.bitnami.chart.repo_url;
        if !is_url(repo, &["oci://", "https://"]) {
            report.at_value(
                "/spec/bitnami/chart/repoURL",
                format!("`{repo}` must start with oci:// or https://"),
            );
        }
        if repo.starts_with("https://charts.bitnami.com") {
            report.at_value(
                "/spec/bitnami/chart/repoURL",
                "charts.bitnami.com lists only the last six months of charts, so this chart will not resolve; \
                 use oci://registry-1.docker.io/bitnamicharts",
            );
        }
        let registry = &spec.bitnami.images.registry;
        let registry_ok = !registry.is_empty()
            && registry.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b':')
            });
        if !registry_ok {
            report.at_value(
                "/spec/bitnami/images/registry",
                format!(
                    "`{registry}` is not a registry host such as docker.io or registry.lan:5000"
                ),
            );
        }
        let namespace = &spec.bitnami.images.namespace;
        let namespace_ok = namespace.split('/').all(|part| {
            !part.is_empty()
                && part.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
                })
        });
        if !namespace_ok {
            report.at_value(
                "/spec/bitnami/images/namespace",
                format!("`{namespace}` is not an image repository path such as bitnamilegacy or mirror/bitnami"),
            );
        }
    }

    fn warnings(&self, cluster: &PostgresCluster) -> Vec<String> {
        let images = &cluster.spec.bitnami.images;
        if images.registry == "docker.io" && images.namespace == "bitnamilegacy" {
            vec![
                "images come from docker.io/bitnamilegacy, which Bitnami froze in 2025: they get no security updates. \
                 Mirror them (spec.bitnami.images) or plan the move to CloudNativePG."
                    .to_string(),
            ]
        } else {
            Vec::new()
        }
    }

    fn facts(&self, cluster: &PostgresCluster) -> ClusterFacts {
        let spec = &cluster.spec;
        let name = &cluster.metadata.name;
        let chart = self.chart_context(cluster);
        let postgres = &chart.images[0];
        let client_image = format!(
            "{}/{}:{}",
            postgres.registry,
            postgres.repository,
            postgres.tag.unwrap_or("latest")
        );
        ClusterFacts {
            // The chart's `service` is pgpool's: the one entry point for clients.
            service_host: format!(
                "{}-pgpool.{}.svc.cluster.local",
                cluster.metadata.name, spec.namespace.0
            ),
            client_image,
            run_as_user: 1001,
            superuser: "postgres".into(),
            password_secret: spec.auth.existing_secret.clone(),
            password_key: "password".into(),
            secret_keys: vec![
                SecretKey {
                    key: "password".into(),
                    purpose: "password of the `postgres` superuser (chart and backup job)".into(),
                    value: None,
                },
                SecretKey {
                    key: "repmgr-password".into(),
                    purpose: "password of the `repmgr` replication user".into(),
                    value: None,
                },
                SecretKey {
                    key: "admin-password".into(),
                    purpose: "password of the pgpool admin user".into(),
                    value: None,
                },
            ],
            secret_type: "Opaque",
            secret_readers: "The chart and the backup job",
            entry_pods: "a pgpool pod",
            server_container: "postgresql",
            metrics: MetricNames {
                up: "pg_up",
                replication_lag: "pg_replication_lag_seconds",
                connections: "pg_stat_activity_count",
            },
            extra_ingress: Vec::new(),
            server_labels: chart_labels(name, Some("postgresql")),
            proxy_labels: Some(chart_labels(name, Some("pgpool"))),
            cluster_labels: chart_labels(name, None),
            // Container ports of chart 12.x (postgresql.containerPorts.postgresql,
            // pgpool.containerPorts.pgpool, metrics.containerPorts.http); the
            // spec's port is the Service's.
            postgres_port: 5432,
            client_port: 5432,
            metrics_port: 9187,
            server_pod_regex: format!("{name}-postgresql-[0-9]+"),
            // volumeClaimTemplates `data` of the StatefulSet, and the backup PVC.
            volume_claim_regex: format!("data-{name}-postgresql-[0-9]+|{name}-backups"),
        }
    }

    fn render(
        &self,
        cluster: &PostgresCluster,
        facts: &ClusterFacts,
        alerts: &[Alert],
        renderer: &Renderer,
        options: &RenderOptions,
    ) -> Result<BackendOutput, minijinja::Error> {
        let chart = self.chart_context(cluster);
        let values_file = options.values_file_path(&cluster.metadata.name);
        let base = minijinja::context! {
            name => &cluster.metadata.name,
            spec => Serde(&cluster.spec),
            chart => Serde(&chart),
            facts => Serde(facts),
            values_file => &values_file,
            folder => options.folder(&cluster.metadata.name),
            spec_file => format!("<spec of {}>", cluster.metadata.name),
            alerts => Serde(alerts),
        };
        let values = renderer.render("bitnami/values.yaml", &base)?;
        let with_values = minijinja::context! { values => &values, ..base };
        let mut files = vec![
            BackendFile {
                path: "application.yaml".into(),
                content: renderer.render("bitnami/application.yaml", &with_values)?,
            },
            BackendFile {
                path: "values/values.yaml".into(),
                content: values,
            },
        ];
        if chart.oci {
            files.push(BackendFile {
                path: "argocd-repository.yaml".into(),
                content: renderer.render("common/argocd-repository.yaml", &with_values)?,
            });
        }
        Ok(BackendOutput {
            files,
            readme_template: "bitnami/README.md",
            readme_context: with_values,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_major_reads_argocd_revisions() {
        assert_eq!(chart_major("12.x.x"), Some(12));
        assert_eq!(chart_major("12.8.2"), Some(12));
        assert_eq!(chart_major("^16.3"), Some(16));
        assert_eq!(chart_major("12"), Some(12));
        assert_eq!(chart_major("x.12"), None);
        assert_eq!(chart_major("12abc"), None);
        assert_eq!(chart_major(""), None);
    }

    #[test]
    fn only_profiled_majors_are_supported() {
        assert!(profile_for("12.x.x").is_ok());
        assert!(profile_for("16.3.4").unwrap().has_allow_insecure_images);
        assert!(!profile_for("12.8.2").unwrap().has_allow_insecure_images);
        assert!(profile_for("14.0.0").unwrap_err().contains("not supported"));
    }

    #[test]
    fn oci_urls_lose_their_scheme() {
        assert_eq!(
            argocd_repo_url("oci://registry-1.docker.io/bitnamicharts"),
            ("registry-1.docker.io/bitnamicharts", true)
        );
        assert_eq!(
            argocd_repo_url("https://example.com/charts"),
            ("https://example.com/charts", false)
        );
    }
}
