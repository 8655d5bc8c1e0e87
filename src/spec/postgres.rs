//! PostgreSQL itself: major, instances, replication, connections, settings.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

use super::value::typed::ScalarText;

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
