//! What the shared outputs (backup job, network policy, alerts, runbook)
//! need to know about a cluster the chart runs: pgpool in front, the
//! StatefulSet's pods and their labels, the keys of the credentials Secret.

use std::collections::BTreeMap;

use super::chart::{chart_context, profile_for};
use crate::backend::kit::facts::{ClusterFacts, SecretKey};
use crate::backend::kit::versions::POSTGRES_EXPORTER_METRICS;
use crate::spec::PostgresCluster;

pub(super) fn facts(cluster: &PostgresCluster) -> ClusterFacts {
    let spec = &cluster.spec;
    let name = &cluster.metadata.name;
    let chart = chart_context(cluster);
    let postgres = &chart.images[0];
    let client_image = format!(
        "{}/{}:{}",
        postgres.registry,
        postgres.repository,
        postgres.tag.unwrap_or("latest")
    );
    let ns = &spec.namespace.0;
    ClusterFacts {
        title: "Bitnami postgresql-ha",
        health: format!(
            "`kubectl -n {ns} rollout status statefulset {name}-postgresql` reports every pod ready"
        ),
        removal: format!(
            "the chart's Application `{}/{}` goes too, and its own finalizer uninstalls the release (servers, pgpool, services); the data volumes `data-{name}-postgresql-*` stay (a StatefulSet never deletes its volumes)",
            spec.argocd.namespace, spec.argocd.application_name
        ),
        operator: None,
        data_claims_selector: format!("app.kubernetes.io/instance={name}"),
        // The chart's `service` is pgpool's: the one entry point for clients.
        service_host: format!(
            "{}-pgpool.{}.svc.cluster.local",
            cluster.metadata.name, spec.namespace.0
        ),
        // The chart's StatefulSet pods behind its headless service.
        primary_candidates: primary_candidates(cluster),
        client_image,
        run_as_user: 1001,
        superuser: "postgres".into(),
        password_secret: spec.auth.existing_secret.clone(),
        password_key: "password".into(),
        secret_keys: secret_keys(cluster),
        user_secrets: user_secrets(cluster),
        users_share_secret: true,
        credentials_by_operator: false,
        secret_type: "Opaque",
        secret_readers: "The chart and the backup job",
        entry_pods: "a pgpool pod",
        internal_database: Some("repmgr"),
        server_container: "postgresql",
        exporter: "postgres-exporter runs beside each PostgreSQL container",
        scrape_object: "ServiceMonitor",
        metrics: POSTGRES_EXPORTER_METRICS,
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
        // volumeClaimTemplates `data` of the StatefulSet.
        data_claim_regex: format!("data-{name}-postgresql-[0-9]+"),
    }
}

/// The keys of the credentials Secret the chart major reads, each with
/// what it is for.
fn secret_keys(cluster: &PostgresCluster) -> Vec<SecretKey> {
    profile_for(&cluster.spec.bitnami.chart.target_revision)
        .map(|chart| chart.secret_keys)
        .unwrap_or_default()
        .iter()
        .map(|key| SecretKey {
            key: (*key).into(),
            purpose: secret_key_purpose(key).into(),
            value: None,
        })
        .collect()
}

/// Every application role reads the first role's Secret (pgpool's one).
fn user_secrets(cluster: &PostgresCluster) -> BTreeMap<String, String> {
    let users = &cluster.spec.auth.users;
    users
        .iter()
        .map(|u| {
            (
                u.name.clone(),
                users[0].existing_secret.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// The chart's StatefulSet pods behind its headless service.
fn primary_candidates(cluster: &PostgresCluster) -> Vec<String> {
    let name = &cluster.metadata.name;
    let spec = &cluster.spec;
    (0..spec.postgres.instances)
        .map(|i| {
            format!(
                "{name}-postgresql-{i}.{name}-postgresql-headless.{}.svc.cluster.local",
                spec.namespace.0
            )
        })
        .collect()
}

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

/// What a key of the credentials Secret is for, for the runbook.
fn secret_key_purpose(key: &str) -> &'static str {
    match key {
        "password" => "password of the `postgres` superuser (chart and backup job)",
        "repmgr-password" => "password of the `repmgr` replication user",
        "admin-password" => "password of the pgpool admin user",
        "sr-check-password" => {
            "password of pgpool's streaming-replication check user `sr_check_user`"
        }
        _ => "read by the chart",
    }
}
