//! The CloudNativePG operator: a `postgresql.cnpg.io/v1` Cluster applied
//! with the rest of the folder, and the operator itself installed by its own
//! ArgoCD Application in an earlier sync wave.

use std::collections::BTreeMap;

use super::{Backend, BackendOutput, ParsedFiles, RenderedApplication, document, text};
use crate::alerts::Alert;
use crate::diagnostic::Report;
use crate::facts::{ClusterFacts, IngressRule, SecretKey};
use crate::footprint::{BackupBeforeChange, Change, Footprint, Impact};
use crate::names::{dns_label, is_url};
use crate::plan::RenderOptions;
use crate::spec::{Backend as BackendName, ImageName, PostgresCluster};
use crate::templates::{Renderer, Template};
use crate::versions::{
    CLOUDNATIVE_PG_METRICS, CLOUDNATIVE_PG_MINORS, DEFAULT_OPERATOR_CHART,
    OLDEST_OPERATOR_CHART_WITH_EMITTED_FIELDS, OPERATOR_CHARTS, OperatorChart,
    cloudnative_pg_image, cloudnative_pg_os, semver,
};
use crate::versions::{image_tag, major_of_tag};

#[derive(Debug)]
pub(crate) struct CloudnativePg;

pub(super) const TEMPLATES: [Template; 4] = crate::templates::embedded![
    "cloudnative-pg/application.yaml",
    "cloudnative-pg/cluster.yaml",
    "cloudnative-pg/pod-monitor.yaml",
    "cloudnative-pg/README.md",
];

/// CloudNativePG's services listen on PostgreSQL's port; the operator owns
/// their port list.
const CNPG_PORT: u32 = 5432;

/// What pgrender makes of an operator chart version.
enum ChartSupport {
    Current,
    EndOfLife(&'static OperatorChart),
    /// Newer than every chart pgrender knows.
    Newer,
    Refused(String),
}

fn newest() -> &'static OperatorChart {
    OPERATOR_CHARTS.last().expect("the table lists a chart")
}

fn chart_support(version: &str) -> ChartSupport {
    let known: Vec<&str> = OPERATOR_CHARTS.iter().map(|c| c.chart).collect();
    let Some(triple) = semver(version) else {
        return ChartSupport::Refused(format!(
            "`{version}` is not an exact chart version; pgrender knows {} (write one of them)",
            known.join(", ")
        ));
    };
    if let Some(chart) = OPERATOR_CHARTS.iter().find(|c| c.chart == version) {
        return match chart.end_of_life {
            Some(_) => ChartSupport::EndOfLife(chart),
            None => ChartSupport::Current,
        };
    }
    if Some(triple) > semver(newest().chart) {
        return ChartSupport::Newer;
    }
    let (a, b, c) = OLDEST_OPERATOR_CHART_WITH_EMITTED_FIELDS;
    if triple < (a, b, c) {
        return ChartSupport::Refused(format!(
            "chart {version} is older than {a}.{b}.{c}: its Cluster CRD lacks fields pgrender emits \
             (probes, managed.services, synchronous.dataDurability); use {DEFAULT_OPERATOR_CHART}"
        ));
    }
    ChartSupport::Refused(format!(
        "chart {version} is not a release pgrender knows ({}); use {DEFAULT_OPERATOR_CHART}",
        known.join(", ")
    ))
}

/// An image reference that names a tag of PostgreSQL `major`. A digest
/// alone does not say which major runs, so a tag is required beside it.
fn check_image(image: &ImageName, major: u32) -> Result<(), String> {
    let example = cloudnative_pg_image(major).unwrap_or_default();
    let text = image.text();
    let Some(parts) = image.value().filter(|parts| !parts.malformed) else {
        return Err(format!(
            "`{text}` is not an image reference such as {example}"
        ));
    };
    let Some(tag) = &parts.tag else {
        return Err(format!(
            "`{text}` must name a tag that says the PostgreSQL major (a digest may follow it), e.g. {example}"
        ));
    };
    match parts.major {
        Some(m) if m == major => Ok(()),
        Some(m) => Err(format!(
            "`{text}` runs PostgreSQL {m}, but spec.postgres.version is {major}: change both together"
        )),
        None => Err(format!(
            "the tag `{tag}` does not start with the PostgreSQL major; use a tag such as {}",
            example.rsplit_once(':').map_or("", |(_, t)| t)
        )),
    }
}

