//! pgrender as an ArgoCD config management plugin (CMP v2 sidecar).
//!
//! ArgoCD runs `discover`, `parameters` and `generate` in the application's
//! source directory with its build environment; `generate` prints the
//! manifests on stdout. Facts about that contract: README "Run inside ArgoCD".

mod params;

pub use params::{PARAMETERS, PluginSettings, announcements};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::render::RenderOptions;
use crate::{Error, LoadOptions, load, load_specs_with, render_plans};

/// Kubernetes minor version that introduced CronJob `timeZone` (GA in 1.27).
const TIME_ZONE_SINCE: (u32, u32) = (1, 27);

/// The manifests of every spec under `path` as one YAML stream, and the
/// warnings for stderr. Never empty: no spec is an error, because an empty
/// stream plus auto-prune would delete the running database.
pub fn generate(
    path: &Path,
    env: &BTreeMap<String, String>,
) -> Result<(String, Vec<String>), Error> {
    let settings = PluginSettings::from_env(env)?;
    let root = std::env::current_dir()
        .map_err(|e| Error::Usage(format!("cannot read the working directory: {e}")))?;
    let options = LoadOptions {
        overrides: settings.overrides.clone(),
        confine_to: Some(root),
        only: settings.specs.clone(),
    };
    let loaded = load_specs_with(path, &options)?;
    for spec in &loaded.specs {
        let cluster = &spec.cluster;
        if let Some(app) = &settings.app_name
            && *app == cluster.spec.argocd.application_name
        {
            return Err(Error::Usage(format!(
                "{}: the plugin's own Application is named `{app}`, the same as the chart Application this spec renders \
                 (spec.argocd.applicationName); with prune they would delete each other: rename one",
                spec.source.display
            )));
        }
        if let Some(version) = settings.kube_version
            && version < TIME_ZONE_SINCE
        {
            return Err(Error::Usage(format!(
                "{}: the cluster runs Kubernetes {}.{}, but the backup CronJob sets timeZone ({}), which needs 1.27 or newer; \
                 upgrade the cluster (K3s 1.26 is out of support)",
                spec.source.display, version.0, version.1, cluster.spec.backup.time_zone
            )));
        }
    }
    let manifests_only = RenderOptions {
        readme_and_checksums: false,
        ..RenderOptions::default()
    };
    let mut plans = render_plans(&loaded.specs, &manifests_only)?;
    plans.sort_by(|a, b| a.name.cmp(&b.name));
    let mut stream = String::new();
    for plan in &plans {
        for path in plan.manifest_paths() {
            if !stream.is_empty() {
                stream.push_str("---\n");
            }
            stream.push_str(&plan.files[path]);
        }
    }
    if stream.is_empty() {
        return Err(Error::Usage(
            "no manifests rendered; refusing to print an empty stream".into(),
        ));
    }
    Ok((stream, loaded.warnings))
}

/// Spec files under `path`, relative to it, for ArgoCD's `discover`: files
/// that declare pgrender's apiVersion and kind, valid or not (an invalid
/// spec should reach `generate`, which explains what is wrong, rather than
/// silently make the plugin not apply).
pub fn discover(path: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    for candidate in load::find_candidates(path)? {
        let is_spec = match load::load_candidate(&candidate, false) {
            Ok(spec) => spec.is_some(),
            // It mentions our apiVersion and kind but does not parse.
            Err(_) => true,
        };
        if is_spec {
            found.push(
                candidate
                    .strip_prefix(path)
                    .unwrap_or(&candidate)
                    .to_path_buf(),
            );
        }
    }
    Ok(found)
}
