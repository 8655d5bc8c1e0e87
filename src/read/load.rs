//! Finding spec files and reading them: bounded in size, UTF-8 only, one
//! YAML document each. A file counts as a spec by its content
//! (`apiVersion: pgrender.dev/v1alpha1`, `kind: PostgresCluster`), never by
//! its name, so a folder may hold other YAML beside the specs.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::read::checksums::is_generated_folder;
use crate::read::diagnostic::Diagnostic;
use crate::read::yaml::{self, Document, Pos};
use crate::spec::{API_VERSION, KIND};

/// A spec is ~3 KB; anything above this is not one we wrote by hand.
pub(crate) const MAX_SPEC_BYTES: u64 = 1024 * 1024;

/// A spec file that parsed as YAML and declares our apiVersion and kind.
#[derive(Debug, Clone)]
pub struct SpecFile {
    /// The path as the user would type it (relative to where pgrender runs).
    pub display: String,
    /// File name only: what generated files name as their source, so the
    /// bytes do not depend on where pgrender was run from.
    pub file_name: String,
    /// The path from the repository root (`kubernetes/specs/x.yaml`), for
    /// the commands a runbook gives; `None` outside a repository.
    pub repository_path: Option<String>,
    pub document: Document,
}

/// Problems that stop discovery before any spec is read.
#[derive(Debug, thiserror::Error)]
pub enum FindError {
    #[error("{path}: no such file or folder{hint}")]
    Missing { path: String, hint: String },
    #[error("{path}: cannot be read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Walk { path: String, message: String },
}

/// Spec candidates under `root`: the file itself, or every `*.yaml`/`*.yml`
/// below a folder, in a stable order. Never searched: hidden folders such
/// as `.git`, the folders in `skip` (the output root), and any folder
/// pgrender generated: its manifests are no specs, and a second render
/// must see the same specs as the first.
pub(crate) fn find_candidates(root: &Path, skip: &[PathBuf]) -> Result<Vec<PathBuf>, FindError> {
    let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => FindError::Missing {
            path: root.display().to_string(),
            hint: where_it_is(root),
        },
        _ => FindError::Io {
            path: root.display().to_string(),
            source: e,
        },
    })?;
    if meta.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let skip = resolve_all(skip);
    let mut found = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_name().to_string_lossy().starts_with('.')
                    || e.file_type().is_dir()
                        && (is_generated_folder(e.path()) || is_skipped(e.path(), &skip)))
        });
    for entry in walker {
        let entry = entry.map_err(|e| walk_error(root, &e))?;
        if entry.file_type().is_file() && has_yaml_extension(entry.path()) {
            found.push(entry.into_path());
        }
    }
    Ok(found)
}

/// Folders to skip, resolved once: a folder is the same however it was named.
fn resolve_all(folders: &[PathBuf]) -> Vec<PathBuf> {
    folders
        .iter()
        .filter_map(|f| f.canonicalize().ok())
        .collect()
}

fn is_skipped(dir: &Path, skip: &[PathBuf]) -> bool {
    !skip.is_empty() && dir.canonicalize().is_ok_and(|real| skip.contains(&real))
}

/// For a relative path that is missing here but present in a folder above
/// (pgrender run from `kubernetes/specs` instead of the repository root),
/// where to run it from instead.
fn where_it_is(path: &Path) -> String {
    if path.is_absolute() {
        return String::new();
    }
    let Ok(cwd) = std::env::current_dir() else {
        return String::new();
    };
    let found = cwd
        .ancestors()
        .skip(1)
        .position(|dir| dir.join(path).exists());
    match found {
        Some(up) => format!(
            " in this folder; {} holds it: run pgrender there (the repository root), or give the spec path",
            vec![".."; up + 1].join("/")
        ),
        None => String::new(),
    }
}

