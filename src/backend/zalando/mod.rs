//! Zalando's postgres-operator: an `acid.zalan.do/v1` `postgresql` object
//! applied with the rest of the folder (Spilo pods, Patroni for failover),
//! and the operator itself installed by its own ArgoCD Application in an
//! earlier sync wave, with the operator-wide settings pgrender relies on.

mod change_rules;
mod facts;
mod files;
pub(crate) mod options;
mod rules;
pub(crate) mod versions;

use crate::backend::kit::facts::ClusterFacts;
use crate::backend::kit::footprint::{Change, Footprint};
use crate::backend::kit::run_options::RenderOptions;
use crate::backend::kit::templates::{Renderer, Template};
use crate::backend::kit::{
    Backend, BackendOutput, Majors, ParsedFiles, RenderedApplication, ReservedRoles,
};
use crate::backend::name::BackendName;
use crate::read::diagnostic::Report;
use crate::spec::PostgresCluster;
use versions::SPILO_IMAGE;

#[derive(Debug)]
pub(crate) struct Zalando;

pub(super) const TEMPLATES: [Template; 4] = crate::backend::kit::templates::embedded![
    "zalando/application.yaml",
    "zalando/postgresql.yaml",
    "zalando/exporter.yaml",
    "zalando/README.md",
];

/// The suffix of the Secrets the operator writes passwords to.
const CREDENTIALS_SUFFIX: &str = "credentials.postgresql.acid.zalan.do";

/// The `postgresql` object's name: the team in front, as the operator's
/// examples name theirs (it checks the prefix only with
/// `enable_team_id_clustername_prefix`, off by default).
pub(crate) fn cluster_name(cluster: &PostgresCluster) -> String {
    format!("{}-{}", cluster.spec.zalando.team_id, cluster.metadata.name)
}

/// The Secret the operator keeps `role`'s password in: its
/// `secret_name_template` with `_` in the role written `-`, as a Secret name
/// must be (`pkg/cluster/util.go`, `credentialSecretNameForCluster`).
pub(crate) fn credentials_secret(role: &str, cluster: &str) -> String {
    format!("{}.{cluster}.{CREDENTIALS_SUFFIX}", role.replace('_', "-"))
}

/// The role names the operator creates: its `userRegexp`
/// (`pkg/cluster/cluster.go`); a name it refuses fails the whole cluster's
/// user sync.
pub const USER_PATTERN: &str =
    r"^[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*$";

/// Roles the operator and Spilo keep for themselves: the chart's
/// `super_username` and `replication_username`, its `protected_role_names`
/// (the operator skips them with a warning: no role, no Secret), and
/// Spilo's own (`postgres-appliance/scripts/post_init.sh`).
pub const RESERVED_ROLES: ReservedRoles = ReservedRoles {
    names: &[
        "postgres",
        "standby",
        "admin",
        "cron_admin",
        "robot_zmon",
        "zalandos",
    ],
    prefixes: &[],
    why: "the operator or Spilo keeps for itself (the operator skips it: no role, no Secret)",
};

/// The Spilo image: the spec's, else the one of the pinned operator release.
fn image(cluster: &PostgresCluster) -> String {
    cluster
        .spec
        .zalando
        .docker_image
        .as_ref()
        .map_or_else(|| SPILO_IMAGE.to_string(), |i| i.text().to_string())
}

impl Backend for Zalando {
    fn templates(&self) -> &'static [Template] {
        &TEMPLATES
    }

    fn reserved_roles(&self) -> &'static ReservedRoles {
        &RESERVED_ROLES
    }

    fn majors(&self, _: &PostgresCluster) -> Majors {
        Majors {
            runtime: "Zalando's operator".into(),
            majors: versions::MAJORS.to_vec(),
            elsewhere: Vec::new(),
        }
    }

    fn validate(&self, cluster: &PostgresCluster, report: &mut Report<'_>) {
        rules::validate(cluster, report);
    }

    fn warnings(&self, _: &PostgresCluster) -> Vec<String> {
        Vec::new()
    }

    fn starter_fields(&self, _: &str, others: &[&PostgresCluster]) -> Vec<(&'static str, String)> {
        let installed = others.iter().any(|c| {
            c.spec.backend == BackendName::ZalandoPostgresOperator
                && c.spec.zalando.operator.install
        });
        if installed {
            vec![(
                "zalando.operator.install",
                "false   # another spec in this folder installs it".into(),
            )]
        } else {
            Vec::new()
        }
    }

    fn applications(&self, cluster: &PostgresCluster) -> Vec<RenderedApplication> {
        let operator = &cluster.spec.zalando.operator;
        if !operator.install {
            return Vec::new();
        }
        vec![RenderedApplication {
            field: "/spec/zalando/operator/applicationName",
            name: format!(
                "{}/{}",
                cluster.spec.argocd.namespace, operator.application_name
            ),
            remedy: "the operator is cluster-wide: set spec.zalando.operator.install: false in every spec but one",
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
