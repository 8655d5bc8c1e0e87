//! The alerts of the PrometheusRule, built from the spec and what the
//! backend says about its pods. Each uses a metric the components really
//! expose: the backend's exporter (names from [`crate::versions`]), kubelet
//! (`kubelet_volume_stats_*`, only for storage classes that report it) and
//! kube-state-metrics (`kube_cronjob_status_last_successful_time`, and
//! `kube_job_status_failed` with `kube_job_created` for the newest drill;
//! its `docs/metrics/workload/` pages).

use serde::Serialize;

use crate::backend::kit::facts::ClusterFacts;
use crate::spec::PostgresCluster;

/// Metrics of Kubernetes components the alerts use, besides the exporter's.
pub const KUBERNETES_METRICS: [&str; 5] = [
    "kubelet_volume_stats_used_bytes",
    "kubelet_volume_stats_capacity_bytes",
    "kube_cronjob_status_last_successful_time",
    "kube_job_status_failed",
    "kube_job_created",
];

/// The storage class of K3s's local-path provisioner: its volumes are host
/// paths, for which the kubelet reports no volume stats
/// (rancher/local-path-provisioner#44).
const HOST_PATH_CLASS: &str = "local-path";

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Alert {
    pub name: &'static str,
    /// Anchor of the runbook section in the generated README.
    pub anchor: &'static str,
    pub expr: String,
    /// How long the condition must hold (`for:` in the rule).
    pub duration: &'static str,
    pub severity: &'static str,
    pub summary: String,
    pub description: String,
    pub runbook_url: String,
}

