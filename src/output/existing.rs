//! What is on disk in one output folder, and whether pgrender owns it.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::OutputError;
use crate::render::CHECKSUMS;

/// Files of an existing output folder: relative path (with `/`) to bytes.
pub(super) fn read_tree(dir: &Path) -> Result<Option<BTreeMap<String, Vec<u8>>>, OutputError> {
    walk_tree(dir, |bytes| bytes)
}

/// An existing output folder as `render` needs it: hashes only, so a fleet
/// of folders costs 64 bytes a file, not the files themselves.
pub(super) struct Existing {
    /// Relative path to hex sha256 of what is on disk.
    pub(super) hashes: BTreeMap<String, String>,
    /// What its CHECKSUMS lists, when it has a readable one.
    pub(super) listed: Option<BTreeMap<String, String>>,
}

pub(super) fn read_existing(dir: &Path) -> Result<Option<Existing>, OutputError> {
    let Some(hashes) = walk_tree(dir, |bytes| sha256_hex(&bytes))? else {
        return Ok(None);
    };
    let listed = hashes
        .contains_key(CHECKSUMS)
        .then(|| std::fs::read_to_string(dir.join(CHECKSUMS)).ok())
        .flatten()
        .and_then(|text| parse_checksums(&text));
    Ok(Some(Existing { hashes, listed }))
}

/// Every regular file below `dir` (relative path with `/`), mapped by `f`;
/// `None` when `dir` does not exist. Anything but files and folders is refused.
fn walk_tree<T>(
    dir: &Path,
    f: impl Fn(Vec<u8>) -> T,
) -> Result<Option<BTreeMap<String, T>>, OutputError> {
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(OutputError::io(dir)(e)),
    };
    if !meta.is_dir() {
        return Err(OutputError::Refused {
            path: dir.to_path_buf(),
            message: "exists but is not a folder; pgrender will not replace it".into(),
        });
    }
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| OutputError::Refused {
            path: dir.to_path_buf(),
            message: format!("cannot be read: {e}"),
        })?;
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        let rel = relative(dir, entry.path());
        if !kind.is_file() {
            return Err(OutputError::Refused {
                path: entry.path().to_path_buf(),
                message: format!(
                    "`{rel}` is not a regular file (a symlink?); pgrender never generates one, so it will not touch this folder"
                ),
            });
        }
        let bytes = std::fs::read(entry.path()).map_err(OutputError::io(entry.path()))?;
        files.insert(rel, f(bytes));
    }
    Ok(Some(files))
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The `CHECKSUMS` file: path to hex sha256.
fn parse_checksums(text: &str) -> Option<BTreeMap<String, String>> {
    text.lines()
        .map(|line| {
            let (hash, path) = line.split_once("  ")?;
            let valid = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
            valid.then(|| (path.to_string(), hash.to_ascii_lowercase()))
        })
        .collect()
}

pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Refuse to replace a folder pgrender does not own: files not listed in
/// its CHECKSUMS, or (without `force`) generated files edited by hand.
pub(super) fn check_owned(dir: &Path, existing: &Existing, force: bool) -> Result<(), OutputError> {
    if existing.hashes.is_empty() {
        return Ok(());
    }
    let refuse = |message: String| OutputError::Refused {
        path: dir.to_path_buf(),
        message,
    };
    let listed = existing.listed.as_ref().ok_or_else(|| {
        refuse(format!(
            "holds files but no readable {CHECKSUMS}, so pgrender did not write it; move the files away or pick another --out-root"
        ))
    })?;
    let foreign: Vec<&str> = existing
        .hashes
        .keys()
        .filter(|p| p.as_str() != CHECKSUMS && !listed.contains_key(p.as_str()))
        .map(String::as_str)
        .collect();
    if !foreign.is_empty() {
        return Err(refuse(format!(
            "holds files pgrender did not generate (not in {CHECKSUMS}): {}; move them out of the output folder",
            foreign.join(", ")
        )));
    }
    if !force {
        let edited: Vec<&str> = existing
            .hashes
            .iter()
            .filter(|(p, hash)| listed.get(p.as_str()).is_some_and(|h| h != *hash))
            .map(|(p, _)| p.as_str())
            .collect();
        if !edited.is_empty() {
            return Err(refuse(format!(
                "generated files were edited by hand: {}; put the change into the spec, or pass --force to overwrite them",
                edited.join(", ")
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_parse_strictly() {
        let good = format!("{}  a.yaml\n{}  b/c.yaml\n", "a".repeat(64), "B".repeat(64));
        let parsed = parse_checksums(&good).unwrap();
        assert_eq!(parsed["b/c.yaml"], "b".repeat(64));
        assert!(parse_checksums("nonsense\n").is_none());
        assert!(parse_checksums(&format!("{} a.yaml\n", "a".repeat(64))).is_none());
    }
}
