//! What a spec says about this backend: its name, the spec section of its
//! own options (`spec.cloudnativePg`) and that section's types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::value::typed::ImageName;

/// `spec.backend` of a spec this backend renders.
pub(crate) const NAME: &str = "cloudnative-pg";
/// The spec section of its options (the field of `ClusterSpec`).
pub(crate) const OPTIONS_KEY: &str = "cloudnativePg";

/// Options of the `cloudnative-pg` backend only.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
#[schemars(rename = "CloudnativePg")]
pub struct Options {
    pub operator: Operator,
    /// PostgreSQL image; unset, the official CloudNativePG image pinned for
    /// `postgres.version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_name: Option<ImageName>,
}

/// The CloudNativePG operator, installed by its own ArgoCD Application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
#[schemars(rename = "CnpgOperator")]
pub struct Operator {
    /// Render the operator's Application. The operator is cluster-wide:
    /// exactly one spec rendered together installs it.
    pub install: bool,
    /// Name of the operator's ArgoCD Application.
    #[schemars(length(min = 1, max = 63))]
    pub application_name: String,
    /// Helm repository of the operator chart.
    #[serde(rename = "repoURL")]
    #[schemars(length(min = 1))]
    pub repo_url: String,
    /// Version of the `cloudnative-pg` chart, exact (x.y.z): one pgrender
    /// knows (0.27.1, 0.28.3, 0.29.0 = operator 1.30.0), or a newer one,
    /// accepted with a warning.
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
            application_name: "cloudnative-pg".into(),
            repo_url: "https://cloudnative-pg.github.io/charts".into(),
            chart_version: super::versions::DEFAULT_OPERATOR_CHART.into(),
            namespace: "cnpg-system".into(),
        }
    }
}
