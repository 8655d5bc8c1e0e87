//! What the shared outputs (backup job, network policy, alerts, runbook)
//! need to know about a CloudNativePG cluster: its services, Secrets, pod
//! labels and ports, and the metrics of its built-in exporter.

use std::collections::BTreeMap;

use crate::backend::kit::facts::{ClusterFacts, IngressRule, SecretKey};
use crate::backend::kit::versions::ExporterMetrics;
use crate::spec::PostgresCluster;

/// The exporter built into every CloudNativePG instance.
pub const METRICS: ExporterMetrics = ExporterMetrics {
    up: "cnpg_collector_up",
    replication_lag: "cnpg_pg_replication_lag",
    connections: "cnpg_backends_total",
    database_size: "cnpg_pg_database_size_bytes",
    wal_size: Some("cnpg_collector_pg_wal"),
    exported: &[
        "cnpg_collector_up",
        "cnpg_pg_replication_lag",
        "cnpg_backends_total",
        "cnpg_pg_database_size_bytes",
        "cnpg_collector_pg_wal",
    ],
    source: "cloudnative-pg/cloudnative-pg config/manager/default-monitoring.yaml and pkg/management/postgres/webserver/metricserver, v1.30.0",
};

pub(super) fn facts(cluster: &PostgresCluster) -> ClusterFacts {
    let spec = &cluster.spec;
    let name = &cluster.metadata.name;
    // Pod labels set by the operator on every instance pod.
    let cluster_labels = BTreeMap::from([("cnpg.io/cluster".to_string(), name.clone())]);
    let mut server_labels = cluster_labels.clone();
    server_labels.insert("cnpg.io/podRole".into(), "instance".into());
    let ns = &spec.namespace.0;
    ClusterFacts {
        title: "CloudNativePG",
        health: format!("`kubectl -n {ns} get cluster {name}` shows `Cluster in healthy state`"),
        removal: "the operator deletes the instances and their data volumes, which belong to the Cluster: the data is gone".into(),
        operator: spec.cloudnative_pg.operator.install.then(|| {
            format!(
                "the CloudNativePG operator (Application `{}/{}`)",
                spec.argocd.namespace, spec.cloudnative_pg.operator.application_name
            )
        }),
        data_claims_selector: format!("cnpg.io/cluster={name}"),
        // The read-write service always points at the primary.
        service_host: format!("{name}-rw.{}.svc.cluster.local", spec.namespace.0),
        primary_candidates: Vec::new(),
        client_image: super::image(cluster),
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
        user_secrets: spec.auth.users.iter().map(|u| (u.name.clone(), u.existing_secret.clone().unwrap_or_default())).collect(),
        users_share_secret: false,
        credentials_by_operator: false,
        secret_type: "kubernetes.io/basic-auth",
        secret_readers: "The CloudNativePG operator (as `superuserSecret`) and the backup job",
        entry_pods: "the primary PostgreSQL pod",
        internal_database: None,
        server_container: "postgres",
        exporter: "Each instance's built-in CloudNativePG exporter serves the `cnpg_*` metrics",
        scrape_object: "PodMonitor",
        metrics: METRICS,
        extra_ingress: vec![
            IngressRule {
                why: "The operator checks each instance (status port 8000) and connects to PostgreSQL.",
                namespace: spec.cloudnative_pg.operator.namespace.clone(),
                ports: vec![8000, 5432],
            },
            // pkg/management/postgres/webserver/probes/pinger.go; the
            // liveness probe's isolation check is on by default.
            IngressRule {
                why: "When the API server is out of reach, the primary's liveness probe asks every instance's status port (8000); blocked, the primary restarts.",
                namespace: spec.namespace.0.clone(),
                ports: vec![8000],
            },
        ],
        server_labels,
        proxy_labels: None,
        cluster_labels,
        postgres_port: 5432,
        client_port: 5432,
        metrics_port: 9187,
        server_pod_regex: format!("{name}-[0-9]+"),
        // Instance PVCs are named after their pods.
        data_claim_regex: format!("{name}-[0-9]+"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exporter_lists_the_names_it_gives() {
        assert_eq!(METRICS.named(), METRICS.exported.to_vec());
    }
}
