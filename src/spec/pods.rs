//! Where and how large the PostgreSQL pods run: resources, data volumes,
//! scheduling.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Quantity;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Resources {
    /// CPU per PostgreSQL pod (requests = limits). Research: 2.
    pub cpu: Quantity,
    /// Memory per PostgreSQL pod (requests = limits). Research: 4Gi.
    pub memory: Quantity,
}

impl Default for Resources {
    fn default() -> Self {
        Resources {
            cpu: "2".into(),
            memory: "4Gi".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Storage {
    /// Volume size per instance. Research: 50Gi.
    pub size: Quantity,
    /// StorageClass of the data volumes. K3s ships `local-path`.
    #[schemars(length(min = 1))]
    pub storage_class: String,
}

impl Default for Storage {
    fn default() -> Self {
        Storage {
            size: "50Gi".into(),
            storage_class: "local-path".into(),
        }
    }
}

/// Where the PostgreSQL pods run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Scheduling {
    /// Node labels a PostgreSQL pod's node must have.
    pub node_selector: std::collections::BTreeMap<String, String>,
    /// Taints the PostgreSQL pods tolerate.
    pub tolerations: Vec<Toleration>,
    /// Keep the instances on different nodes: `preferred` (default: when
    /// it can), `required` (never share a node; an instance stays Pending
    /// without a free node) or `none`.
    pub pod_anti_affinity: PodAntiAffinity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PodAntiAffinity {
    #[default]
    Preferred,
    Required,
    None,
}

/// A Kubernetes toleration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Toleration {
    /// Taint key; empty with `operator: Exists` tolerates every taint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default)]
    pub operator: TolerationOperator,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Unset: every effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<TaintEffect>,
    /// With `NoExecute` only: how long the pod stays after the taint appears.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum TolerationOperator {
    #[default]
    Equal,
    Exists,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}
