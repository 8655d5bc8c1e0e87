//! Backends: how one spec becomes a deployment of a particular kind.
//!
//! This is the one place that branches on `spec.backend`. A backend
//! validates its own options, says what the shared outputs (MetalLB pool,
//! backup job, README) need to know about the running cluster, and renders
//! its own files. Adding a backend is adding a module here and its templates.

mod bitnami;
mod cloudnative_pg;
mod zalando;

/// The backends' facts about their upstreams, for the tests that hold each
/// to the upstream file it came from (`tests/integration/upstream_facts.rs`).
pub mod upstream_facts {
    pub use super::ReservedRoles;
    pub use super::bitnami::RESERVED_ROLES as BITNAMI_RESERVED_ROLES;
    pub use super::cloudnative_pg::{
        FIXED_PARAMETERS as CLOUDNATIVE_PG_FIXED_PARAMETERS,
        RESERVED_ROLES as CLOUDNATIVE_PG_RESERVED_ROLES,
    };
    pub use super::zalando::{
        RESERVED_ROLES as ZALANDO_RESERVED_ROLES, USER_PATTERN as ZALANDO_USER_PATTERN,
    };
    pub use crate::versions::bitnami_secret_keys;
}

use std::collections::BTreeMap;

use crate::alerts::Alert;
use crate::diagnostic::Report;
use crate::facts::ClusterFacts;
use crate::footprint::{Change, Footprint, Impact};
use crate::plan::RenderOptions;
use crate::spec::{Backend as BackendName, PostgresCluster};
use crate::templates::{Renderer, Template};

/// An ArgoCD Application a spec renders, for the cross-spec uniqueness rule.
#[derive(Debug, Clone)]
pub struct RenderedApplication {
    /// JSON Pointer of the spec field that names it.
    pub field: &'static str,
    /// `namespace/name`.
    pub name: String,
    /// What to do when two specs render it.
    pub remedy: &'static str,
}

/// The name of the file holding the Application that syncs a folder.
pub(crate) const FOLDER_APPLICATION: &str = "folder-application.yaml";

/// The Application that syncs the rendered folder, emitted when the spec
/// says where the folder lives in git (`spec.argocd.gitRepoURL`).
pub(crate) fn folder_application(cluster: &PostgresCluster) -> Option<RenderedApplication> {
    cluster.spec.argocd.git_repo_url.as_ref()?;
    Some(RenderedApplication {
        field: "/metadata/name",
        name: format!(
            "{}/{}-manifests",
            cluster.spec.argocd.namespace, cluster.metadata.name
        ),
        remedy: "the Application that syncs a folder is named <metadata.name>-manifests: rename one of them",
    })
}

/// What every template of a spec sees: its name, the spec, the backend's
/// facts, the alerts, and where its folder lies in the repository. Backends
/// and the shared files extend this one context; none builds its own.
pub(crate) fn base_context(
    cluster: &PostgresCluster,
    facts: &ClusterFacts,
    alerts: &[Alert],
    options: &RenderOptions,
) -> minijinja::Value {
    minijinja::context! {
        name => &cluster.metadata.name,
        spec => minijinja::value::Serde(&cluster.spec),
        facts => minijinja::value::Serde(facts),
        alerts => minijinja::value::Serde(alerts),
        folder => options.folder(&cluster.metadata.name),
        drill_schedule => cluster.spec.backup.drill_schedule(),
    }
}

/// One generated file, before the header and checksums are added.
#[derive(Debug, Clone)]
pub struct BackendFile {
    pub path: String,
    pub content: String,
}

/// What a backend renders for one spec: its own files, and the template and
/// context of the README (runbook), which the caller renders only when the
/// run asks for it (`generate` does not).
#[derive(Debug)]
pub struct BackendOutput {
    pub files: Vec<BackendFile>,
    pub readme_template: &'static str,
    pub readme_context: minijinja::Value,
}

