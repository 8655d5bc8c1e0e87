//! What is on disk in one output folder, and whether pgrender owns it.

use std::collections::BTreeMap;
use std::path::Path;

use super::OutputError;
use crate::read::checksums::{CHECKSUMS, parse_checksums, sha256_hex};

/// Files of an existing output folder: relative path (with `/`) to bytes.
pub(super) fn read_tree(dir: &Path) -> Result<Option<super::Folder>, OutputError> {
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

/// sha256 of zero bytes. pgrender never writes an empty file: an empty one
/// is what a power cut leaves of a render that had not reached the disk yet
/// (see `write`), and holds nothing a person could lose.
const EMPTY_FILE_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Why `render` (without `--force`) would refuse to replace the folder
/// `dir`, whose files `check` already read; `None` when it would write it.
pub(crate) fn render_would_refuse(dir: &Path, files: &super::Folder) -> Option<String> {
    let existing = Existing {
        hashes: files
            .iter()
            .map(|(rel, bytes)| (rel.clone(), sha256_hex(bytes)))
            .collect(),
        listed: files
            .get(CHECKSUMS)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .and_then(parse_checksums),
    };
    match check_owned(dir, &existing, false) {
        Err(OutputError::Refused { path, message }) => {
            Some(format!("{}: {message}", path.display()))
        }
        _ => None,
    }
}

/// Refuse to replace a folder pgrender does not own: files not listed in
/// its CHECKSUMS, or (without `force`) generated files edited by hand.
/// Files left empty by a power cut are not edits; the returned note says
/// which ones the render regenerates.
pub(super) fn check_owned(
    dir: &Path,
    existing: &Existing,
    force: bool,
) -> Result<Option<String>, OutputError> {
    let is_empty =
        |path: &str| existing.hashes.get(path).map(String::as_str) == Some(EMPTY_FILE_SHA256);
    let refuse = |message: String| OutputError::Refused {
        path: dir.to_path_buf(),
        message,
    };
    if existing.hashes.is_empty() {
        return Ok(None);
    }
    if existing.hashes.keys().all(|path| is_empty(path)) {
        return Ok(Some(format!(
            "{}: every file was empty, as a power cut shortly after a render leaves them; regenerated",
            dir.display()
        )));
    }
    if is_empty(CHECKSUMS) {
        // Not even --force: without the list, files of the operator's own
        // could not be told apart, and the swap would delete them.
        return Err(refuse(format!(
            "{CHECKSUMS} is empty, as a power cut shortly after a render leaves it, so pgrender cannot tell its own files from edits or files of yours; look at them (git status, git diff), then delete the folder and render again"
        )));
    }
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
    let (emptied, edited): (Vec<&str>, Vec<&str>) = existing
        .hashes
        .iter()
        .filter(|(p, hash)| listed.get(p.as_str()).is_some_and(|h| h != *hash))
        .map(|(p, _)| p.as_str())
        .partition(|p| is_empty(p));
    if !edited.is_empty() && !force {
        return Err(refuse(format!(
            "generated files were edited by hand: {}; put the change into the spec, or pass --force to overwrite them",
            edited.join(", ")
        )));
    }
    Ok((!emptied.is_empty()).then(|| {
        format!(
            "{}: {} {} empty, as a power cut shortly after a render leaves them; regenerated",
            dir.display(),
            emptied.join(", "),
            if emptied.len() == 1 { "was" } else { "were" }
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(text: &str) -> String {
        sha256_hex(text.as_bytes())
    }

    /// A folder as a render left it (`files` with their content), after
    /// which the files named in `now` got the content given there.
    fn folder(files: &[(&str, &str)], now: &[(&str, &str)]) -> Existing {
        let contents: BTreeMap<String, String> = files
            .iter()
            .map(|(p, c)| (p.to_string(), c.to_string()))
            .collect();
        let checksums = crate::read::checksums::checksums(contents.iter());
        let listed = parse_checksums(&checksums).expect("render writes a parsable CHECKSUMS");
        let mut hashes = listed.clone();
        hashes.insert(CHECKSUMS.into(), hash(&checksums));
        for (path, content) in now {
            hashes.insert(path.to_string(), hash(content));
        }
        // What read_existing finds in a CHECKSUMS that was emptied: no entries.
        let emptied = now.iter().any(|(path, _)| *path == CHECKSUMS);
        let listed = if emptied {
            parse_checksums("")
        } else {
            Some(listed)
        };
        Existing { hashes, listed }
    }

    const RENDERED: [(&str, &str); 2] = [("a.yaml", "# a\n"), ("b/c.yaml", "# c\n")];

    fn message(result: Result<Option<String>, OutputError>) -> String {
        match result {
            Err(e) => e.to_string(),
            Ok(note) => panic!("expected a refusal, got Ok({note:?})"),
        }
    }

    #[test]
    fn the_empty_file_hash_is_the_sha256_of_nothing() {
        assert_eq!(sha256_hex(b""), EMPTY_FILE_SHA256);
    }

    #[test]
    fn files_left_empty_by_a_power_cut_are_regenerated_not_refused_as_edits() {
        let dir = Path::new("out/pg");
        let existing = folder(&RENDERED, &[("b/c.yaml", "")]);
        let note = check_owned(dir, &existing, false).expect("not an edit");
        assert_eq!(
            note.as_deref(),
            Some(
                "out/pg: b/c.yaml was empty, as a power cut shortly after a render leaves them; regenerated"
            )
        );

        let all_empty = folder(
            &RENDERED,
            &[("a.yaml", ""), ("b/c.yaml", ""), (CHECKSUMS, "")],
        );
        let note = check_owned(dir, &all_empty, false).expect("nothing to lose");
        assert!(note.expect("a note").contains("every file was empty"));
    }

    #[test]
    fn an_empty_file_does_not_hide_a_real_edit_beside_it() {
        let existing = folder(&RENDERED, &[("a.yaml", "# a, tuned\n"), ("b/c.yaml", "")]);
        let text = message(check_owned(Path::new("out/pg"), &existing, false));
        assert!(text.contains("edited by hand: a.yaml;"), "{text}");
        assert_eq!(
            check_owned(Path::new("out/pg"), &existing, true).expect("forced"),
            Some("out/pg: b/c.yaml was empty, as a power cut shortly after a render leaves them; regenerated".into())
        );
    }

    #[test]
    fn an_empty_checksums_file_is_refused_even_with_force() {
        let existing = folder(&RENDERED, &[(CHECKSUMS, "")]);
        for force in [false, true] {
            let text = message(check_owned(Path::new("out/pg"), &existing, force));
            assert!(text.contains("CHECKSUMS is empty"), "{text}");
            assert!(
                text.contains("delete the folder and render again"),
                "{text}"
            );
        }
    }

    #[test]
    fn an_empty_file_pgrender_did_not_list_is_still_foreign() {
        let existing = folder(&RENDERED, &[("mine.txt", "")]);
        let text = message(check_owned(Path::new("out/pg"), &existing, true));
        assert!(
            text.contains("did not generate (not in CHECKSUMS): mine.txt"),
            "{text}"
        );
    }

    #[test]
    fn checksums_parse_strictly() {
        let good = format!("{}  a.yaml\n{}  b/c.yaml\n", "a".repeat(64), "B".repeat(64));
        let parsed = parse_checksums(&good).unwrap();
        assert_eq!(parsed["b/c.yaml"], "b".repeat(64));
        assert!(parse_checksums("nonsense\n").is_none());
        assert!(parse_checksums(&format!("{} a.yaml\n", "a".repeat(64))).is_none());
    }
}
