//! What pgrender says and writes about ArgoCD's deletion and pruning comes
//! from ArgoCD's source at the version pgrender pins (v3.5.1, copied into
//! `tests/upstream/argo-cd-v3.5.1/` with its commit in PROVENANCE.md):
//! the error of an Application whose path is gone, the finalizer that
//! makes deleting an Application delete its resources, and the sync
//! options that keep a resource through prune and deletion. Bumping the
//! pin fails here wherever one of these changed.

use crate::support::{repo_root, snapshot};

fn upstream(file: &str) -> String {
    std::fs::read_to_string(repo_root().join("tests/upstream/argo-cd-v3.5.1").join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The value of a Go string constant `name ... = "value"` in `source`.
fn go_constant(source: &str, name: &str) -> String {
    source
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with(name) && line.contains('='))
        .and_then(|line| line.split('"').nth(1))
        .unwrap_or_else(|| panic!("constant {name}"))
        .to_string()
}

/// The body of Go function `signature` (up to its closing brace at the
/// start of a line).
fn go_function<'a>(source: &'a str, signature: &str) -> &'a str {
    let start = source
        .find(signature)
        .unwrap_or_else(|| panic!("{signature}"));
    let end = source[start..].find("\n}\n").expect("end of function") + start;
    &source[start..end]
}

/// Every rendered file of the committed output and the golden trees.
fn rendered_files() -> Vec<(String, String)> {
    let mut roots = vec![repo_root().join("kubernetes/applications")];
    for entry in std::fs::read_dir(repo_root().join("tests/golden")).expect("golden") {
        roots.push(entry.expect("entry").path().join("expected"));
    }
    roots
        .iter()
        .flat_map(|root| {
            snapshot(root).into_iter().map(move |(rel, bytes)| {
                (
                    format!("{}/{rel}", root.display()),
                    String::from_utf8_lossy(&bytes).into_owned(),
                )
            })
        })
        .collect()
}

#[test]
fn a_missing_application_path_is_the_error_pgrender_quotes() {
    let path_go = upstream("util/app/path/path.go");
    let message = go_constant(&path_go, "const ErrMessageAppPathDoesNotExist");
    assert_eq!(message, "app path does not exist");
    // The repo-server fails manifest generation with it when the folder is gone.
    let body = go_function(&path_go, "func Path(root, path string)");
    assert!(body.contains("os.IsNotExist(err)") && body.contains("ErrMessageAppPathDoesNotExist"));
    for (file, text) in [
        (
            "src/output/changes.rs",
            crate::support::module_source("output/changes"),
        ),
        (
            "templates/common/remove.md",
            std::fs::read_to_string(repo_root().join("templates/common/remove.md"))
                .expect("remove.md"),
        ),
        ("src/error.rs", crate::support::module_source("error")),
    ] {
        assert!(
            text.contains(&format!("`{message}`")),
            "{file} quotes ArgoCD's error"
        );
    }
}

#[test]
fn deleting_an_application_deletes_its_resources_only_with_the_finalizer_and_spares_delete_false() {
    let defaults = upstream("pkg/apis/application/v1alpha1/application_defaults.go");
    let resources = go_constant(&defaults, "ResourcesFinalizerName");
    let foreground = go_constant(&defaults, "ForegroundPropagationPolicyFinalizer");
    assert_eq!(resources, "resources-finalizer.argocd.argoproj.io");
    let controller = upstream("controller/appcontroller.go");
    let finalize = go_function(
        &controller,
        "func (ctrl *ApplicationController) finalizeApplicationDeletion(",
    );
    assert!(
        finalize.contains("if app.CascadedDeletion() {"),
        "resources are deleted only for an Application with a propagation finalizer"
    );
    let should = go_function(
        &controller,
        "func (ctrl *ApplicationController) shouldBeDeleted(",
    );
    assert!(
        should.contains("synccommon.SyncOptionDelete")
            && should.contains("synccommon.SyncValueFalse")
    );
    let types = upstream("gitops-engine/pkg/sync/common/types.go");
    let delete = format!(
        "{}={}",
        go_constant(&types, "SyncOptionDelete "),
        go_constant(&types, "SyncValueFalse ")
    );
    assert_eq!(delete, "Delete=false");
    let prune = format!(
        "{}={}",
        go_constant(&types, "SyncOptionPrune "),
        go_constant(&types, "SyncValueFalse ")
    );
    // Several options share the annotation, comma-separated.
    let annotations = upstream("gitops-engine/pkg/sync/resource/annotations.go");
    assert!(
        go_function(&annotations, "func GetAnnotationCSVs(")
            .contains(r#"strings.Split(obj.GetAnnotations()[key], ",")"#)
    );

    // The runbook's removal adds exactly that finalizer; the namespace and
    // the backup volume carry Delete=false, so they outlive the deletion.
    let remove =
        std::fs::read_to_string(repo_root().join("templates/common/remove.md")).expect("remove.md");
    assert!(remove.contains(&format!(r#""finalizers":["{resources}"]"#)));
    let mut namespaces = 0;
    let mut claims = 0;
    let mut charts = 0;
    for (path, text) in rendered_files() {
        if path.ends_with("/namespace.yaml") {
            let doc = &pgrender::parse_stream(&text).expect("yaml")[0];
            assert_eq!(
                doc["metadata"]["annotations"]["argocd.argoproj.io/sync-options"],
                format!("{prune},{delete}"),
                "{path}"
            );
            namespaces += 1;
        }
        if path.ends_with("/backup/cronjob.yaml") {
            for doc in pgrender::parse_stream(&text).expect("yaml") {
                if doc["kind"] == "PersistentVolumeClaim" {
                    assert_eq!(
                        doc["metadata"]["annotations"]["argocd.argoproj.io/sync-options"], delete,
                        "{path}"
                    );
                    claims += 1;
                }
            }
        }
        if path.ends_with("/application.yaml") {
            let doc = &pgrender::parse_stream(&text).expect("yaml")[0];
            assert_eq!(
                doc["metadata"]["finalizers"][0],
                foreground.as_str(),
                "{path}"
            );
            charts += 1;
        }
    }
    assert!(
        namespaces > 10 && claims > 5 && charts > 10,
        "{namespaces} {claims} {charts}"
    );
}

#[test]
fn an_applicationset_deletes_the_application_of_a_folder_that_leaves_git() {
    // The README's reason for one Application per cluster.
    let controller = upstream("applicationset/controllers/applicationset_controller.go");
    let body = go_function(
        &controller,
        "func (r *ApplicationSetReconciler) deleteInCluster(",
    );
    assert!(body.contains("err = r.Delete(ctx, &app)"));
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README");
    assert!(
        readme.contains(
            "`applicationset/controllers/applicationset_controller.go`, `deleteInCluster`"
        )
    );
}
