//! Settings ArgoCD passes to the plugin: `ARGOCD_APP_PARAMETERS` (the
//! Application's `plugin.parameters`), then `ARGOCD_ENV_*` (its
//! `plugin.env`), and the build environment. Parameters win over env.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::backend::kit::parameter::{Collection, Parameter};
use crate::error::Error;
use crate::judge::overrides::Override;
use crate::spec::ClusterSpec;

/// The plugin's own parameters: which specs, before every backend's, and
/// any single-valued field by path, after them.
const FIRST: [Parameter; 1] = [Parameter {
    name: "specs",
    title: "Specs to render",
    tooltip: "Spec files to render, relative to the application path; empty renders every spec found there.",
    collection: Collection::Array,
    env: Some("PGRENDER_SPECS"),
    field: None,
}];
const LAST: [Parameter; 1] = [Parameter {
    name: "overrides",
    title: "Spec overrides",
    tooltip: "Any single-valued spec field by its path, e.g. spec.postgres.instances: \"3\". Validated like the spec file.",
    collection: Collection::Map,
    env: None,
    field: None,
}];

/// Every parameter the plugin accepts, in the order ArgoCD shows them.
fn parameters() -> impl Iterator<Item = &'static Parameter> {
    FIRST
        .iter()
        .chain(crate::backend::plugin_parameters())
        .chain(LAST.iter())
}

/// What the plugin was told to do.
#[derive(Debug, Default, Clone)]
pub(crate) struct PluginSettings {
    pub overrides: Vec<Override>,
    pub specs: Option<Vec<PathBuf>>,
    /// `ARGOCD_APP_NAME` without its `<namespace>_` prefix.
    pub app_name: Option<String>,
    /// `KUBE_VERSION` as (major, minor).
    pub kube_version: Option<(u32, u32)>,
}

/// One entry of `ARGOCD_APP_PARAMETERS`.
#[derive(Debug, Deserialize)]
struct RawParameter {
    name: String,
    string: Option<String>,
    array: Option<Vec<String>>,
    map: Option<BTreeMap<String, String>>,
}

impl PluginSettings {
    /// Read the settings from an environment (the process's, or a test's).
    /// Errors name parameters and variables, never their values.
    pub(crate) fn from_env(env: &BTreeMap<String, String>) -> Result<PluginSettings, Error> {
        let mut settings = PluginSettings::default();
        settings.read_env_vars(env)?;
        if let Some(text) = env.get("ARGOCD_APP_PARAMETERS") {
            settings.read_parameters(text)?;
        }
        settings.app_name = env
            .get("ARGOCD_APP_NAME")
            .map(|n| {
                n.split_once('_')
                    .map(|(_, name)| name)
                    .unwrap_or(n)
                    .to_string()
            })
            .filter(|n| !n.is_empty());
        if let Some(text) = env.get("KUBE_VERSION") {
            settings.kube_version = Some(parse_kube_version(text)?);
        }
        Ok(settings)
    }

    fn read_env_vars(&mut self, env: &BTreeMap<String, String>) -> Result<(), Error> {
        let mut unknown = Vec::new();
        for (key, value) in env {
            let Some(name) = key.strip_prefix("ARGOCD_ENV_") else {
                continue;
            };
            let Some(param) = parameters().find(|p| p.env == Some(name)) else {
                unknown.push(key.clone());
                continue;
            };
            if value.is_empty() {
                continue;
            }
            let origin = format!("environment variable {key}");
            match param.collection {
                Collection::Array => self.set_specs(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .collect(),
                ),
                _ => self.overrides.push(override_for(param, value, &origin)?),
            }
        }
        if !unknown.is_empty() {
            let known: Vec<String> = parameters()
                .filter_map(|p| p.env)
                .map(|e| format!("ARGOCD_ENV_{e}"))
                .collect();
            return Err(Error::PluginSettings(format!(
                "unknown plugin environment variable(s): {}; pgrender reads {}",
                unknown.join(", "),
                known.join(", ")
            )));
        }
        Ok(())
    }

