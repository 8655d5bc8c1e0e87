//! Where the output root sits in its repository. Paths that appear in the
//! output (the folder Application's `path`, runbook commands, the values
//! file ArgoCD reads from git) are relative to the repository root, so the
//! bytes are the same whichever folder pgrender runs from and however the
//! output root was typed (relative, absolute, through a symlink).
//!
//! The rule: the repository root is the nearest folder at or above the
//! output root that holds `.git` (a folder, or the file of a worktree or
//! submodule). Outside git, it is the nearest that holds a `kubernetes/`
//! folder, pgrender's documented layout. With neither, paths are relative
//! to the output root's parent and [`OutputLocation::in_repository`] is
//! false.

use std::path::{Component, Path, PathBuf};

/// pgrender's layout of a repository, each path relative to its root: the
/// specs, the output root (one folder per spec) and the committed schema.
pub(crate) const DEFAULT_SPEC_PATH: &str = "kubernetes/specs";
pub(crate) const DEFAULT_OUT_ROOT: &str = "kubernetes/applications";
pub(crate) const SCHEMA_PATH: &str = "schemas/pgcluster.schema.json";

/// The output root, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutputLocation {
    /// The output root relative to the repository root, with `/`
    /// (`kubernetes/applications`); never empty, never absolute.
    pub relative: String,
    /// False when no folder above the output root marks a repository.
    pub in_repository: bool,
    /// The repository root on disk, when there is one.
    pub root: Option<PathBuf>,
}

/// Resolve `out_root` (relative to `cwd` when not absolute).
pub(crate) fn locate(out_root: &Path, cwd: &Path) -> OutputLocation {
    let absolute = resolve(&cwd.join(out_root));
    let marked = |marker: &str| {
        absolute
            .ancestors()
            .find(|dir| dir.join(marker).exists())
            .map(Path::to_path_buf)
    };
    let (root, in_repository) = match marked(".git").or_else(|| marked("kubernetes")) {
        Some(root) => (root, true),
        None => (
            absolute
                .parent()
                .map_or_else(PathBuf::new, Path::to_path_buf),
            false,
        ),
    };
    let relative = absolute
        .strip_prefix(&root)
        .unwrap_or(&absolute)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    OutputLocation {
        // The output root is the repository root itself: folders sit at its top.
        relative: if relative.is_empty() {
            ".".into()
        } else {
            relative
        },
        in_repository,
        root: in_repository.then_some(root),
    }
}

/// The git work tree `out_root` is in: its top folder (the nearest at or
/// above it that holds `.git`) and the output root from there, with a
/// trailing `/` (empty at the top). `None` outside git.
pub(crate) fn git_place(out_root: &Path, cwd: &Path) -> Option<(PathBuf, String)> {
    let absolute = resolve(&cwd.join(out_root));
    let top = absolute.ancestors().find(|dir| dir.join(".git").exists())?;
    let prefix: String = absolute
        .strip_prefix(top)
        .ok()?
        .components()
        .map(|c| format!("{}/", c.as_os_str().to_string_lossy()))
        .collect();
    Some((top.to_path_buf(), prefix))
}

/// The repository a command runs in: the nearest folder at or above `cwd`
/// that holds `.git`, else the nearest that holds pgrender's `kubernetes/`
/// layout. `None` outside both.
pub(crate) fn repository_root(cwd: &Path) -> Option<PathBuf> {
    let here = resolve(cwd);
    let marked = |marker: &str| {
        here.ancestors()
            .find(|dir| dir.join(marker).exists())
            .map(Path::to_path_buf)
    };
    marked(".git").or_else(|| {
        here.ancestors()
            .find(|dir| dir.join("kubernetes").is_dir())
            .map(Path::to_path_buf)
    })
}

/// A folder of the repository's layout (`kubernetes/specs`), as typed from
/// `cwd`: from the repository root wherever pgrender runs, so that no
/// command ever reads or writes a second, nested layout. Outside a
/// repository, relative to `cwd` as given.
pub(crate) fn layout_path(cwd: &Path, relative: &str) -> PathBuf {
    match repository_root(cwd) {
        Some(root) => shown_from(cwd, &root.join(relative)),
        None => PathBuf::from(relative),
    }
}

/// `path` as typed from `cwd`: relative when it can be (`../applications`),
/// `.` for `cwd` itself.
pub(crate) fn shown_from(cwd: &Path, path: &Path) -> PathBuf {
    let from = resolve(cwd);
    let to = resolve(path);
    match pathdiff::diff_paths(&to, &from) {
        Some(relative) if relative.as_os_str().is_empty() => PathBuf::from("."),
        Some(relative) => relative,
        None => to,
    }
}

