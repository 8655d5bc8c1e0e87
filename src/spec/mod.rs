//! The `PostgresCluster` spec: the Rust types the YAML is read into, their
//! defaults and the JSON Schema generated from them.
//!
//! Every default here equals the value in the reference spec
//! (`kubernetes/specs/postgresql.yaml`), so a spec that omits a field gets the
//! research decision. Doc comments become the schema's descriptions.

mod argocd;
mod auth;
mod backup;
mod monitoring;
mod network;
mod pods;
pub(crate) mod postgres;
pub(crate) mod value;

pub(crate) use argocd::ArgoCd;
pub(crate) use auth::Auth;
pub(crate) use backup::Backup;
pub(crate) use monitoring::Monitoring;
pub(crate) use network::{AddressPool, FortiGate, Network};
pub(crate) use pods::{Resources, Scheduling, Storage, TaintEffect, TolerationOperator};
pub(crate) use postgres::Postgres;
pub(crate) use value::typed::Typed;
pub(crate) use value::typed::{
    AddressRange, ChartRevision, Cidr, CronSchedule, ImageName, IpAddress, Quantity,
};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub(crate) const API_VERSION: &str = "pgrender.dev/v1alpha1";
pub(crate) const KIND: &str = "PostgresCluster";

/// A PostgreSQL cluster service rendered by pgrender into GitOps manifests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "PostgresCluster")]
pub struct PostgresCluster {
    /// Always `pgrender.dev/v1alpha1`.
    #[schemars(extend("const" = API_VERSION))]
    pub api_version: String,
    /// Always `PostgresCluster`.
    #[schemars(extend("const" = KIND))]
    pub kind: String,
    pub metadata: Metadata,
    #[serde(default)]
    pub spec: ClusterSpec,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// Names the output folder `<out-root>/<name>/` and the Helm release: a
    /// DNS-1123 label (lower-case letters, digits and `-`, at most 63).
    #[schemars(length(min = 1, max = 63))]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ClusterSpec {
    /// Which deployment renders the cluster. Research: Bitnami postgresql-ha
    /// now; CloudNativePG is the documented upgrade path.
    pub backend: crate::backend::name::BackendName,
    /// Namespace the cluster runs in (ArgoCD creates it).
    pub namespace: Namespace,
    pub postgres: Postgres,
    pub bitnami: crate::backend::bitnami::options::Options,
    pub cloudnative_pg: crate::backend::cloudnative_pg::options::Options,
    pub zalando: crate::backend::zalando::options::Options,
    pub auth: Auth,
    pub resources: Resources,
    pub storage: Storage,
    pub network: Network,
    pub monitoring: Monitoring,
    pub backup: Backup,
    pub argocd: ArgoCd,
    pub scheduling: Scheduling,
    /// Labels put on every object pgrender emits (and, through the chart or
    /// the operator, on the objects they create).
    pub common_labels: std::collections::BTreeMap<String, String>,
    /// Annotations put on every object pgrender emits (and, through the
    /// chart or the operator, on the objects they create).
    pub common_annotations: std::collections::BTreeMap<String, String>,
}

/// A Kubernetes namespace name; a newtype only so it can carry its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Namespace(#[schemars(length(min = 1, max = 63))] pub String);

impl Default for Namespace {
    fn default() -> Self {
        Namespace("postgresql".into())
    }
}

/// The JSON Schema of a spec file, as committed in `schemas/pgcluster.schema.json`.
pub fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<PostgresCluster>();
    schema.to_value()
}

/// The schema as committed: pretty JSON with a trailing newline.
pub fn json_schema_text() -> String {
    let mut text =
        serde_json::to_string_pretty(&json_schema()).expect("a JSON value always serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use crate::backend::name::BackendName;

    #[test]
    fn the_schema_lists_every_backend_and_its_options_section() {
        let schema = super::json_schema();
        let names: Vec<&str> = schema["definitions"]["Backend"]["enum"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let all: Vec<&str> = BackendName::ALL.iter().map(|b| b.as_str()).collect();
        assert_eq!(names, all, "the schema's enum is the list of backends");
        let sections = &schema["definitions"]["ClusterSpec"]["properties"];
        for backend in BackendName::ALL {
            assert_eq!(BackendName::from_name(backend.as_str()), Some(*backend));
            assert!(
                sections[backend.options_key()].is_object(),
                "spec.{} is a section of the spec",
                backend.options_key()
            );
        }
    }
}
