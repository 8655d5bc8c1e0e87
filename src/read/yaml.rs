//! Every YAML read in pgrender goes through this module: specs, and (in
//! tests) the rendered output. It turns text into a `serde_json::Value` plus
//! a map from JSON Pointer to source position, so that schema and semantic
//! errors can name `file:line:column`.
//!
//! The value comes from serde-saphyr, with duplicate keys rejected and the
//! document's size, depth and alias expansion budgeted. Positions come from
//! a second, bounded pass with the event parser under it (granit), which
//! also words shape errors (several documents, too deep, too many nodes).
//! That pass runs only when needed: when the value cannot be read, or when a
//! message needs a position. Valid specs, nearly all of them, never pay it.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_saphyr::granit_parser::{Event, Parser, ScanError};
use serde_saphyr::{Budget, DuplicateKeyPolicy};

/// A 1-based line and column in a source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Limits on what one spec file may contain. A real spec is ~3 KB, about
/// 100 nodes, 6 levels deep; these leave room and stop hostile input early.
pub(crate) const MAX_DEPTH: usize = 32;
pub(crate) const MAX_NODES: usize = 10_000;
pub(crate) const MAX_ALIASES: usize = 100;

/// Why a text is not one usable YAML document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

impl YamlError {
    fn at(pos: Pos, message: impl Into<String>) -> Self {
        YamlError {
            pos,
            message: message.into(),
        }
    }
}

/// Where each node of a document starts: for a mapping entry both its key
/// and its value, for a sequence item its value. Built from the source text
/// on first use.
#[derive(Debug, Default, Clone)]
pub struct PositionIndex {
    source: Arc<str>,
    places: OnceLock<Places>,
}

#[derive(Debug, Default, Clone)]
struct Places {
    keys: HashMap<String, Pos>,
    values: HashMap<String, Pos>,
}

impl PositionIndex {
    fn lazy(source: &str) -> Self {
        PositionIndex {
            source: source.into(),
            places: OnceLock::new(),
        }
    }

    fn built(source: &str, places: Places) -> Self {
        PositionIndex {
            source: source.into(),
            places: OnceLock::from(places),
        }
    }

    fn places(&self) -> &Places {
        // The text already parsed as a value; should the position pass still
        // refuse it, messages fall back to the start of the file.
        self.places
            .get_or_init(|| index_positions(&self.source).unwrap_or_default())
    }

    /// Position of the value at `pointer`, else its key, else the nearest
    /// ancestor that has one (values reached through an alias have none).
    pub fn value_pos(&self, pointer: &str) -> Pos {
        self.lookup(pointer, true)
    }

    /// Position of the key of the entry at `pointer` (where a reader looks
    /// for a wrong field name), with the same fallbacks.
    pub fn key_pos(&self, pointer: &str) -> Pos {
        self.lookup(pointer, false)
    }

    fn lookup(&self, pointer: &str, value_first: bool) -> Pos {
        let places = self.places();
        let mut current = pointer;
        loop {
            let (first, second) = if value_first {
                (&places.values, &places.keys)
            } else {
                (&places.keys, &places.values)
            };
            if let Some(pos) = first.get(current).or_else(|| second.get(current)) {
                return *pos;
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => return Pos { line: 1, column: 1 },
            }
        }
    }
}

/// A parsed single-document YAML file.
#[derive(Debug, Clone)]
pub struct Document {
    pub value: serde_json::Value,
    pub positions: PositionIndex,
}

/// Parse exactly one YAML document into a JSON value with positions.
pub fn parse_document(text: &str) -> Result<Document, YamlError> {
    match serde_saphyr::from_str_with_options::<serde_json::Value>(text, options()) {
        Ok(value) if !value.is_null() => Ok(Document {
            value,
            positions: PositionIndex::lazy(text),
        }),
        // Unreadable or empty: the position pass words shape problems best
        // (and finds them first, as a reader would); else saphyr's message.
        result => {
            let places = index_positions(text)?;
            let value = result.map_err(|e| saphyr_error(&e))?;
            Ok(Document {
                value,
                positions: PositionIndex::built(text, places),
            })
        }
    }
}

