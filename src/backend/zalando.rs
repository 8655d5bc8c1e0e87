//! Zalando's postgres-operator: an `acid.zalan.do/v1` `postgresql` object
//! applied with the rest of the folder (Spilo pods, Patroni for failover),
//! and the operator itself installed by its own ArgoCD Application in an
//! earlier sync wave, with the operator-wide settings pgrender relies on.

use std::collections::BTreeMap;

use super::{Backend, BackendOutput, Delivery, ParsedFiles, RenderedApplication, document, text};
use crate::alerts::Alert;
use crate::diagnostic::Report;
use crate::facts::{ClusterFacts, IngressRule, SecretKey};
use crate::footprint::{BackupBeforeChange, Change, Footprint, Impact};
use crate::names::{dns_label, is_url};
use crate::plan::RenderOptions;
use crate::spec::{Backend as BackendName, PostgresCluster};
use crate::templates::{Renderer, Template};
use crate::versions::{
    POSTGRES_EXPORTER_IMAGE, POSTGRES_EXPORTER_METRICS, SPILO_IMAGE, ZALANDO_CHART, ZALANDO_MAJORS,
    cloudnative_pg_image,
};

#[derive(Debug)]
pub(crate) struct Zalando;

pub(super) const TEMPLATES: [Template; 4] = crate::templates::embedded![
    "zalando/application.yaml",
    "zalando/postgresql.yaml",
    "zalando/exporter.yaml",
    "zalando/README.md",
];

/// Spilo's PostgreSQL port; the operator's services use it too.
const SPILO_PORT: u32 = 5432;

