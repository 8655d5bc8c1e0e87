//! Structural validation against the spec's own JSON Schema (the one
//! `pgrender schema` prints), with errors rewritten for people: the field,
//! what was expected, and for unknown fields the closest known name.

use std::sync::LazyLock;

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::diagnostic::Report;
use crate::yaml::escape;

/// The schema `pgrender schema` prints, as committed (a test keeps the two
/// equal): read from the file rather than generated on every start.
const COMMITTED_SCHEMA: &str = include_str!("../../schemas/pgcluster.schema.json");

static SCHEMA: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(COMMITTED_SCHEMA).expect("the committed schema is JSON"));

/// Compiled once per process, on first use: only commands that validate pay for it.
static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    jsonschema::options()
        .build(&SCHEMA)
        .expect("the schema generated from our own types compiles")
});

/// Report every schema violation in `value`. Keys in `skip_unknown` (JSON
/// Pointers) are already reported by a more specific rule. Returns the
/// pointers of the offending values (unknown fields included).
pub(super) fn check(
    value: &Value,
    report: &mut Report<'_>,
    skip_unknown: &[String],
) -> Vec<String> {
    let mut broken = Vec::new();
    for error in VALIDATOR.iter_errors(value) {
        report_error(&error, &SCHEMA, report, skip_unknown, &mut broken);
    }
    broken
}

fn report_error(
    error: &ValidationError<'_>,
    schema: &Value,
    report: &mut Report<'_>,
    skip_unknown: &[String],
    broken: &mut Vec<String>,
) {
    let pointer = error.instance_path().as_str().to_string();
    if !matches!(
        error.kind(),
        ValidationErrorKind::AdditionalProperties { .. }
            | ValidationErrorKind::Required { .. }
            | ValidationErrorKind::AnyOf { .. }
    ) {
        broken.push(pointer.clone());
    }
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let known = known_fields(schema, &pointer);
            for name in unexpected {
                let child = format!("{pointer}/{}", escape(name));
                broken.push(child.clone());
                if skip_unknown.contains(&child) {
                    continue;
                }
                report.at_key(&child, unknown_field_message(name, &known));
            }
        }
        // schemars writes `Option<T>` as `anyOf: [T, null]`: a wrong value
        // is best explained by T's own errors, not by "no branch matched".
        ValidationErrorKind::AnyOf { context } if !error.instance().is_null() => {
            let branch = context.iter().find(|errors| {
                !errors
                    .iter()
                    .all(|e| matches!(e.kind(), ValidationErrorKind::Type { kind } if type_names(kind) == "nothing"))
            });
            match branch {
                Some(errors) if !errors.is_empty() => {
                    for inner in errors {
                        report_error(inner, schema, report, skip_unknown, broken);
                    }
                }
                _ => {
                    broken.push(pointer.clone());
                    report.at_value(&pointer, error.masked().to_string());
                }
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or("?");
            report.at_value(&pointer, format!("missing required field `{name}`"));
        }
        ValidationErrorKind::Type { kind } => {
            let expected = type_names(kind);
            let mut message = format!("expected {expected}, found {}", json_type(error.instance()));
            if expected == "a boolean" && error.instance().is_string() {
                message.push_str(
                    " (write true or false; YAML 1.1 words like yes/on are strings here)",
                );
            }
            report.at_value(&pointer, message);
        }
        ValidationErrorKind::Constant { expected_value } => {
            report.at_value(&pointer, format!("must be {expected_value}"));
        }
        ValidationErrorKind::Enum { options } => {
            report.at_value(
                &pointer,
                format!("must be one of {}", list_options(options)),
            );
        }
        ValidationErrorKind::Minimum { limit } => {
            report.at_value(
                &pointer,
                format!("must be at least {limit}, found {}", error.instance()),
            );
        }
        ValidationErrorKind::Maximum { limit } => {
            report.at_value(
                &pointer,
                format!("must be at most {limit}, found {}", error.instance()),
            );
        }
        ValidationErrorKind::MinLength { limit } => {
            report.at_value(&pointer, format!("must have at least {limit} character(s)"));
        }
        ValidationErrorKind::MaxLength { limit } => {
            report.at_value(&pointer, format!("must have at most {limit} characters"));
        }
        ValidationErrorKind::MinItems { limit } => {
            report.at_value(&pointer, format!("must list at least {limit} item(s)"));
        }
        // Rare shapes: jsonschema's own wording, with the value masked
        // because we cannot know it is harmless to print.
        _ => report.at_value(&pointer, error.masked().to_string()),
    }
}

