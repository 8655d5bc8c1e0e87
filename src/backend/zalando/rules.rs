//! The rules a spec of this backend must follow beyond the shared ones:
//! the operator's role names and its own passwords, Spilo's port, the
//! `postgresql` object's name, the operator's chart and the majors it runs.

use super::options::Operator;
use super::versions::{CHART, SPILO_IMAGE};
use super::{RESERVED_ROLES, USER_PATTERN, cluster_name, credentials_secret};
use crate::read::diagnostic::Report;
use crate::spec::PostgresCluster;
use crate::spec::value::names::{dns_label, is_url};

/// Spilo's PostgreSQL port; the operator's services use it too.
const SPILO_PORT: u32 = 5432;

/// The longest `postgresql` object name: its StatefulSet's pods carry a
/// `controller-revision-hash` label of the name plus 11 characters, and a
/// label value stops at 63.
const MAX_CLUSTER_NAME: usize = 52;

/// Every rule of this backend's specs.
pub(super) fn validate(cluster: &PostgresCluster, report: &mut Report<'_>) {
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
    check_roles(cluster, &name, report);
    if spec.network.port != SPILO_PORT {
        report.at_value(
            "/spec/network/port",
            format!(
                "Spilo and the operator's services listen on {SPILO_PORT}; the port cannot change"
            ),
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
    check_operator(&spec.zalando.operator, report);
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

/// The roles of `spec.auth.users` as the operator takes them: by its
/// user pattern, with passwords it makes itself.
fn check_roles(cluster: &PostgresCluster, name: &str, report: &mut Report<'_>) {
    let pattern = regex::Regex::new(USER_PATTERN).expect("the operator's pattern compiles");
    for (i, user) in cluster.spec.auth.users.iter().enumerate() {
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
                    credentials_secret(&user.name, name)
                ),
            );
        }
    }
}

/// The operator's own Application: its names, repository and chart.
fn check_operator(operator: &Operator, report: &mut Report<'_>) {
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
    if operator.chart_version != CHART {
        report.at_value(
            "/spec/zalando/operator/chartVersion",
            format!(
                "`{}` is not a chart pgrender knows; it renders for postgres-operator {CHART}",
                operator.chart_version
            ),
        );
    }
}
