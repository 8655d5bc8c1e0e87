//! From a validated spec to a `Plan`: every output file's path and bytes.
//!
//! Templates are embedded in the binary and compiled once per process.
//! YAML templates auto-escape with JSON quoting, so every spec string lands
//! as one quoted scalar and cannot change the document's structure.

use std::borrow::Cow;
use std::collections::BTreeMap;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value, filters};
use sha2::{Digest, Sha256};

use crate::backend::{self, BackendFile};
use crate::validate::ValidSpec;

/// Embeds templates by their path under `templates/`.
macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/", $name)))),*]
    };
}
pub(crate) use embedded;

/// Templates every backend shares; each backend brings its own
/// (`backend::templates`). Names ending in `.yaml` get JSON auto-escaping.
const SHARED_TEMPLATES: [(&str, &str); 12] = embedded![
    "common/namespace.yaml",
    "common/argocd-repository.yaml",
    "common/ip-address-pool.yaml",
    "common/backup-cronjob.yaml",
    "common/restore-job.yaml",
    "common/network-policy.yaml",
    "common/prometheus-rule.yaml",
    "common/readme-connect.md",
    "common/readme-network.md",
    "common/readme-alerts.md",
    "common/readme-backups.md",
    "migration.md",
];

/// The template environment: every template, compiled when first used.
pub struct Renderer {
    env: Environment<'static>,
    /// Keep each compiled template for the next spec (`new`), or compile it
    /// for one render and free it (`single_use`).
    keep_compiled: bool,
}

impl Renderer {
    /// Keeps every template it compiles: for many specs, which share them.
    pub fn new() -> Self {
        Renderer {
            env: Self::environment(),
            keep_compiled: true,
        }
    }

    /// For one spec, where no compiled template would be used twice: each
    /// is compiled straight from the embedded source (no copy) and freed
    /// after its render, so the next one reuses the memory. A compiled
    /// template holds ~10 KB (minijinja reserves 256 instructions each),
    /// and every page a short process touches costs a page fault (~2 us on
    /// the benchmark machine): 29 fewer faults per render. Templates that
    /// others include (the README's parts) are still kept.
    pub fn single_use() -> Self {
        Renderer {
            env: Self::environment(),
            keep_compiled: false,
        }
    }

    fn environment() -> Environment<'static> {
        // Not `Environment::new()`: it registers some fifty filters, tests
        // and functions on every start, code and heap a two-millisecond
        // process pays for; the templates use the few in `FILTERS` and
        // `TESTS` (a unit test checks that they name nothing else).
        let mut env = Environment::empty();
        for (name, filter) in FILTERS {
            filter(&mut env, name);
        }
        for (name, test) in TESTS {
            env.add_test(name, test);
        }
        env.set_auto_escape_callback(auto_escape);
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
        // Compiled on first use: a run pays only for the templates its
        // backends and switches need.
        env.set_loader(|name| Ok(embedded_template(name).map(|(_, source)| source.to_string())));
        env
    }

    /// Compile `name` now rather than on its first render. Only
    /// `benches/floor_compile.rs` needs this: it times compiling alone.
    pub fn compile(&self, name: &str) -> Result<(), minijinja::Error> {
        self.env.get_template(name).map(|_| ())
    }

    pub fn render(&self, name: &str, context: &Value) -> Result<String, minijinja::Error> {
        if self.keep_compiled {
            return self.env.get_template(name)?.render(context);
        }
        let (name, source) = embedded_template(name).ok_or_else(|| {
            minijinja::Error::new(
                minijinja::ErrorKind::TemplateNotFound,
                format!("no embedded template {name}"),
            )
        })?;
        self.env
            .template_from_named_str(name, source)?
            .render(context)
    }
}

/// Registers one filter under a name (minijinja's filters differ in signature).
type AddFilter = fn(&mut Environment<'static>, &'static str);

