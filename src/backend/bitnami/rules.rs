//! The rules a spec of this backend must follow beyond the shared ones:
//! a chart it knows and where to get it, one Secret for every application
//! role (pgpool reads them together), image names; and the warning about
//! Bitnami's frozen images.

use super::chart::profile_for;
use super::versions::ADVISORY_FIXED_IN;
use crate::read::diagnostic::Report;
use crate::spec::PostgresCluster;
use crate::spec::value::names::{dns_label, is_url};

/// Every rule of this backend's specs.
pub(super) fn validate(cluster: &PostgresCluster, report: &mut Report<'_>) {
    if let Err(why) = profile_for(&cluster.spec.bitnami.chart.target_revision) {
        report.at_value("/spec/bitnami/chart/targetRevision", why);
    }
    check_chart(cluster, report);
    crate::backend::kit::require_user_secrets(cluster, report);
    check_users(cluster, report);
    check_images(cluster, report);
}

/// The chart's name, revision and repository.
fn check_chart(cluster: &PostgresCluster, report: &mut Report<'_>) {
    let spec = &cluster.spec;
    let chart = &spec.bitnami.chart;
    if dns_label(&chart.name).is_err() {
        report.at_value(
            "/spec/bitnami/chart/name",
            format!(
                "`{}` is not a chart name (lower-case letters, digits and `-`)",
                chart.name
            ),
        );
    }
    let revision_ok = chart
        .target_revision
        .text()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " .*^~<>=|,-+".contains(c));
    if !revision_ok {
        report.at_value(
            "/spec/bitnami/chart/targetRevision",
            format!(
                "`{}` is not a chart version or range",
                chart.target_revision
            ),
        );
    }
    let repo = &spec.bitnami.chart.repo_url;
    if !is_url(repo, &["oci://", "https://"]) {
        report.at_value(
            "/spec/bitnami/chart/repoURL",
            format!("`{repo}` must start with oci:// or https://"),
        );
    }
    if repo.starts_with("https://charts.bitnami.com") {
        report.at_value(
            "/spec/bitnami/chart/repoURL",
            "charts.bitnami.com lists only the last six months of charts, so this chart will not resolve; \
             use oci://registry-1.docker.io/bitnamicharts",
        );
    }
}

/// pgpool reads every application role from one Secret.
fn check_users(cluster: &PostgresCluster, report: &mut Report<'_>) {
    let spec = &cluster.spec;
    if let Some(first) = spec
        .auth
        .users
        .first()
        .and_then(|u| u.existing_secret.as_ref())
    {
        for (i, user) in spec.auth.users.iter().enumerate().skip(1) {
            if user.existing_secret.as_ref().is_some_and(|s| s != first) {
                report.at_value(
                    &format!("/spec/auth/users/{i}/existingSecret"),
                    format!(
                        "pgpool reads every application role from one Secret (keys `usernames` and `passwords`, `;`-separated): \
                         name `{first}` here too, as spec.auth.users[0] does"
                    ),
                );
            }
        }
    }
}

/// Where the four images come from.
fn check_images(cluster: &PostgresCluster, report: &mut Report<'_>) {
    let spec = &cluster.spec;
    if spec.bitnami.images.acknowledge_legacy && legacy_image_warning(cluster).is_none() {
        report.at_value(
            "/spec/bitnami/images/acknowledgeLegacy",
            "the images do not come from docker.io/bitnamilegacy, so there is nothing to acknowledge; remove it",
        );
    }
    let registry = &spec.bitnami.images.registry;
    let registry_ok = !registry.is_empty()
        && registry.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b':')
        });
    if !registry_ok {
        report.at_value(
            "/spec/bitnami/images/registry",
            format!("`{registry}` is not a registry host such as docker.io or registry.lan:5000"),
        );
    }
    let namespace = &spec.bitnami.images.namespace;
    let namespace_ok = namespace.split('/').all(|part| {
        !part.is_empty()
            && part.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
    });
    if !namespace_ok {
        report.at_value(
            "/spec/bitnami/images/namespace",
            format!("`{namespace}` is not an image repository path such as bitnamilegacy or mirror/bitnami"),
        );
    }
}

/// The legacy-image warning, unless the spec acknowledged it.
pub(super) fn warnings(cluster: &PostgresCluster) -> Vec<String> {
    if cluster.spec.bitnami.images.acknowledge_legacy {
        return Vec::new();
    }
    legacy_image_warning(cluster).into_iter().collect()
}

/// The legacy-image warning the spec acknowledged, which `render` still says.
pub(super) fn notes(cluster: &PostgresCluster) -> Vec<String> {
    if !cluster.spec.bitnami.images.acknowledge_legacy {
        return Vec::new();
    }
    legacy_image_warning(cluster)
        .map(|w| format!("{w} (acknowledged by spec.bitnami.images.acknowledgeLegacy)"))
        .into_iter()
        .collect()
}

/// The warning about frozen legacy images, when the spec pulls them.
fn legacy_image_warning(cluster: &PostgresCluster) -> Option<String> {
    let spec = &cluster.spec;
    let images = &spec.bitnami.images;
    if images.registry != "docker.io" || images.namespace != "bitnamilegacy" {
        return None;
    }
    let mut warning = String::from(
        "images come from docker.io/bitnamilegacy, which Bitnami froze in 2025: they get no security updates.",
    );
    let old_chart = spec
        .bitnami
        .chart
        .target_revision
        .value()
        .map(|r| r.major)
        .zip(crate::spec::value::version::semver(ADVISORY_FIXED_IN).map(|v| v.0))
        .is_some_and(|(chart, fixed)| chart < fixed);
    if old_chart {
        warning.push_str(&format!(
            " Chart {} also predates the security advisory fixed in chart {ADVISORY_FIXED_IN} \
             (the chart's README, \"To {ADVISORY_FIXED_IN}\").",
            spec.bitnami.chart.target_revision
        ));
    }
    warning.push_str(" Mirror them (spec.bitnami.images) or plan the move to CloudNativePG.");
    Some(warning)
}
