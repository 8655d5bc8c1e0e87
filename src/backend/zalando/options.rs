//! What a spec says about this backend: its name, the spec section of its
//! own options (`spec.zalando`) and that section's types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::value::typed::ImageName;

/// `spec.backend` of a spec this backend renders.
pub(crate) const NAME: &str = "zalando-postgres-operator";
/// The spec section of its options (the field of `ClusterSpec`).
pub(crate) const OPTIONS_KEY: &str = "zalando";

/// Options of the `zalando-postgres-operator` backend only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
#[schemars(rename = "Zalando")]
pub struct Options {
    /// The operator's `teamId`. pgrender names its `postgresql` object
    /// `<teamId>-<metadata.name>`, and so are the services, pods and Secrets
    /// the operator creates. The operator checks that prefix only with
    /// `enable_team_id_clustername_prefix`, off by default; pgrender keeps it
    /// so that two teams' clusters never share a name.
    #[schemars(length(min = 1, max = 20))]
    pub team_id: String,
    pub operator: Operator,
    /// Spilo image; unset, the image of the pinned operator release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker_image: Option<ImageName>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            team_id: "pg".into(),
            operator: Operator::default(),
            docker_image: None,
        }
    }
}

/// Zalando's postgres-operator, installed by its own ArgoCD Application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
#[schemars(rename = "ZalandoOperator")]
pub struct Operator {
    /// Render the operator's Application. The operator is cluster-wide:
    /// exactly one spec rendered together installs it, and its settings
    /// (pod anti-affinity, the load balancers' traffic policy) come from
    /// that spec.
    pub install: bool,
    /// Name of the operator's ArgoCD Application.
    #[schemars(length(min = 1, max = 63))]
    pub application_name: String,
    /// Helm repository of the `postgres-operator` chart.
    #[serde(rename = "repoURL")]
    #[schemars(length(min = 1))]
    pub repo_url: String,
    /// Version of the chart, exact: the one pgrender knows (2.0.1).
    #[schemars(length(min = 1))]
    pub chart_version: String,
    /// Namespace the operator runs in.
    #[schemars(length(min = 1, max = 63))]
    pub namespace: String,
}

impl Default for Operator {
    fn default() -> Self {
        Operator {
            install: true,
            application_name: "postgres-operator".into(),
            repo_url: super::versions::CHART_REPOSITORY.into(),
            chart_version: super::versions::CHART.into(),
            namespace: "postgres-operator".into(),
        }
    }
}