fn walk_error(root: &Path, e: &walkdir::Error) -> FindError {
    let path = e.path().unwrap_or(root).display().to_string();
    if let Some(ancestor) = e.loop_ancestor() {
        return FindError::Walk {
            path,
            message: format!("symlink loop back to {}", ancestor.display()),
        };
    }
    if let Some(p) = e.path()
        && let Ok(target) = std::fs::read_link(p)
    {
        return FindError::Walk {
            path,
            message: format!(
                "broken symlink to {} (remove it or fix its target)",
                target.display()
            ),
        };
    }
    let message = e
        .io_error()
        .map(|io| io.to_string())
        .unwrap_or_else(|| e.to_string());
    FindError::Walk { path, message }
}

fn has_yaml_extension(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Read and parse one candidate. `explicit` is true when the user named
/// this file: then it must be a spec; inside a folder, other YAML is skipped.
pub(crate) fn load_candidate(path: &Path, explicit: bool) -> Result<Option<SpecFile>, Diagnostic> {
    let display = path.display().to_string();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| display.clone());
    let at_start = |message: String| Diagnostic {
        file: display.clone(),
        pos: Pos { line: 1, column: 1 },
        field: String::new(),
        message,
    };

    let bytes = read_bounded(path).map_err(|e| at_start(format!("cannot read the file: {e}")))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(at_start(
            "the file is empty, as an interrupted write or a power cut leaves it: restore it \
             (git checkout -- FILE) or delete it; skipped, its cluster would drop out of the \
             output and ArgoCD's prune would delete it"
                .replace("FILE", &display),
        ));
    }
    let too_big = bytes.len() as u64 > MAX_SPEC_BYTES;
    if !explicit && !may_be_a_spec(&bytes) {
        return Ok(None);
    }
    if too_big {
        return Err(at_start(format!(
            "the file is larger than {} KiB; a spec is a few KiB",
            MAX_SPEC_BYTES / 1024
        )));
    }
    let text = utf8(bytes, &display)?;
    let document = match yaml::parse_document(&text) {
        Ok(document) => document,
        // Several documents of other things (a manifest stream, pgrender's
        // own output) are no spec; only the user's own file must be one.
        Err(_) if !explicit && is_foreign_stream(&text) => return Ok(None),
        Err(e) => {
            return Err(Diagnostic {
                file: display.clone(),
                pos: e.pos,
                field: String::new(),
                message: e.message,
            });
        }
    };

    if !declares_spec(&document.value) {
        if let Some((pointer, message)) = near_miss(&document.value) {
            return Err(Diagnostic {
                file: display.clone(),
                pos: document.positions.value_pos(pointer),
                field: crate::read::yaml::pointer_to_field_path(pointer),
                message,
            });
        }
        if !explicit {
            return Ok(None);
        }
        return Err(at_start(format!(
            "not a pgrender spec: expected `apiVersion: {API_VERSION}` and `kind: {KIND}` at the top level"
        )));
    }
    Ok(Some(SpecFile {
        display,
        repository_path: crate::read::repository::path_in_repository(path),
        file_name,
        document,
    }))
}

/// The file's text, or where its first byte that is not UTF-8 is.
fn utf8(bytes: Vec<u8>, display: &str) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        Diagnostic {
            file: display.to_string(),
            pos: Pos { line, column },
            field: String::new(),
            message: "the file is not valid UTF-8".into(),
        }
    })
}

