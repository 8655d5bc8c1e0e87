//! The `PostgresCluster` spec: the Rust types the YAML is read into, their
//! defaults and the JSON Schema generated from them.
//!
//! Every default here equals the value in the reference spec
//! (`kubernetes/specs/postgresql.yaml`), so a spec that omits a field gets the
//! research decision. Doc comments become the schema's descriptions.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

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
    pub backend: Backend,
    /// Namespace the cluster runs in (ArgoCD creates it).
    pub namespace: Namespace,
    pub postgres: Postgres,
    pub bitnami: Bitnami,
    pub cloudnative_pg: CloudnativePg,
    pub zalando: Zalando,
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

/// The deployment backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    #[default]
    BitnamiPostgresqlHa,
    CloudnativePg,
    ZalandoPostgresOperator,
}

impl Backend {
    /// Every backend, in the order help texts and messages list them.
    /// A variant missing here fails `every_backend_is_listed`.
    pub const ALL: [Backend; 3] = [
        Backend::BitnamiPostgresqlHa,
        Backend::CloudnativePg,
        Backend::ZalandoPostgresOperator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Backend::BitnamiPostgresqlHa => "bitnami-postgresql-ha",
            Backend::CloudnativePg => "cloudnative-pg",
            Backend::ZalandoPostgresOperator => "zalando-postgres-operator",
        }
    }

    /// The spec section holding this backend's own options
    /// (`spec.bitnami`, `spec.cloudnativePg`, `spec.zalando`): meaningless, and refused,
    /// under any other backend.
    pub fn options_key(self) -> &'static str {
        match self {
            Backend::BitnamiPostgresqlHa => "bitnami",
            Backend::CloudnativePg => "cloudnativePg",
            Backend::ZalandoPostgresOperator => "zalando",
        }
    }

    pub fn from_name(name: &str) -> Option<Backend> {
        Backend::ALL.into_iter().find(|b| b.as_str() == name)
    }
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Postgres {
    /// PostgreSQL major version. Research: 16. Which majors a backend runs
    /// is pgrender's version table: CloudNativePG 15-18; Bitnami chart 12.x
    /// 16 (and 15), chart 16.x 17.
    pub version: PostgresVersion,
    /// Pods in the cluster: 1 primary plus `instances - 1` streaming replicas.
    #[schemars(range(min = 1, max = 9))]
    pub instances: u32,
    /// `async` (research default) or `sync`: a commit waits for one replica.
    pub replication: Replication,
    /// `max_connections` of each instance. Research: 100, no PgBouncer.
    #[schemars(range(min = 1, max = 10000))]
    pub max_connections: u32,
    /// PostgreSQL settings (`shared_buffers: 1GB`, `work_mem: 64MB`, ...),
    /// each read as PostgreSQL of `version` reads it (type, unit, range
    /// from its `pg_settings`) and held against the pod's memory. Settings
    /// the backend manages (replication, archiving, connections, files) are
    /// refused.
    pub parameters: std::collections::BTreeMap<String, Setting>,
}

/// A PostgreSQL setting as written: text, a number or a boolean (`on`/`off`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Setting(pub String);

impl<'de> Deserialize<'de> for Setting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bool(bool),
            Text(ScalarText),
        }
        Ok(Setting(match Raw::deserialize(d)? {
            Raw::Bool(true) => "on".into(),
            Raw::Bool(false) => "off".into(),
            Raw::Text(t) => t.0,
        }))
    }
}

impl JsonSchema for Setting {
    fn schema_name() -> Cow<'static, str> {
        "Setting".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A PostgreSQL setting: text (with its unit, e.g. 64MB, 30s), a number or a boolean.",
            "type": ["string", "number", "boolean"]
        })
    }
}

impl Default for Postgres {
    fn default() -> Self {
        Postgres {
            version: PostgresVersion::V16,
            instances: 2,
            replication: Replication::Async,
            max_connections: 100,
            parameters: std::collections::BTreeMap::new(),
        }
    }
}

/// A PostgreSQL major some backend runs. YAML authors write both `16` and
/// `"16"`, so both are read; the schema says so too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PostgresVersion {
    V15,
    V16,
    V17,
    V18,
}

impl PostgresVersion {
    pub const ALL: [PostgresVersion; 4] = [
        PostgresVersion::V15,
        PostgresVersion::V16,
        PostgresVersion::V17,
        PostgresVersion::V18,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PostgresVersion::V15 => "15",
            PostgresVersion::V16 => "16",
            PostgresVersion::V17 => "17",
            PostgresVersion::V18 => "18",
        }
    }

    pub fn major(self) -> u32 {
        match self {
            PostgresVersion::V15 => 15,
            PostgresVersion::V16 => 16,
            PostgresVersion::V17 => 17,
            PostgresVersion::V18 => 18,
        }
    }
}

