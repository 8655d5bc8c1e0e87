//! The template environment: minijinja with the embedded templates, strict
//! about undefined values, and quoting every value written into a YAML file
//! so that no spec string can change a document's structure.

use std::borrow::Cow;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Kwargs;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

/// Embeds templates by their path under `templates/`.
macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $name)))),*]
    };
}
pub(crate) use embedded;

/// A template's name (its path under `templates/`) and source.
pub(crate) type Template = (&'static str, &'static str);

/// The environment one run renders with: built once, shared by every spec
/// and thread. A template is compiled when first used, then kept.
pub struct Renderer {
    env: Environment<'static>,
}

impl Renderer {
    /// An environment serving `templates`. Templates named `*.yaml` get
    /// JSON quoting (minijinja's default for the extension), Markdown none.
    pub fn new(templates: impl IntoIterator<Item = &'static Template>) -> Self {
        let sources: Vec<Template> = templates.into_iter().copied().collect();
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_formatter(yaml_safe_formatter);
        env.set_syntax(
            SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .keep_trailing_newline(true)
                .build()
                .expect("the default delimiters are valid"),
        );
        env.add_function("metadata", metadata);
        env.add_function("common_annotations", common_annotations);
        env.set_loader(move |name| {
            Ok(sources
                .iter()
                .find(|(known, _)| *known == name)
                .map(|(_, source)| source.to_string()))
        });
        Renderer { env }
    }

    pub fn render(&self, name: &str, context: &Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(context)
    }
}

/// The labels every object pgrender writes carries, and then the spec's
/// annotations, as the lines under `metadata.labels:` (no newline at the
/// end, so the call stands on a line of its own). Labels: managed-by,
/// part-of (`name`), the `component` if given, `extra` labels the common
/// ones do not override, then `spec.commonLabels`. Unless
/// `annotations=false`, an `annotations:` block follows when
/// `spec.commonAnnotations` has any. Keys and values are quoted as every
/// other value in a YAML template; `component` is a template's literal.
fn metadata(
    name: &Value,
    spec: &Value,
    component: Option<&str>,
    kwargs: Kwargs,
) -> Result<Value, minijinja::Error> {
    let extra: Option<Value> = kwargs.get("extra")?;
    let with_annotations: Option<bool> = kwargs.get("annotations")?;
    kwargs.assert_all_used()?;
    let common = spec.get_attr("commonLabels")?;
    let mut lines = vec![
        "    app.kubernetes.io/managed-by: pgrender".to_string(),
        format!("    app.kubernetes.io/part-of: {}", quoted(name)?),
    ];
    if let Some(component) = component {
        lines.push(format!("    app.kubernetes.io/component: {component}"));
    }
    if let Some(extra) = extra.filter(|e| !e.is_none()) {
        for key in extra.try_iter()? {
            if common.get_item(&key)?.is_undefined() {
                lines.push(entry(&key, &extra.get_item(&key)?)?);
            }
        }
    }
    for key in common.try_iter()? {
        lines.push(entry(&key, &common.get_item(&key)?)?);
    }
    let annotations = spec.get_attr("commonAnnotations")?;
    if with_annotations.unwrap_or(true) && annotations.len().unwrap_or(0) > 0 {
        lines.push("  annotations:".to_string());
        for key in annotations.try_iter()? {
            lines.push(entry(&key, &annotations.get_item(&key)?)?);
        }
    }
    Ok(Value::from_safe_string(lines.join("\n")))
}

/// `spec.commonAnnotations` as lines to append to a template's own
/// annotations: each starts with a newline, so the call ends the line of
/// the last own annotation and adds nothing when there are none.
fn common_annotations(spec: &Value) -> Result<Value, minijinja::Error> {
    let annotations = spec.get_attr("commonAnnotations")?;
    let mut text = String::new();
    for key in annotations.try_iter()? {
        text.push('\n');
        text.push_str(&entry(&key, &annotations.get_item(&key)?)?);
    }
    Ok(Value::from_safe_string(text))
}

/// `    "key": "value"`, indented as a metadata map's entries.
fn entry(key: &Value, value: &Value) -> Result<String, minijinja::Error> {
    Ok(format!("    {}: {}", quoted(key)?, quoted(value)?))
}