/// Read at most one byte past the limit, so a huge file costs no more than that.
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)?
        .take(MAX_SPEC_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Whether a document declares pgrender's apiVersion and kind.
fn declares_spec(value: &serde_json::Value) -> bool {
    let declares = |key: &str, want: &str| value.get(key).and_then(|v| v.as_str()) == Some(want);
    declares("apiVersion", API_VERSION) && declares("kind", KIND)
}

/// A stream of several YAML documents none of which is a spec or nearly one.
fn is_foreign_stream(text: &str) -> bool {
    match yaml::parse_stream(text) {
        Ok(documents) => {
            documents.len() > 1
                && documents
                    .iter()
                    .all(|d| !declares_spec(d) && near_miss(d).is_none())
        }
        Err(_) => false,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// What every pgrender API version names (`pgrender.dev/v1alpha1`).
const API_MARK: &str = "pgrender";

/// Edits that still make a `kind` a mistyped `PostgresCluster`.
const KIND_DISTANCE: usize = 3;

fn is_near_kind(kind: &str) -> bool {
    strsim::levenshtein(&kind.to_ascii_lowercase(), &KIND.to_ascii_lowercase()) <= KIND_DISTANCE
}

/// A cheap look at the bytes: could this file be a spec, or nearly one? A
/// folder may hold thousands of other manifests; only these are parsed.
fn may_be_a_spec(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let kind_line = text.lines().any(|line| {
        line.strip_prefix("kind:")
            .map(|rest| rest.trim().trim_matches(['"', '\'']))
            .is_some_and(is_near_kind)
    });
    let spec_shape = text.contains("metadata:")
        && text.contains("\nspec:")
        && (text.contains("postgres:") || text.contains("network:"));
    contains(bytes, API_MARK.as_bytes()) || kind_line || spec_shape
}

/// Why a parsed file that is not a spec nearly is one: skipping it would
/// silently drop the cluster it describes (and, with ArgoCD's prune, delete
/// it). The pointer says where to look.
fn near_miss(value: &serde_json::Value) -> Option<(&'static str, String)> {
    let text = |pointer: &str| value.pointer(pointer).and_then(|v| v.as_str());
    let dropped = "as it is, pgrender would skip this file and leave its cluster out of the output";
    let api_version = text("/apiVersion").unwrap_or_default();
    let kind = text("/kind").unwrap_or_default();
    if api_version != API_VERSION && api_version.contains(API_MARK) {
        return Some((
            "/apiVersion",
            format!(
                "`{api_version}` is not an API version pgrender reads (write `{API_VERSION}`); {dropped}"
            ),
        ));
    }
    if kind == KIND && api_version.is_empty() {
        let misspelt = value
            .as_object()
            .into_iter()
            .flat_map(|map| map.keys())
            .find(|key| {
                *key != "apiVersion"
                    && strsim::levenshtein(&key.to_ascii_lowercase(), "apiversion") <= KIND_DISTANCE
            });
        let hint = misspelt.map_or_else(String::new, |key| {
            format!(" (is `{key}` meant to be `apiVersion`?)")
        });
        return Some((
            "/kind",
            format!(
                "a `{KIND}` with no `apiVersion`{hint}; write `apiVersion: {API_VERSION}`; {dropped}"
            ),
        ));
    }
    if kind == KIND {
        return Some((
            "/apiVersion",
            format!(
                "a `{KIND}` of `{api_version}`, not of `{API_VERSION}`: not a pgrender spec; move it out of the spec folder, or write `apiVersion: {API_VERSION}`; {dropped}"
            ),
        ));
    }
    if api_version == API_VERSION || is_near_kind(kind) {
        let hint = if is_near_kind(kind) {
            format!(" (did you mean `{KIND}`?)")
        } else {
            String::new()
        };
        return Some((
            "/kind",
            format!("`{kind}` is not a kind pgrender reads{hint}; {dropped}"),
        ));
    }
    let named = text("/metadata/name").is_some();
    let section = ["/spec/postgres", "/spec/network"]
        .into_iter()
        .find(|p| value.pointer(p).is_some_and(serde_json::Value::is_object));
    match section {
        Some(section) if named => Some((
            "",
            format!(
                "has the shape of a pgrender spec (metadata.name and {}) but not `apiVersion: {API_VERSION}` and `kind: {KIND}`; \
                 add them, or move the file out of the spec folder; {dropped}",
                crate::read::yaml::pointer_to_field_path(section)
            ),
        )),
        _ => None,
    }
}
