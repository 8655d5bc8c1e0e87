//! The CloudNativePG operator: a `postgresql.cnpg.io/v1` Cluster applied
//! with the rest of the folder, and the operator itself installed by its own
//! ArgoCD Application in an earlier sync wave.

use std::collections::BTreeMap;

use minijinja::value::Serde;

use super::{
    Backend, BackendFile, BackendOutput, ParsedFiles, RenderedApplication, document, text,
};
use crate::alerts::Alert;
use crate::diagnostic::Report;
use crate::facts::{ClusterFacts, IngressRule, MetricNames, SecretKey};
use crate::footprint::{Change, Footprint, Impact, backup_now, major_of_tag, quantity_bytes};
use crate::names::{dns_label, is_url};
use crate::plan::RenderOptions;
use crate::spec::{Backend as BackendName, PostgresCluster, PostgresVersion};
use crate::templates::{Renderer, Template};

#[derive(Debug)]
pub(crate) struct CloudnativePg;

pub(super) const TEMPLATES: [Template; 4] = crate::templates::embedded![
    "cloudnative-pg/application.yaml",
    "cloudnative-pg/cluster.yaml",
    "cloudnative-pg/pod-monitor.yaml",
    "cloudnative-pg/README.md",
];

/// Official CloudNativePG images (ghcr.io/cloudnative-pg/postgresql), pinned
/// to a minor release per major so the output names exactly what runs.
fn default_image(version: PostgresVersion) -> &'static str {
    match version {
        PostgresVersion::V16 => "ghcr.io/cloudnative-pg/postgresql:16.10",
        PostgresVersion::V15 => "ghcr.io/cloudnative-pg/postgresql:15.14",
    }
}

/// CloudNativePG's services listen on PostgreSQL's port; the operator owns
/// their port list.
const CNPG_PORT: u32 = 5432;

impl CloudnativePg {
    fn image(cluster: &PostgresCluster) -> String {
        let spec = &cluster.spec;
        spec.cloudnative_pg
            .image_name
            .clone()
            .unwrap_or_else(|| default_image(spec.postgres.version).to_string())
    }
}

