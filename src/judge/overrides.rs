//! Spec values that come from outside the spec file (ArgoCD plugin
//! parameters and environment). They are set into the parsed document
//! before validation, so they pass through exactly the same schema and
//! rules as values written in the file: text cannot become YAML structure.

use serde_json::Value;

use crate::backend;
use crate::judge::{ScalarKind, scalar_kind};
use crate::read::diagnostic::Diagnostic;

/// One value to set, and where it came from (for messages).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Override {
    /// Dotted field path, e.g. `spec.bitnami.chart.targetRevision`.
    pub field: String,
    pub value: Value,
    /// E.g. "parameter `chart-version`"; never the value itself.
    pub origin: String,
}

impl Override {
    /// Build an override from text, typed by the spec schema: only leaf
    /// fields under `spec.` can be set, integers and booleans are parsed.
    pub(crate) fn from_text(field: &str, text: &str, origin: &str) -> Result<Override, String> {
        let valid_path = field.starts_with("spec.")
            && field
                .split('.')
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()));
        let kind = valid_path
            .then(|| scalar_kind(&pointer_of(field)))
            .flatten();
        let value = match kind {
            None => {
                return Err(format!(
                    "{origin}: `{field}` is not a field of the spec (write e.g. spec.postgres.instances)"
                ));
            }
            Some(ScalarKind::Text) => Value::String(text.to_string()),
            Some(ScalarKind::Integer) => text
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("{origin}: `{field}` takes a whole number"))?,
            Some(ScalarKind::Boolean) => match text.trim() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err(format!("{origin}: `{field}` takes true or false")),
            },
            Some(ScalarKind::List | ScalarKind::Object) => {
                return Err(format!(
                    "{origin}: `{field}` is a list or mapping; only single values can be set from ArgoCD"
                ));
            }
        };
        Ok(Override {
            field: field.to_string(),
            value,
            origin: origin.to_string(),
        })
    }
}

/// The overrides that fit a spec document: one that sets another backend's
/// options (`chart-version` on a cloudnative-pg spec) is for the other
/// specs of the folder, not this one. An unreadable backend keeps them all:
/// validation then says what is wrong.
pub(crate) fn fitting(document: &Value, overrides: &[Override]) -> Vec<Override> {
    let backend = backend::of_document(document);
    overrides
        .iter()
        .filter(|o| match (backend::owner_of_field(&o.field), backend) {
            (Some(owner), Some(backend)) => owner == backend,
            _ => true,
        })
        .cloned()
        .collect()
}

fn pointer_of(field: &str) -> String {
    field.split('.').map(|part| format!("/{part}")).collect()
}

/// Set every override into a parsed spec document, creating missing mappings.
pub(crate) fn apply(document: &mut Value, overrides: &[Override]) {
    for o in overrides {
        let mut node = &mut *document;
        let parts: Vec<&str> = o.field.split('.').collect();
        for (i, part) in parts.iter().enumerate() {
            if !node.is_object() {
                *node = Value::Object(serde_json::Map::new());
            }
            let map = node.as_object_mut().expect("made an object above");
            if i + 1 == parts.len() {
                map.insert(part.to_string(), o.value.clone());
                break;
            }
            node = map
                .entry(part.to_string())
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
        }
    }
}

/// Values that cannot be sensitive, so a message may repeat them: numbers,
/// booleans, IP addresses, CIDRs and address ranges.
fn is_plainly_public(value: &Value) -> bool {
    let text = match value {
        Value::Number(_) | Value::Bool(_) => return true,
        Value::String(s) => s.trim(),
        _ => return false,
    };
    let ip = |t: &str| t.trim().parse::<std::net::IpAddr>().is_ok();
    text.parse::<f64>().is_ok()
        || ip(text)
        || text.parse::<ipnet::IpNet>().is_ok()
        || text.split_once('-').is_some_and(|(a, b)| ip(a) && ip(b))
}

/// Diagnostics about overridden fields name the parameter, and never repeat
/// its value (ArgoCD shows stderr in its UI; a value may be sensitive),
/// unless the value is plainly public (an address, a number).
pub(crate) fn mask(diagnostics: &mut [Diagnostic], overrides: &[Override]) {
    for d in diagnostics.iter_mut() {
        for o in overrides
            .iter()
            .filter(|o| o.field == d.field || d.field.starts_with(&format!("{}.", o.field)))
        {
            let text = match &o.value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if !text.is_empty() && !is_plainly_public(&o.value) {
                d.message = d.message.replace(&text, "<hidden>");
            }
            d.message.push_str(&format!(" (value set by {})", o.origin));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_values_that_cannot_be_secret_are_shown() {
        for shown in [
            "10.0.0.1",
            "192.168.10.96/28",
            "192.168.10.1-192.168.10.9",
            "3",
        ] {
            assert!(is_plainly_public(&Value::from(shown)), "{shown}");
        }
        assert!(is_plainly_public(&Value::Bool(true)));
        for hidden in ["registry.lan", "s3cr3t", "10.0.0.1:5432@x"] {
            assert!(!is_plainly_public(&Value::from(hidden)), "{hidden}");
        }
    }

    #[test]
    fn text_is_typed_by_the_schema() {
        let o = Override::from_text("spec.postgres.instances", "3", "p").unwrap();
        assert_eq!(o.value, Value::from(3));
        assert_eq!(pointer_of(&o.field), "/spec/postgres/instances");
        let o = Override::from_text("spec.argocd.syncPolicy.prune", "false", "p").unwrap();
        assert_eq!(o.value, Value::Bool(false));
        let o = Override::from_text("spec.bitnami.chart.targetRevision", "12.8.2", "p").unwrap();
        assert_eq!(o.value, Value::from("12.8.2"));
        let o = Override::from_text("spec.postgres.version", "15", "p").unwrap();
        assert_eq!(o.value, Value::from("15"));
    }

    #[test]
    fn only_leaf_spec_fields_can_be_set() {
        for bad in [
            "metadata.name",
            "spec.nope",
            "spec.postgres",
            "spec.network.allowedClients",
            "spec..x",
            "spec.a/b",
        ] {
            assert!(Override::from_text(bad, "x", "p").is_err(), "{bad}");
        }
        assert!(
            Override::from_text("spec.postgres.instances", "three", "p")
                .unwrap_err()
                .contains("whole number")
        );
    }

    #[test]
    fn apply_sets_nested_values() {
        let mut doc = serde_json::json!({"spec": {"postgres": {"instances": 2}}});
        let o = Override::from_text("spec.bitnami.images.registry", "registry.lan", "p").unwrap();
        apply(&mut doc, &[o]);
        assert_eq!(doc["spec"]["bitnami"]["images"]["registry"], "registry.lan");
        assert_eq!(doc["spec"]["postgres"]["instances"], 2);
    }
}
