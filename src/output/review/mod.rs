//! The review of a change: per cluster, what merging the work tree does to
//! what runs (the change report judged against a base revision), whether
//! the committed output is current, and the generated files' diff. `check`
//! builds it; `markdown` and `annotations` print it for a pull request.

pub(crate) mod annotations;
pub(crate) mod markdown;

use std::collections::BTreeMap;

use similar::{ChangeTag, TextDiff};

use super::Folder;
use super::changes::ClusterChange;
use crate::backend::kit::footprint::Impact;

/// What merging does to one cluster's folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// The base has no folder for it.
    New,
    Changed,
    Unchanged,
    /// The base renders it; this tree does not.
    Removed,
}

impl State {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Changed => "changes",
            State::Unchanged => "unchanged",
            State::Removed => "removed",
        }
    }
}

/// Where a line annotation about a cluster points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SpecLine {
    /// The spec, from the repository's top folder.
    pub file: String,
    /// The first line that differs from the base's spec (1 for a new spec
    /// or one the change did not touch).
    pub line: usize,
}

/// The generated files of a folder, from the base's to this tree's, as
/// one unified diff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FolderDiff {
    pub text: String,
    pub files: usize,
    pub added: usize,
    pub removed: usize,
}

/// One cluster in the review.
#[derive(Debug, Clone)]
pub(crate) struct ClusterReview {
    pub name: String,
    pub state: State,
    /// Its changes; `None` when merging changes nothing it runs.
    pub change: Option<ClusterChange>,
    /// Generated files on disk that differ from what the specs render
    /// (empty: the committed output is current).
    pub stale: Vec<String>,
    pub spec: Option<SpecLine>,
    pub diff: FolderDiff,
}

impl ClusterReview {
    pub(crate) fn impact(&self) -> Option<Impact> {
        self.change.as_ref().map(ClusterChange::impact)
    }
}

/// The review of the whole tree against one revision.
#[derive(Debug, Clone)]
pub(crate) struct Review {
    /// The base as the user named it (`origin/main`).
    pub revision: String,
    /// The output root as shown to the user.
    pub out_root: String,
    /// Clusters in the order their specs were found, then removed ones.
    pub clusters: Vec<ClusterReview>,
}

impl Review {
    /// The largest impact of any cluster's changes.
    pub(crate) fn impact(&self) -> Option<Impact> {
        self.clusters.iter().filter_map(ClusterReview::impact).max()
    }

    /// Whether the committed output is what the specs render.
    pub(crate) fn current(&self) -> bool {
        self.clusters.iter().all(|c| c.stale.is_empty())
    }

    /// Whether merging needs a person: a manual step, a sync Kubernetes
    /// refuses, or lost data.
    pub(crate) fn needs_a_person(&self) -> bool {
        self.impact().is_some_and(|i| i >= Impact::ManualStep)
    }
}

/// The diff of a folder's generated files from `old` (the base's) to
/// `new`, each file's headers naming `shown/<file>`. CHECKSUMS is left
/// out: its lines change with the files above it and say nothing more.
pub(crate) fn folder_diff(
    shown: &str,
    old: Option<&Folder>,
    new: Option<&BTreeMap<String, String>>,
) -> FolderDiff {
    let empty_old = Folder::new();
    let empty_new = BTreeMap::new();
    let (old, new) = (old.unwrap_or(&empty_old), new.unwrap_or(&empty_new));
    let mut paths: Vec<&String> = old.keys().chain(new.keys()).collect();
    paths.sort();
    paths.dedup();
    paths.retain(|p| p.as_str() != crate::read::checksums::CHECKSUMS);
    let mut diff = FolderDiff::default();
    for path in paths {
        let before = old
            .get(path)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let after = new.get(path).map(String::as_str).unwrap_or_default();
        if before == after && old.contains_key(path) == new.contains_key(path) {
            continue;
        }
        let lines = TextDiff::from_lines(before.as_str(), after);
        for change in lines.iter_all_changes() {
            match change.tag() {
                ChangeTag::Insert => diff.added += 1,
                ChangeTag::Delete => diff.removed += 1,
                ChangeTag::Equal => {}
            }
        }
        let header = |side: &str, present: bool| {
            if present {
                format!("{side}/{shown}/{path}")
            } else {
                "/dev/null".to_string()
            }
        };
        let text = super::compare::unified_diff(
            &lines,
            &header("a", old.contains_key(path)),
            &header("b", new.contains_key(path)),
        );
        diff.text.push_str(&text);
        if !text.ends_with('\n') {
            diff.text.push('\n');
        }
        diff.files += 1;
    }
    diff
}

/// The first line of `new` that differs from `old` (1-based); 1 when there
/// is no `old` or nothing differs.
pub(crate) fn first_changed_line(old: Option<&str>, new: &str) -> usize {
    let Some(old) = old else {
        return 1;
    };
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .find(|c| c.tag() != ChangeTag::Equal)
        .and_then(|c| c.new_index().or(c.old_index()))
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_changed_line_is_the_new_text_s() {
        assert_eq!(first_changed_line(None, "a\nb\n"), 1);
        assert_eq!(first_changed_line(Some("a\nb\nc\n"), "a\nb\nc\n"), 1);
        assert_eq!(first_changed_line(Some("a\nb\nc\n"), "a\nB\nc\n"), 2);
        assert_eq!(first_changed_line(Some("a\nb\nc\n"), "a\nb\nc\nd\n"), 4);
    }

    #[test]
    fn a_folder_diff_counts_lines_and_names_added_and_removed_files() {
        let old: Folder = [
            ("kept.yaml".to_string(), b"a\nb\n".to_vec()),
            ("gone.yaml".to_string(), b"x\n".to_vec()),
            ("CHECKSUMS".to_string(), b"0  kept.yaml\n".to_vec()),
        ]
        .into();
        let new: BTreeMap<String, String> = [
            ("kept.yaml".to_string(), "a\nc\n".to_string()),
            ("new.yaml".to_string(), "y\nz\n".to_string()),
        ]
        .into();
        let diff = folder_diff("out/pg", Some(&old), Some(&new));
        // CHECKSUMS is not shown: it changes with the files it lists.
        assert_eq!((diff.files, diff.added, diff.removed), (3, 3, 2));
        assert!(
            diff.text.contains("--- a/out/pg/gone.yaml\n+++ /dev/null"),
            "{}",
            diff.text
        );
        assert!(
            diff.text.contains("--- /dev/null\n+++ b/out/pg/new.yaml"),
            "{}",
            diff.text
        );
        assert!(diff.text.contains("-b\n+c\n"), "{}", diff.text);
        assert_eq!(folder_diff("out/pg", Some(&old), None).files, 2);
    }
}
