//! What the shared outputs (backup job, network policy, alerts, runbook)
//! need to know about a Zalando cluster: its services, the Secrets the
//! operator writes, the Spilo pods' labels and ports, the exporter sidecar.

use std::collections::BTreeMap;

use super::{cluster_name, credentials_secret};
use crate::backend::kit::facts::{ClusterFacts, IngressRule, SecretKey};
use crate::backend::kit::versions::{POSTGRES_EXPORTER_METRICS, postgres_image};
use crate::spec::PostgresCluster;

pub(super) fn facts(cluster: &PostgresCluster) -> ClusterFacts {
    let spec = &cluster.spec;
    let name = cluster_name(cluster);
    // The labels the operator puts on every Spilo pod
    // (`configKubernetes.cluster_labels` and `cluster_name_label`).
    let labels = BTreeMap::from([
        ("application".to_string(), "spilo".to_string()),
        ("cluster-name".to_string(), name.clone()),
    ]);
    let ns = &spec.namespace.0;
    ClusterFacts {
        title: "Zalando postgres-operator",
        health: format!("`kubectl -n {ns} get postgresql {name}` shows `Running`"),
        removal: format!(
            "the operator stops the pods and removes the services; the volumes `pgdata-{name}-*` and the password Secrets stay (pgrender turns their deletion off)"
        ),
        operator: spec.zalando.operator.install.then(|| {
            format!(
                "Zalando's postgres-operator (Application `{}/{}`)",
                spec.argocd.namespace, spec.zalando.operator.application_name
            )
        }),
        data_claims_selector: format!("application=spilo,cluster-name={name}"),
        // The master service always points at the primary.
        service_host: format!("{name}.{}.svc.cluster.local", spec.namespace.0),
        primary_candidates: Vec::new(),
        // pg_dump of the server's major, as the other backends use it;
        // Spilo carries several majors and picks one at start.
        client_image: postgres_image(spec.postgres.version.major()).unwrap_or_default(),
        run_as_user: 26,
        superuser: "postgres".into(),
        password_secret: credentials_secret("postgres", &name),
        password_key: "password".into(),
        secret_keys: secret_keys(),
        user_secrets: spec
            .auth
            .users
            .iter()
            .map(|u| (u.name.clone(), credentials_secret(&u.name, &name)))
            .collect(),
        users_share_secret: false,
        credentials_by_operator: true,
        secret_type: "Opaque",
        secret_readers: "The backup job and the exporter",
        entry_pods: "the primary PostgreSQL pod",
        internal_database: None,
        server_container: "postgres",
        exporter: "postgres-exporter runs as a sidecar beside each PostgreSQL container",
        scrape_object: "ServiceMonitor",
        metrics: POSTGRES_EXPORTER_METRICS,
        extra_ingress: extra_ingress(cluster),
        server_labels: labels.clone(),
        proxy_labels: None,
        cluster_labels: labels,
        postgres_port: 5432,
        client_port: 5432,
        metrics_port: 9187,
        server_pod_regex: format!("{name}-[0-9]+"),
        data_claim_regex: format!("pgdata-{name}-[0-9]+"),
    }
}

/// The keys of the superuser's Secret, which the operator writes.
fn secret_keys() -> Vec<SecretKey> {
    vec![
        SecretKey {
            key: "username".into(),
            purpose: "always `postgres` (the superuser)".into(),
            value: Some("postgres".into()),
        },
        SecretKey {
            key: "password".into(),
            purpose: "password of `postgres`, made and kept by the operator".into(),
            value: None,
        },
    ]
}

/// What the operator and Patroni need into the Spilo pods.
fn extra_ingress(cluster: &PostgresCluster) -> Vec<IngressRule> {
    let spec = &cluster.spec;
    vec![
        IngressRule {
            why: "The operator asks Patroni (port 8008) and connects to PostgreSQL.",
            namespace: spec.zalando.operator.namespace.clone(),
            ports: vec![8008, 5432],
        },
        IngressRule {
            why: "Patroni members ask each other's REST API before a failover.",
            namespace: spec.namespace.0.clone(),
            ports: vec![8008],
        },
    ]
}
