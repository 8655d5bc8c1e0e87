//! The alerts of the PrometheusRule and their runbook sections, built from
//! the spec and what the backend says about its pods. Each alert is one
//! record in [`RULES`]: when the cluster has it, its expression with the
//! spec's thresholds, severity, texts and what to do when it fires, so
//! adding an alert touches this file only.
//!
//! Each uses a metric the components really expose: the backend's exporter
//! (its names in `ClusterFacts::metrics`), kubelet
//! (`kubelet_volume_stats_*`, only for storage classes that report it) and
//! kube-state-metrics (`kube_cronjob_status_last_successful_time`, and
//! `kube_job_status_failed` with `kube_job_created` for the newest drill;
//! its `docs/metrics/workload/` pages).

use serde::Serialize;

use crate::backend::kit::facts::ClusterFacts;
use crate::spec::{ClusterSpec, PostgresCluster};

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

/// One alert of one cluster, as the PrometheusRule and the runbook write it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Alert {
    pub name: &'static str,
    /// Anchor of the runbook section in the generated README.
    pub anchor: String,
    pub expr: String,
    /// How long the condition must hold (`for:` in the rule).
    pub duration: &'static str,
    pub severity: &'static str,
    pub summary: String,
    pub description: String,
    pub runbook_url: String,
    /// The runbook section's advice: what to look at, what to do.
    pub runbook: String,
}

/// What an alert's parts are made of: the cluster and its backend's facts.
struct Inputs<'a> {
    cluster: &'a PostgresCluster,
    facts: &'a ClusterFacts,
}

impl Inputs<'_> {
    fn name(&self) -> &str {
        &self.cluster.metadata.name
    }

    fn spec(&self) -> &ClusterSpec {
        &self.cluster.spec
    }

    fn ns(&self) -> &str {
        &self.cluster.spec.namespace.0
    }

    /// The PromQL selector of the server pods.
    fn pods(&self) -> String {
        format!(
            r#"namespace="{}", pod=~"{}""#,
            self.ns(),
            self.facts.server_pod_regex
        )
    }

    /// The data volume size the spec declares, in bytes.
    fn volume_bytes(&self) -> Option<f64> {
        self.spec().storage.size.value().map(|q| q.value())
    }

    /// The claims whose class reports kubelet volume stats (`|`-joined).
    fn reporting_claims(&self) -> Vec<String> {
        let spec = self.spec();
        let mut claims = Vec::new();
        if spec.storage.storage_class != HOST_PATH_CLASS {
            claims.push(self.facts.data_claim_regex.clone());
        }
        let backup = &spec.backup.storage;
        if backup.nfs.is_none() && backup.storage_class != HOST_PATH_CLASS {
            claims.push(format!("{}-backups", self.name()));
        }
        claims
    }

    /// The newest drill Jobs' selector.
    fn drill_jobs(&self) -> String {
        format!(
            r#"namespace="{}", job_name=~"{}-restore-drill-.*""#,
            self.ns(),
            self.name()
        )
    }
}