/// The builtin filters the templates use.
const FILTERS: [(&str, AddFilter); 5] = [
    ("indent", |env, name| env.add_filter(name, filters::indent)),
    ("items", |env, name| env.add_filter(name, filters::items)),
    ("join", |env, name| env.add_filter(name, filters::join)),
    ("safe", |env, name| env.add_filter(name, filters::safe)),
    ("string", |env, name| env.add_filter(name, filters::string)),
];

type JinjaTest = fn(&Value) -> bool;

/// The builtin tests the templates use (`x is none`, `x is defined`).
const TESTS: [(&str, JinjaTest); 2] = [
    ("defined", minijinja::tests::is_defined),
    ("none", minijinja::tests::is_none),
];

/// JSON quoting for YAML templates, none for Markdown: what
/// `Environment::new()` would choose by extension.
fn auto_escape(name: &str) -> AutoEscape {
    if name.ends_with(".yaml") {
        AutoEscape::Json
    } else {
        AutoEscape::None
    }
}

/// An embedded template's name and source, both `'static`.
fn embedded_template(name: &str) -> Option<(&'static str, &'static str)> {
    all_templates().find(|(n, _)| *n == name).copied()
}

fn all_templates() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    SHARED_TEMPLATES.iter().chain(backend::templates())
}

/// The name of every embedded template (`backend/name` or `common/name`).
pub fn template_names() -> impl Iterator<Item = &'static str> {
    all_templates().map(|(name, _)| *name)
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
    if *state.auto_escape() != minijinja::AutoEscape::Json || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    // Most values (names, sizes, addresses) are printable ASCII with nothing
    // JSON escapes: quoted as they are, without a serializer and a copy.
    if let Some(text) = value.as_str()
        && text.bytes().all(quoted_as_is)
    {
        return ["\"", text, "\""]
            .into_iter()
            .try_for_each(|part| out.write_str(part))
            .map_err(minijinja::Error::from);
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

/// A byte JSON (and so the YAML double-quoted scalar) keeps as it is.
fn quoted_as_is(b: u8) -> bool {
    (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\'
}

/// An ASCII byte in YAML's printable set (`printable`, for one byte).
fn printable_ascii(b: u8) -> bool {
    (b' '..=b'~').contains(&b) || matches!(b, b'\t' | b'\n' | b'\r')
}

/// YAML's printable set (YAML 1.2, 5.1).
fn printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

/// `\uXXXX` for every character outside YAML's printable set; borrowed
/// when there is none (almost always: every value of a render passes here).
fn escape_non_printable(text: &str) -> Cow<'_, str> {
    // Byte test first: it covers all-ASCII text (nearly every value) and
    // the compiler vectorises it; the char test is for the rest.
    if text.bytes().all(printable_ascii) || text.chars().all(printable) {
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

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

/// Settings of one render run that are not part of any spec.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The output root as a repository-relative path (`kubernetes/applications`),
    /// used where the output names its own location (multi-source values).
    pub out_root: String,
    /// Also render the folder's README (runbook) and CHECKSUMS. The ArgoCD
    /// plugin's stream carries manifests only, so `generate` skips them.
    pub readme_and_checksums: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            out_root: crate::DEFAULT_OUT_ROOT.into(),
            readme_and_checksums: true,
        }
    }
}

impl RenderOptions {
    pub fn values_file_path(&self, name: &str) -> String {
        format!(
            "{}/{name}/values/values.yaml",
            self.out_root.trim_end_matches('/')
        )
    }
}

/// The files of one spec's output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Folder name under the output root (`metadata.name`).
    pub name: String,
    /// Relative path (with `/`) to content; includes `CHECKSUMS`.
    pub files: BTreeMap<String, String>,
}

pub const CHECKSUMS: &str = "CHECKSUMS";

impl Plan {
    /// Paths of the Kubernetes manifests, in output order.
    pub fn manifest_paths(&self) -> impl Iterator<Item = &String> {
        self.files
            .keys()
            .filter(|p| p.ends_with(".yaml") && !p.starts_with("values/"))
    }
}

