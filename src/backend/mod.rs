//! Backends: how one spec becomes a deployment of a particular kind.
//!
//! This is the one place that branches on `spec.backend`. A backend
//! validates its own options, says what the shared outputs (MetalLB pool,
//! backup job, README) need to know about the running cluster, and renders
//! its own files. Adding a backend is adding a module here and its templates.

pub(crate) mod bitnami;
pub(crate) mod cloudnative_pg;
pub(crate) mod kit;
pub(crate) mod name;
pub(crate) mod zalando;

/// What the backends know of their upstreams, for the tests that hold
/// each fact to the upstream file it came from
/// (`tests/integration/upstream_facts.rs`) or to the rendered output.
pub mod upstream_facts {
    pub use super::bitnami::RESERVED_ROLES as BITNAMI_RESERVED_ROLES;
    pub use super::bitnami::versions::secret_keys as bitnami_secret_keys;
    pub use super::cloudnative_pg::versions::DEFAULT_OPERATOR_CHART;
    pub use super::cloudnative_pg::{
        FIXED_PARAMETERS as CLOUDNATIVE_PG_FIXED_PARAMETERS, METRICS as CLOUDNATIVE_PG_METRICS,
        RESERVED_ROLES as CLOUDNATIVE_PG_RESERVED_ROLES,
    };
    pub use super::kit::ReservedRoles;
    pub use super::kit::versions::POSTGRES_EXPORTER_METRICS;
    pub use super::zalando::{
        RESERVED_ROLES as ZALANDO_RESERVED_ROLES, USER_PATTERN as ZALANDO_USER_PATTERN,
    };
}

use crate::backend::kit::footprint::Footprint;
use crate::backend::kit::parameter::Parameter;
use crate::backend::kit::templates::Template;
use crate::backend::kit::{Backend, ParsedFiles};
use crate::backend::name::BackendName;
use crate::read::diagnostic::Report;
use crate::spec::PostgresCluster;

/// The footprint of a rendered folder, read by the backend that rendered it.
pub(crate) fn read_footprint(name: &str, files: &ParsedFiles) -> Option<Footprint> {
    BackendName::ALL
        .iter()
        .copied()
        .map(for_name)
        .find_map(|backend| backend.read_footprint(name, files))
}

/// The backend whose own options a dotted spec field sets
/// (`spec.bitnami.chart.targetRevision`), if any.
pub(crate) fn owner_of_field(field: &str) -> Option<BackendName> {
    let section = field.strip_prefix("spec.")?.split('.').next()?;
    BackendName::ALL
        .iter()
        .copied()
        .find(|b| b.options_key() == section)
}

/// The backend a parsed, not yet validated spec document names (the
/// default when it names none); `None` for a name that is no backend.
pub(crate) fn of_document(document: &serde_json::Value) -> Option<BackendName> {
    match document.pointer("/spec/backend") {
        None => Some(BackendName::default()),
        Some(name) => name.as_str().and_then(BackendName::from_name),
    }
}

/// The backend that rendered `footprint`.
pub(crate) fn of_footprint(footprint: &Footprint) -> Option<&'static dyn Backend> {
    BackendName::from_name(footprint.backend).map(for_name)
}

/// Report options written for another backend: they would be silently
/// ignored, which is worse than an error.
pub(crate) fn reject_foreign_options(report: &mut Report<'_>, this: BackendName) {
    for owner in BackendName::ALL.iter().copied().filter(|b| *b != this) {
        let pointer = format!("/spec/{}", owner.options_key());
        if report.is_written(&pointer) {
            report.at_key(
                &pointer,
                format!(
                    "options of the {} backend mean nothing for {}; remove them, or set spec.backend: {}",
                    owner.as_str(),
                    this.as_str(),
                    owner.as_str()
                ),
            );
        }
    }
}

/// The spec's PostgreSQL major must be one its backend runs; the message
/// says what else runs it: other options of the same backend, and every
/// other backend that does.
pub(crate) fn check_major(cluster: &PostgresCluster, report: &mut Report<'_>) {
    let major = cluster.spec.postgres.version.major();
    let runs = for_cluster(cluster).majors(cluster);
    if runs.majors.contains(&major) {
        return;
    }
    let listed = |majors: &[u32], separator: &str| {
        majors
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(separator)
    };
    let mut alternatives: Vec<String> = runs
        .elsewhere
        .iter()
        .filter(|(m, _)| *m == major)
        .map(|(_, how)| how.clone())
        .collect();
    for other in BackendName::ALL
        .iter()
        .filter(|b| **b != cluster.spec.backend)
    {
        let majors = for_name(*other).majors(cluster).majors;
        if majors.contains(&major) {
            alternatives.push(format!(
                "backend {} runs {}",
                other.as_str(),
                listed(&majors, ", ")
            ));
        }
    }
    let mut message = format!(
        "PostgreSQL {major} does not run on {}, which runs {}",
        runs.runtime,
        listed(&runs.majors, " and ")
    );
    if !alternatives.is_empty() {
        message.push_str(&format!("; {}", alternatives.join(", or ")));
    }
    report.at_value("/spec/postgres/version", message);
}