/// One alert, whole: when a cluster has it, and each of its parts.
struct Rule {
    name: &'static str,
    duration: &'static str,
    severity: &'static str,
    applies: fn(&Inputs<'_>) -> bool,
    expr: fn(&Inputs<'_>) -> String,
    summary: fn(&Inputs<'_>) -> String,
    description: fn(&Inputs<'_>) -> String,
    /// What to do when it fires: the runbook's section.
    runbook: fn(&Inputs<'_>) -> String,
}

fn with_exporter(i: &Inputs<'_>) -> bool {
    i.spec().monitoring.exporter
}

fn with_drill(i: &Inputs<'_>) -> bool {
    i.spec().backup.drill.enabled
}

fn storage_advice(_: &Inputs<'_>) -> String {
    "Free space (old WAL held by a stale replication slot, bloated tables), or grow the volume (below).".into()
}

/// Every alert, in the order the rule and the runbook list them.
const RULES: [Rule; 8] = [
    Rule {
        name: "PostgresInstanceDown",
        duration: "1m",
        severity: "critical",
        applies: with_exporter,
        expr: |i| format!("{}{{{}}} == 0", i.facts.metrics.up, i.pods()),
        summary: |i| {
            format!(
                "PostgreSQL instance {{{{ $labels.pod }}}} of {} is down",
                i.name()
            )
        },
        description: |_| "The exporter cannot reach the PostgreSQL server in this pod.".into(),
        runbook: |i| {
            format!(
                "Check the pod (`kubectl -n {ns} describe pod <pod>`, `kubectl -n {ns} logs <pod> -c {}`).\n\
                 A down primary is replaced by failover within about a minute; a pod that does not come back usually has a\n\
                 full volume or a failing node.",
                i.facts.server_container,
                ns = i.ns()
            )
        },
    },
    Rule {
        name: "PostgresReplicationLag",
        duration: "2m",
        severity: "warning",
        applies: with_exporter,
        expr: |i| {
            format!(
                "max by (pod) ({}{{{}}}) > {}",
                i.facts.metrics.replication_lag,
                i.pods(),
                i.spec().monitoring.alerts.replication_lag_seconds
            )
        },
        summary: |i| {
            format!(
                "Replica {{{{ $labels.pod }}}} of {} lags more than {}s behind the primary",
                i.name(),
                i.spec().monitoring.alerts.replication_lag_seconds
            )
        },
        description: |_| {
            "The replica replays WAL too slowly; its readiness check fails until it catches up."
                .into()
        },
        runbook: |_| {
            "Look for long-running queries on the replica, or a saturated network or disk. A replica that cannot catch\n\
             up: delete its pod and data volume so it re-clones from the primary (see Replication and failover)."
                .into()
        },
    },
    Rule {
        name: "PostgresTooManyConnections",
        duration: "5m",
        severity: "warning",
        applies: with_exporter,
        expr: |i| {
            format!(
                "sum by (pod) ({}{{{}}}) > {}",
                i.facts.metrics.connections,
                i.pods(),
                i.spec().postgres.max_connections * 8 / 10
            )
        },
        summary: |i| {
            format!(
                "{{{{ $labels.pod }}}} of {} uses over 80% of max_connections ({})",
                i.name(),
                i.spec().postgres.max_connections
            )
        },
        description: |_| "New connections will be refused once max_connections is reached.".into(),
        runbook: |i| {
            format!(
                "Find who holds them: `SELECT usename, application_name, count(*) FROM pg_stat_activity GROUP BY 1, 2 ORDER BY 3 DESC;`\n\
                 Fix leaking clients, or raise `spec.postgres.maxConnections` (each connection costs memory of the\n\
                 {} per pod).",
                i.spec().resources.memory
            )
        },
    },
    Rule {
        name: "PostgresStorageAlmostFull",
        duration: "10m",
        severity: "warning",
        // PostgreSQL's own account of what it stores: it works on every
        // storage class, host paths included.
        applies: |i| with_exporter(i) && i.volume_bytes().is_some(),
        expr: |i| {
            let pods = i.pods();
            let metrics = &i.facts.metrics;
            let used = match metrics.wal_size {
                Some(wal) => format!(
                    r#"(sum by (pod) ({}{{{pods}}}) + sum by (pod) ({wal}{{{pods}, value="size"}}))"#,
                    metrics.database_size
                ),
                None => format!("sum by (pod) ({}{{{pods}}})", metrics.database_size),
            };
            format!(
                "100 * {used} / {} > {}",
                i.volume_bytes().unwrap_or_default(),
                i.spec().monitoring.alerts.storage_used_percent
            )
        },
        summary: |i| {
            format!(
                "PostgreSQL in {{{{ $labels.pod }}}} of {} fills over {}% of its {} volume",
                i.name(),
                i.spec().monitoring.alerts.storage_used_percent,
                i.spec().storage.size
            )
        },
        description: |i| {
            let counted = if i.facts.metrics.wal_size.is_some() {
                "databases and WAL"
            } else {
                "databases (WAL not counted, so the volume holds more)"
            };
            format!(
                "The {counted} of this instance, as PostgreSQL reports them, against the volume size the spec declares \
                 (spec.storage.size). A full data volume stops PostgreSQL."
            )
        },
        runbook: storage_advice,
    },
    Rule {
        name: "PostgresVolumeAlmostFull",
        duration: "10m",
        severity: "warning",
        applies: |i| !i.reporting_claims().is_empty(),
        expr: |i| {
            let selector = format!(
                r#"namespace="{}", persistentvolumeclaim=~"{}""#,
                i.ns(),
                i.reporting_claims().join("|")
            );
            format!(
                "100 * kubelet_volume_stats_used_bytes{{{selector}}} / kubelet_volume_stats_capacity_bytes{{{selector}}} > {}",
                i.spec().monitoring.alerts.storage_used_percent
            )
        },
        summary: |i| {
            format!(
                "Volume {{{{ $labels.persistentvolumeclaim }}}} of {} is over {}% full",
                i.name(),
                i.spec().monitoring.alerts.storage_used_percent
            )
        },
        description: |_| {
            "The kubelet's volume stats (classes other than local-path report them). A full data volume \
             stops PostgreSQL; a full backup volume stops backups."
                .into()
        },
        runbook: storage_advice,
    },
    Rule {
        name: "PostgresBackupTooOld",
        duration: "10m",
        severity: "critical",
        applies: |_| true,
        expr: |i| {
            format!(
                r#"time() - kube_cronjob_status_last_successful_time{{namespace="{}", cronjob="{}-backup"}} > {}"#,
                i.ns(),
                i.name(),
                u64::from(i.spec().monitoring.alerts.backup_max_age_hours) * 3600
            )
        },
        summary: |i| {
            format!(
                "The last successful backup of {} is older than {}h",
                i.name(),
                i.spec().monitoring.alerts.backup_max_age_hours
            )
        },
        description: |_| {
            "The backup CronJob has not completed successfully in time (from kube-state-metrics)."
                .into()
        },
        runbook: |i| {
            format!(
                "`kubectl -n {} get jobs -l app.kubernetes.io/component=backup` and the logs of the last failed job;\n\
                 run one by hand (below) once the cause is fixed.",
                i.ns()
            )
        },
    },
    Rule {
        name: "PostgresRestoreDrillFailed",
        duration: "0m",
        severity: "critical",
        applies: with_drill,
        // Only the newest drill counts: a later pass clears an old failure.
        expr: |i| {
            let jobs = i.drill_jobs();
            format!(
                "max by (namespace, job_name) (kube_job_status_failed{{{jobs}}}) * on (namespace, job_name) (kube_job_created{{{jobs}}} == on (namespace) group_left () max by (namespace) (kube_job_created{{{jobs}}})) > 0"
            )
        },
        summary: |i| {
            format!(
                "The newest restore drill of {} failed: its backups may not restore",
                i.name()
            )
        },
        description: |_| {
            "The drill Job restores the newest dump set into a throwaway server and compares it with the set's manifest; its log names the set and what differed (from kube-state-metrics)."
                .into()
        },
        runbook: |i| {
            format!(
                "The newest dump set did not restore as recorded: read the drill's log\n\
                 (`kubectl -n {} logs job/<job>` of the newest `{}-restore-drill-*` Job); its last line names\n\
                 the set and the cause (a dump cut off or damaged, the roles file missing, a table or row count that differs).\n\
                 Run a backup and a drill now (Backups and restore, below); until a drill passes, treat that set as unusable.",
                i.ns(),
                i.name()
            )
        },
    },
    Rule {
        name: "PostgresRestoreDrillTooOld",
        duration: "10m",
        severity: "warning",
        applies: with_drill,
        expr: |i| {
            format!(
                r#"time() - kube_cronjob_status_last_successful_time{{namespace="{}", cronjob="{}-restore-drill"}} > {}"#,
                i.ns(),
                i.name(),
                u64::from(i.spec().monitoring.alerts.restore_drill_max_age_days) * 86400
            )
        },
        summary: |i| {
            format!(
                "No restore drill of {} has passed for {} days",
                i.name(),
                i.spec().monitoring.alerts.restore_drill_max_age_days
            )
        },
        description: |_| {
            "The drill CronJob has not completed successfully in time (from kube-state-metrics)."
                .into()
        },
        runbook: |i| {
            format!(
                "`kubectl -n {} get cronjob {}-restore-drill` and its newest Jobs: a drill that is suspended,\n\
                 cannot be scheduled (the emptyDir needs room for the restored databases) or keeps failing. Run one now (below).",
                i.ns(),
                i.name()
            )
        },
    },
];

/// Every alert `cluster` has; PostgreSQL-level ones only when the exporter runs.
pub(crate) fn alerts(cluster: &PostgresCluster, facts: &ClusterFacts) -> Vec<Alert> {
    let inputs = Inputs { cluster, facts };
    RULES
        .iter()
        .filter(|rule| (rule.applies)(&inputs))
        .map(|rule| {
            let anchor = format!("alert-{}", rule.name.to_lowercase());
            let path = format!(
                "kubernetes/applications/{}/README.md#{anchor}",
                inputs.name()
            );
            let runbook_url = match &cluster.spec.monitoring.runbook_base_url {
                Some(base) => format!("{}/{path}", base.trim_end_matches('/')),
                None => path,
            };
            Alert {
                name: rule.name,
                expr: (rule.expr)(&inputs),
                duration: rule.duration,
                severity: rule.severity,
                summary: (rule.summary)(&inputs),
                description: (rule.description)(&inputs),
                runbook_url,
                runbook: (rule.runbook)(&inputs),
                anchor,
            }
        })
        .collect()
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