pub trait Backend: Sync + std::fmt::Debug {
    /// Rules for this backend's own options.
    fn validate(&self, cluster: &PostgresCluster, report: &mut Report<'_>);
    /// Why `spec.postgres.parameters` may not set `name` on this backend,
    /// when the backend (its operator) owns that setting.
    fn parameter_owner(&self, _name: &str) -> Option<String> {
        None
    }
    /// Non-fatal notes for stderr (never secrets).
    fn warnings(&self, cluster: &PostgresCluster) -> Vec<String>;
    /// Warnings the spec acknowledged: `render` still says them, as notes.
    fn notes(&self, _: &PostgresCluster) -> Vec<String> {
        Vec::new()
    }
    fn facts(&self, cluster: &PostgresCluster) -> ClusterFacts;
    /// Fields (dotted path below `spec`, YAML value) that a new spec named
    /// `name` needs on this backend, beside the specs already in its folder
    /// (`pgrender init`).
    fn starter_fields(
        &self,
        name: &str,
        others: &[&PostgresCluster],
    ) -> Vec<(&'static str, String)>;
    /// The ArgoCD Applications this spec renders: no two specs may share one.
    fn applications(&self, cluster: &PostgresCluster) -> Vec<RenderedApplication>;
    /// The backend's own files (Application, values, …) and what its
    /// README, which documents `alerts`, is rendered from.
    fn render(
        &self,
        cluster: &PostgresCluster,
        facts: &ClusterFacts,
        alerts: &[Alert],
        renderer: &Renderer,
        options: &RenderOptions,
    ) -> Result<BackendOutput, minijinja::Error>;
    /// The footprint of folder `name` if this backend rendered it; the
    /// shared parts (namespace, pool, backup volume) are filled in by the
    /// caller.
    fn read_footprint(&self, name: &str, files: &ParsedFiles) -> Option<Footprint>;
    /// The backend's templates (under `templates/<backend>/`), for the renderer.
    fn templates(&self) -> &'static [Template];
    /// What this backend's cluster does when its own parts change (major
    /// upgrade, volumes, instances, chart, server configuration).
    fn judge(&self, name: &str, old: &Footprint, new: &Footprint) -> Vec<Change>;
}

/// What both backends report alike: more instances (new replicas clone the
/// primary), and a change of the server pods' configuration as a rolling
/// restart unless a bigger step replaces the pods anyway; `restart` says
/// how the backend restarts them.
pub(crate) fn shared_changes(
    old: &Footprint,
    new: &Footprint,
    changes: &mut Vec<Change>,
    restart: &str,
) {
    if let (Some(o), Some(n)) = (old.instances, new.instances)
        && n > o
    {
        changes.push(Change::new(
            Impact::Safe,
            format!("instances {o} -> {n}: new replicas clone the primary"),
        ));
    }
    if old.server_config != new.server_config
        && !changes.iter().any(|c| c.impact >= Impact::ManualStep)
    {
        changes.push(Change::new(
            Impact::RollingRestart,
            format!(
                "the PostgreSQL pods' configuration changed (resources, probes or image): {restart}"
            ),
        ));
    }
}

/// How a backend brings changed PostgreSQL settings to the running servers.
pub(crate) enum Delivery {
    /// An operator reloads the servers, and restarts them one at a time
    /// only for settings read at start (`context = postmaster`).
    Operator {
        reload: &'static str,
        restart: &'static str,
    },
    /// Any change restarts the pods one at a time.
    PodRestart { how: &'static str },
}

/// What changing `spec.postgres.parameters` does: each changed setting
/// with what PostgreSQL needs to apply it (its `pg_settings` context for
/// the major), then what the backend does about it.
pub(crate) fn settings_change(
    old: &Footprint,
    new: &Footprint,
    delivery: Delivery,
) -> Option<Change> {
    let names: std::collections::BTreeSet<&String> = old
        .parameters
        .keys()
        .chain(new.parameters.keys())
        .filter(|name| old.parameters.get(*name) != new.parameters.get(*name))
        .collect();
    if names.is_empty() {
        return None;
    }
    let major = new.major.or(old.major).unwrap_or(0);
    // A setting the table does not know is treated as read at start.
    let restarts = |name: &str| {
        crate::pg_settings::definition(major, name)
            .is_none_or(|d| d.applied() != crate::pg_settings::Applied::Reload)
    };
    let listed = names
        .iter()
        .map(|name| {
            let needs = if restarts(name) { "restart" } else { "reload" };
            format!("{name} ({needs})")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let any_restart = names.iter().any(|name| restarts(name));
    Some(match delivery {
        Delivery::Operator { reload, .. } if !any_restart => Change::new(
            Impact::Safe,
            format!("settings {listed}: {reload}; nothing restarts"),
        ),
        Delivery::Operator { restart, .. } => Change::new(
            Impact::RollingRestart,
            format!("settings {listed}: {restart}"),
        ),
        Delivery::PodRestart { how } => {
            Change::new(Impact::RollingRestart, format!("settings {listed}: {how}"))
        }
    })
}

/// Backends that read application passwords from the user's Secrets need
/// one named for every role.
pub(crate) fn require_user_secrets(cluster: &PostgresCluster, report: &mut Report<'_>) {
    for (i, user) in cluster.spec.auth.users.iter().enumerate() {
        if user.existing_secret.is_none() {
            report.at_value(
                &format!("/spec/auth/users/{i}"),
                format!(
                    "role `{}` needs existingSecret: the Secret holding its password ({} reads it)",
                    user.name,
                    cluster.spec.backend.as_str()
                ),
            );
        }
    }
}

/// A rendered folder's YAML files, each as its documents.
pub(crate) type ParsedFiles = BTreeMap<String, Vec<serde_json::Value>>;

/// The footprint of a rendered folder, read by the backend that rendered it.
pub(crate) fn read_footprint(name: &str, files: &ParsedFiles) -> Option<Footprint> {
    BackendName::ALL
        .into_iter()
        .map(for_name)
        .find_map(|backend| backend.read_footprint(name, files))
}

/// The backend whose own options a dotted spec field sets
/// (`spec.bitnami.chart.targetRevision`), if any.
pub(crate) fn owner_of_field(field: &str) -> Option<BackendName> {
    let section = field.strip_prefix("spec.")?.split('.').next()?;
    BackendName::ALL
        .into_iter()
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

/// The first document of `kind` in `file`.
pub(crate) fn document<'a>(
    files: &'a ParsedFiles,
    file: &str,
    kind: &str,
) -> Option<&'a serde_json::Value> {
    files.get(file)?.iter().find(|d| d["kind"] == kind)
}

/// A quantity for a message: as written, or `?` when the folder lacks it.
pub(crate) fn shown(quantity: Option<&crate::quantity::Quantity>) -> String {
    quantity.map_or_else(|| "?".to_string(), ToString::to_string)
}

/// The files a backend renders from one context, in order: each entry is
/// (output path, template, whether this spec asks for the file).
pub(crate) fn render_files(
    renderer: &Renderer,
    context: &minijinja::Value,
    wanted: &[(&str, &str, bool)],
) -> Result<Vec<BackendFile>, minijinja::Error> {
    wanted
        .iter()
        .filter(|(_, _, asked)| *asked)
        .map(|(path, template, _)| {
            Ok(BackendFile {
                path: (*path).to_string(),
                content: renderer.render(template, context)?,
            })
        })
        .collect()
}

/// The settings an operator's object passes to PostgreSQL (its
/// `parameters` map), each value as text.
pub(crate) fn settings_in(parameters: &serde_json::Value) -> BTreeMap<String, String> {
    parameters
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(k, v)| (k.clone(), text(v).unwrap_or_else(|| v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The part of a manifest that, when it changes, restarts the server pods,
/// as text: `object` without the fields applied in place (`in_place`, JSON
/// Pointers into `object`, such as `/postgresql/parameters`, which are
/// judged one setting at a time).
pub(crate) fn pod_config(object: &serde_json::Value, in_place: &[&str]) -> String {
    let mut server = object.clone();
    for pointer in in_place {
        let Some((parent, key)) = pointer.rsplit_once('/') else {
            continue;
        };
        if let Some(map) = server
            .pointer_mut(parent)
            .and_then(serde_json::Value::as_object_mut)
        {
            map.shift_remove(key);
        }
    }
    server.to_string()
}

/// A scalar as text (`"16"`, `2`, `50Gi`).
pub(crate) fn text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The LoadBalancer address a Service's annotations ask MetalLB for: the
/// current prefix first, as MetalLB reads them; folders rendered before
/// both were written carry only the deprecated one.
pub(crate) fn requested_address(annotations: &serde_json::Value) -> Option<String> {
    text(&annotations["metallb.io/loadBalancerIPs"])
        .or_else(|| text(&annotations["metallb.universe.tf/loadBalancerIPs"]))
}

/// Roles a backend keeps for itself, by name or by prefix, and where it
/// says so: a spec that names one as an application role is refused.
pub struct ReservedRoles {
    pub names: &'static [&'static str],
    pub prefixes: &'static [&'static str],
    /// Who keeps them and what happens to a spec's role of that name.
    pub why: &'static str,
}

impl ReservedRoles {
    pub fn contains(&self, name: &str) -> bool {
        self.names.contains(&name) || self.prefixes.iter().any(|p| name.starts_with(p))
    }

    pub(crate) fn check(&self, cluster: &PostgresCluster, report: &mut Report<'_>) {
        for (i, user) in cluster.spec.auth.users.iter().enumerate() {
            if self.contains(&user.name) {
                report.at_value(
                    &format!("/spec/auth/users/{i}/name"),
                    format!(
                        "`{}` is a role {}; choose another name",
                        user.name, self.why
                    ),
                );
            }
        }
    }
}

/// Report options written for another backend: they would be silently
/// ignored, which is worse than an error.
pub(crate) fn reject_foreign_options(report: &mut Report<'_>, this: BackendName) {
    for owner in BackendName::ALL.into_iter().filter(|b| *b != this) {
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

/// Every backend's templates, for the renderer.
pub(crate) fn templates() -> impl Iterator<Item = &'static Template> {
    BackendName::ALL
        .into_iter()
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

/// Every backend's name, for parsing and help texts.
pub(crate) const NAMES: [BackendName; 3] = BackendName::ALL;

#[cfg(test)]
mod tests {
    use crate::plan::{CHECKSUMS, RenderOptions};
    use crate::render::{all_templates, render_spec};
    use crate::spec::{Backend, ClusterSpec};
    use crate::templates::Renderer;
    use crate::validate::ValidSpec;

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
        assert!(folder.files.contains_key(super::FOLDER_APPLICATION));
        let stream = RenderOptions {
            plugin_stream: true,
            ..RenderOptions::default()
        };
        let plugin = render_spec(&valid, &renderer, &stream).unwrap();
        assert!(!plugin.files["application.yaml"].contains("$values/"));
        assert!(plugin.files["application.yaml"].contains("valuesObject:"));
        assert!(!plugin.files.contains_key(super::FOLDER_APPLICATION));
    }
}