/// `sha256  path` per file, sorted by path: `sha256sum -c CHECKSUMS` works
/// inside the folder.
pub fn checksums<'a>(files: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    let mut out = String::new();
    for (path, content) in files {
        if path == CHECKSUMS {
            continue;
        }
        out.push_str(&sha256_hex(content.as_bytes()));
        out.push_str("  ");
        out.push_str(path);
        out.push('\n');
    }
    out
}

/// `text` with every run of blank lines cut to one (in one pass: the README
/// is the largest file of a render).
fn single_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Newlines at the end of `out`: a third in a row would start a second blank line.
    let mut newlines = 0;
    for line in text.split_inclusive('\n') {
        if line == "\n" {
            if newlines >= 2 {
                continue;
            }
            newlines += 1;
        } else {
            newlines = usize::from(line.ends_with('\n'));
        }
        out.push_str(line);
    }
    out
}

/// Lowercase hex sha256, as `sha256sum` prints it.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    Sha256::digest(bytes)
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0xf)]])
        .map(char::from)
        .collect()
}

fn header(path: &str, spec: &ValidSpec) -> String {
    // A file name may hold anything but `/`: keep it from ending the comment.
    let file_name: String = spec
        .source
        .file_name
        .chars()
        .map(|c| if c.is_control() || c == '>' { '?' } else { c })
        .collect();
    let what = format!(
        "Generated by pgrender from {file_name} (PostgresCluster {}). Do not edit: change the spec and run `pgrender render`.",
        spec.cluster.metadata.name
    );
    if path.ends_with(".md") {
        format!("<!-- {what} -->\n")
    } else {
        format!("# {what}\n")
    }
}

/// A rendered file as it is written: the header comment first, runs of
/// blank lines cut to one in Markdown (templates assembled from parts leave
/// stray ones), and exactly one trailing newline whatever the template's
/// last tag did.
fn finish(path: &str, rendered: String, spec: &ValidSpec) -> String {
    let mut text = if path.ends_with(".md") {
        single_blank_lines(&rendered)
    } else {
        rendered
    };
    text.truncate(text.trim_end_matches('\n').len());
    text.push('\n');
    // In place: minijinja sizes its buffer at twice the template's text, so
    // a manifest is not copied again (the README's blank-line pass already
    // made it a new string).
    text.insert_str(0, &header(path, spec));
    text
}

