//! Validation: the spec's JSON Schema first, then the rules a schema cannot
//! say (addresses inside pools, cron, time zones, quantities, names), then
//! the rules across all specs rendered together (overlapping pools, clashing
//! names). Every problem is collected; nothing stops at the first. A spec
//! that passes leaves here as a `ValidSpec`, its backend resolved.

mod fleet;
pub(crate) mod overrides;
pub(crate) mod parameters;
mod rules;
mod schema;
mod secrets;
mod text;
mod walk;

pub use fleet::check_together;
pub(crate) use schema::{ScalarKind, scalar_kind};

use serde::Deserialize;

use crate::backend::{self, kit::Backend};
use crate::read::diagnostic::{Diagnostics, Report};
use crate::read::load::SpecFile;
use crate::read::yaml::pointer_to_field_path;
use crate::spec::PostgresCluster;

/// A spec that passed every per-file rule, with the backend that renders it.
#[derive(Debug, Clone)]
pub struct ValidSpec {
    pub source: SpecFile,
    pub cluster: PostgresCluster,
    pub backend: &'static dyn Backend,
}

#[cfg(test)]
impl ValidSpec {
    /// A spec named `pg` that never came from a file (its source is empty
    /// and named `file_name`), for unit tests of rendering.
    pub(crate) fn unread(file_name: &str, spec: crate::spec::ClusterSpec) -> ValidSpec {
        let cluster = PostgresCluster {
            api_version: crate::spec::API_VERSION.into(),
            kind: crate::spec::KIND.into(),
            metadata: crate::spec::Metadata { name: "pg".into() },
            spec,
        };
        ValidSpec {
            source: SpecFile {
                display: "x.yaml".into(),
                file_name: file_name.into(),
                repository_path: None,
                document: crate::read::yaml::Document {
                    value: serde_json::Value::Null,
                    positions: crate::read::yaml::PositionIndex::default(),
                },
            },
            backend: backend::for_cluster(&cluster),
            cluster,
        }
    }
}

/// Validate one spec file: schema, secrets, then semantic rules. Semantic
/// rules also run when the schema found problems, as long as the document
/// still reads as the typed spec, so one run reports as much as it can.
pub fn check_file(file: &SpecFile) -> Result<ValidSpec, Diagnostics> {
    let mut report = Report::new(&file.display, &file.document);
    let secret_fields = secrets::check(&file.document.value, &mut report);
    text::check(&file.document.value, &mut report);
    let mut broken = schema::check(&file.document.value, &mut report, &secret_fields);
    broken.extend(secret_fields);
    // Fields the schema rejected are dropped (their defaults stand in), so
    // the semantic rules still check everything else in the same run.
    let schema_clean = report.is_clean();
    let typed = if broken.is_empty() {
        PostgresCluster::deserialize(&file.document.value)
    } else {
        let mut readable = file.document.value.clone();
        for pointer in &broken {
            remove_pointer(&mut readable, pointer);
        }
        PostgresCluster::deserialize(&readable)
    };
    match typed {
        Ok(cluster) => {
            let backend = backend::for_cluster(&cluster);
            let mut semantic = Report::new(&file.display, &file.document);
            rules::check(&cluster, &mut semantic);
            parameters::check(&cluster, backend, &mut semantic);
            crate::backend::reject_foreign_options(&mut semantic, cluster.spec.backend);
            backend.reserved_roles().check(&cluster, &mut semantic);
            crate::backend::check_major(&cluster, &mut semantic);
            backend.validate(&cluster, &mut semantic);
            // A rule about a dropped field would judge its default, not the input.
            let dropped = |field: &str| broken.iter().any(|p| pointer_to_field_path(p) == field);
            report.extend(
                semantic
                    .into_diagnostics()
                    .into_iter()
                    .filter(|d| !dropped(&d.field)),
            );
            if schema_clean && report.is_clean() {
                return Ok(ValidSpec {
                    source: file.clone(),
                    cluster,
                    backend,
                });
            }
        }
        Err(e) if schema_clean => {
            // The schema passed but the types did not: a gap between the two
            // that should not exist; still a clear error, never a panic.
            report.at_value("", format!("the spec does not match pgrender's types: {e}"));
        }
        Err(_) => {}
    }
    Err(Diagnostics::sorted(report.into_diagnostics()))
}

/// Remove the value at a JSON Pointer, if present.
fn remove_pointer(value: &mut serde_json::Value, pointer: &str) {
    let Some(cut) = pointer.rfind('/') else {
        return;
    };
    let key = pointer[cut + 1..].replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(&pointer[..cut]) {
        Some(serde_json::Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(serde_json::Value::Array(items)) => {
            // Keep indices stable for the other pointers: blank, do not shift.
            if let Some(item) = key.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                *item = serde_json::Value::Null;
            }
        }
        _ => {}
    }
}
