//! Problems found in a spec, located for a human: `file:line:column: field: message`,
//! and the `Report` that collects them while a spec is checked.

use std::fmt;

use crate::read::yaml::{Document, Pos, pointer_to_field_path};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub file: String,
    pub pos: Pos,
    /// Dotted field path (`spec.network.port`), empty for the whole file.
    pub field: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.pos.line, self.pos.column)?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        // One diagnostic, one line: control characters from the input are
        // shown escaped, never obeyed (a newline cannot forge a second line).
        for c in self.message.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// Several diagnostics, printed one per line, sorted by file and position.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn sorted(mut list: Vec<Diagnostic>) -> Self {
        list.sort();
        list.dedup();
        Diagnostics(list)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Collects diagnostics for one file, placing each at the YAML position of
/// the field it names.
pub struct Report<'a> {
    file: &'a str,
    document: &'a Document,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Report<'a> {
    /// A report on `document`, read from the file shown as `file`.
    pub fn new(file: &'a str, document: &'a Document) -> Self {
        Report {
            file,
            document,
            diagnostics: Vec::new(),
        }
    }

    /// A problem with the value at `pointer` (a JSON Pointer).
    pub fn at_value(&mut self, pointer: &str, message: impl Into<String>) {
        let pos = self.document.positions.value_pos(pointer);
        self.push(pointer, pos, message.into());
    }

    /// A problem with the field name at `pointer`.
    pub fn at_key(&mut self, pointer: &str, message: impl Into<String>) {
        let pos = self.document.positions.key_pos(pointer);
        self.push(pointer, pos, message.into());
    }

    /// Whether the user wrote the field at `pointer` (rather than it coming
    /// from a default).
    pub fn is_written(&self, pointer: &str) -> bool {
        self.document.value.pointer(pointer).is_some()
    }

    fn push(&mut self, pointer: &str, pos: Pos, message: String) {
        self.diagnostics.push(Diagnostic {
            file: self.file.to_string(),
            pos,
            field: pointer_to_field_path(pointer),
            message,
        });
    }

    pub fn is_clean(&self) -> bool {
        self.diagnostics.is_empty()
    }

    /// Add diagnostics found by another report on the same file.
    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(diagnostics);
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}
