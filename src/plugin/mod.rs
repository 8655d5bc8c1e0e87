//! pgrender as an ArgoCD config management plugin (CMP v2 sidecar).
//!
//! ArgoCD runs `discover`, `parameters` and `generate` in the application's
//! source directory with its build environment; `generate` prints the
//! manifests on stdout. Facts about that contract: README "Run inside ArgoCD".

mod params;

pub(crate) use params::{PluginSettings, announcements};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::pipeline::Pipeline;
use crate::read::load;

/// Kubernetes minor version that introduced CronJob `timeZone` (GA in 1.27).
const TIME_ZONE_SINCE: (u32, u32) = (1, 27);

/// The manifests of every spec under `path` as one YAML stream, and the
/// warnings for stderr. Never empty: no spec is an error, because an empty
/// stream plus auto-prune would delete the running database.
pub(crate) fn generate(
    path: &Path,
    env: &BTreeMap<String, String>,
) -> Result<(String, Vec<String>), Error> {
    let settings = PluginSettings::from_env(env)?;
    // ArgoCD's source directory is the fleet: the plugin renders it whole.
    let pipeline = Pipeline::plugin(path, settings.overrides.clone(), settings.specs.clone());
    let loaded = pipeline.load()?;
    // A parameter for one backend's options must reach a spec of it.
    for o in &settings.overrides {
        if let Some(owner) = crate::backend::owner_of_field(&o.field)
            && !loaded.specs.iter().any(|s| s.cluster.spec.backend == owner)
        {
            return Err(Error::ParameterFitsNoSpec {
                origin: o.origin.clone(),
                field: o.field.clone(),
                backend: owner.as_str(),
            });
        }
    }
    for spec in &loaded.specs {
        let cluster = &spec.cluster;
        // Every Application the stream carries (the folder Application is
        // never in it: the plugin's own Application owns the objects).
        if let Some(app) = &settings.app_name
            && let Some(clash) = spec
                .backend
                .applications(cluster)
                .into_iter()
                .find(|rendered| rendered.name.rsplit('/').next() == Some(app.as_str()))
        {
            return Err(Error::ApplicationNameClash {
                spec: spec.source.display.clone(),
                app: app.clone(),
                field: crate::read::yaml::pointer_to_field_path(clash.field),
            });
        }
        if let Some(version) = settings.kube_version
            && version < TIME_ZONE_SINCE
        {
            return Err(Error::KubernetesTooOld {
                spec: spec.source.display.clone(),
                major: version.0,
                minor: version.1,
                time_zone: cluster.spec.backup.time_zone.clone(),
            });
        }
    }
    let mut plans = pipeline.plan(&loaded.specs)?;
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
        return Err(Error::EmptyStream);
    }
    Ok((stream, loaded.warnings))
}

/// Spec files under `path`, relative to it, for ArgoCD's `discover`: files
/// that declare pgrender's apiVersion and kind, valid or not (an invalid
/// spec should reach `generate`, which explains what is wrong, rather than
/// silently make the plugin not apply).
pub(crate) fn discover(path: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    for candidate in load::find_candidates(path, &[])? {
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