/// Render one validated spec.
pub fn render_spec(
    spec: &ValidSpec,
    renderer: &Renderer,
    options: &RenderOptions,
) -> Result<Plan, minijinja::Error> {
    let cluster = &spec.cluster;
    let backend = backend::for_cluster(cluster);
    let facts = backend.facts(cluster);
    let alerts = crate::alerts::alerts(cluster, &facts);
    let backend::BackendOutput {
        mut files,
        readme_template,
        readme_context,
    } = backend.render(cluster, &facts, &alerts, renderer, options)?;
    if options.readme_and_checksums {
        files.push(BackendFile {
            path: "README.md".into(),
            content: renderer.render(readme_template, &readme_context)?,
        });
    }

    let shared = minijinja::context! {
        name => &cluster.metadata.name,
        spec => Serde(&cluster.spec),
        facts => Serde(&facts),
        alerts => Serde(&alerts),
    };
    let monitoring = &cluster.spec.monitoring;
    let shared_files = [
        ("namespace.yaml", "common/namespace.yaml", true),
        (
            "metallb/ip-address-pool.yaml",
            "common/ip-address-pool.yaml",
            true,
        ),
        ("backup/cronjob.yaml", "common/backup-cronjob.yaml", true),
        ("backup/restore-job.yaml", "common/restore-job.yaml", true),
        (
            "network-policy.yaml",
            "common/network-policy.yaml",
            !cluster.spec.network.allowed_clients.is_empty(),
        ),
        (
            "monitoring/prometheus-rule.yaml",
            "common/prometheus-rule.yaml",
            monitoring.prometheus_rule,
        ),
    ];
    for (path, template, wanted) in shared_files {
        if wanted {
            files.push(BackendFile {
                path: path.into(),
                content: renderer.render(template, &shared)?,
            });
        }
    }

    let mut tree = BTreeMap::new();
    for file in files {
        let content = finish(&file.path, file.content, spec);
        tree.insert(file.path, content);
    }
    if options.readme_and_checksums {
        let sums = checksums(tree.iter());
        tree.insert(CHECKSUMS.to_string(), sums);
    }
    Ok(Plan {
        name: cluster.metadata.name.clone(),
        files: tree,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ClusterSpec;
    use crate::yaml::parse_stream;

    #[test]
    fn byte_shortcuts_agree_with_the_full_rules() {
        for b in 0..=0x7f_u8 {
            let text = char::from(b).to_string();
            // The long way: JSON quoting, then YAML's non-printables.
            let json = serde_json::to_string(&text).unwrap();
            let unchanged = escape_non_printable(&json) == format!("\"{text}\"");
            assert_eq!(quoted_as_is(b), unchanged, "byte {b:#04x}");
            assert_eq!(
                printable_ascii(b),
                printable(char::from(b)),
                "byte {b:#04x}"
            );
        }
    }

    /// Filters, tests and global functions a template names, read from its
    /// `{{ }}` and `{% %}` tags with string literals left out.
    fn jinja_names(source: &str) -> [std::collections::BTreeSet<String>; 3] {
        let [mut filters, mut tests, mut functions]: [std::collections::BTreeSet<String>; 3] =
            Default::default();
        let mut rest = source;
        while let Some(start) = rest.find("{{").into_iter().chain(rest.find("{%")).min() {
            let close = if rest[start..].starts_with("{{") {
                "}}"
            } else {
                "%}"
            };
            let Some(len) = rest[start..].find(close) else {
                break;
            };
            let mut tokens: Vec<String> = Vec::new();
            let mut quote = None;
            for c in rest[start + 2..start + len].chars() {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == '"' || c == '\'' => quote = Some(c),
                    None if c.is_alphanumeric() || c == '_' => match tokens.last_mut() {
                        Some(t) if t.starts_with(|f: char| f.is_alphanumeric() || f == '_') => {
                            t.push(c)
                        }
                        _ => tokens.push(c.to_string()),
                    },
                    None if c.is_whitespace() => tokens.push(String::new()),
                    None => tokens.push(c.to_string()),
                }
            }
            tokens.retain(|t| !t.is_empty());
            for (i, token) in tokens.iter().enumerate() {
                let next = |skip: usize| tokens.get(i + skip).cloned().unwrap_or_default();
                match token.as_str() {
                    "|" => filters.insert(next(1)),
                    "is" if next(1) == "not" => tests.insert(next(2)),
                    "is" => tests.insert(next(1)),
                    "(" if i > 0
                        && tokens[i - 1].starts_with(char::is_alphabetic)
                        && !["in", "not", "and", "or", "if", "else"]
                            .contains(&tokens[i - 1].as_str())
                        && !matches!(
                            tokens.get(i.wrapping_sub(2)).map(String::as_str),
                            Some("|" | ".")
                        ) =>
                    {
                        functions.insert(tokens[i - 1].clone())
                    }
                    _ => false,
                };
            }
            rest = &rest[start + len + 2..];
        }
        [filters, tests, functions]
    }

    #[test]
    fn templates_use_only_the_registered_filters_and_tests() {
        // The scanner itself finds what it must.
        let [f, t, g] = jinja_names(
            "{{ a | upper }} {{ \"| b\" }} {% if x is not odd and y is even %}{{ range(3) | join(', ') }}{% endif %}",
        );
        assert_eq!(f, ["join", "upper"].map(String::from).into());
        assert_eq!(t, ["even", "odd"].map(String::from).into());
        assert_eq!(g, ["range"].map(String::from).into());

        let registered_filters: Vec<&str> = FILTERS.iter().map(|(n, _)| *n).collect();
        let registered_tests: Vec<&str> = TESTS.iter().map(|(n, _)| *n).collect();
        for (name, source) in all_templates() {
            let [filters, tests, functions] = jinja_names(source);
            for filter in &filters {
                assert!(
                    registered_filters.contains(&filter.as_str()),
                    "{name} uses the filter `{filter}`: add it to FILTERS"
                );
            }
            for test in &tests {
                assert!(
                    registered_tests.contains(&test.as_str()),
                    "{name} uses the test `{test}`: add it to TESTS"
                );
            }
            assert!(
                functions.is_empty(),
                "{name} calls {functions:?}: register them"
            );
        }
    }

    #[test]
    fn blank_line_runs_become_one_blank_line() {
        assert_eq!(
            single_blank_lines("a\n\n\n\n\nb\n\n\nc\n\nd\ne\n"),
            "a\n\nb\n\nc\n\nd\ne\n"
        );
        assert_eq!(single_blank_lines("\n\n\n"), "\n\n");
        assert_eq!(single_blank_lines(""), "");
        // Lines holding only spaces are not blank here, as before.
        assert_eq!(single_blank_lines("a\n \n\n\nb"), "a\n \n\nb");
    }

    #[test]
    fn every_embedded_template_compiles() {
        let renderer = Renderer::new();
        for (name, _) in all_templates() {
            if let Err(e) = renderer.env.get_template(name) {
                panic!("{name}: {e:#}");
            }
        }
    }

    #[test]
    fn single_use_reports_an_unknown_template() {
        let err = Renderer::single_use()
            .render("common/nope.yaml", &Value::UNDEFINED)
            .unwrap_err();
        assert_eq!(err.kind(), minijinja::ErrorKind::TemplateNotFound);
        assert!(err.to_string().contains("common/nope.yaml"), "{err}");
    }

    /// Validation keeps hostile strings out, but the templates must be safe
    /// on their own: a string can never change the YAML structure.
    #[test]
    fn strings_cannot_change_the_yaml_structure() {
        let hostile = "x\"\n---\nkind: Secret\n# {{ evil }} : &a *b !tag 'q' \u{2028} é \u{7f}\u{9f}\u{feff}\u{fffe}";
        let mut spec = ClusterSpec::default();
        spec.argocd.destination_server = hostile.to_string();
        spec.argocd.project = hostile.to_string();
        spec.backup.schedule = hostile.to_string();
        spec.network.address_pool.addresses = vec![hostile.to_string()];
        let valid = ValidSpec::unread("x\n---\n.yaml", spec);
        let plan = render_spec(&valid, &Renderer::new(), &RenderOptions::default()).unwrap();
        let app = parse_stream(&plan.files["application.yaml"]).unwrap();
        assert_eq!(app.len(), 1);
        assert_eq!(app[0]["spec"]["destination"]["server"], hostile);
        assert_eq!(app[0]["spec"]["project"], hostile);
        let backup = parse_stream(&plan.files["backup/cronjob.yaml"]).unwrap();
        assert_eq!(backup.len(), 2, "PVC and CronJob, nothing injected");
        assert_eq!(backup[1]["spec"]["schedule"], hostile);
        let pool = parse_stream(&plan.files["metallb/ip-address-pool.yaml"]).unwrap();
        assert_eq!(pool[0]["spec"]["addresses"][0], hostile);
        assert!(
            plan.files["application.yaml"]
                .lines()
                .next()
                .unwrap()
                .starts_with("# Generated")
        );
        assert_eq!(
            plan.files["application.yaml"].lines().nth(1),
            Some("apiVersion: argoproj.io/v1alpha1")
        );
    }
}
