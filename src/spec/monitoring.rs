//! Metrics and alerts: the exporter, the Prometheus operator objects and
//! the alerts' thresholds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Monitoring {
    /// Run the postgres-exporter sidecar for Prometheus.
    pub exporter: bool,
    /// Create a ServiceMonitor (needs the Prometheus operator CRDs).
    pub service_monitor: bool,
    /// Emit a PrometheusRule with the alerts below (needs the Prometheus
    /// operator CRDs; PostgreSQL alerts also need the exporter).
    pub prometheus_rule: bool,
    /// Namespace Prometheus runs in: the NetworkPolicy lets it scrape the exporter.
    #[schemars(length(min = 1, max = 63))]
    pub namespace: String,
    /// Labels put on the ServiceMonitor and PrometheusRule so your
    /// Prometheus selects them (kube-prometheus-stack: `release: <its release>`).
    pub prometheus_labels: std::collections::BTreeMap<String, String>,
    /// Web address of the folder holding `kubernetes/` in your git host, for
    /// alert runbook links (e.g. https://git.lan/homelab/gitops/src/branch/main);
    /// unset, links are repository paths.
    #[serde(rename = "runbookBaseURL", skip_serializing_if = "Option::is_none")]
    pub runbook_base_url: Option<String>,
    pub alerts: Alerts,
}

impl Default for Monitoring {
    fn default() -> Self {
        Monitoring {
            exporter: true,
            service_monitor: true,
            prometheus_rule: true,
            namespace: "monitoring".into(),
            prometheus_labels: std::collections::BTreeMap::new(),
            runbook_base_url: None,
            alerts: Alerts::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Alerts {
    /// Replica replay lag that fails readiness and fires the lag alert.
    #[schemars(range(min = 1))]
    pub replication_lag_seconds: u32,
    /// PVC usage that fires the storage alert.
    #[schemars(range(min = 1, max = 100))]
    pub storage_used_percent: u32,
    /// Age of the last successful backup that fires the backup alert.
    #[schemars(range(min = 1))]
    pub backup_max_age_hours: u32,
    /// Days without a successful restore drill that fire the drill alert
    /// (a weekly drill plus a day by default).
    #[schemars(range(min = 1))]
    pub restore_drill_max_age_days: u32,
}

impl Default for Alerts {
    fn default() -> Self {
        Alerts {
            replication_lag_seconds: 30,
            storage_used_percent: 80,
            backup_max_age_hours: 26,
            restore_drill_max_age_days: 8,
        }
    }
}