/// Parse a multi-document YAML stream (rendered output, in tests and in
/// `generate` self-checks). Empty documents are dropped, as ArgoCD does.
pub fn parse_stream(text: &str) -> Result<Vec<serde_json::Value>, YamlError> {
    let mut opts = options();
    if let Some(budget) = opts.budget.as_mut() {
        budget.max_documents = usize::MAX;
        budget.max_nodes = usize::MAX;
        budget.max_total_scalar_bytes = usize::MAX;
    }
    let docs: Vec<serde_json::Value> =
        serde_saphyr::from_str_multiple_with_options(text, opts).map_err(|e| saphyr_error(&e))?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

fn options() -> serde_saphyr::Options {
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_nodes = MAX_NODES;
    budget.max_aliases = MAX_ALIASES;
    budget.max_documents = 1;
    // One budget for every read: an alias may replay no more events than a
    // spec has nodes, whether the file is parsed as a spec or, in a folder
    // search, as a stream of other things.
    let alias_limits = serde_saphyr::alias_limits! {
        max_total_replayed_events: MAX_NODES,
    };
    serde_saphyr::options! {
        budget: Some(budget),
        alias_limits: alias_limits,
        duplicate_keys: DuplicateKeyPolicy::Error,
        // YAML 1.1 booleans (`yes`, `on`) silently turn strings into bools.
        strict_booleans: true,
        with_snippet: false,
    }
}

fn saphyr_error(e: &serde_saphyr::Error) -> YamlError {
    let pos = e
        .location()
        .map(|l| Pos {
            line: l.line() as usize,
            column: l.column() as usize,
        })
        .unwrap_or(Pos { line: 1, column: 1 });
    YamlError::at(pos, plain_message(&first_line(&e.to_string())))
}

/// serde-saphyr speaks to Rust developers; say the same to spec authors.
fn plain_message(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return format!("key `{key}` appears twice in the same mapping; keep one");
    }
    if message.contains("recursive references") {
        return "a YAML alias refers to its own anchor (a recursive structure); specs cannot be recursive".into();
    }
    if message.to_ascii_lowercase().contains("budget") {
        return format!("the YAML is too large or too deeply aliased for a spec ({message})");
    }
    message.to_string()
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("invalid YAML").trim();
    // serde-saphyr appends " at line L column C"; we print positions ourselves.
    match line.rfind(" at line ") {
        Some(cut) => line[..cut].to_string(),
        None => line.to_string(),
    }
}

/// One open collection while walking events.
enum Frame {
    /// `awaiting_value` holds the pointer of the entry whose key was just read.
    Map {
        pointer: String,
        awaiting_value: Option<String>,
    },
    Seq {
        pointer: String,
        next_index: usize,
    },
}

