//! What a spec says about this backend: its name, the spec section of its
//! own options (`spec.bitnami`) and that section's types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::spec::value::typed::ChartRevision;

/// `spec.backend` of a spec this backend renders.
pub(crate) const NAME: &str = "bitnami-postgresql-ha";
/// The spec section of its options (the field of `ClusterSpec`).
pub(crate) const OPTIONS_KEY: &str = "bitnami";

// Options of the `bitnami-postgresql-ha` backend only (no doc comment: it
// would become a description in the committed schema).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
#[schemars(rename = "Bitnami")]
pub struct Options {
    pub chart: Chart,
    pub images: Images,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Chart {
    /// Helm repository. `charts.bitnami.com` lists only the last six months
    /// of charts, so 12.x resolves only from Bitnami's OCI registry.
    #[serde(rename = "repoURL")]
    #[schemars(length(min = 1))]
    pub repo_url: String,
    /// Chart name.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Chart version or range as ArgoCD takes it, e.g. `12.x.x` or `12.8.2`.
    #[schemars(length(min = 1))]
    pub target_revision: ChartRevision,
}

impl Default for Chart {
    fn default() -> Self {
        Chart {
            repo_url: "oci://registry-1.docker.io/bitnamicharts".into(),
            name: "postgresql-ha".into(),
            target_revision: ChartRevision::new("12.x.x"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Images {
    /// Registry host of the four chart images.
    #[schemars(length(min = 1))]
    pub registry: String,
    /// Repository namespace. Bitnami moved every versioned tag to the frozen
    /// `bitnamilegacy` in 2025; point this at your own mirror if you keep one.
    #[schemars(length(min = 1))]
    pub namespace: String,
    /// You know the images come from the frozen `docker.io/bitnamilegacy`:
    /// `check`, `validate` and the plugin stop warning about it (`render`
    /// still says it, as a note).
    pub acknowledge_legacy: bool,
}

impl Default for Images {
    fn default() -> Self {
        Images {
            registry: "docker.io".into(),
            namespace: "bitnamilegacy".into(),
            acknowledge_legacy: false,
        }
    }
}
