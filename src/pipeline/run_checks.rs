//! The run's settings held against its specs, before anything is written:
//! values read from git need a repository, a secrets folder must exist and
//! lie outside the output root.

use crate::backend::kit::run_options::RenderOptions;
use crate::error::Error;
use crate::judge::ValidSpec;

/// Settings of the run that some specs cannot work with; checked before
/// anything is written. Returns warnings.
pub(super) fn check_run(
    specs: &[ValidSpec],
    options: &RenderOptions,
) -> Result<Vec<String>, Error> {
    match specs
        .iter()
        .find(|s| s.cluster.spec.argocd.git_repo_url.is_some())
    {
        Some(spec) if !options.in_repository => Err(Error::OutRootNotInRepository {
            spec: spec.source.display.clone(),
        }),
        _ => Ok(()),
    }?;
    let out_root = options.out_root.trim_end_matches('/');
    for spec in specs {
        if let Some(path) = &spec.cluster.spec.argocd.secrets_path {
            let path = path.trim_end_matches('/');
            if path == out_root || path.starts_with(&format!("{out_root}/")) {
                return Err(Error::SecretsInsideOutput {
                    spec: spec.source.display.clone(),
                    path: path.to_string(),
                    out_root: out_root.to_string(),
                });
            }
        }
    }
    secrets_paths_in_repository(specs, options)
}

/// The folder Application reads `spec.argocd.secretsPath` from git, and
/// ArgoCD fails the whole Application, the cluster's manifests included,
/// when a source path is missing (`app path does not exist`, argo-cd
/// `util/app/path/path.go`): a folder that does not exist is an error, one
/// with nothing committed yet a warning.
fn secrets_paths_in_repository(
    specs: &[ValidSpec],
    options: &RenderOptions,
) -> Result<Vec<String>, Error> {
    let mut warnings = Vec::new();
    let Some(root) = options
        .repository_root
        .as_ref()
        .filter(|_| !options.plugin_stream)
    else {
        return Ok(warnings);
    };
    for spec in specs {
        let argocd = &spec.cluster.spec.argocd;
        let (Some(_), Some(path)) = (&argocd.git_repo_url, &argocd.secrets_path) else {
            continue;
        };
        let folder = root.join(path);
        if !folder.is_dir() {
            return Err(Error::SecretsPathMissing {
                spec: spec.source.display.clone(),
                path: path.clone(),
                application: format!(
                    "{}/{}-manifests",
                    argocd.namespace, spec.cluster.metadata.name
                ),
            });
        }
        if crate::read::git::tracked(&folder) == Some(false) {
            warnings.push(format!(
                "{}: spec.argocd.secretsPath `{path}` holds nothing committed yet: commit its files before ArgoCD syncs \
                 {}/{}-manifests, or the Application fails as a whole (`app path does not exist`)",
                spec.source.display, argocd.namespace, spec.cluster.metadata.name
            ));
        }
    }
    Ok(warnings)
}
