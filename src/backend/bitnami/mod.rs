//! The Bitnami `postgresql-ha` chart (repmgr + pgpool), installed by an
//! ArgoCD Application with the Helm values embedded or as a value file.

mod change_rules;
mod chart;
mod facts;
mod files;
pub(crate) mod options;
mod rules;
pub(crate) mod versions;

use crate::backend::kit::facts::ClusterFacts;
use crate::backend::kit::footprint::{Change, Footprint};
use crate::backend::kit::parameter::{Collection, Parameter};
use crate::backend::kit::run_options::RenderOptions;
use crate::backend::kit::templates::{Renderer, Template};
use crate::backend::kit::{
    Backend, BackendOutput, Majors, ParsedFiles, RenderedApplication, ReservedRoles,
};
use crate::read::diagnostic::Report;
use crate::spec::PostgresCluster;

#[derive(Debug)]
pub(crate) struct Bitnami;

pub(super) const TEMPLATES: [Template; 3] = crate::backend::kit::templates::embedded![
    "bitnami/values.yaml",
    "bitnami/application.yaml",
    "bitnami/README.md",
];

/// Roles the chart creates: `postgresql.username`, `postgresql.repmgrUsername`,
/// `pgpool.adminUsername` and (16.x) `pgpool.srCheckUsername`, with their
/// defaults in the chart's values.yaml.
pub const RESERVED_ROLES: ReservedRoles = ReservedRoles {
    names: &["postgres", "repmgr", "admin", "sr_check_user"],
    prefixes: &[],
    why: "the chart creates for itself",
};

/// The plugin's parameters for the chart: its version and where its
/// images come from (a mirror).
const PLUGIN_PARAMETERS: [Parameter; 3] = [
    Parameter {
        name: "chart-version",
        title: "Chart version",
        tooltip: "Overrides spec.bitnami.chart.targetRevision (e.g. 12.8.2).",
        collection: Collection::String,
        env: Some("PGRENDER_CHART_VERSION"),
        field: Some("spec.bitnami.chart.targetRevision"),
    },
    Parameter {
        name: "image-registry",
        title: "Image registry",
        tooltip: "Overrides spec.bitnami.images.registry, e.g. a local mirror such as registry.lan:5000.",
        collection: Collection::String,
        env: Some("PGRENDER_IMAGE_REGISTRY"),
        field: Some("spec.bitnami.images.registry"),
    },
    Parameter {
        name: "image-namespace",
        title: "Image namespace",
        tooltip: "Overrides spec.bitnami.images.namespace (bitnamilegacy is frozen: no security updates).",
        collection: Collection::String,
        env: Some("PGRENDER_IMAGE_NAMESPACE"),
        field: Some("spec.bitnami.images.namespace"),
    },
];

impl Backend for Bitnami {
    fn templates(&self) -> &'static [Template] {
        &TEMPLATES
    }

    fn reserved_roles(&self) -> &'static ReservedRoles {
        &RESERVED_ROLES
    }

    fn plugin_parameters(&self) -> &'static [Parameter] {
        &PLUGIN_PARAMETERS
    }

    fn majors(&self, cluster: &PostgresCluster) -> Majors {
        chart::majors(cluster)
    }

    fn validate(&self, cluster: &PostgresCluster, report: &mut Report<'_>) {
        rules::validate(cluster, report);
    }

    fn warnings(&self, cluster: &PostgresCluster) -> Vec<String> {
        rules::warnings(cluster)
    }

    fn notes(&self, cluster: &PostgresCluster) -> Vec<String> {
        rules::notes(cluster)
    }

    fn starter_fields(&self, name: &str, _: &[&PostgresCluster]) -> Vec<(&'static str, String)> {
        // The chart's Application is named per cluster, so a second spec
        // does not fight the first over it.
        let application = format!("{name}-cluster");
        if application == crate::spec::ArgoCd::default().application_name {
            Vec::new()
        } else {
            vec![("argocd.applicationName", application)]
        }
    }

    fn applications(&self, cluster: &PostgresCluster) -> Vec<RenderedApplication> {
        let argocd = &cluster.spec.argocd;
        vec![RenderedApplication {
            field: "/spec/argocd/applicationName",
            name: format!("{}/{}", argocd.namespace, argocd.application_name),
            remedy: "give each spec its own spec.argocd.applicationName",
        }]
    }

    fn facts(&self, cluster: &PostgresCluster) -> ClusterFacts {
        facts::facts(cluster)
    }

    fn render(
        &self,
        cluster: &PostgresCluster,
        base: &minijinja::Value,
        renderer: &Renderer,
        options: &RenderOptions,
    ) -> Result<BackendOutput, minijinja::Error> {
        files::render(cluster, base, renderer, options)
    }

    fn read_footprint(&self, name: &str, files: &ParsedFiles) -> Option<Footprint> {
        change_rules::read_footprint(name, files)
    }

    fn change_rules(&self, name: &str, old: &Footprint, new: &Footprint) -> Vec<Change> {
        change_rules::change_rules(name, old, new)
    }
}