/// Every alert for `cluster`; PostgreSQL-level ones only when the exporter runs.
pub(crate) fn alerts(cluster: &PostgresCluster, facts: &ClusterFacts) -> Vec<Alert> {
    let spec = &cluster.spec;
    let name = &cluster.metadata.name;
    let ns = &spec.namespace.0;
    let limits = &spec.monitoring.alerts;
    let pods = format!(r#"namespace="{ns}", pod=~"{}""#, facts.server_pod_regex);
    let runbook = |anchor: &str| {
        let path = format!("kubernetes/applications/{name}/README.md#{anchor}");
        match &spec.monitoring.runbook_base_url {
            Some(base) => format!("{}/{path}", base.trim_end_matches('/')),
            None => path,
        }
    };
    let connection_limit = spec.postgres.max_connections * 8 / 10;
    let mut out = Vec::new();
    if spec.monitoring.exporter {
        out.push(Alert {
            name: "PostgresInstanceDown",
            anchor: "alert-postgresinstancedown",
            expr: format!("{}{{{pods}}} == 0", facts.metrics.up),
            duration: "1m",
            severity: "critical",
            summary: format!("PostgreSQL instance {{{{ $labels.pod }}}} of {name} is down"),
            description: "The exporter cannot reach the PostgreSQL server in this pod.".into(),
            runbook_url: runbook("alert-postgresinstancedown"),
        });
        out.push(Alert {
            name: "PostgresReplicationLag",
            anchor: "alert-postgresreplicationlag",
            expr: format!(
                "max by (pod) ({}{{{pods}}}) > {}",
                facts.metrics.replication_lag, limits.replication_lag_seconds
            ),
            duration: "2m",
            severity: "warning",
            summary: format!(
                "Replica {{{{ $labels.pod }}}} of {name} lags more than {}s behind the primary",
                limits.replication_lag_seconds
            ),
            description:
                "The replica replays WAL too slowly; its readiness check fails until it catches up."
                    .into(),
            runbook_url: runbook("alert-postgresreplicationlag"),
        });
        out.push(Alert {
            name: "PostgresTooManyConnections",
            anchor: "alert-postgrestoomanyconnections",
            expr: format!(
                "sum by (pod) ({}{{{pods}}}) > {connection_limit}",
                facts.metrics.connections
            ),
            duration: "5m",
            severity: "warning",
            summary: format!(
                "{{{{ $labels.pod }}}} of {name} uses over 80% of max_connections ({})",
                spec.postgres.max_connections
            ),
            description: "New connections will be refused once max_connections is reached.".into(),
            runbook_url: runbook("alert-postgrestoomanyconnections"),
        });
    }
    if spec.monitoring.exporter
        && let Some(volume_bytes) = spec.storage.size.value().map(|q| q.value())
    {
        // PostgreSQL's own account of what it stores: it works on every
        // storage class, host paths included.
        let used = match facts.metrics.wal_size {
            Some(wal) => format!(
                r#"(sum by (pod) ({}{{{pods}}}) + sum by (pod) ({wal}{{{pods}, value="size"}}))"#,
                facts.metrics.database_size
            ),
            None => format!("sum by (pod) ({}{{{pods}}})", facts.metrics.database_size),
        };
        let counted = if facts.metrics.wal_size.is_some() {
            "databases and WAL"
        } else {
            "databases (WAL not counted, so the volume holds more)"
        };
        out.push(Alert {
            name: "PostgresStorageAlmostFull",
            anchor: "alert-postgresstoragealmostfull",
            expr: format!(
                "100 * {used} / {volume_bytes} > {}",
                limits.storage_used_percent
            ),
            duration: "10m",
            severity: "warning",
            summary: format!(
                "PostgreSQL in {{{{ $labels.pod }}}} of {name} fills over {}% of its {} volume",
                limits.storage_used_percent, spec.storage.size
            ),
            description: format!(
                "The {counted} of this instance, as PostgreSQL reports them, against the volume size the spec declares \
                 (spec.storage.size). A full data volume stops PostgreSQL."
            ),
            runbook_url: runbook("alert-postgresstoragealmostfull"),
        });
    }
    let mut reporting_claims = Vec::new();
    if spec.storage.storage_class != HOST_PATH_CLASS {
        reporting_claims.push(facts.data_claim_regex.clone());
    }
    let backup = &spec.backup.storage;
    if backup.nfs.is_none() && backup.storage_class != HOST_PATH_CLASS {
        reporting_claims.push(format!("{name}-backups"));
    }
    if !reporting_claims.is_empty() {
        let selector = format!(
            r#"namespace="{ns}", persistentvolumeclaim=~"{}""#,
            reporting_claims.join("|")
        );
        out.push(Alert {
            name: "PostgresVolumeAlmostFull",
            anchor: "alert-postgresvolumealmostfull",
            expr: format!(
                "100 * kubelet_volume_stats_used_bytes{{{selector}}} / kubelet_volume_stats_capacity_bytes{{{selector}}} > {}",
                limits.storage_used_percent
            ),
            duration: "10m",
            severity: "warning",
            summary: format!(
                "Volume {{{{ $labels.persistentvolumeclaim }}}} of {name} is over {}% full",
                limits.storage_used_percent
            ),
            description: "The kubelet's volume stats (classes other than local-path report them). A full data volume \
                stops PostgreSQL; a full backup volume stops backups."
                .into(),
            runbook_url: runbook("alert-postgresvolumealmostfull"),
        });
    }
    out.push(Alert {
        name: "PostgresBackupTooOld",
        anchor: "alert-postgresbackuptooold",
        expr: format!(
            r#"time() - kube_cronjob_status_last_successful_time{{namespace="{ns}", cronjob="{name}-backup"}} > {}"#,
            u64::from(limits.backup_max_age_hours) * 3600
        ),
        duration: "10m",
        severity: "critical",
        summary: format!("The last successful backup of {name} is older than {}h", limits.backup_max_age_hours),
        description: "The backup CronJob has not completed successfully in time (from kube-state-metrics).".into(),
        runbook_url: runbook("alert-postgresbackuptooold"),
    });
    if spec.backup.drill.enabled {
        let cronjob = format!("{name}-restore-drill");
        let jobs = format!(r#"namespace="{ns}", job_name=~"{cronjob}-.*""#);
        out.push(Alert {
            name: "PostgresRestoreDrillFailed",
            anchor: "alert-postgresrestoredrillfailed",
            // Only the newest drill counts: a later pass clears an old failure.
            expr: format!(
                "max by (namespace, job_name) (kube_job_status_failed{{{jobs}}}) * on (namespace, job_name) (kube_job_created{{{jobs}}} == on (namespace) group_left () max by (namespace) (kube_job_created{{{jobs}}})) > 0"
            ),
            duration: "0m",
            severity: "critical",
            summary: format!("The newest restore drill of {name} failed: its backups may not restore"),
            description: "The drill Job restores the newest dump set into a throwaway server and compares it with the set's manifest; its log names the set and what differed (from kube-state-metrics)."
                .into(),
            runbook_url: runbook("alert-postgresrestoredrillfailed"),
        });
        out.push(Alert {
            name: "PostgresRestoreDrillTooOld",
            anchor: "alert-postgresrestoredrilltooold",
            expr: format!(
                r#"time() - kube_cronjob_status_last_successful_time{{namespace="{ns}", cronjob="{cronjob}"}} > {}"#,
                u64::from(limits.restore_drill_max_age_days) * 86400
            ),
            duration: "10m",
            severity: "warning",
            summary: format!(
                "No restore drill of {name} has passed for {} days",
                limits.restore_drill_max_age_days
            ),
            description: "The drill CronJob has not completed successfully in time (from kube-state-metrics).".into(),
            runbook_url: runbook("alert-postgresrestoredrilltooold"),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{ClusterSpec, Metadata, PostgresCluster};

    fn cluster(spec: ClusterSpec) -> PostgresCluster {
        PostgresCluster {
            api_version: crate::spec::API_VERSION.into(),
            kind: crate::spec::KIND.into(),
            metadata: Metadata { name: "pg".into() },
            spec,
        }
    }

    fn facts() -> ClusterFacts {
        let c = cluster(ClusterSpec::default());
        crate::backend::for_cluster(&c).facts(&c)
    }

    fn balanced(expr: &str) -> bool {
        let mut stack = Vec::new();
        let mut in_quotes = false;
        for c in expr.chars() {
            if c == '"' {
                in_quotes = !in_quotes;
            } else if in_quotes {
                continue;
            } else if c == '(' || c == '{' {
                stack.push(c);
            } else if c == ')' || c == '}' {
                let open = if c == ')' { '(' } else { '{' };
                if stack.pop() != Some(open) {
                    return false;
                }
            }
        }
        stack.is_empty() && !in_quotes
    }

    #[test]
    fn on_local_path_storage_is_watched_through_postgresql_only() {
        let list = alerts(&cluster(ClusterSpec::default()), &facts());
        let names: Vec<&str> = list.iter().map(|a| a.name).collect();
        assert!(names.contains(&"PostgresStorageAlmostFull"));
        assert!(!names.contains(&"PostgresVolumeAlmostFull"), "{names:?}");
        let storage = list
            .iter()
            .find(|a| a.name == "PostgresStorageAlmostFull")
            .expect("alert");
        // 50Gi, the declared volume size, in bytes.
        assert!(
            storage.expr.contains("/ 53687091200 > 80"),
            "{}",
            storage.expr
        );
    }

    #[test]
    fn alerts_are_promql_shaped() {
        let list = alerts(&cluster(ClusterSpec::default()), &facts());
        assert_eq!(list.len(), 7);
        for alert in &list {
            assert!(balanced(&alert.expr), "{}: {}", alert.name, alert.expr);
            assert!(
                alert.expr.contains(r#"namespace="postgresql""#),
                "{}",
                alert.expr
            );
            assert!(["warning", "critical"].contains(&alert.severity));
            assert!(
                alert
                    .runbook_url
                    .ends_with(&format!("README.md#{}", alert.anchor))
            );
            assert_eq!(alert.anchor, format!("alert-{}", alert.name.to_lowercase()));
        }
    }

    #[test]
    fn thresholds_come_from_the_spec() {
        let mut spec = ClusterSpec::default();
        spec.monitoring.alerts.replication_lag_seconds = 45;
        spec.monitoring.alerts.storage_used_percent = 90;
        spec.monitoring.alerts.backup_max_age_hours = 2;
        spec.postgres.max_connections = 250;
        spec.monitoring.runbook_base_url = Some("https://git.lan/ops/src/branch/main/".into());
        let list = alerts(&cluster(spec), &facts());
        let expr = |name: &str| {
            list.iter()
                .find(|a| a.name == name)
                .map(|a| a.expr.clone())
                .unwrap()
        };
        assert!(expr("PostgresReplicationLag").ends_with("> 45"));
        assert!(expr("PostgresStorageAlmostFull").ends_with("> 90"));
        assert!(!expr("PostgresStorageAlmostFull").contains("kubelet"));
        assert!(expr("PostgresBackupTooOld").ends_with("> 7200"));
        assert!(expr("PostgresTooManyConnections").ends_with("> 200"));
        assert_eq!(
            list[0].runbook_url,
            "https://git.lan/ops/src/branch/main/kubernetes/applications/pg/README.md#alert-postgresinstancedown"
        );
    }

    #[test]
    fn without_the_exporter_only_kubernetes_level_alerts_remain() {
        let mut spec = ClusterSpec::default();
        spec.monitoring.exporter = false;
        let names: Vec<&str> = alerts(&cluster(spec), &facts())
            .iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(
            names,
            [
                "PostgresBackupTooOld",
                "PostgresRestoreDrillFailed",
                "PostgresRestoreDrillTooOld"
            ]
        );
    }

    /// An alert's texts are read on a phone at night: no runs of spaces, no
    /// line breaks.
    #[test]
    fn alert_texts_have_no_runs_of_spaces() {
        let mut spec = ClusterSpec::default();
        spec.monitoring.runbook_base_url = Some("https://git.lan/x".into());
        for alert in alerts(&cluster(spec), &facts()) {
            for text in [
                &alert.expr,
                &alert.summary,
                &alert.description,
                &alert.runbook_url,
            ] {
                assert!(
                    !text.contains("  ") && !text.contains('\n') && text.trim() == text,
                    "{}: {text:?}",
                    alert.name
                );
            }
        }
    }

    #[test]
    fn the_drill_alerts_follow_the_drill_and_its_threshold() {
        let mut spec = ClusterSpec::default();
        spec.monitoring.alerts.restore_drill_max_age_days = 10;
        let list = alerts(&cluster(spec.clone()), &facts());
        let too_old = list
            .iter()
            .find(|a| a.name == "PostgresRestoreDrillTooOld")
            .expect("alert");
        assert!(too_old.expr.ends_with("> 864000"), "{}", too_old.expr);
        assert!(too_old.expr.contains(r#"cronjob="pg-restore-drill""#));
        let failed = list
            .iter()
            .find(|a| a.name == "PostgresRestoreDrillFailed")
            .expect("alert");
        assert!(failed.expr.contains(r#"job_name=~"pg-restore-drill-.*""#));
        spec.backup.drill.enabled = false;
        assert!(
            !alerts(&cluster(spec), &facts())
                .iter()
                .any(|a| a.name.starts_with("PostgresRestoreDrill"))
        );
    }

    #[test]
    fn the_drill_runs_weekly_after_a_daily_backup() {
        let mut backup = crate::spec::Backup::default();
        assert_eq!(backup.drill_schedule(), "0 5 * * 0");
        backup.schedule = "30 22 * * *".into();
        assert_eq!(backup.drill_schedule(), "30 1 * * 0");
        backup.schedule = "0 */6 * * *".into();
        assert_eq!(backup.drill_schedule(), "0 5 * * 0");
        backup.drill.schedule = Some("15 3 * * 6".into());
        assert_eq!(backup.drill_schedule(), "15 3 * * 6");
    }
}
