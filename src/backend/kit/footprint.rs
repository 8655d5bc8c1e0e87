//! What a rendered folder says about the running cluster (its footprint),
//! and what changing one footprint into another does to that cluster. The
//! backends read footprints from manifests and judge their own changes;
//! `changes` compares and reports.

use std::fmt;

pub(crate) use crate::spec::value::quantity::Quantity;

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
    /// probes, image, the exporter beside the server), as text: when it
    /// changes, the pods restart.
    pub server_config: String,
    /// The connection pooler's pod configuration, where the backend runs
    /// one apart from the servers (Bitnami's pgpool), as text, but for its
    /// users (`users_secret`): when it changes, its pods restart.
    pub proxy_config: Option<String>,
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
    /// Which step makes the backup before the change, if one does: a
    /// report creates that Job once (`changes::one_backup_per_report`).
    pub backup_step: Option<usize>,
}

impl Change {
    pub fn new(impact: Impact, what: impl Into<String>) -> Self {
        Change {
            impact,
            what: what.into(),
            steps: Vec::new(),
            commit_step: None,
            backup_step: None,
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

    /// The step that makes `backup`, the set a later step may restore.
    pub(crate) fn back_up(mut self, backup: &BackupBeforeChange) -> Self {
        self.backup_step = Some(self.steps.len());
        self.step(backup.step())
    }
}

/// The dump set made before a risky change, by a Job created from the
/// cluster's own backup CronJob: its steps name the Job and the set it
/// made, so that a restore takes that set and not a newer one (a nightly
/// backup of a new, empty cluster).
#[derive(Debug, Clone)]
pub(crate) struct BackupBeforeChange {
    name: String,
    namespace: String,
}

impl BackupBeforeChange {
    pub(crate) fn new(name: &str, namespace: &str) -> Self {
        BackupBeforeChange {
            name: name.to_string(),
            namespace: namespace.to_string(),
        }
    }

    /// The Job's name: one per change report.
    pub(crate) fn job(&self) -> String {
        format!("{}-before-change", self.name)
    }

    /// Make the set and wait until it is complete.
    fn step(&self) -> String {
        let (ns, name, job) = (&self.namespace, &self.name, self.job());
        format!(
            "back up now and wait for the Job: kubectl -n {ns} create job --from=cronjob/{name}-backup {job} && kubectl -n {ns} wait --for=condition=complete --timeout=6h job/{job}"
        )
    }

    /// Restore the set that Job made, by its name (its log's last line).
    pub(crate) fn restore_step(&self) -> String {
        let (ns, job) = (&self.namespace, self.job());
        format!(
            "restore the set {job} made, by its name, not `latest` (README.md, Backups and restore): restore_job \"$(kubectl -n {ns} logs job/{job} | sed -n 's/^complete set: //p')\""
        )
    }
}

/// The step that checks a StorageClass lets its volumes grow in place.
pub(crate) fn expansion_check(class: &str) -> String {
    format!(
        "check: kubectl get storageclass {class} -o jsonpath='{{.allowVolumeExpansion}}' must print true"
    )
}
