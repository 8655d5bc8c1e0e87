//! What a rendered folder says about the running cluster (its footprint),
//! and what changing one footprint into another does to that cluster. The
//! backends read footprints from manifests and judge their own changes;
//! `changes` compares and reports.

use std::fmt;

pub(crate) use crate::quantity::Quantity;

/// The facts of a cluster that decide whether a change is harmless.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Footprint {
    /// `spec.backend` of the spec that rendered it.
    pub backend: &'static str,
    pub namespace: String,
    /// `namespace/name` of the ArgoCD Application whose prune would take
    /// the database with it, where the backend has one.
    pub application: Option<String>,
    /// Name of the operator's cluster object, where it differs from the
    /// folder's (Zalando's `<teamId>-<name>`).
    pub cluster_object: Option<String>,
    /// PostgreSQL major version of the server image.
    pub major: Option<u32>,
    /// Debian release the server image is built on, where its tag says
    /// (CloudNativePG): collations come from its glibc.
    pub image_os: Option<String>,
    /// Major version of the chart that runs the cluster (Bitnami).
    pub chart_major: Option<u32>,
    pub instances: Option<u64>,
    pub storage_size: Option<Quantity>,
    pub storage_class: Option<String>,
    pub pool: Vec<String>,
    pub address: Option<String>,
    pub backup: Option<BackupVolume>,
    /// `spec.postgres.parameters` as rendered (name to value).
    pub parameters: std::collections::BTreeMap<String, String>,
    /// The Secret the connection pooler reads application users from, where
    /// the backend has one (Bitnami's pgpool).
    pub users_secret: Option<String>,
    /// Everything else in the server pods' configuration (resources,
    /// probes, image), as text: when it changes, the pods restart.
    pub server_config: String,
}

/// Where the dumps live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupVolume {
    Claim { size: Quantity, class: String },
    Nfs { server: String, path: String },
}

impl fmt::Display for BackupVolume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupVolume::Claim { size, class } => write!(f, "a {size} PVC of class {class}"),
            BackupVolume::Nfs { server, path } => write!(f, "NFS {server}:{path}"),
        }
    }
}

/// How much a change asks of the operator, least first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Configuration only: nothing restarts.
    Safe,
    /// Pods restart one by one; clients reconnect.
    RollingRestart,
    /// Something the operator must do, by hand, in order.
    ManualStep,
    /// The API server would refuse the update: the sync fails.
    RefusedByKubernetes,
    /// The running database would be deleted, orphaned or unable to start.
    DestroysData,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Safe => "safe",
            Impact::RollingRestart => "rolling restart",
            Impact::ManualStep => "manual step",
            Impact::RefusedByKubernetes => "refused by Kubernetes",
            Impact::DestroysData => "destroys data",
        }
    }
}

/// One change and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub impact: Impact,
    /// What changed and what that does, in one sentence.
    pub what: String,
    /// The runbook: commands for this cluster, in order.
    pub steps: Vec<String>,
    /// Which step commits the render, if one does: for a change `render`
    /// refuses, that step is where `--allow-destructive` goes.
    pub commit_step: Option<usize>,
}

impl Change {
    pub fn new(impact: Impact, what: impl Into<String>) -> Self {
        Change {
            impact,
            what: what.into(),
            steps: Vec::new(),
            commit_step: None,
        }
    }

    pub fn step(mut self, step: impl Into<String>) -> Self {
        self.steps.push(step.into());
        self
    }

    /// The step that commits the render (its text says "commit the render").
    pub fn commit(mut self, step: impl Into<String>) -> Self {
        self.commit_step = Some(self.steps.len());
        self.step(step)
    }
}

/// The first step before any risky change: a dump set made now, by the
/// cluster's own backup CronJob.
pub(crate) fn backup_now(name: &str, namespace: &str) -> String {
    format!(
        "back up now and wait for the Job: kubectl -n {namespace} create job --from=cronjob/{name}-backup {name}-before-change"
    )
}
