//! The rules a spec of this backend must follow beyond the shared ones:
//! the operator's chart, port and image, the settings and roles its
//! admission webhook refuses, one basic-auth Secret per role; and the
//! warnings about the operator release.

use super::versions::{
    DEFAULT_OPERATOR_CHART, OLDEST_OPERATOR_CHART_WITH_EMITTED_FIELDS, OPERATOR_CHARTS,
    OperatorChart,
};
use crate::backend::kit::versions::postgres_image;
use crate::read::diagnostic::Report;
use crate::spec::value::names::{dns_label, is_url};
use crate::spec::value::version::semver;
use crate::spec::{ImageName, PostgresCluster};

/// CloudNativePG's services listen on PostgreSQL's port; the operator owns
/// their port list.
const CNPG_PORT: u32 = 5432;

/// What pgrender makes of an operator chart version.
pub(super) enum ChartSupport {
    Current,
    EndOfLife(&'static OperatorChart),
    /// Newer than every chart pgrender knows.
    Newer,
    Refused(String),
}

pub(super) fn newest() -> &'static OperatorChart {
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
    let example = postgres_image(major).unwrap_or_default();
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
        crate::spec::value::pg_settings::definition(major, name)?.bytes(text)
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

/// Every rule of this backend's specs.
pub(super) fn validate(cluster: &PostgresCluster, report: &mut Report<'_>) {
    let spec = &cluster.spec;
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
    if let ChartSupport::Refused(why) = chart_support(&operator.chart_version) {
        report.at_value("/spec/cloudnativePg/operator/chartVersion", why);
    }
    crate::backend::kit::require_user_secrets(cluster, report);
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

/// The operator release, when it is past its support or newer than known.
pub(super) fn warnings(cluster: &PostgresCluster) -> Vec<String> {
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
}