fn index_positions(text: &str) -> Result<Places, YamlError> {
    let mut index = Places::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut counts = Counts::default();
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| scan_error(&e, text))?;
        let pos = Pos {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        counts.spend(&event, pos)?;
        let opens = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
        match event {
            Event::Scalar(..)
            | Event::Alias(..)
            | Event::MappingStart(..)
            | Event::SequenceStart(..) => {
                let key_name = match &event {
                    Event::Scalar(text, ..) => text.to_string(),
                    // Complex keys (a map as a key) get no name; specs never use them.
                    _ => String::from("?"),
                };
                let placed = place_node(&mut stack, &mut index, key_name, pos);
                if opens {
                    let pointer = placed.unwrap_or_else(|| String::from("/?"));
                    if stack.len() >= MAX_DEPTH {
                        return Err(YamlError::at(
                            pos,
                            format!("nested deeper than {MAX_DEPTH} levels"),
                        ));
                    }
                    stack.push(match event {
                        Event::MappingStart(..) => Frame::Map {
                            pointer,
                            awaiting_value: None,
                        },
                        _ => Frame::Seq {
                            pointer,
                            next_index: 0,
                        },
                    });
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            _ => {}
        }
    }
    if counts.documents == 0 {
        return Err(YamlError::at(
            Pos { line: 1, column: 1 },
            "the file is empty: no YAML document",
        ));
    }
    Ok(index)
}

/// What a spec file may hold: one document, so many nodes and aliases.
#[derive(Default)]
struct Counts {
    documents: usize,
    nodes: usize,
    aliases: usize,
}

impl Counts {
    /// Count `event`, refusing the file once it holds more than a spec does.
    fn spend(&mut self, event: &Event<'_>, pos: Pos) -> Result<(), YamlError> {
        match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(YamlError::at(
                        pos,
                        "a spec file holds exactly one YAML document; split this stream into one file per spec",
                    ));
                }
            }
            Event::Scalar(..)
            | Event::Alias(..)
            | Event::MappingStart(..)
            | Event::SequenceStart(..) => {
                self.nodes += 1;
                if self.nodes > MAX_NODES {
                    return Err(YamlError::at(
                        pos,
                        format!("more than {MAX_NODES} YAML nodes; a spec is far smaller"),
                    ));
                }
                if matches!(event, Event::Alias(..)) {
                    self.aliases += 1;
                    if self.aliases > MAX_ALIASES {
                        return Err(YamlError::at(
                            pos,
                            format!("more than {MAX_ALIASES} YAML aliases"),
                        ));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Record a node at its place in its parent. Returns the node's pointer when
/// it is a value, `None` when it is a mapping key.
fn place_node(
    stack: &mut [Frame],
    index: &mut Places,
    key_name: String,
    pos: Pos,
) -> Option<String> {
    match stack.last_mut() {
        None => {
            index.values.insert(String::new(), pos);
            Some(String::new())
        }
        Some(Frame::Map {
            pointer,
            awaiting_value,
        }) => match awaiting_value.take() {
            None => {
                let child = format!("{pointer}/{}", escape(&key_name));
                index.keys.insert(child.clone(), pos);
                *awaiting_value = Some(child);
                None
            }
            Some(child) => {
                index.values.insert(child.clone(), pos);
                Some(child)
            }
        },
        Some(Frame::Seq {
            pointer,
            next_index,
        }) => {
            let child = format!("{pointer}/{next_index}");
            *next_index += 1;
            index.values.insert(child.clone(), pos);
            Some(child)
        }
    }
}

fn scan_error(e: &ScanError, text: &str) -> YamlError {
    let marker = e.marker();
    let info = e.info();
    let about_indentation = [
        "did not find expected key",
        "comment intercepting the multiline text",
        "mapping values are not allowed",
        "did not find expected '-' indicator",
    ]
    .iter()
    .any(|m| info.contains(m));
    if about_indentation && let Some((pos, hint)) = indentation_hint(text, marker.line()) {
        return YamlError::at(pos, format!("invalid YAML: {hint}"));
    }
    YamlError::at(
        Pos {
            line: marker.line(),
            column: marker.col() + 1,
        },
        format!("invalid YAML: {info}"),
    )
}

/// What is wrong with the indentation at (or just after) line `near`, in
/// the author's terms: the parser's own words ("did not find expected key")
/// name none of the lines involved.
fn indentation_hint(text: &str, near: usize) -> Option<(Pos, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let content = |l: &&str| {
        let t = l.trim_start();
        !t.is_empty() && !t.starts_with('#')
    };
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let key = |l: &str| {
        let t = l.trim_start().trim_start_matches("- ");
        t.split(':').next().unwrap_or(t).trim().to_string()
    };
    // The parser may stop at a comment or blank line before the culprit.
    let at = (near.saturating_sub(1)..lines.len()).find(|&i| content(&lines[i]))?;
    let line = lines[at];
    let here = indent(line);
    let before: Vec<&str> = lines[..at].iter().copied().filter(content).collect();
    let above = *before.last()?;
    let above_indent = indent(above);
    let pos = Pos {
        line: at + 1,
        column: here + 1,
    };
    let name = key(line);
    let spaces = |n: usize| {
        if n == 1 {
            "1 space".to_string()
        } else {
            format!("{n} spaces")
        }
    };
    if here > above_indent {
        return Some((
            pos,
            format!(
                "`{name}` is indented by {}, deeper than `{}` above it ({above_indent}), which already has a value; \
                 keys of one mapping start in the same column, and a nested mapping needs its parent key to end with `:`",
                spaces(here),
                key(above)
            ),
        ));
    }
    // The columns a key here could belong to: the line above, then each
    // shallower line further up (its parents).
    let mut columns = vec![above_indent];
    for l in before.iter().rev() {
        let i = indent(l);
        if i < *columns.last()? {
            columns.push(i);
        }
    }
    if columns.contains(&here) {
        return None;
    }
    let choices: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    Some((
        pos,
        format!(
            "`{name}` is indented by {}, which lines up with no mapping above it; \
             the keys above start after {} spaces: indent it like the mapping it belongs to",
            spaces(here),
            choices.join(", ")
        ),
    ))
}

/// Escape one JSON Pointer segment (RFC 6901).
pub(crate) fn escape(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1").into()
    } else {
        segment.into()
    }
}

/// `/spec/network/addresses/0` -> `spec.network.addresses[0]`.
pub(crate) fn pointer_to_field_path(pointer: &str) -> String {
    let mut out = String::new();
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(&segment);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "a: 1\nb:\n  c: [x, y]\n  d:\n    - e: 2\n";

    #[test]
    fn positions_point_at_keys_and_values() {
        let doc = parse_document(SAMPLE).unwrap();
        assert_eq!(doc.positions.key_pos("/b/c"), Pos { line: 3, column: 3 });
        assert_eq!(doc.positions.value_pos("/b/c"), Pos { line: 3, column: 6 });
        assert_eq!(
            doc.positions.value_pos("/b/c/1"),
            Pos {
                line: 3,
                column: 10
            }
        );
        assert_eq!(
            doc.positions.key_pos("/b/d/0/e"),
            Pos { line: 5, column: 7 }
        );
        // Unknown children fall back to the nearest ancestor.
        assert_eq!(
            doc.positions.value_pos("/b/d/0/zzz"),
            Pos { line: 5, column: 7 }
        );
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let err = parse_document("a: 1\na: 2\n").unwrap_err();
        assert!(err.message.contains("appears twice"), "{err:?}");
        assert_eq!(err.pos.line, 2);
    }

    #[test]
    fn multiple_documents_are_rejected() {
        let err = parse_document("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(err.message.contains("exactly one YAML document"), "{err:?}");
    }

    #[test]
    fn empty_text_is_rejected() {
        assert!(parse_document("").unwrap_err().message.contains("empty"));
        assert!(
            parse_document("# only a comment\n")
                .unwrap_err()
                .message
                .contains("empty")
        );
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let text = "[".repeat(100) + &"]".repeat(100);
        assert!(
            parse_document(&text)
                .unwrap_err()
                .message
                .contains("deeper")
        );
    }

    #[test]
    fn field_paths_read_like_yaml() {
        assert_eq!(
            pointer_to_field_path("/spec/a/addresses/0"),
            "spec.a.addresses[0]"
        );
        assert_eq!(pointer_to_field_path(""), "");
        assert_eq!(pointer_to_field_path("/a~1b"), "a/b");
    }
}
