//! What the shared outputs (backup job, network policy, alerts, README) need
//! to know about a rendered cluster. Each backend fills one in.

use std::collections::BTreeMap;

use crate::backend::kit::versions::ExporterMetrics;

#[derive(Debug, Clone, serde::Serialize)]
pub struct ClusterFacts {
    /// What runs the cluster, for titles ("CloudNativePG").
    pub title: &'static str,
    /// How to see that the cluster is up, for guides: a command and what it
    /// shows when healthy.
    pub health: String,
    /// What happens to the data volumes when the cluster's objects are
    /// pruned, for guides.
    pub removal: String,
    /// The operator this cluster's folder installs, if it does ("the
    /// CloudNativePG operator (Application argocd/cloudnative-pg)"): removing
    /// the folder uninstalls it for every cluster that runs on it.
    pub operator: Option<String>,
    /// A label selector (`kubectl -l`) for the data volumes.
    pub data_claims_selector: String,
    /// In-cluster service clients (and the backup job) connect to.
    pub service_host: String,
    /// The server pods' own addresses, where `service_host` is a proxy that
    /// may send a session to a replica (pgpool): the backup finds the
    /// primary among them, since a snapshot exported on one server can only
    /// be used on that server. Empty where the service is the primary.
    pub primary_candidates: Vec<String>,
    /// Image with `pg_dump`/`pg_dumpall` of the server's major version.
    pub client_image: String,
    /// Unix user the image runs as.
    pub run_as_user: u32,
    /// Secret and key holding the superuser password.
    pub superuser: String,
    pub password_secret: String,
    pub password_key: String,
    /// Every key the backend reads from `auth.existingSecret`, with what it is for.
    pub secret_keys: Vec<SecretKey>,
    /// The Secret holding each role of `spec.auth.users`' password, by role.
    pub user_secrets: BTreeMap<String, String>,
    /// Whether the roles of `spec.auth.users` share one Secret (pgpool reads
    /// one, with `;`-separated lists) or have one each (basic-auth).
    pub users_share_secret: bool,
    /// Whether the operator creates the passwords itself (Zalando), so the
    /// README says where to read them instead of how to create them.
    pub credentials_by_operator: bool,
    /// Type of that Secret (`Opaque`, `kubernetes.io/basic-auth`).
    pub secret_type: &'static str,
    /// Who reads it, for the README ("The chart and the backup job").
    pub secret_readers: &'static str,
    /// What clients' traffic lands on, for the README ("a pgpool pod").
    pub entry_pods: &'static str,
    /// A database the backend keeps for its own machinery (repmgr's), left
    /// out of backups.
    pub internal_database: Option<&'static str>,
    /// Container running PostgreSQL in a server pod.
    pub server_container: &'static str,
    /// Where the metrics come from, for the README ("postgres-exporter runs
    /// beside each PostgreSQL container").
    pub exporter: &'static str,
    /// The Prometheus operator object that scrapes it.
    pub scrape_object: &'static str,
    /// Metric names of the exporter the backend runs.
    pub metrics: ExporterMetrics,
    pub extra_ingress: Vec<IngressRule>,
    /// Labels of the PostgreSQL server pods (as the chart or operator sets them).
    pub server_labels: BTreeMap<String, String>,
    /// Labels of the proxy pods clients connect to, when there is a proxy.
    pub proxy_labels: Option<BTreeMap<String, String>>,
    /// Labels every pod of the cluster carries (replication and proxy peers).
    pub cluster_labels: BTreeMap<String, String>,
    /// Container ports: PostgreSQL, the proxy (or PostgreSQL again) and the exporter.
    pub postgres_port: u16,
    pub client_port: u16,
    pub metrics_port: u16,
    /// Regular expressions (PromQL `=~`) for the server pods and their data
    /// volume claims.
    pub server_pod_regex: String,
    pub data_claim_regex: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SecretKey {
    pub key: String,
    pub purpose: String,
    /// A value that is not secret and always the same (a user name); the
    /// README writes it instead of prompting for it.
    pub value: Option<String>,
}

/// Extra traffic the backend's own machinery needs into the server pods.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IngressRule {
    pub why: &'static str,
    pub namespace: String,
    pub ports: Vec<u16>,
}