    fn read_parameters(&mut self, text: &str) -> Result<(), Error> {
        let text = text.trim();
        if text.is_empty() || text == "null" {
            return Ok(());
        }
        let raw: Vec<RawParameter> = serde_json::from_str(text).map_err(|e| {
            Error::PluginSettings(format!(
                "ARGOCD_APP_PARAMETERS is not the JSON ArgoCD sends: {e}"
            ))
        })?;
        let unknown: Vec<&str> = raw
            .iter()
            .filter(|r| !parameters().any(|p| p.name == r.name))
            .map(|r| r.name.as_str())
            .collect();
        if !unknown.is_empty() {
            let known: Vec<&str> = parameters().map(|p| p.name).collect();
            return Err(Error::PluginSettings(format!(
                "unknown plugin parameter(s): {}; pgrender takes {}",
                unknown.join(", "),
                known.join(", ")
            )));
        }
        for r in raw {
            let param = parameters()
                .find(|p| p.name == r.name)
                .expect("checked above");
            let origin = format!("parameter `{}`", param.name);
            let wrong_shape = || {
                Error::PluginSettings(format!(
                    "{origin} must be a {}",
                    shape_name(param.collection)
                ))
            };
            match param.collection {
                Collection::String => {
                    if r.array.is_some() || r.map.is_some() {
                        return Err(wrong_shape());
                    }
                    if let Some(value) = r.string.filter(|v| !v.is_empty()) {
                        self.overrides.push(override_for(param, &value, &origin)?);
                    }
                }
                Collection::Array => {
                    if r.string.is_some() || r.map.is_some() {
                        return Err(wrong_shape());
                    }
                    let items: Vec<String> = r
                        .array
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect();
                    self.set_specs(items.iter().map(String::as_str).collect());
                }
                Collection::Map => {
                    if r.string.is_some() || r.array.is_some() {
                        return Err(wrong_shape());
                    }
                    for (field, value) in r.map.unwrap_or_default() {
                        let o =
                            Override::from_text(&field, &value, &format!("{origin} key `{field}`"))
                                .map_err(Error::PluginSettings)?;
                        self.overrides.push(o);
                    }
                }
            }
        }
        Ok(())
    }

    fn set_specs(&mut self, items: Vec<&str>) {
        self.specs = if items.is_empty() {
            None
        } else {
            Some(items.into_iter().map(PathBuf::from).collect())
        };
    }
}

fn override_for(param: &Parameter, value: &str, origin: &str) -> Result<Override, Error> {
    let field = param.field.expect("string parameters name their field");
    Override::from_text(field, value, origin).map_err(Error::PluginSettings)
}

fn shape_name(c: Collection) -> &'static str {
    match c {
        Collection::String => "string",
        Collection::Array => "list (array)",
        Collection::Map => "map",
    }
}

/// `1.29.3` (ArgoCD strips the `v` and build metadata; accept them anyway).
fn parse_kube_version(text: &str) -> Result<(u32, u32), Error> {
    let trimmed = text.trim().trim_start_matches('v');
    let mut parts = trimmed.split(['.', '+', '-']);
    let major = parts.next().and_then(|p| p.parse().ok());
    let minor = parts.next().and_then(|p| p.parse().ok());
    match (major, minor) {
        (Some(major), Some(minor)) => Ok((major, minor)),
        _ => Err(Error::PluginSettings(format!(
            "KUBE_VERSION `{text}` is not a Kubernetes version such as 1.29.3"
        ))),
    }
}

