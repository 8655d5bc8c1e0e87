//! What a backend is made of: the trait every backend implements, and the
//! parts the backends share (their facts, footprints and changes, the
//! template environment, the settings of a run). The registry
//! (`backend/mod.rs`) lists the backends; nothing here knows which exist.

pub(crate) mod facts;
pub(crate) mod footprint;
pub(crate) mod parameter;
pub(crate) mod run_options;
pub(crate) mod templates;
pub(crate) mod versions;

use std::collections::BTreeMap;

use crate::backend::kit::facts::ClusterFacts;
use crate::backend::kit::footprint::{Change, Footprint, Impact};
use crate::backend::kit::run_options::RenderOptions;
use crate::backend::kit::templates::{Renderer, Template};
use crate::read::diagnostic::Report;
use crate::spec::PostgresCluster;

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

/// The PostgreSQL majors a backend runs with a spec's options, for the
/// rule that the spec's major is one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Majors {
    /// What runs them, as messages name it ("postgresql-ha 12.x").
    pub runtime: String,
    /// The majors, in the order messages list them.
    pub majors: Vec<u32>,
    /// Other options of the same backend and a major each would run
    /// ("chart 16.x runs it (spec.bitnami.chart.targetRevision: 16.x.x)").
    pub elsewhere: Vec<(u32, String)>,
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

/// A backend, as one declaration: its templates, the roles it keeps, the
/// rules its specs follow, what its cluster tells the shared outputs, the
/// files it renders, and what changing its cluster does. Its name and its
/// section of the spec are its `options` module's; its pinned versions its
/// `versions` module's.
pub trait Backend: Sync + std::fmt::Debug {
    /// The backend's templates (under `templates/<backend>/`), for the renderer.
    fn templates(&self) -> &'static [Template];
    /// Roles the backend keeps for itself: a spec's application role of
    /// such a name is refused.
    fn reserved_roles(&self) -> &'static ReservedRoles;
    /// Parameters the ArgoCD plugin takes for this backend's options.
    fn plugin_parameters(&self) -> &'static [parameter::Parameter] {
        &[]
    }
    /// Why `spec.postgres.parameters` may not set `name` on this backend,
    /// when the backend (its operator) owns that setting.
    fn parameter_owner(&self, _name: &str) -> Option<String> {
        None
    }
    /// The PostgreSQL majors this backend runs with the spec's own options.
    fn majors(&self, cluster: &PostgresCluster) -> Majors;
    /// Rules for this backend's own options.
    fn validate(&self, cluster: &PostgresCluster, report: &mut Report<'_>);
    /// Non-fatal notes for stderr (never secrets).
    fn warnings(&self, cluster: &PostgresCluster) -> Vec<String>;
    /// Warnings the spec acknowledged: `render` still says them, as notes.
    fn notes(&self, _: &PostgresCluster) -> Vec<String> {
        Vec::new()
    }
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
    /// What the shared outputs (backup job, network policy, alerts, runbook)
    /// need to know about the running cluster.
    fn facts(&self, cluster: &PostgresCluster) -> ClusterFacts;
    /// The backend's own files (Application, values, …) and what its
    /// README is rendered from; `base` is what every template of the spec
    /// sees (its name, the spec, the facts, the alerts, its folder), which
    /// the backend extends.
    fn render(
        &self,
        cluster: &PostgresCluster,
        base: &minijinja::Value,
        renderer: &Renderer,
        options: &RenderOptions,
    ) -> Result<BackendOutput, minijinja::Error>;
    /// The footprint of folder `name` if this backend rendered it; the
    /// shared parts (namespace, pool, backup volume) are filled in by the
    /// caller.
    fn read_footprint(&self, name: &str, files: &ParsedFiles) -> Option<Footprint>;
    /// What this backend's cluster does when its own parts change (major
    /// upgrade, volumes, instances, chart, server configuration).
    fn change_rules(&self, name: &str, old: &Footprint, new: &Footprint) -> Vec<Change>;
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
        crate::spec::value::pg_settings::definition(major, name)
            .is_none_or(|d| d.applied() != crate::spec::value::pg_settings::Applied::Reload)
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

/// The first document of `kind` in `file`.
pub(crate) fn document<'a>(
    files: &'a ParsedFiles,
    file: &str,
    kind: &str,
) -> Option<&'a serde_json::Value> {
    files.get(file)?.iter().find(|d| d["kind"] == kind)
}

/// A quantity for a message: as written, or `?` when the folder lacks it.
pub(crate) fn shown(quantity: Option<&crate::spec::value::quantity::Quantity>) -> String {
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