impl Serialize for PostgresVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PostgresVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = ScalarText::deserialize(d)?.0;
        PostgresVersion::ALL
            .into_iter()
            .find(|v| v.as_str() == text)
            .ok_or_else(|| {
                serde::de::Error::custom(format!("unsupported PostgreSQL major {text:?}"))
            })
    }
}

impl JsonSchema for PostgresVersion {
    fn schema_name() -> Cow<'static, str> {
        "PostgresVersion".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "PostgreSQL major version, quoted or not: 15, 16, 17 or 18. Which of them the chosen backend and chart run is checked against pgrender's version table.",
            "enum": ["15", "16", "17", "18", 15, 16, 17, 18]
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Replication {
    Async,
    Sync,
}

/// A spec value as written and what it means, parsed once when the spec is
/// read. Validation reports `error()` at the value's position; everything
/// after it (alerts, footprints, change classes, the OpenTofu module) uses
/// `value()`. Templates and the schema's defaults see the text as written.
#[derive(Debug, Clone)]
pub struct Typed<T: SpecValue> {
    text: String,
    parsed: Result<T, String>,
}

/// A type a spec value is parsed into; the error says what is wrong.
pub trait SpecValue: Sized + Clone + std::fmt::Debug {
    fn parse_spec(text: &str) -> Result<Self, String>;
}

impl<T: SpecValue> Typed<T> {
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let parsed = T::parse_spec(&text);
        Typed { text, parsed }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The meaning; `None` only for a spec that failed validation.
    pub fn value(&self) -> Option<&T> {
        self.parsed.as_ref().ok()
    }

    pub fn error(&self) -> Option<&str> {
        self.parsed.as_ref().err().map(String::as_str)
    }
}

impl<T: SpecValue> PartialEq for Typed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<T: SpecValue> std::fmt::Display for Typed<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl<T: SpecValue> Serialize for Typed<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// Strings, or numbers read as their text (`cpu: 2`); the schema says
/// which a field takes.
impl<'de, T: SpecValue> Deserialize<'de> for Typed<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Typed::new(ScalarText::deserialize(d)?.0))
    }
}

impl<T: SpecValue> From<&str> for Typed<T> {
    fn from(s: &str) -> Self {
        Typed::new(s)
    }
}

/// A Kubernetes quantity such as `2`, `500m` or `4Gi`, above zero. Accepts
/// a YAML number too, because `cpu: 2` is how people write it.
pub(crate) type Quantity = Typed<crate::quantity::Quantity>;

impl SpecValue for crate::quantity::Quantity {
    fn parse_spec(text: &str) -> Result<Self, String> {
        crate::quantity::Quantity::parse_positive(text)
    }
}

impl JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Kubernetes quantity, e.g. 2, 500m, 4Gi, 50Gi.",
            "type": ["string", "number"]
        })
    }
}

/// An IPv4 address (`192.168.10.100`).
pub(crate) type IpAddress = Typed<std::net::Ipv4Addr>;

impl SpecValue for std::net::Ipv4Addr {
    fn parse_spec(text: &str) -> Result<Self, String> {
        crate::net::parse_ip(text)
    }
}

/// A MetalLB address range: `a.b.c.d-a.b.c.e` or a CIDR.
pub(crate) type AddressRange = Typed<crate::net::Ipv4Range>;

impl SpecValue for crate::net::Ipv4Range {
    fn parse_spec(text: &str) -> Result<Self, String> {
        crate::net::Ipv4Range::parse(text)
    }
}

/// An IPv4 network in canonical CIDR form (`192.168.20.0/24`).
pub(crate) type Cidr = Typed<ipnet::Ipv4Net>;

impl SpecValue for ipnet::Ipv4Net {
    fn parse_spec(text: &str) -> Result<Self, String> {
        crate::net::parse_cidr(text)
    }
}

/// A CronJob schedule Kubernetes accepts (`0 2 * * *`).
pub(crate) type CronSchedule = Typed<crate::cron::Schedule>;

impl SpecValue for crate::cron::Schedule {
    fn parse_spec(text: &str) -> Result<Self, String> {
        crate::cron::Schedule::parse(text)
    }
}

/// A chart version or range (`12.x.x`), read for the major it names.
pub(crate) type ChartRevision = Typed<crate::versions::ChartRevision>;

impl SpecValue for crate::versions::ChartRevision {
    fn parse_spec(text: &str) -> Result<Self, String> {
        crate::versions::ChartRevision::parse(text)
    }
}

