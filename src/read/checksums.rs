//! The CHECKSUMS file every output folder carries: how it is written and
//! read, and what it marks: a folder pgrender generated.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

/// The file in each output folder that lists the others with their sha256.
pub(crate) const CHECKSUMS: &str = "CHECKSUMS";

/// Whether `dir` is an output folder pgrender wrote: it carries CHECKSUMS.
/// Spec discovery never descends into one, and `check` reports one that
/// no spec renders any more.
pub(crate) fn is_generated_folder(dir: &std::path::Path) -> bool {
    dir.join(CHECKSUMS).is_file()
}

/// `sha256  path` per file, sorted by path: `sha256sum -c CHECKSUMS` works
/// inside the folder.
pub(crate) fn checksums<'a>(files: impl Iterator<Item = (&'a String, &'a String)>) -> String {
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

/// Lowercase hex sha256, as `sha256sum` prints it.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `CHECKSUMS` file: path to hex sha256.
pub(crate) fn parse_checksums(text: &str) -> Option<BTreeMap<String, String>> {
    text.lines()
        .map(|line| {
            let (hash, path) = line.split_once("  ")?;
            let valid = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
            valid.then(|| (path.to_string(), hash.to_ascii_lowercase()))
        })
        .collect()
}