/// Every backend's plugin parameters, in the order of the backends.
pub(crate) fn plugin_parameters() -> impl Iterator<Item = &'static Parameter> {
    BackendName::ALL
        .iter()
        .flat_map(|name| for_name(*name).plugin_parameters().iter())
}

/// Every backend's templates, for the renderer.
pub(crate) fn templates() -> impl Iterator<Item = &'static Template> {
    BackendName::ALL
        .iter()
        .copied()
        .flat_map(|name| for_name(name).templates().iter())
}

/// The dispatch point.
pub(crate) fn for_cluster(cluster: &PostgresCluster) -> &'static dyn Backend {
    for_name(cluster.spec.backend)
}

pub(crate) fn for_name(name: BackendName) -> &'static dyn Backend {
    match name {
        BackendName::BitnamiPostgresqlHa => &bitnami::Bitnami,
        BackendName::CloudnativePg => &cloudnative_pg::CloudnativePg,
        BackendName::ZalandoPostgresOperator => &zalando::Zalando,
    }
}

/// The migration guides pgrender writes, from one backend to another, each
/// with its template: a new backend adds its rows here.
/// The template of the guide from `from` to `to`: one guide, written from
/// both backends' facts, for every pair of different backends.
pub(crate) fn migration_template(
    from: BackendName,
    to: BackendName,
) -> Result<&'static str, String> {
    if from == to {
        return Err(format!(
            "both specs run on {}: a guide is for a move between backends (within one, change the spec and follow render's change report)",
            from.as_str()
        ));
    }
    Ok("migration.md")
}

#[cfg(test)]
mod tests {
    use crate::backend::kit::run_options::RenderOptions;
    use crate::backend::kit::templates::Renderer;
    use crate::backend::name::BackendName as Backend;
    use crate::judge::ValidSpec;
    use crate::plan::folder::{all_templates, render_spec};
    use crate::read::checksums::CHECKSUMS;
    use crate::spec::ClusterSpec;

    /// `generate` renders the plugin's stream: without values from git,
    /// the same files minus the README and CHECKSUMS, for both backends.
    #[test]
    fn the_plugin_stream_renders_the_same_manifests_without_readme_and_checksums() {
        let renderer = Renderer::new(all_templates());
        for backend in [Backend::BitnamiPostgresqlHa, Backend::CloudnativePg] {
            let spec = ClusterSpec {
                backend,
                ..ClusterSpec::default()
            };
            let valid = ValidSpec::unread("x.yaml", spec);
            let full = render_spec(&valid, &renderer, &RenderOptions::default()).unwrap();
            let only = RenderOptions {
                plugin_stream: true,
                ..RenderOptions::default()
            };
            let manifests = render_spec(&valid, &renderer, &only).unwrap();
            let mut expected = full.files.clone();
            assert!(expected.remove("README.md").is_some());
            assert!(expected.remove(CHECKSUMS).is_some());
            assert_eq!(manifests.files, expected, "{backend:?}");
        }
    }

    /// With values from git, the plugin's Application embeds them, so a
    /// parameter reaches the chart, and no second Application owns the
    /// same objects.
    #[test]
    fn the_plugin_stream_embeds_values_and_has_no_folder_application() {
        let renderer = Renderer::new(all_templates());
        let mut spec = ClusterSpec::default();
        spec.argocd.git_repo_url = Some("https://git.lan/homelab/gitops.git".into());
        let valid = ValidSpec::unread("x.yaml", spec);
        let folder = render_spec(&valid, &renderer, &RenderOptions::default()).unwrap();
        assert!(folder.files["application.yaml"].contains("$values/"));
        assert!(folder.files.contains_key(super::kit::FOLDER_APPLICATION));
        let stream = RenderOptions {
            plugin_stream: true,
            ..RenderOptions::default()
        };
        let plugin = render_spec(&valid, &renderer, &stream).unwrap();
        assert!(!plugin.files["application.yaml"].contains("$values/"));
        assert!(plugin.files["application.yaml"].contains("valuesObject:"));
        assert!(!plugin.files.contains_key(super::kit::FOLDER_APPLICATION));
    }
}