/// An image reference, read for its tag and the major the tag names.
pub(crate) type ImageName = Typed<crate::versions::ImageRef>;

impl SpecValue for crate::versions::ImageRef {
    fn parse_spec(text: &str) -> Result<Self, String> {
        Ok(crate::versions::ImageRef::read(text))
    }
}

/// Addresses, ranges, networks, schedules, chart revisions and image
/// names are plain strings in the schema.
macro_rules! string_schema {
    ($($t:ty),*) => {$(
        impl JsonSchema for $t {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                "string".into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string" })
            }
        }
    )*};
}
string_schema!(
    IpAddress,
    AddressRange,
    Cidr,
    CronSchedule,
    ChartRevision,
    ImageName
);

/// Reads a YAML scalar that may be a string or a number as its text.
struct ScalarText(String);

impl<'de> Deserialize<'de> for ScalarText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Int(i64),
            Float(f64),
        }
        Ok(ScalarText(match Raw::deserialize(d)? {
            Raw::Text(s) => s,
            Raw::Int(i) => i.to_string(),
            Raw::Float(f) => f.to_string(),
        }))
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Bitnami {
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

/// Options of the `cloudnative-pg` backend only.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct CloudnativePg {
    pub operator: CnpgOperator,
    /// PostgreSQL image; unset, the official CloudNativePG image pinned for
    /// `postgres.version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_name: Option<ImageName>,
}

/// The CloudNativePG operator, installed by its own ArgoCD Application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct CnpgOperator {
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

impl Default for CnpgOperator {
    fn default() -> Self {
        CnpgOperator {
            install: true,
            application_name: "cloudnative-pg".into(),
            repo_url: "https://cloudnative-pg.github.io/charts".into(),
            chart_version: crate::versions::DEFAULT_OPERATOR_CHART.into(),
            namespace: "cnpg-system".into(),
        }
    }
}

/// Options of the `zalando-postgres-operator` backend only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Zalando {
    /// The operator's `teamId`. pgrender names its `postgresql` object
    /// `<teamId>-<metadata.name>`, and so are the services, pods and Secrets
    /// the operator creates. The operator checks that prefix only with
    /// `enable_team_id_clustername_prefix`, off by default; pgrender keeps it
    /// so that two teams' clusters never share a name.
    #[schemars(length(min = 1, max = 20))]
    pub team_id: String,
    pub operator: ZalandoOperator,
    /// Spilo image; unset, the image of the pinned operator release.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker_image: Option<ImageName>,
}

impl Default for Zalando {
    fn default() -> Self {
        Zalando {
            team_id: "pg".into(),
            operator: ZalandoOperator::default(),
            docker_image: None,
        }
    }
}

/// Zalando's postgres-operator, installed by its own ArgoCD Application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ZalandoOperator {
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