fn unknown_field_message(name: &str, known: &[String]) -> String {
    let mut message = format!("unknown field `{name}`");
    if let Some(best) = closest(name, known) {
        message.push_str(&format!(" (did you mean `{best}`?)"));
    } else if !known.is_empty() {
        message.push_str(&format!("; expected one of: {}", known.join(", ")));
    }
    message
}

fn type_names(kind: &TypeKind) -> String {
    let names: Vec<String> = match kind {
        TypeKind::Single(t) => vec![t.to_string()],
        TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
    };
    names
        .iter()
        .map(|n| article(n))
        .collect::<Vec<_>>()
        .join(" or ")
}

fn article(type_name: &str) -> String {
    match type_name {
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "integer" => "an integer".into(),
        "null" => "nothing".into(),
        other => format!("a {other}"),
    }
}

fn json_type(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => "a number".into(),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn list_options(options: &Value) -> String {
    match options {
        Value::Array(items) => {
            let mut seen: Vec<String> = Vec::new();
            for item in items {
                let text = match item {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if !seen.contains(&text) {
                    seen.push(text);
                }
            }
            seen.join(", ")
        }
        other => other.to_string(),
    }
}

/// Field names the schema allows at `pointer`.
fn known_fields(schema: &Value, pointer: &str) -> Vec<String> {
    schema_at(schema, pointer)
        .and_then(|node| node.get("properties"))
        .and_then(Value::as_object)
        .map(|props| props.keys().cloned().collect())
        .unwrap_or_default()
}

/// The (resolved) schema of the value at `pointer`, found by walking the
/// schema along the instance path through `$ref`, a lone `allOf`,
/// `properties`, `items` and the non-null branch of `anyOf` (how schemars
/// writes `Option<T>`).
fn schema_at<'a>(schema: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut node = resolve(schema, schema);
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let next = node
            .get("properties")
            .and_then(|p| p.get(&segment))
            .or_else(|| node.get("items"))?;
        node = resolve(schema, next);
    }
    Some(node)
}

/// What kind of scalar the spec takes at `pointer`, for values that arrive
/// as text (ArgoCD parameters): `None` for unknown fields.
pub fn scalar_kind(pointer: &str) -> Option<ScalarKind> {
    let node = schema_at(&SCHEMA, pointer)?;
    if node.get("properties").is_some() {
        return Some(ScalarKind::Object);
    }
    let types: Vec<&str> = match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        // `enum` without `type` (PostgresVersion): text is accepted.
        _ => vec!["string"],
    };
    Some(if types.contains(&"string") {
        ScalarKind::Text
    } else if types.contains(&"integer") {
        ScalarKind::Integer
    } else if types.contains(&"boolean") {
        ScalarKind::Boolean
    } else if types.contains(&"array") {
        ScalarKind::List
    } else {
        ScalarKind::Object
    })
}

/// The shapes `scalar_kind` tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    Text,
    Integer,
    Boolean,
    List,
    Object,
}

fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            match reference.strip_prefix("#").and_then(|p| root.pointer(p)) {
                Some(target) => node = target,
                None => return node,
            }
        } else if let Some([only]) = node
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            // Draft 7 ignores keywords beside `$ref`, so schemars wraps it.
            node = only;
        } else if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
            match branches
                .iter()
                .find(|b| b.get("type") != Some(&Value::from("null")))
            {
                Some(branch) => node = branch,
                None => return node,
            }
        } else {
            return node;
        }
    }
    node
}

/// The known name within edit distance 2 (case-insensitive), if one is.
fn closest(name: &str, known: &[String]) -> Option<String> {
    let lower = name.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::levenshtein(&lower, &k.to_lowercase()), k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_suggests_within_two_edits_ignoring_case() {
        let known = ["port", "addressPool", "instances"].map(String::from);
        assert_eq!(closest("prot", &known).as_deref(), Some("port"));
        assert_eq!(
            closest("addresspool", &known).as_deref(),
            Some("addressPool")
        );
        assert_eq!(closest("instance", &known).as_deref(), Some("instances"));
        assert_eq!(closest("banana", &known), None);
    }

    #[test]
    fn known_fields_follow_refs() {
        let schema = crate::spec::json_schema();
        let fields = known_fields(&schema, "/spec/network");
        assert!(fields.contains(&"loadBalancerIP".to_string()), "{fields:?}");
        let nfs = known_fields(&schema, "/spec/backup/storage/nfs");
        assert_eq!(nfs, vec!["server".to_string(), "path".to_string()]);
    }
}
