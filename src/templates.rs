//! The template environment: minijinja with the embedded templates, strict
//! about undefined values, and quoting every value written into a YAML file
//! so that no spec string can change a document's structure.

use std::borrow::Cow;

use minijinja::syntax::SyntaxConfig;
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
    let json = serde_json::to_string(value).map_err(|e| {
        minijinja::Error::new(
            minijinja::ErrorKind::BadSerialization,
            "cannot quote a value for YAML",
        )
        .with_source(e)
    })?;
    out.write_str(&escape_non_printable(&json))
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
}