impl Backend for CloudnativePg {
    fn validate(&self, cluster: &PostgresCluster, report: &mut Report<'_>) {
        let spec = &cluster.spec;
        super::reject_foreign_options(
            report,
            "/spec/bitnami",
            BackendName::BitnamiPostgresqlHa,
            BackendName::CloudnativePg,
        );
        if report.is_written("/spec/argocd/applicationName") {
            report.at_key(
                "/spec/argocd/applicationName",
                "means nothing for cloudnative-pg: the Cluster is applied by the Application that syncs this folder, \
                 and the operator's Application is named by spec.cloudnativePg.operator.applicationName",
            );
        }
        if spec.network.port != CNPG_PORT {
            report.at_value(
                "/spec/network/port",
                format!("CloudNativePG services listen on {CNPG_PORT}; the operator does not let the port change"),
            );
        }
        let operator = &spec.cloudnative_pg.operator;
        for (pointer, value) in [
            (
                "/spec/cloudnativePg/operator/namespace",
                &operator.namespace,
            ),
            (
                "/spec/cloudnativePg/operator/applicationName",
                &operator.application_name,
            ),
        ] {
            if let Err(why) = dns_label(value) {
                report.at_value(pointer, why);
            }
        }
        if !is_url(&operator.repo_url, &["https://"]) {
            report.at_value(
                "/spec/cloudnativePg/operator/repoURL",
                format!(
                    "`{}` must be an https:// Helm repository",
                    operator.repo_url
                ),
            );
        }
        let version_ok = !operator.chart_version.is_empty()
            && operator
                .chart_version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".*^~-+".contains(c));
        if !version_ok {
            report.at_value(
                "/spec/cloudnativePg/operator/chartVersion",
                format!(
                    "`{}` is not a chart version such as 0.27.1",
                    operator.chart_version
                ),
            );
        }
        if let Some(image) = &spec.cloudnative_pg.image_name {
            let ok = image.contains(':') || image.contains('@');
            if !ok || image.contains(char::is_whitespace) {
                report.at_value(
                    "/spec/cloudnativePg/imageName",
                    format!("`{image}` must name an image with a tag or digest, e.g. ghcr.io/cloudnative-pg/postgresql:16.10"),
                );
            }
        }
    }

    fn warnings(&self, _: &PostgresCluster) -> Vec<String> {
        Vec::new()
    }

    fn applications(&self, cluster: &PostgresCluster) -> Vec<RenderedApplication> {
        let operator = &cluster.spec.cloudnative_pg.operator;
        if !operator.install {
            return Vec::new();
        }
        vec![RenderedApplication {
            field: "/spec/cloudnativePg/operator/applicationName",
            name: format!(
                "{}/{}",
                cluster.spec.argocd.namespace, operator.application_name
            ),
            remedy: "the operator is cluster-wide: set spec.cloudnativePg.operator.install: false in every spec but one",
        }]
    }

    fn facts(&self, cluster: &PostgresCluster) -> ClusterFacts {
        let spec = &cluster.spec;
        let name = &cluster.metadata.name;
        // Pod labels set by the operator on every instance pod.
        let cluster_labels = BTreeMap::from([("cnpg.io/cluster".to_string(), name.clone())]);
        let mut server_labels = cluster_labels.clone();
        server_labels.insert("cnpg.io/podRole".into(), "instance".into());
        ClusterFacts {
            // The read-write service always points at the primary.
            service_host: format!("{name}-rw.{}.svc.cluster.local", spec.namespace.0),
            client_image: Self::image(cluster),
            // The `postgres` user of the official images.
            run_as_user: 26,
            superuser: "postgres".into(),
            password_secret: spec.auth.existing_secret.clone(),
            password_key: "password".into(),
            secret_keys: vec![
                SecretKey {
                    key: "username".into(),
                    purpose: "always `postgres` (the superuser)".into(),
                    value: Some("postgres".into()),
                },
                SecretKey {
                    key: "password".into(),
                    purpose: "password of the `postgres` superuser (operator and backup job)"
                        .into(),
                    value: None,
                },
            ],
            secret_type: "kubernetes.io/basic-auth",
            secret_readers: "The CloudNativePG operator (as `superuserSecret`) and the backup job",
            entry_pods: "the primary PostgreSQL pod",
            server_container: "postgres",
            metrics: MetricNames {
                up: "cnpg_collector_up",
                replication_lag: "cnpg_pg_replication_lag",
                connections: "cnpg_backends_total",
            },
            extra_ingress: vec![IngressRule {
                why: "The operator checks each instance (status port 8000) and connects to PostgreSQL.",
                namespace: spec.cloudnative_pg.operator.namespace.clone(),
                ports: vec![8000, 5432],
            }],
            server_labels,
            proxy_labels: None,
            cluster_labels,
            postgres_port: 5432,
            client_port: 5432,
            metrics_port: 9187,
            server_pod_regex: format!("{name}-[0-9]+"),
            // Instance PVCs are named after their pods; then the backup PVC.
            volume_claim_regex: format!("{name}-[0-9]+|{name}-backups"),
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
        let spec = &cluster.spec;
        let context = minijinja::context! {
            folder => options.folder(&cluster.metadata.name),
            name => &cluster.metadata.name,
            spec => Serde(spec),
            facts => Serde(facts),
            image => Self::image(cluster),
            alerts => Serde(alerts),
        };
        let mut files = vec![BackendFile {
            path: "cluster.yaml".into(),
            content: renderer.render("cloudnative-pg/cluster.yaml", &context)?,
        }];
        if spec.cloudnative_pg.operator.install {
            files.push(BackendFile {
                path: "application.yaml".into(),
                content: renderer.render("cloudnative-pg/application.yaml", &context)?,
            });
        }
        if spec.monitoring.exporter && spec.monitoring.service_monitor {
            files.push(BackendFile {
                path: "monitoring/pod-monitor.yaml".into(),
                content: renderer.render("cloudnative-pg/pod-monitor.yaml", &context)?,
            });
        }
        Ok(BackendOutput {
            files,
            readme_template: "cloudnative-pg/README.md",
            readme_context: context,
        })
    }

    fn read_footprint(&self, _: &str, files: &ParsedFiles) -> Option<Footprint> {
        let cluster = document(files, "cluster.yaml", "Cluster")?;
        let spec = &cluster["spec"];
        let mut server = spec.clone();
        if let Some(map) = server.as_object_mut() {
            for key in ["instances", "storage", "managed"] {
                map.shift_remove(key);
            }
        }
        let service = &spec["managed"]["services"]["additional"][0]["serviceTemplate"];
        Some(Footprint {
            backend: BackendName::CloudnativePg.as_str(),
            major: spec["imageName"]
                .as_str()
                .and_then(|image| image.rsplit_once(':'))
                .and_then(|(_, tag)| major_of_tag(tag)),
            instances: spec["instances"].as_u64(),
            storage_size: text(&spec["storage"]["size"]),
            storage_class: text(&spec["storage"]["storageClass"]),
            address: text(
                &service["metadata"]["annotations"]["metallb.universe.tf/loadBalancerIPs"],
            ),
            server_config: server.to_string(),
            ..Footprint::default()
        })
    }

    fn judge(&self, name: &str, old: &Footprint, new: &Footprint) -> Vec<Change> {
        let ns = &new.namespace;
        let backup_now = backup_now(name, ns);
        let mut changes = Vec::new();
        if let (Some(o), Some(n)) = (old.major, new.major)
            && n > o
        {
            changes.push(
                Change::new(
                    Impact::ManualStep,
                    format!("PostgreSQL {o} -> {n}: CloudNativePG upgrades in place with pg_upgrade: every instance stops for the upgrade (downtime) and the replicas are cloned again; the old and the new image must be of the same OS family"),
                )
                .step(backup_now.clone())
                .step("plan the downtime, then commit the render")
                .step(format!("watch the upgrade: kubectl -n {ns} get cluster {name} -w (phase back to 'Cluster in healthy state')")),
            );
        }
        let shrinks = match (
            old.storage_size.as_deref().and_then(quantity_bytes),
            new.storage_size.as_deref().and_then(quantity_bytes),
        ) {
            (Some(o), Some(n)) => n < o,
            _ => false,
        };
        if old.storage_size != new.storage_size {
            let sizes = format!(
                "data volumes {} -> {}",
                old.storage_size.as_deref().unwrap_or("?"),
                new.storage_size.as_deref().unwrap_or("?")
            );
            changes.push(if shrinks {
                Change::new(
                    Impact::RefusedByKubernetes,
                    format!("{sizes}: a volume cannot shrink, and the operator rejects the change"),
                )
                .step("keep the size, or move the data to a new cluster with pgrender migrate-guide")
            } else if new.storage_class.as_deref() == Some("local-path") {
                Change::new(
                    Impact::ManualStep,
                    format!("{sizes}: the operator grows volumes only when their StorageClass allows expansion, and K3s local-path does not"),
                )
                .step(backup_now.clone())
                .step("commit the render, then replace one replica at a time so that the operator recreates it with the new size:")
                .step(format!("kubectl cnpg destroy {name} <replica number> -n {ns} (the kubectl-cnpg plugin); wait for the new replica; repeat; finally kubectl cnpg promote to a new replica and destroy the old primary"))
            } else {
                Change::new(
                    Impact::ManualStep,
                    format!("{sizes}: the operator grows each volume in place if StorageClass {} allows expansion", new.storage_class.as_deref().unwrap_or("?")),
                )
                .step(format!(
                    "check: kubectl get storageclass {} -o jsonpath='{{.allowVolumeExpansion}}' must print true",
                    new.storage_class.as_deref().unwrap_or("?")
                ))
            });
        }
        if old.storage_class != new.storage_class {
            changes.push(Change::new(
                Impact::ManualStep,
                format!(
                    "volume class {} -> {}: only volumes created from now on get the new class; existing instances keep theirs until they are recreated",
                    old.storage_class.as_deref().unwrap_or("?"),
                    new.storage_class.as_deref().unwrap_or("?")
                ),
            ));
        }
        if let (Some(o), Some(n)) = (old.instances, new.instances)
            && n < o
        {
            changes.push(Change::new(
                Impact::RollingRestart,
                format!("instances {o} -> {n}: the operator removes replicas and their volumes; clients of the read-only endpoint reconnect"),
            ));
        }
        super::shared_changes(
            old,
            new,
            &mut changes,
            "the operator restarts the replicas, then switches over the primary; clients reconnect",
        );
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_pinned_per_major() {
        assert!(default_image(PostgresVersion::V16).ends_with(":16.10"));
        assert!(default_image(PostgresVersion::V15).ends_with(":15.14"));
    }
}