/// A value as one YAML double-quoted scalar: what `yaml_safe_formatter`
/// writes for a value in a `.yaml` template.
fn quoted(value: &Value) -> Result<String, minijinja::Error> {
    let json = serde_json::to_string(value).map_err(|e| {
        minijinja::Error::new(
            minijinja::ErrorKind::BadSerialization,
            "cannot quote a value for YAML",
        )
        .with_source(e)
    })?;
    Ok(escape_non_printable(&json).into_owned())
}

/// JSON quoting (the `.yaml` auto-escape) makes every value one YAML
/// double-quoted scalar, but JSON leaves characters raw that YAML does not
/// allow in a document (DEL, C1 controls, U+FFFE/U+FFFF): escape those too,
/// so no string can make the output unparsable.
fn yaml_safe_formatter(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if *state.auto_escape() != AutoEscape::Json || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    out.write_str(&quoted(value)?)
        .map_err(minijinja::Error::from)
}

/// YAML's printable set (YAML 1.2, 5.1).
fn printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

/// `\uXXXX` for every character outside YAML's printable set.
fn escape_non_printable(text: &str) -> Cow<'_, str> {
    if text.chars().all(printable) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if printable(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: [Template; 2] = [
        ("t.yaml", "value: {{ text }}\n"),
        ("t.md", "text: {{ text }}\n"),
    ];

    fn render(name: &str, text: &str) -> String {
        Renderer::new(&SAMPLE)
            .render(name, &minijinja::context! { text => text })
            .unwrap()
    }

    #[test]
    fn yaml_values_are_quoted_and_markdown_is_not() {
        assert_eq!(render("t.yaml", "a\"b: c"), "value: \"a\\\"b: c\"\n");
        assert_eq!(render("t.md", "a\"b: c"), "text: a\"b: c\n");
    }

    #[test]
    fn characters_yaml_forbids_are_escaped() {
        assert_eq!(
            render("t.yaml", "x\u{7f}\u{9f}\u{fffe}é"),
            "value: \"x\\u007f\\u009f\\ufffeé\"\n"
        );
        assert!(matches!(escape_non_printable("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn an_unknown_template_is_an_error_that_names_it() {
        let err = Renderer::new(&SAMPLE)
            .render("common/nope.yaml", &Value::UNDEFINED)
            .unwrap_err();
        assert_eq!(err.kind(), minijinja::ErrorKind::TemplateNotFound);
        assert!(err.to_string().contains("common/nope.yaml"), "{err}");
    }

    #[test]
    fn undefined_values_are_errors() {
        let err = Renderer::new(&SAMPLE)
            .render("t.yaml", &Value::UNDEFINED)
            .unwrap_err();
        assert_eq!(err.kind(), minijinja::ErrorKind::UndefinedError);
    }

    #[test]
    fn metadata_writes_the_common_labels_and_annotations_quoted() {
        const TEMPLATES: [Template; 1] = [(
            "m.yaml",
            "  labels:\n{{ metadata(name, spec, \"backup\", extra=extra) }}\nnext: 1\n",
        )];
        let render = |spec: serde_json::Value, extra: serde_json::Value| {
            Renderer::new(&TEMPLATES)
                .render(
                    "m.yaml",
                    &minijinja::context! { name => "pg", spec => minijinja::value::Serde(spec), extra => minijinja::value::Serde(extra) },
                )
                .unwrap()
        };
        let plain = render(
            serde_json::json!({"commonLabels": {}, "commonAnnotations": {}}),
            serde_json::json!({}),
        );
        assert_eq!(
            plain,
            "  labels:\n    app.kubernetes.io/managed-by: pgrender\n    app.kubernetes.io/part-of: \"pg\"\n    app.kubernetes.io/component: backup\nnext: 1\n"
        );
        let full = render(
            serde_json::json!({"commonLabels": {"team": "a\"b"}, "commonAnnotations": {"x": "y\u{7f}"}}),
            serde_json::json!({"team": "ignored", "release": "prom"}),
        );
        assert!(full.contains("    \"release\": \"prom\"\n    \"team\": \"a\\\"b\"\n  annotations:\n    \"x\": \"y\\u007f\"\nnext: 1\n"), "{full}");
        assert!(
            !full.contains("ignored"),
            "a common label wins over an extra one"
        );
    }
}