/// The longest `postgresql` object name: its StatefulSet's pods carry a
/// `controller-revision-hash` label of the name plus 11 characters, and a
/// label value stops at 63.
const MAX_CLUSTER_NAME: usize = 52;

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
pub const RESERVED_ROLES: super::ReservedRoles = super::ReservedRoles {
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

impl Zalando {
    fn image(cluster: &PostgresCluster) -> String {
        cluster
            .spec
            .zalando
            .docker_image
            .as_ref()
            .map_or_else(|| SPILO_IMAGE.to_string(), |i| i.text().to_string())
    }
}

impl Backend for Zalando {
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

    fn validate(&self, cluster: &PostgresCluster, report: &mut Report<'_>) {
        let spec = &cluster.spec;
        let name = cluster_name(cluster);
        if report.is_written("/spec/argocd/applicationName") {
            report.at_key(
                "/spec/argocd/applicationName",
                "means nothing for zalando-postgres-operator: the postgresql object is applied by the Application that syncs this folder, \
                 and the operator's Application is named by spec.zalando.operator.applicationName",
            );
        }
        if report.is_written("/spec/auth/existingSecret") {
            report.at_key(
                "/spec/auth/existingSecret",
                format!(
                    "the operator creates the postgres password itself, in Secret {}; remove this field",
                    credentials_secret("postgres", &name)
                ),
            );
        }
        RESERVED_ROLES.check(cluster, report);
        let pattern = regex::Regex::new(USER_PATTERN).expect("the operator's pattern compiles");
        for (i, user) in spec.auth.users.iter().enumerate() {
            let role = &user.name;
            if !RESERVED_ROLES.contains(role) && !pattern.is_match(role) {
                report.at_value(
                    &format!("/spec/auth/users/{i}/name"),
                    format!("`{role}` is not a role name the operator creates (it must start and end with a letter or digit); one it refuses fails the user sync of the whole cluster"),
                );
            }
            if user.existing_secret.is_some() {
                report.at_key(
                    &format!("/spec/auth/users/{i}/existingSecret"),
                    format!(
                        "the operator creates this role's password itself, in Secret {}; remove this field",
                        credentials_secret(&user.name, &name)
                    ),
                );
            }
        }
        if spec.network.port != SPILO_PORT {
            report.at_value(
                "/spec/network/port",
                format!("Spilo and the operator's services listen on {SPILO_PORT}; the port cannot change"),
            );
        }
        match dns_label(&spec.zalando.team_id) {
            Err(why) => report.at_value("/spec/zalando/teamId", why),
            Ok(()) if name.len() > MAX_CLUSTER_NAME => report.at_value(
                "/spec/zalando/teamId",
                format!(
                    "the postgresql object `{name}` (teamId-metadata.name) is {} characters; the operator's pods need it at most {MAX_CLUSTER_NAME}",
                    name.len()
                ),
            ),
            Ok(()) => {}
        }
        let operator = &spec.zalando.operator;
        for (pointer, value) in [
            ("/spec/zalando/operator/namespace", &operator.namespace),
            (
                "/spec/zalando/operator/applicationName",
                &operator.application_name,
            ),
        ] {
            if let Err(why) = dns_label(value) {
                report.at_value(pointer, why);
            }
        }
        if !is_url(&operator.repo_url, &["https://"]) {
            report.at_value(
                "/spec/zalando/operator/repoURL",
                format!(
                    "`{}` must be an https:// Helm repository",
                    operator.repo_url
                ),
            );
        }
        if operator.chart_version != ZALANDO_CHART {
            report.at_value(
                "/spec/zalando/operator/chartVersion",
                format!(
                    "`{}` is not a chart pgrender knows; it renders for postgres-operator {ZALANDO_CHART}",
                    operator.chart_version
                ),
            );
        }
        let major = spec.postgres.version.major();
        if !ZALANDO_MAJORS.contains(&major) {
            report.at_value(
                "/spec/postgres/version",
                format!("pgrender does not run PostgreSQL {major} on Zalando's operator"),
            );
        }
        if let Some(image) = &spec.zalando.docker_image {
            let text = image.text();
            match image.value() {
                Some(parts) if !parts.malformed && parts.tag.is_some() => {}
                _ => report.at_value(
                    "/spec/zalando/dockerImage",
                    format!("`{text}` must be a Spilo image with a tag, such as {SPILO_IMAGE}"),
                ),
            }
        }
    }

    fn warnings(&self, _: &PostgresCluster) -> Vec<String> {
        Vec::new()
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
        let spec = &cluster.spec;
        let name = cluster_name(cluster);
        // The labels the operator puts on every Spilo pod
        // (`configKubernetes.cluster_labels` and `cluster_name_label`).
        let labels = BTreeMap::from([
            ("application".to_string(), "spilo".to_string()),
            ("cluster-name".to_string(), name.clone()),
        ]);
        let ns = &spec.namespace.0;
        ClusterFacts {
            title: "Zalando postgres-operator",
            health: format!("`kubectl -n {ns} get postgresql {name}` shows `Running`"),
            removal: format!(
                "the operator stops the pods and removes the services; the volumes `pgdata-{name}-*` and the password Secrets stay (pgrender turns their deletion off)"
            ),
            operator: spec.zalando.operator.install.then(|| {
                format!(
                    "Zalando's postgres-operator (Application `{}/{}`)",
                    spec.argocd.namespace, spec.zalando.operator.application_name
                )
            }),
            data_claims_selector: format!("application=spilo,cluster-name={name}"),
            // The master service always points at the primary.
            service_host: format!("{name}.{}.svc.cluster.local", spec.namespace.0),
            primary_candidates: Vec::new(),
            // pg_dump of the server's major, as the other backends use it;
            // Spilo carries several majors and picks one at start.
            client_image: cloudnative_pg_image(spec.postgres.version.major()).unwrap_or_default(),
            run_as_user: 26,
            superuser: "postgres".into(),
            password_secret: credentials_secret("postgres", &name),
            password_key: "password".into(),
            secret_keys: vec![
                SecretKey {
                    key: "username".into(),
                    purpose: "always `postgres` (the superuser)".into(),
                    value: Some("postgres".into()),
                },
                SecretKey {
                    key: "password".into(),
                    purpose: "password of `postgres`, made and kept by the operator".into(),
                    value: None,
                },
            ],
            user_secrets: spec
                .auth
                .users
                .iter()
                .map(|u| (u.name.clone(), credentials_secret(&u.name, &name)))
                .collect(),
            users_share_secret: false,
            credentials_by_operator: true,
            secret_type: "Opaque",
            secret_readers: "The backup job and the exporter",
            entry_pods: "the primary PostgreSQL pod",
            internal_database: None,
            server_container: "postgres",
            exporter: "postgres-exporter runs as a sidecar beside each PostgreSQL container",
            scrape_object: "ServiceMonitor",
            metrics: POSTGRES_EXPORTER_METRICS,
            extra_ingress: vec![
                IngressRule {
                    why: "The operator asks Patroni (port 8008) and connects to PostgreSQL.",
                    namespace: spec.zalando.operator.namespace.clone(),
                    ports: vec![8008, 5432],
                },
                IngressRule {
                    why: "Patroni members ask each other's REST API before a failover.",
                    namespace: spec.namespace.0.clone(),
                    ports: vec![8008],
                },
            ],
            server_labels: labels.clone(),
            proxy_labels: None,
            cluster_labels: labels,
            postgres_port: 5432,
            client_port: 5432,
            metrics_port: 9187,
            server_pod_regex: format!("{name}-[0-9]+"),
            data_claim_regex: format!("pgdata-{name}-[0-9]+"),
        }
    }

    fn render(
        &self,
        cluster: &PostgresCluster,
        facts: &ClusterFacts,
        alerts: &[Alert],
        renderer: &Renderer,
        options: &RenderOptions,
    ) -> Result<BackendOutput, minijinja::Error> {
        let spec = &cluster.spec;
        let context = minijinja::context! {
            image => Self::image(cluster),
            cluster => cluster_name(cluster),
            exporter_image => POSTGRES_EXPORTER_IMAGE,
            chart_version => ZALANDO_CHART,
            ..super::base_context(cluster, facts, alerts, options)
        };
        let files = super::render_files(
            renderer,
            &context,
            &[
                ("postgresql.yaml", "zalando/postgresql.yaml", true),
                (
                    "application.yaml",
                    "zalando/application.yaml",
                    spec.zalando.operator.install,
                ),
                (
                    "monitoring/exporter.yaml",
                    "zalando/exporter.yaml",
                    spec.monitoring.exporter && spec.monitoring.service_monitor,
                ),
            ],
        )?;
        Ok(BackendOutput {
            files,
            readme_template: "zalando/README.md",
            readme_context: context,
        })
    }

    fn templates(&self) -> &'static [Template] {
        &TEMPLATES
    }

    fn read_footprint(&self, _: &str, files: &ParsedFiles) -> Option<Footprint> {
        let object = document(files, "postgresql.yaml", "postgresql")?;
        let spec = &object["spec"];
        // Changed without restarting the pods: by the operator on the
        // volumes and services, by Patroni for the settings.
        let server_config = super::pod_config(
            spec,
            &[
                "/numberOfInstances",
                "/volume",
                "/masterServiceAnnotations",
                "/allowedSourceRanges",
                "/users",
                "/postgresql/parameters",
            ],
        );
        Some(Footprint {
            backend: BackendName::ZalandoPostgresOperator.as_str(),
            cluster_object: text(&object["metadata"]["name"]),
            major: text(&spec["postgresql"]["version"]).and_then(|v| v.parse().ok()),
            instances: spec["numberOfInstances"].as_u64(),
            storage_size: crate::quantity::from_json(&spec["volume"]["size"]),
            storage_class: text(&spec["volume"]["storageClass"]),
            address: super::requested_address(&spec["masterServiceAnnotations"]),
            parameters: super::settings_in(&spec["postgresql"]["parameters"]),
            server_config,
            ..Footprint::default()
        })
    }

    fn judge(&self, name: &str, old: &Footprint, new: &Footprint) -> Vec<Change> {
        let ns = &new.namespace;
        let backup = BackupBeforeChange::new(name, ns);
        let object = format!("postgresql/{}", pods_prefix(old));
        let mut changes = Vec::new();
        if let (Some(o), Some(n)) = (old.major, new.major)
            && n > o
        {
            changes.push(
                Change::new(
                    Impact::ManualStep,
                    format!("PostgreSQL {o} -> {n}: the operator upgrades in place with pg_upgrade (its major_version_upgrade_mode is manual: the manifest asks for it); replicas are rebuilt and the primary is down while it upgrades"),
                )
                .back_up(&backup)
                .commit("commit the render and let ArgoCD sync")
                .step(format!("watch the upgrade: kubectl -n {ns} get {object} -w, and kubectl -n {ns} logs {}-0 -c postgres", pods_prefix(old))),
            );
        }
        if old.storage_class != new.storage_class
            || old
                .storage_size
                .as_ref()
                .zip(new.storage_size.as_ref())
                .is_some_and(|(o, n)| n < o)
            || (old.storage_size != new.storage_size
                && old.storage_class.as_deref() == Some("local-path"))
        {
            changes.push(
                Change::new(
                    Impact::ManualStep,
                    format!(
                        "data volumes {} of class {} -> {} of class {}: the operator only grows volumes in place where the StorageClass allows expansion; it never shrinks one or moves it to another class, so the cluster keeps the old volumes",
                        super::shown(old.storage_size.as_ref()),
                        old.storage_class.as_deref().unwrap_or("?"),
                        super::shown(new.storage_size.as_ref()),
                        new.storage_class.as_deref().unwrap_or("?"),
                    ),
                )
                .back_up(&backup)
                .step("move the data to a new cluster instead: a second spec with its own name, then pgrender migrate-guide OLD NEW"),
            );
        } else if old.storage_size != new.storage_size {
            changes.push(
                Change::new(
                    Impact::ManualStep,
                    format!(
                        "data volumes {} -> {}: the operator grows each PVC in place if StorageClass {} allows expansion",
                        super::shown(old.storage_size.as_ref()),
                        super::shown(new.storage_size.as_ref()),
                        new.storage_class.as_deref().unwrap_or("?")
                    ),
                )
                .step(format!(
                    "check: kubectl get storageclass {} -o jsonpath='{{.allowVolumeExpansion}}' must print true",
                    new.storage_class.as_deref().unwrap_or("?")
                ))
                .commit("commit the render and let ArgoCD sync"),
            );
        }
        if let (Some(o), Some(n)) = (old.instances, new.instances)
            && n < o
        {
            let prefix = pods_prefix(old);
            let mut change = Change::new(
                Impact::ManualStep,
                format!(
                    "instances {o} -> {n}: the operator stops {}; their volumes stay (the operator's retention policy keeps them when scaling down)",
                    (n..o).map(|i| format!("{prefix}-{i}")).collect::<Vec<_>>().join(", ")
                ),
            )
            .commit("commit the render and let ArgoCD sync");
            for i in n..o {
                change = change.step(format!("kubectl -n {ns} delete pvc pgdata-{prefix}-{i}"));
            }
            changes.push(change);
        }
        changes.extend(super::settings_change(
            old,
            new,
            Delivery::Operator {
                reload: "Patroni reloads PostgreSQL",
                restart: "the operator restarts PostgreSQL through Patroni, one instance at a time, the primary last; clients reconnect",
            },
        ));
        super::shared_changes(
            old,
            new,
            &mut changes,
            "the operator replaces them one at a time, replicas first, then switches over the primary; clients reconnect",
        );
        changes
    }
}

/// The `postgresql` object's name, which its pods and volumes carry.
fn pods_prefix(print: &Footprint) -> &str {
    print.cluster_object.as_deref().unwrap_or("?")
}
