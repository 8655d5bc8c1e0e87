//! A parameter of the ArgoCD plugin: how an Application sets it, and the
//! spec field a string parameter sets. The plugin has its own (which specs,
//! any field by path); each backend may add some for its own options.

/// How a parameter is written in the Application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    String,
    Array,
    Map,
}

/// One parameter the plugin accepts.
#[derive(Debug)]
pub struct Parameter {
    pub name: &'static str,
    pub title: &'static str,
    pub tooltip: &'static str,
    pub collection: Collection,
    /// `plugin.env` name (ArgoCD prefixes it with `ARGOCD_ENV_`).
    pub env: Option<&'static str>,
    /// The spec field a string parameter sets.
    pub field: Option<&'static str>,
}