impl Default for ZalandoOperator {
    fn default() -> Self {
        ZalandoOperator {
            install: true,
            application_name: "postgres-operator".into(),
            repo_url: crate::versions::ZALANDO_CHART_REPOSITORY.into(),
            chart_version: crate::versions::ZALANDO_CHART.into(),
            namespace: "postgres-operator".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Auth {
    /// Name of an existing Secret in the cluster namespace holding the
    /// passwords. Passwords never appear in the spec or the output.
    #[schemars(length(min = 1, max = 253))]
    pub existing_secret: String,
    /// Application roles that log in through the service, each with its
    /// password in an existing Secret (the README lists the keys each backend
    /// reads). CloudNativePG creates and updates the roles; on Bitnami, pgpool
    /// admits them and the roles are created in PostgreSQL by hand.
    pub users: Vec<User>,
}

impl Default for Auth {
    fn default() -> Self {
        Auth {
            existing_secret: "postgresql-credentials".into(),
            users: Vec::new(),
        }
    }
}

/// An application role whose password lives in a Secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct User {
    /// PostgreSQL role name: lower-case letters, digits and `_`, starting
    /// with a letter or `_`, at most 63.
    #[schemars(length(min = 1, max = 63))]
    pub name: String,
    /// Secret in the cluster namespace with the role's password (Bitnami
    /// and CloudNativePG). Zalando's operator creates the password itself,
    /// in `<name, with - for _>.<cluster>.credentials.postgresql.acid.zalan.do`:
    /// leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 253))]
    pub existing_secret: Option<String>,
}

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Network {
    /// The LoadBalancer address MetalLB assigns; must lie in the pool.
    #[serde(rename = "loadBalancerIP")]
    pub load_balancer_ip: IpAddress,
    /// Service port. Research: 5432.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u32,
    pub address_pool: AddressPool,
    /// CIDRs allowed to reach the port (NetworkPolicy and firewall notes).
    pub allowed_clients: Vec<Cidr>,
    /// Namespaces whose pods may connect from inside the cluster. With a
    /// NetworkPolicy in place (any allowedClients), no other in-cluster
    /// client gets through.
    pub allowed_namespaces: Vec<String>,
    /// The firewall in front of the cluster VLAN, as OpenTofu code.
    pub firewall: Firewall,
}

/// Firewalls pgrender writes rules for (`<name>/opentofu/`); none by default.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Firewall {
    /// A FortiGate: with it, `render` writes an OpenTofu module that
    /// admits `allowedClients` to the LoadBalancer address on `port`, and
    /// outputs the address pool for the DHCP server's exclusion.
    pub fortigate: Option<FortiGate>,
}

/// The FortiGate between the allowed clients and the cluster VLAN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FortiGate {
    /// The FortiGate interface that faces the cluster VLAN (the policy's
    /// destination interface), e.g. `vlan10`.
    #[schemars(length(min = 1, max = 15))]
    pub cluster_interface: String,
    /// The FortiGate interface that faces the allowed clients (the policy's
    /// source interface), e.g. `vlan20`.
    #[schemars(length(min = 1, max = 15))]
    pub client_interface: String,
    /// The VDOM that holds both interfaces.
    #[serde(default = "FortiGate::default_vdom")]
    #[schemars(length(min = 1, max = 31))]
    pub vdom: String,
    /// Log every session the policy accepts (FortiOS `logtraffic all`);
    /// false logs none.
    #[serde(default = "FortiGate::default_log_traffic")]
    pub log_traffic: bool,
}

impl FortiGate {
    fn default_vdom() -> String {
        "root".into()
    }

    fn default_log_traffic() -> bool {
        true
    }
}

impl Default for Network {
    fn default() -> Self {
        Network {
            load_balancer_ip: IpAddress::new("192.168.10.100"),
            port: 5432,
            address_pool: AddressPool::default(),
            allowed_clients: vec![Cidr::new("192.168.20.0/24")],
            allowed_namespaces: Vec::new(),
            firewall: Firewall::default(),
        }
    }
}