/// The parameter announcements ArgoCD shows in its UI (`parameters.dynamic`).
/// Defaults are those of the reference spec; ArgoCD never sends them back.
pub(crate) fn announcements() -> Value {
    // The reference spec's value of a parameter's field, from its JSON.
    let defaults = serde_json::to_value(ClusterSpec::default()).expect("the spec serializes");
    let default_of = |field: Option<&str>| -> String {
        let pointer = field
            .and_then(|f| f.strip_prefix("spec."))
            .map(|path| format!("/{}", path.replace('.', "/")))
            .unwrap_or_default();
        match defaults.pointer(&pointer) {
            _ if field.is_none() => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        }
    };
    Value::Array(
        parameters()
            .map(|p| {
                let mut entry = json!({ "name": p.name, "title": p.title, "tooltip": p.tooltip });
                let map = entry.as_object_mut().expect("object literal");
                match p.collection {
                    Collection::String => {
                        map.insert("string".into(), Value::String(default_of(p.field)));
                    }
                    Collection::Array => {
                        map.insert("collectionType".into(), "array".into());
                        map.insert("array".into(), json!([]));
                    }
                    Collection::Map => {
                        map.insert("collectionType".into(), "map".into());
                        map.insert("map".into(), json!({}));
                    }
                }
                entry
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn no_parameters_in_every_form_argocd_sends() {
        for text in ["", "null", "[]", " null "] {
            let s = PluginSettings::from_env(&env(&[("ARGOCD_APP_PARAMETERS", text)])).unwrap();
            assert!(s.overrides.is_empty() && s.specs.is_none(), "{text:?}");
        }
        assert!(
            PluginSettings::from_env(&env(&[]))
                .unwrap()
                .overrides
                .is_empty()
        );
    }

    #[test]
    fn string_array_and_map_parameters_are_read() {
        let params = r#"[{"name":"chart-version","string":"12.8.2"},{"array":["a.yaml"],"name":"specs"},{"map":{"spec.postgres.instances":"3"},"name":"overrides"}]"#;
        let s = PluginSettings::from_env(&env(&[("ARGOCD_APP_PARAMETERS", params)])).unwrap();
        assert_eq!(s.specs, Some(vec![PathBuf::from("a.yaml")]));
        let fields: Vec<(&str, &Value)> = s
            .overrides
            .iter()
            .map(|o| (o.field.as_str(), &o.value))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("spec.bitnami.chart.targetRevision", &json!("12.8.2")),
                ("spec.postgres.instances", &json!(3))
            ]
        );
    }

    #[test]
    fn parameters_win_over_env() {
        let s = PluginSettings::from_env(&env(&[
            ("ARGOCD_ENV_PGRENDER_CHART_VERSION", "12.1.0"),
            (
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"chart-version","string":"12.8.2"}]"#,
            ),
        ]))
        .unwrap();
        // Applied in order: the parameter comes last, so it wins.
        assert_eq!(s.overrides.last().unwrap().value, json!("12.8.2"));
    }

    #[test]
    fn unknown_names_are_errors_that_do_not_print_values() {
        let e = PluginSettings::from_env(&env(&[("ARGOCD_ENV_DB_PASSWORD", "s3cret")]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("ARGOCD_ENV_DB_PASSWORD") && !e.contains("s3cret"),
            "{e}"
        );
        let e = PluginSettings::from_env(&env(&[(
            "ARGOCD_APP_PARAMETERS",
            r#"[{"name":"token","string":"s3cret"}]"#,
        )]))
        .unwrap_err()
        .to_string();
        assert!(e.contains("token") && !e.contains("s3cret"), "{e}");
    }

    #[test]
    fn build_variables_are_read() {
        let s = PluginSettings::from_env(&env(&[
            ("ARGOCD_APP_NAME", "team-a_pg-gitops"),
            ("KUBE_VERSION", "1.29.3"),
        ]))
        .unwrap();
        assert_eq!(s.app_name.as_deref(), Some("pg-gitops"));
        assert_eq!(s.kube_version, Some((1, 29)));
        let s = PluginSettings::from_env(&env(&[("ARGOCD_APP_NAME", "pg-gitops")])).unwrap();
        assert_eq!(s.app_name.as_deref(), Some("pg-gitops"));
        assert!(PluginSettings::from_env(&env(&[("KUBE_VERSION", "banana")])).is_err());
    }

    #[test]
    fn announcements_cover_every_parameter() {
        let a = announcements();
        let names: Vec<&str> = a
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "specs",
                "chart-version",
                "image-registry",
                "image-namespace",
                "overrides"
            ]
        );
        assert_eq!(a[1]["string"], "12.x.x");
        assert_eq!(a[0]["collectionType"], "array");
        assert_eq!(a[4]["collectionType"], "map");
    }
}