impl CloudnativePg {
    fn image(cluster: &PostgresCluster) -> String {
        let spec = &cluster.spec;
        spec.cloudnative_pg.image_name.as_ref().map_or_else(
            || {
                // Not an order of calls but the version table: every major a
                // spec can hold has a row (`every_accepted_major_has_an_image`).
                cloudnative_pg_image(spec.postgres.version.major()).unwrap_or_default()
            },
            |image| image.text().to_string(),
        )
    }
}

/// The parameters CloudNativePG sets itself and its admission webhook
/// refuses in a Cluster: `FixedConfigurationParameters` of
/// `pkg/postgres/configuration.go` (a test holds the two equal).
pub const FIXED_PARAMETERS: [&str; 65] = [
    "allow_system_table_mods",
    "archive_cleanup_command",
    "archive_command",
    "archive_mode",
    "bonjour",
    "bonjour_name",
    "cluster_name",
    "config_file",
    "data_directory",
    "data_sync_retry",
    "event_source",
    "external_pid_file",
    "hba_file",
    "hot_standby",
    "ident_file",
    "jit_provider",
    "listen_addresses",
    "log_destination",
    "log_directory",
    "log_file_mode",
    "log_filename",
    "log_rotation_age",
    "log_rotation_size",
    "log_truncate_on_rotation",
    "logging_collector",
    "pg_failover_slots.primary_dsn",
    "pg_failover_slots.standby_slot_names",
    "port",
    "primary_conninfo",
    "primary_slot_name",
    "promote_trigger_file",
    "recovery_end_command",
    "recovery_min_apply_delay",
    "recovery_target",
    "recovery_target_action",
    "recovery_target_inclusive",
    "recovery_target_lsn",
    "recovery_target_name",
    "recovery_target_time",
    "recovery_target_timeline",
    "recovery_target_xid",
    "restart_after_crash",
    "restore_command",
    "shared_preload_libraries",
    "ssl",
    "ssl_ca_file",
    "ssl_cert_file",
    "ssl_crl_file",
    "ssl_dh_params_file",
    "ssl_ecdh_curve",
    "ssl_key_file",
    "ssl_passphrase_command",
    "ssl_passphrase_command_supports_reload",
    "ssl_prefer_server_ciphers",
    "stats_temp_directory",
    "synchronized_standby_slots",
    "synchronous_standby_names",
    "syslog_facility",
    "syslog_ident",
    "syslog_sequence_numbers",
    "syslog_split_messages",
    "temp_tablespaces",
    "unix_socket_directories",
    "unix_socket_group",
    "unix_socket_permissions",
];

/// Roles the operator keeps for itself: `postgres`, `streaming_replica`
/// and the prefix `cnpg_` (`pkg/postgres/roles.go`, `IsRoleReserved`; its
/// webhook refuses them), and `app`, the owner of the database it
/// bootstraps, whose password it keeps equal to the Secret `<name>-app`
/// (`api/v1/cluster_defaults.go`, `DefaultApplicationUserName`).
pub const RESERVED_ROLES: super::ReservedRoles = super::ReservedRoles {
    names: &["postgres", "streaming_replica", "app"],
    prefixes: &["cnpg_"],
    why: "CloudNativePG keeps for itself (its webhook refuses it, or it owns the password)",
};

/// What CloudNativePG's admission webhook refuses in the settings that
/// PostgreSQL itself would take (`internal/webhook/v1/cluster_webhook.go`).
fn check_webhook_settings(cluster: &PostgresCluster, report: &mut Report<'_>) {
    let parameters = &cluster.spec.postgres.parameters;
    // `parsePostgresQuantityValue` reads a bare number as MB; PostgreSQL
    // reads shared_buffers in 8kB pages: `65536` is 512MB to the server and
    // 64GB to the webhook, which then refuses the pod's memory as too small.
    if let Some(value) = parameters.get("shared_buffers")
        && !value.0.is_empty()
        && value.0.bytes().all(|b| b.is_ascii_digit())
    {
        report.at_value(
            "/spec/postgres/parameters/shared_buffers",
            format!(
                "`{}` has no unit: PostgreSQL reads 8kB pages, but CloudNativePG's webhook reads a bare number as MB and refuses the Cluster; write the unit, e.g. 512MB",
                value.0
            ),
        );
    }
    // `validateWalSizeConfiguration`: min_wal_size must stay below
    // max_wal_size, equal included; unset, they are 80MB and 1GB.
    let major = cluster.spec.postgres.version.major();
    let bytes = |name: &str, default: &str| -> Option<f64> {
        let text = parameters.get(name).map_or(default, |v| v.0.as_str());
        crate::pg_settings::definition(major, name)?.bytes(text)
    };
    if let (Some(min), Some(max)) = (bytes("min_wal_size", "80MB"), bytes("max_wal_size", "1GB"))
        && min == max
    {
        report.at_value(
            if parameters.contains_key("min_wal_size") {
                "/spec/postgres/parameters/min_wal_size"
            } else {
                "/spec/postgres/parameters/max_wal_size"
            },
            "min_wal_size equals max_wal_size, and CloudNativePG's webhook refuses a min_wal_size that is not smaller than max_wal_size; lower min_wal_size",
        );
    }
}