/// `path` from the root of the repository holding it, with `/`; `None`
/// outside a repository. A path not yet written is placed by its folder.
pub(crate) fn path_in_repository(path: &Path) -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let absolute = resolve(&cwd.join(path));
    let root = repository_root(absolute.parent()?)?;
    let relative = absolute.strip_prefix(&root).ok()?;
    Some(
        relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// Whether two paths (relative to `cwd`; either may not exist yet) name
/// the same folder.
pub(crate) fn same_path(cwd: &Path, a: &Path, b: &Path) -> bool {
    resolve(&cwd.join(a)) == resolve(&cwd.join(b))
}

/// The folder spec files must resolve inside, symlinks followed: the
/// repository holding `spec_path` (nearest `.git` at or above it), or,
/// outside git, the folder searched (`spec_path`, or a file's folder). In
/// ArgoCD, whose checkout may lack `.git`, that is the source directory.
/// ArgoCD's source directory, CI's clone and a developer's work tree see
/// the same files only then.
pub(crate) fn source_root(spec_path: &Path, cwd: &Path) -> PathBuf {
    let absolute = resolve(&cwd.join(spec_path));
    let searched = if absolute.is_dir() {
        absolute.clone()
    } else {
        absolute
            .parent()
            .map_or_else(|| absolute.clone(), Path::to_path_buf)
    };
    absolute
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map_or(searched, Path::to_path_buf)
}

/// An absolute path with `.` and `..` removed and the longest existing
/// prefix resolved through symlinks (the rest may not exist yet).
fn resolve(path: &Path) -> PathBuf {
    let mut lexical = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            out.extend(rest.iter().rev());
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return lexical,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(dirs: &[&str]) -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("temp dir");
        for dir in dirs {
            std::fs::create_dir_all(root.path().join(dir)).expect("create");
        }
        root
    }

    #[test]
    fn the_same_folder_from_anywhere_is_the_same_path() {
        let repo = tree(&[".git", "kubernetes/specs", "kubernetes/applications"]);
        let root = repo.path();
        let want = OutputLocation {
            relative: "kubernetes/applications".into(),
            in_repository: true,
            root: Some(resolve(root)),
        };
        assert_eq!(locate(Path::new("kubernetes/applications"), root), want);
        assert_eq!(
            locate(Path::new("applications"), &root.join("kubernetes")),
            want
        );
        assert_eq!(
            locate(
                Path::new("../applications/"),
                &root.join("kubernetes/specs")
            ),
            want
        );
        assert_eq!(
            locate(&root.join("kubernetes/applications"), Path::new("/")),
            want
        );
    }

    #[test]
    fn a_folder_not_yet_made_is_placed_by_its_parent() {
        let repo = tree(&[".git", "deploy"]);
        let got = locate(Path::new("deploy/apps"), repo.path());
        assert_eq!(got.relative, "deploy/apps");
        assert!(got.in_repository);
    }

    #[test]
    fn outside_git_the_kubernetes_folder_marks_the_root() {
        let repo = tree(&["kubernetes/specs"]);
        let got = locate(Path::new("kubernetes/applications"), repo.path());
        assert_eq!(got.relative, "kubernetes/applications");
        assert!(got.in_repository);
        let got = locate(Path::new("out"), repo.path());
        assert_eq!(got.relative, "out");
    }

    #[test]
    fn the_layout_is_found_from_any_folder_of_the_repository() {
        let repo = tree(&[
            ".git",
            "kubernetes/specs",
            "kubernetes/applications",
            "docs/deep",
        ]);
        let root = repo.path();
        assert_eq!(
            layout_path(root, "kubernetes/specs"),
            Path::new("kubernetes/specs")
        );
        assert_eq!(
            layout_path(&root.join("kubernetes/specs"), "kubernetes/specs"),
            Path::new(".")
        );
        assert_eq!(
            layout_path(&root.join("kubernetes/specs"), "kubernetes/applications"),
            Path::new("../applications")
        );
        assert_eq!(
            layout_path(&root.join("docs/deep"), "schemas/pgcluster.schema.json"),
            Path::new("../../schemas/pgcluster.schema.json")
        );
        // Outside any repository: as given, from the working directory.
        let bare = tree(&["specs"]);
        assert_eq!(
            layout_path(bare.path(), "kubernetes/specs"),
            Path::new("kubernetes/specs")
        );
    }

    #[test]
    fn with_no_marker_the_parent_is_the_root_and_it_says_so() {
        let bare = tree(&["deploy/apps"]);
        let got = locate(Path::new("deploy/apps"), bare.path());
        assert_eq!(got.relative, "apps");
        assert!(!got.in_repository);
    }
}