impl Network {
    /// Whether a NetworkPolicy restricts who connects: it does as soon as
    /// any client network or namespace is listed.
    pub fn has_policy(&self) -> bool {
        !self.allowed_clients.is_empty() || !self.allowed_namespaces.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct AddressPool {
    /// Name of the MetalLB IPAddressPool.
    #[schemars(length(min = 1, max = 63))]
    pub name: String,
    /// Ranges `a.b.c.d-a.b.c.e` or CIDRs; exclude them from your DHCP server.
    #[schemars(length(min = 1))]
    pub addresses: Vec<AddressRange>,
    /// Announce the pool in L2 mode (research: MetalLB L2).
    pub l2_advertisement: bool,
}

impl AddressPool {
    /// The entries as written.
    pub fn texts(&self) -> Vec<&str> {
        self.addresses.iter().map(Typed::text).collect()
    }
}

impl Default for AddressPool {
    fn default() -> Self {
        AddressPool {
            name: "postgresql-pool".into(),
            addresses: vec![AddressRange::new("192.168.10.100-192.168.10.110")],
            l2_advertisement: true,
        }
    }
}

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Backup {
    /// Cron schedule, 5 fields. Research: daily at 02:00.
    pub schedule: CronSchedule,
    /// IANA time zone of the schedule (CronJob `timeZone`).
    pub time_zone: String,
    /// Dumps older than this many days are deleted after a successful dump.
    #[schemars(range(min = 1, max = 3650))]
    pub retention_days: u32,
    /// Databases to dump, each with `pg_dump`; empty means every database
    /// but the templates and the backend's own (the research has no
    /// bootstrap database, so the default is empty).
    pub databases: Vec<String>,
    pub storage: BackupStorage,
    pub drill: Drill,
}

impl Default for Backup {
    fn default() -> Self {
        Backup {
            schedule: CronSchedule::new("0 2 * * *"),
            time_zone: "Etc/UTC".into(),
            retention_days: 7,
            databases: Vec::new(),
            storage: BackupStorage::default(),
            drill: Drill::default(),
        }
    }
}

impl Backup {
    /// When the drill runs: its own schedule, else weekly on Sunday three
    /// hours after a daily backup's time (05:00 for anything else).
    pub fn drill_schedule(&self) -> String {
        if let Some(schedule) = &self.drill.schedule {
            return schedule.text().to_string();
        }
        let fields: Vec<&str> = self.schedule.text().split_whitespace().collect();
        match fields[..] {
            [minute, hour, "*", "*", "*"] => match (minute.parse::<u32>(), hour.parse::<u32>()) {
                (Ok(minute), Ok(hour)) if minute < 60 && hour < 24 => {
                    format!("{minute} {} * * 0", (hour + 3) % 24)
                }
                _ => "0 5 * * 0".into(),
            },
            _ => "0 5 * * 0".into(),
        }
    }
}

/// The restore drill: a CronJob that restores the newest complete dump set
/// into a throwaway server in its own pod and compares it with the set's
/// manifest, so a backup is known to restore before it is needed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Drill {
    pub enabled: bool,
    /// Cron schedule, 5 fields; unset: weekly on Sunday, three hours after
    /// a daily backup's time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<CronSchedule>,
}

impl Default for Drill {
    fn default() -> Self {
        Drill {
            enabled: true,
            schedule: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct BackupStorage {
    /// Size of the backup volume.
    pub size: Quantity,
    /// StorageClass of the backup PVC (ignored, and rejected if written,
    /// when `nfs` is set).
    #[schemars(length(min = 1))]
    pub storage_class: String,
    /// Write dumps to an NFS export instead of a PVC.
    pub nfs: Option<Nfs>,
}

impl Default for BackupStorage {
    fn default() -> Self {
        BackupStorage {
            size: "20Gi".into(),
            storage_class: "local-path".into(),
            nfs: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Nfs {
    /// NFS server address or host name.
    #[schemars(length(min = 1))]
    pub server: String,
    /// Absolute export path.
    #[schemars(length(min = 1))]
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct ArgoCd {
    /// Namespace ArgoCD runs in; the Application is created there.
    #[schemars(length(min = 1, max = 63))]
    pub namespace: String,
    /// ArgoCD project.
    #[schemars(length(min = 1))]
    pub project: String,
    /// Name of the ArgoCD Application.
    #[schemars(length(min = 1, max = 63))]
    pub application_name: String,
    /// Cluster API server the Application deploys to.
    #[schemars(length(min = 1))]
    pub destination_server: String,
    pub sync_policy: SyncPolicy,
    /// Git repository holding this rendered tree. When set, the Application
    /// uses two sources: the chart, and this repo as `$values` for
    /// `values/values.yaml`; when unset the values are embedded.
    #[serde(rename = "gitRepoURL", skip_serializing_if = "Option::is_none")]
    pub git_repo_url: Option<String>,
    /// Git revision of `gitRepoURL`.
    #[schemars(length(min = 1))]
    pub git_target_revision: String,
    /// Repository folder (relative to the repository root) holding this
    /// cluster's SealedSecrets or ExternalSecrets: `folder-application.yaml`
    /// syncs it beside the rendered folder, and pgrender never writes there.
    /// Needs `gitRepoURL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets_path: Option<String>,
}

impl Default for ArgoCd {
    fn default() -> Self {
        ArgoCd {
            namespace: "argocd".into(),
            project: "default".into(),
            application_name: "postgresql-cluster".into(),
            destination_server: "https://kubernetes.default.svc".into(),
            sync_policy: SyncPolicy::default(),
            git_repo_url: None,
            git_target_revision: "HEAD".into(),
            secrets_path: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct SyncPolicy {
    /// Sync automatically when git changes.
    pub automated: bool,
    /// Delete resources that left git (only with `automated`).
    pub prune: bool,
    /// Undo changes made in the cluster (only with `automated`).
    pub self_heal: bool,
}

impl Default for SyncPolicy {
    fn default() -> Self {
        SyncPolicy {
            automated: true,
            prune: true,
            self_heal: true,
        }
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
    use super::Backend;

    #[test]
    fn every_backend_is_listed() {
        // The match fails to compile when a variant is added; ALL must
        // then list it at its index.
        let index = |b: Backend| match b {
            Backend::BitnamiPostgresqlHa => 0,
            Backend::CloudnativePg => 1,
            Backend::ZalandoPostgresOperator => 2,
        };
        for (i, backend) in Backend::ALL.into_iter().enumerate() {
            assert_eq!(index(backend), i);
            assert_eq!(Backend::from_name(backend.as_str()), Some(backend));
        }
        let schema = super::json_schema();
        let names: Vec<&str> = schema["definitions"]["Backend"]["enum"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let all: Vec<&str> = Backend::ALL.iter().map(|b| b.as_str()).collect();
        assert_eq!(names, all, "the schema's enum is the registry");
    }
}