impl Backend for CloudnativePg {
    fn parameter_owner(&self, name: &str) -> Option<String> {
        FIXED_PARAMETERS.contains(&name).then(|| {
            "CloudNativePG sets it itself, and its admission webhook refuses it in a Cluster (FixedConfigurationParameters, pkg/postgres/configuration.go)".to_string()
        })
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

    fn validate(&self, cluster: &PostgresCluster, report: &mut Report<'_>) {
        let spec = &cluster.spec;
        RESERVED_ROLES.check(cluster, report);
        check_webhook_settings(cluster, report);
        if report.is_written("/spec/argocd/applicationName") {
            report.at_key(
                "/spec/argocd/applicationName",
                "means nothing for cloudnative-pg: the Cluster is applied by the Application that syncs this folder, \
                 and the operator's Application is named by spec.cloudnativePg.operator.applicationName",
            );
        }
        if spec.network.port != CNPG_PORT {
            report.at_value(
                "/spec/network/port",
                format!("CloudNativePG services listen on {CNPG_PORT}; the operator does not let the port change"),
            );
        }
        let operator = &spec.cloudnative_pg.operator;
        for (pointer, value) in [
            (
                "/spec/cloudnativePg/operator/namespace",
                &operator.namespace,
            ),
            (
                "/spec/cloudnativePg/operator/applicationName",
                &operator.application_name,
            ),
        ] {
            if let Err(why) = dns_label(value) {
                report.at_value(pointer, why);
            }
        }
        if !is_url(&operator.repo_url, &["https://"]) {
            report.at_value(
                "/spec/cloudnativePg/operator/repoURL",
                format!(
                    "`{}` must be an https:// Helm repository",
                    operator.repo_url
                ),
            );
        }
        let major = spec.postgres.version.major();
        if !CLOUDNATIVE_PG_MINORS.iter().any(|(m, _)| *m == major) {
            report.at_value(
                "/spec/postgres/version",
                format!("pgrender has no CloudNativePG image for PostgreSQL {major}"),
            );
        }
        if let ChartSupport::Refused(why) = chart_support(&operator.chart_version) {
            report.at_value("/spec/cloudnativePg/operator/chartVersion", why);
        }
        super::require_user_secrets(cluster, report);
        let mut secrets = Vec::new();
        for (i, user) in spec.auth.users.iter().enumerate() {
            let Some(secret) = &user.existing_secret else {
                continue;
            };
            if secrets.contains(&secret) {
                report.at_value(
                    &format!("/spec/auth/users/{i}/existingSecret"),
                    format!(
                        "`{secret}` is already the Secret of another role: CloudNativePG reads each role's password from a basic-auth Secret of its own (keys `username` = the role, `password`)"
                    ),
                );
            }
            secrets.push(secret);
        }
        if let Some(image) = &spec.cloudnative_pg.image_name
            && let Err(why) = check_image(image, major)
        {
            report.at_value("/spec/cloudnativePg/imageName", why);
        }
    }

    fn warnings(&self, cluster: &PostgresCluster) -> Vec<String> {
        let operator = &cluster.spec.cloudnative_pg.operator;
        match chart_support(&operator.chart_version) {
            ChartSupport::Current | ChartSupport::Refused(_) => Vec::new(),
            ChartSupport::EndOfLife(chart) => vec![format!(
                "spec.cloudnativePg.operator.chartVersion {} installs operator {}, which reached its end of life on {}: \
                 it gets no security fixes. Chart {DEFAULT_OPERATOR_CHART} (operator {}) is current.",
                chart.chart,
                chart.operator,
                chart.end_of_life.unwrap_or("?"),
                newest().operator
            )],
            ChartSupport::Newer => vec![format!(
                "spec.cloudnativePg.operator.chartVersion {} is newer than any chart pgrender knows (newest: {}): \
                 its Cluster CRD is assumed to keep every field pgrender emits",
                operator.chart_version,
                newest().chart
            )],
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
        let spec = &cluster.spec;
        let name = &cluster.metadata.name;
        // Pod labels set by the operator on every instance pod.
        let cluster_labels = BTreeMap::from([("cnpg.io/cluster".to_string(), name.clone())]);
        let mut server_labels = cluster_labels.clone();
        server_labels.insert("cnpg.io/podRole".into(), "instance".into());
        let ns = &spec.namespace.0;
        ClusterFacts {
            title: "CloudNativePG",
            health: format!("`kubectl -n {ns} get cluster {name}` shows `Cluster in healthy state`"),
            removal: "the operator deletes the instances and their data volumes, which belong to the Cluster: the data is gone".into(),
            operator: spec.cloudnative_pg.operator.install.then(|| {
                format!(
                    "the CloudNativePG operator (Application `{}/{}`)",
                    spec.argocd.namespace, spec.cloudnative_pg.operator.application_name
                )
            }),
            data_claims_selector: format!("cnpg.io/cluster={name}"),
            // The read-write service always points at the primary.
            service_host: format!("{name}-rw.{}.svc.cluster.local", spec.namespace.0),
            primary_candidates: Vec::new(),
            client_image: Self::image(cluster),
            // The `postgres` user of the official images.
            run_as_user: 26,
            superuser: "postgres".into(),
            password_secret: spec.auth.existing_secret.clone(),
            password_key: "password".into(),
            secret_keys: vec![
                SecretKey {
                    key: "username".into(),
                    purpose: "always `postgres` (the superuser)".into(),
                    value: Some("postgres".into()),
                },
                SecretKey {
                    key: "password".into(),
                    purpose: "password of the `postgres` superuser (operator and backup job)"
                        .into(),
                    value: None,
                },
            ],
            user_secrets: spec.auth.users.iter().map(|u| (u.name.clone(), u.existing_secret.clone().unwrap_or_default())).collect(),
            users_share_secret: false,
            credentials_by_operator: false,
            secret_type: "kubernetes.io/basic-auth",
            secret_readers: "The CloudNativePG operator (as `superuserSecret`) and the backup job",
            entry_pods: "the primary PostgreSQL pod",
            internal_database: None,
            server_container: "postgres",
            exporter: "Each instance's built-in CloudNativePG exporter serves the `cnpg_*` metrics",
            scrape_object: "PodMonitor",
            metrics: CLOUDNATIVE_PG_METRICS,
            extra_ingress: vec![
                IngressRule {
                    why: "The operator checks each instance (status port 8000) and connects to PostgreSQL.",
                    namespace: spec.cloudnative_pg.operator.namespace.clone(),
                    ports: vec![8000, 5432],
                },
                // pkg/management/postgres/webserver/probes/pinger.go; the
                // liveness probe's isolation check is on by default.
                IngressRule {
                    why: "When the API server is out of reach, the primary's liveness probe asks every instance's status port (8000); blocked, the primary restarts.",
                    namespace: spec.namespace.0.clone(),
                    ports: vec![8000],
                },
            ],
            server_labels,
            proxy_labels: None,
            cluster_labels,
            postgres_port: 5432,
            client_port: 5432,
            metrics_port: 9187,
            server_pod_regex: format!("{name}-[0-9]+"),
            // Instance PVCs are named after their pods.
            data_claim_regex: format!("{name}-[0-9]+"),
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
            ..super::base_context(cluster, facts, alerts, options)
        };
        let files = super::render_files(
            renderer,
            &context,
            &[
                ("cluster.yaml", "cloudnative-pg/cluster.yaml", true),
                (
                    "application.yaml",
                    "cloudnative-pg/application.yaml",
                    spec.cloudnative_pg.operator.install,
                ),
                (
                    "monitoring/pod-monitor.yaml",
                    "cloudnative-pg/pod-monitor.yaml",
                    spec.monitoring.exporter && spec.monitoring.service_monitor,
                ),
            ],
        )?;
        Ok(BackendOutput {
            files,
            readme_template: "cloudnative-pg/README.md",
            readme_context: context,
        })
    }

    fn templates(&self) -> &'static [Template] {
        &TEMPLATES
    }

    fn read_footprint(&self, _: &str, files: &ParsedFiles) -> Option<Footprint> {
        let cluster = document(files, "cluster.yaml", "Cluster")?;
        let spec = &cluster["spec"];
        let server_config = super::pod_config(
            spec,
            &[
                "/instances",
                "/storage",
                "/managed",
                "/postgresql/parameters",
            ],
        );
        let service = &spec["managed"]["services"]["additional"][0]["serviceTemplate"];
        let tag = spec["imageName"].as_str().and_then(image_tag);
        Some(Footprint {
            backend: BackendName::CloudnativePg.as_str(),
            major: tag.and_then(major_of_tag),
            image_os: tag.and_then(cloudnative_pg_os).map(str::to_string),
            instances: spec["instances"].as_u64(),
            storage_size: crate::quantity::from_json(&spec["storage"]["size"]),
            storage_class: text(&spec["storage"]["storageClass"]),
            address: super::requested_address(&service["metadata"]["annotations"]),
            parameters: super::settings_in(&spec["postgresql"]["parameters"]),
            server_config,
            ..Footprint::default()
        })
    }

    fn judge(&self, name: &str, old: &Footprint, new: &Footprint) -> Vec<Change> {
        let ns = &new.namespace;
        let backup = BackupBeforeChange::new(name, ns);
        let mut changes = Vec::new();
        let os_moves = match (&old.image_os, &new.image_os) {
            (Some(o), Some(n)) if o != n => Some((o.as_str(), n.as_str())),
            _ => None,
        };
        let major_rises = matches!((old.major, new.major), (Some(o), Some(n)) if n > o);
        if let Some((o, n)) = os_moves {
            let reindex = format!(
                "after every instance runs the new image, rebuild the indexes on text in each database: kubectl cnpg psql {name} -n {ns} -- -d <database> -c 'REINDEX DATABASE <database>' (the kubectl-cnpg plugin)"
            );
            changes.push(if major_rises {
                Change::new(
                    Impact::DestroysData,
                    format!("server image OS {o} -> {n} together with a new PostgreSQL major: the in-place upgrade (pg_upgrade) needs the old and the new image on the same OS family, so the upgraded cluster cannot start from its data"),
                )
                .step(format!(
                    "change one thing per render: first the OS at the current major (spec.postgres.version: {}, spec.cloudnativePg.imageName: {})",
                    old.major.map_or("<current>".to_string(), |m| m.to_string()),
                    old.major
                        .and_then(cloudnative_pg_image)
                        .unwrap_or_else(|| "<the current major's tag on the new OS>".to_string())
                ))
                .step(reindex)
                .step("then raise spec.postgres.version in a render of its own")
            } else {
                Change::new(
                    Impact::ManualStep,
                    format!("server image OS {o} -> {n}: the operator restarts every instance on the new image, whose glibc sorts text differently; indexes on text columns built under the old rules can return wrong results until rebuilt"),
                )
                .back_up(&backup)
                .commit("commit the render and wait for the rolling restart")
                .step(reindex)
            });
        }
        if let (Some(o), Some(n)) = (old.major, new.major)
            && n > o
            && os_moves.is_none()
        {
            changes.push(
                Change::new(
                    Impact::ManualStep,
                    format!("PostgreSQL {o} -> {n}: CloudNativePG upgrades in place with pg_upgrade: every instance stops for the upgrade (downtime) and the replicas are cloned again; the old and the new image must be of the same OS family"),
                )
                .back_up(&backup)
                .commit("plan the downtime, then commit the render")
                .step(format!("watch the upgrade: kubectl -n {ns} get cluster {name} -w (phase back to 'Cluster in healthy state')")),
            );
        }
        let shrinks = matches!((&old.storage_size, &new.storage_size), (Some(o), Some(n)) if n < o);
        if old.storage_size != new.storage_size {
            let sizes = format!(
                "data volumes {} -> {}",
                super::shown(old.storage_size.as_ref()),
                super::shown(new.storage_size.as_ref())
            );
            changes.push(if shrinks {
                Change::new(
                    Impact::RefusedByKubernetes,
                    format!("{sizes}: a volume cannot shrink, and the operator rejects the change"),
                )
                .step("keep the size, or move the data to a new cluster with pgrender migrate-guide")
            } else if new.storage_class.as_deref() == Some("local-path") {
                Change::new(
                    Impact::ManualStep,
                    format!("{sizes}: the operator grows volumes only when their StorageClass allows expansion, and K3s local-path does not"),
                )
                .back_up(&backup)
                .commit("commit the render, then replace one replica at a time so that the operator recreates it with the new size:")
                .step(format!("kubectl cnpg destroy {name} <replica number> -n {ns} (the kubectl-cnpg plugin); wait for the new replica; repeat; finally kubectl cnpg promote to a new replica and destroy the old primary"))
            } else {
                Change::new(
                    Impact::ManualStep,
                    format!("{sizes}: the operator grows each volume in place if StorageClass {} allows expansion", new.storage_class.as_deref().unwrap_or("?")),
                )
                .step(format!(
                    "check: kubectl get storageclass {} -o jsonpath='{{.allowVolumeExpansion}}' must print true",
                    new.storage_class.as_deref().unwrap_or("?")
                ))
            });
        }
        if old.storage_class != new.storage_class {
            changes.push(Change::new(
                Impact::ManualStep,
                format!(
                    "volume class {} -> {}: only volumes created from now on get the new class; existing instances keep theirs until they are recreated",
                    old.storage_class.as_deref().unwrap_or("?"),
                    new.storage_class.as_deref().unwrap_or("?")
                ),
            ));
        }
        if let (Some(o), Some(n)) = (old.instances, new.instances)
            && n < o
        {
            changes.push(Change::new(
                Impact::RollingRestart,
                format!("instances {o} -> {n}: the operator removes replicas and their volumes; clients of the read-only endpoint reconnect"),
            ));
        }
        changes.extend(super::settings_change(
            old,
            new,
            super::Delivery::Operator {
                reload: "CloudNativePG reloads PostgreSQL",
                restart: "CloudNativePG restarts the replicas one at a time, then the primary in place (primaryUpdateMethod: restart, its default): writes stop while it restarts; clients reconnect",
            },
        ));
        super::shared_changes(
            old,
            new,
            &mut changes,
            "the operator restarts the replicas one at a time, then the primary in place (primaryUpdateMethod: restart, its default): writes stop while it restarts; clients reconnect",
        );
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_must_name_the_spec_major() {
        assert!(
            check_image(
                &ImageName::new("ghcr.io/cloudnative-pg/postgresql:17.11-standard-trixie"),
                17
            )
            .is_ok()
        );
        assert!(
            check_image(
                &ImageName::new("registry.lan:5000/pg:16.15-minimal-trixie@sha256:ab"),
                16
            )
            .is_ok()
        );
        let wrong = check_image(
            &ImageName::new("ghcr.io/cloudnative-pg/postgresql:16.15-standard-trixie"),
            17,
        );
        assert!(wrong.is_err_and(|e| e.contains("runs PostgreSQL 16")));
        assert!(check_image(&ImageName::new("registry.lan:5000/pg@sha256:ab"), 16).is_err());
        assert!(
            check_image(
                &ImageName::new("ghcr.io/cloudnative-pg/postgresql:latest"),
                16
            )
            .is_err()
        );
    }

    #[test]
    fn chart_versions_are_judged_by_the_table() {
        assert!(matches!(chart_support("0.29.0"), ChartSupport::Current));
        assert!(matches!(
            chart_support("0.27.1"),
            ChartSupport::EndOfLife(_)
        ));
        assert!(matches!(chart_support("0.31.0"), ChartSupport::Newer));
        assert!(matches!(chart_support("0.28.0"), ChartSupport::Refused(_)));
        assert!(
            matches!(chart_support("0.23.0"), ChartSupport::Refused(w) if w.contains("lacks fields"))
        );
        assert!(matches!(chart_support("0.29.x"), ChartSupport::Refused(_)));
    }

    #[test]
    fn every_accepted_major_has_an_image() {
        for version in crate::spec::PostgresVersion::ALL {
            assert!(
                cloudnative_pg_image(version.major()).is_some(),
                "PostgreSQL {} has no row in CLOUDNATIVE_PG_MINORS",
                version.major()
            );
        }
    }
}
