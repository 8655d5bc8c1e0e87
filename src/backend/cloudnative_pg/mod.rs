//! The CloudNativePG operator: a `postgresql.cnpg.io/v1` Cluster applied
//! with the rest of the folder, and the operator itself installed by its own
//! ArgoCD Application in an earlier sync wave.

mod change_rules;
mod facts;
mod files;
pub(crate) mod options;
mod rules;
pub(crate) mod versions;

pub use facts::METRICS;
pub use rules::FIXED_PARAMETERS;

use crate::backend::kit::facts::ClusterFacts;
use crate::backend::kit::footprint::{Change, Footprint};
use crate::backend::kit::run_options::RenderOptions;
use crate::backend::kit::templates::{Renderer, Template};
use crate::backend::kit::versions::{POSTGRES_IMAGE_MINORS, postgres_image};
use crate::backend::kit::{
    Backend, BackendOutput, Majors, ParsedFiles, RenderedApplication, ReservedRoles,
};
use crate::backend::name::BackendName;
use crate::read::diagnostic::Report;
use crate::spec::PostgresCluster;

#[derive(Debug)]
pub(crate) struct CloudnativePg;

pub(super) const TEMPLATES: [Template; 4] = crate::backend::kit::templates::embedded![
    "cloudnative-pg/application.yaml",
    "cloudnative-pg/cluster.yaml",
    "cloudnative-pg/pod-monitor.yaml",
    "cloudnative-pg/README.md",
];

/// Roles the operator keeps for itself: `postgres`, `streaming_replica`
/// and the prefix `cnpg_` (`pkg/postgres/roles.go`, `IsRoleReserved`; its
/// webhook refuses them), and `app`, the owner of the database it
/// bootstraps, whose password it keeps equal to the Secret `<name>-app`
/// (`api/v1/cluster_defaults.go`, `DefaultApplicationUserName`).
pub const RESERVED_ROLES: ReservedRoles = ReservedRoles {
    names: &["postgres", "streaming_replica", "app"],
    prefixes: &["cnpg_"],
    why: "CloudNativePG keeps for itself (its webhook refuses it, or it owns the password)",
};

/// The server image: the spec's, else the pinned image of its major.
fn image(cluster: &PostgresCluster) -> String {
    let spec = &cluster.spec;
    spec.cloudnative_pg.image_name.as_ref().map_or_else(
        || {
            // Not an order of calls but the version table: every major a
            // spec can hold has a row (`every_accepted_major_has_an_image`).
            postgres_image(spec.postgres.version.major()).unwrap_or_default()
        },
        |image| image.text().to_string(),
    )
}

impl Backend for CloudnativePg {
    fn templates(&self) -> &'static [Template] {
        &TEMPLATES
    }

    fn reserved_roles(&self) -> &'static ReservedRoles {
        &RESERVED_ROLES
    }

    fn parameter_owner(&self, name: &str) -> Option<String> {
        FIXED_PARAMETERS.contains(&name).then(|| {
            "CloudNativePG sets it itself, and its admission webhook refuses it in a Cluster (FixedConfigurationParameters, pkg/postgres/configuration.go)".to_string()
        })
    }

    fn majors(&self, _: &PostgresCluster) -> Majors {
        Majors {
            runtime: "the CloudNativePG images pgrender pins".into(),
            majors: POSTGRES_IMAGE_MINORS
                .iter()
                .map(|(major, _)| *major)
                .collect(),
            elsewhere: Vec::new(),
        }
    }

    fn validate(&self, cluster: &PostgresCluster, report: &mut Report<'_>) {
        rules::validate(cluster, report);
    }

    fn warnings(&self, cluster: &PostgresCluster) -> Vec<String> {
        rules::warnings(cluster)
    }

    fn starter_fields(&self, _: &str, others: &[&PostgresCluster]) -> Vec<(&'static str, String)> {
        // The operator is cluster-wide: one spec installs it.
        let installed = others.iter().any(|c| {
            c.spec.backend == BackendName::CloudnativePg && c.spec.cloudnative_pg.operator.install
        });
        if installed {
            vec![(
                "cloudnativePg.operator.install",
                "false   # another spec in this folder installs it".into(),
            )]
        } else {
            Vec::new()
        }
    }

    fn applications(&self, cluster: &PostgresCluster) -> Vec<RenderedApplication> {
        let operator = &cluster.spec.cloudnative_pg.operator;
        if !operator.install {
            return Vec::new();
        }
        vec![RenderedApplication {
            field: "/spec/cloudnativePg/operator/applicationName",
            name: format!(
                "{}/{}",
                cluster.spec.argocd.namespace, operator.application_name
            ),
            remedy: "the operator is cluster-wide: set spec.cloudnativePg.operator.install: false in every spec but one",
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
        _: &RenderOptions,
    ) -> Result<BackendOutput, minijinja::Error> {
        files::render(cluster, base, renderer)
    }

    fn read_footprint(&self, _: &str, files: &ParsedFiles) -> Option<Footprint> {
        change_rules::read_footprint(files)
    }

    fn change_rules(&self, name: &str, old: &Footprint, new: &Footprint) -> Vec<Change> {
        change_rules::change_rules(name, old, new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_accepted_major_has_an_image() {
        for version in crate::spec::postgres::PostgresVersion::ALL {
            assert!(
                postgres_image(version.major()).is_some(),
                "PostgreSQL {} has no row in POSTGRES_IMAGE_MINORS",
                version.major()
            );
        }
    }
}
