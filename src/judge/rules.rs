//! Per-spec rules that hold for every backend.

use std::str::FromStr;

use crate::read::diagnostic::Report;
use crate::spec::PostgresCluster;
use crate::spec::value::names::{
    FORTIGATE_NAME_PREFIX, FORTIGATE_POLICY_NAME_MAX, dns_label, dns_subdomain, is_label_key,
    is_label_name, is_url,
};
use crate::spec::value::quantity::Measure;

pub(super) fn check(cluster: &PostgresCluster, report: &mut Report<'_>) {
    check_names(cluster, report);
    check_quantities(cluster, report);
    check_network(cluster, report);
    check_fortigate(cluster, report);
    check_backup(cluster, report);
    check_urls(cluster, report);
    check_monitoring(cluster, report);
    check_users(cluster, report);
    check_metadata(cluster, report);
    check_scheduling(cluster, report);
    check_secrets_path(cluster, report);
}

fn check_secrets_path(c: &PostgresCluster, report: &mut Report<'_>) {
    let argocd = &c.spec.argocd;
    let Some(path) = &argocd.secrets_path else {
        return;
    };
    let pointer = "/spec/argocd/secretsPath";
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let relative = !path.starts_with('/')
        && parts
            .iter()
            .all(|p| !p.is_empty() && *p != ".." && *p != "." && !p.contains(char::is_control));
    if !relative {
        report.at_value(pointer, format!("`{path}` must be a folder of the repository, relative to its root, without `.` or `..`"));
    } else if argocd.git_repo_url.is_none() {
        report.at_value(pointer, "only folder-application.yaml syncs it, and pgrender writes that with spec.argocd.gitRepoURL: set it too");
    }
}

/// Labels pgrender sets itself on what it emits; a common label may not
/// take their place.
const OWN_LABELS: [&str; 5] = [
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/component",
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
];

fn check_label_map(
    map: &std::collections::BTreeMap<String, String>,
    field: &str,
    report: &mut Report<'_>,
) {
    for (key, value) in map {
        let pointer = format!("{field}/{}", crate::read::yaml::escape(key));
        if !is_label_key(key) {
            report.at_key(&pointer, format!("`{key}` is not a Kubernetes label key ([prefix/]name, name at most 63 characters)"));
        }
        if !(value.is_empty() || is_label_name(value)) {
            report.at_value(&pointer, format!("`{value}` is not a Kubernetes label value (at most 63 letters, digits, `-`, `_`, `.`)"));
        }
    }
}

fn check_metadata(c: &PostgresCluster, report: &mut Report<'_>) {
    let s = &c.spec;
    check_label_map(&s.common_labels, "/spec/commonLabels", report);
    for key in s.common_labels.keys() {
        let pointer = format!("/spec/commonLabels/{}", crate::read::yaml::escape(key));
        if OWN_LABELS.contains(&key.as_str()) {
            report.at_key(&pointer, format!("`{key}` is a label pgrender, the chart or the operator sets; choose another key"));
        } else if let Some(other) = s.monitoring.prometheus_labels.get(key)
            && other != &s.common_labels[key]
        {
            report.at_value(&pointer, format!("`{key}` is also in spec.monitoring.prometheusLabels with another value (`{other}`); one object cannot carry both"));
        }
    }
    for (key, value) in &s.common_annotations {
        let pointer = format!("/spec/commonAnnotations/{}", crate::read::yaml::escape(key));
        if !is_label_key(key) {
            report.at_key(&pointer, format!("`{key}` is not a Kubernetes annotation key ([prefix/]name, name at most 63 characters)"));
        } else if key.starts_with("argocd.argoproj.io/") || key.starts_with("metallb.") {
            report.at_key(&pointer, format!("`{key}` steers ArgoCD or MetalLB, and pgrender sets those where they belong; choose another key"));
        }
        if value.contains(['\0', '\r']) {
            report.at_value(
                &pointer,
                "an annotation value cannot hold control characters",
            );
        }
    }
}

fn check_scheduling(c: &PostgresCluster, report: &mut Report<'_>) {
    use crate::spec::{TaintEffect, TolerationOperator};
    let s = &c.spec.scheduling;
    check_label_map(&s.node_selector, "/spec/scheduling/nodeSelector", report);
    for (i, t) in s.tolerations.iter().enumerate() {
        let at = |field: &str| format!("/spec/scheduling/tolerations/{i}/{field}");
        let no_key = t.key.as_deref().is_none_or(str::is_empty);
        if let Some(key) = t.key.as_deref().filter(|k| !k.is_empty())
            && !is_label_key(key)
        {
            report.at_value(
                &at("key"),
                format!("`{key}` is not a taint key ([prefix/]name)"),
            );
        }
        match t.operator {
            TolerationOperator::Exists if t.value.is_some() => report.at_key(
                &at("value"),
                "operator Exists matches any value; remove `value`, or use operator Equal",
            ),
            TolerationOperator::Equal if no_key => report.at_key(
                &format!("/spec/scheduling/tolerations/{i}"),
                "a toleration without a key must use operator Exists (it then tolerates every taint)",
            ),
            _ => {}
        }
        if t.toleration_seconds.is_some() && t.effect != Some(TaintEffect::NoExecute) {
            report.at_key(
                &at("tolerationSeconds"),
                "tolerationSeconds applies only to effect NoExecute",
            );
        }
    }
}

fn check_users(c: &PostgresCluster, report: &mut Report<'_>) {
    let mut seen = std::collections::HashSet::new();
    for (i, user) in c.spec.auth.users.iter().enumerate() {
        let name = &user.name;
        let pointer = format!("/spec/auth/users/{i}/name");
        let shaped = name.len() <= 63
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !shaped {
            report.at_value(&pointer, format!("`{name}` is not a role name pgrender accepts: lower-case letters, digits and `_`, starting with a letter or `_`, at most 63"));
        } else if name.starts_with("pg_") {
            // PostgreSQL reserves the prefix; each backend its own roles
            // (`backend::ReservedRoles`).
            report.at_value(
                &pointer,
                format!("`{name}` starts with `pg_`, which PostgreSQL reserves for its own roles; choose another name"),
            );
        } else if !seen.insert(name.as_str()) {
            report.at_value(&pointer, format!("role `{name}` is listed twice"));
        }
        // Whether the backend needs one is the backend's rule.
        let secret_pointer = format!("/spec/auth/users/{i}/existingSecret");
        if let Some(secret) = &user.existing_secret {
            if let Err(why) = dns_subdomain(secret) {
                report.at_value(&secret_pointer, why);
            } else if *secret == c.spec.auth.existing_secret {
                report.at_value(&secret_pointer, format!("`{secret}` is spec.auth.existingSecret, the cluster's own credentials; keep application passwords in a Secret of their own"));
            }
        }
    }
}

fn check_monitoring(c: &PostgresCluster, report: &mut Report<'_>) {
    let m = &c.spec.monitoring;
    if let Err(why) = dns_label(&m.namespace) {
        report.at_value("/spec/monitoring/namespace", why);
    }
    check_label_map(
        &m.prometheus_labels,
        "/spec/monitoring/prometheusLabels",
        report,
    );
    if let Some(url) = &m.runbook_base_url
        && !is_url(url, &["https://", "http://"])
    {
        report.at_value(
            "/spec/monitoring/runbookBaseURL",
            format!("`{url}` is not an http(s) URL"),
        );
    }
}

fn check_names(c: &PostgresCluster, report: &mut Report<'_>) {
    let s = &c.spec;
    let labels = [
        ("/metadata/name", c.metadata.name.as_str()),
        ("/spec/namespace", s.namespace.0.as_str()),
        ("/spec/argocd/namespace", s.argocd.namespace.as_str()),
        (
            "/spec/argocd/applicationName",
            s.argocd.application_name.as_str(),
        ),
    ];
    for (pointer, value) in labels {
        if let Err(why) = dns_label(value) {
            report.at_value(pointer, why);
        }
    }
    let subdomains = [
        ("/spec/auth/existingSecret", s.auth.existing_secret.as_str()),
        (
            "/spec/storage/storageClass",
            s.storage.storage_class.as_str(),
        ),
        (
            "/spec/backup/storage/storageClass",
            s.backup.storage.storage_class.as_str(),
        ),
        (
            "/spec/network/addressPool/name",
            s.network.address_pool.name.as_str(),
        ),
        ("/spec/argocd/project", s.argocd.project.as_str()),
    ];
    for (pointer, value) in subdomains {
        if let Err(why) = dns_subdomain(value) {
            report.at_value(pointer, why);
        }
    }
}

fn check_quantities(c: &PostgresCluster, report: &mut Report<'_>) {
    let s = &c.spec;
    let quantities = [
        ("/spec/resources/cpu", &s.resources.cpu, Measure::Cpu),
        (
            "/spec/resources/memory",
            &s.resources.memory,
            Measure::Bytes,
        ),
        ("/spec/storage/size", &s.storage.size, Measure::Bytes),
        (
            "/spec/backup/storage/size",
            &s.backup.storage.size,
            Measure::Bytes,
        ),
    ];
    for (pointer, value, measure) in quantities {
        let fits = value.value().map(|q| q.fits(measure));
        if let Some(why) = value.error() {
            report.at_value(pointer, why);
        } else if let Some(Err(why)) = fits {
            report.at_value(pointer, why);
        }
    }
}

fn check_network(c: &PostgresCluster, report: &mut Report<'_>) {
    let net = &c.spec.network;
    let mut ranges = Vec::new();
    for (i, range) in net.address_pool.addresses.iter().enumerate() {
        match (range.value(), range.error()) {
            (Some(range), _) => ranges.push(*range),
            (None, why) => report.at_value(
                &format!("/spec/network/addressPool/addresses/{i}"),
                why.unwrap_or_default(),
            ),
        }
    }
    match (net.load_balancer_ip.value(), net.load_balancer_ip.error()) {
        (Some(&ip), _) => {
            let all_parsed = ranges.len() == net.address_pool.addresses.len();
            if all_parsed && !ranges.iter().any(|r| r.contains(ip)) {
                report.at_value(
                    "/spec/network/loadBalancerIP",
                    format!(
                        "{ip} is outside the address pool ({}); MetalLB would never assign it",
                        net.address_pool.texts().join(", ")
                    ),
                );
            }
        }
        (None, why) => report.at_value("/spec/network/loadBalancerIP", why.unwrap_or_default()),
    }
    // One network listed twice would be one rule twice, and the OpenTofu
    // module would declare its firewall address twice.
    let mut networks = std::collections::HashMap::new();
    for (i, cidr) in net.allowed_clients.iter().enumerate() {
        let pointer = format!("/spec/network/allowedClients/{i}");
        match cidr.value() {
            None => report.at_value(&pointer, cidr.error().unwrap_or_default()),
            Some(network) => {
                if let Some(first) = networks.insert(network.trunc(), i) {
                    report.at_value(
                        &pointer,
                        format!(
                            "`{cidr}` is the network of allowedClients[{first}] again; list each network once"
                        ),
                    );
                }
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (i, ns) in net.allowed_namespaces.iter().enumerate() {
        let pointer = format!("/spec/network/allowedNamespaces/{i}");
        if let Err(why) = dns_label(ns) {
            report.at_value(&pointer, why);
        } else if !seen.insert(ns.as_str()) {
            report.at_value(&pointer, format!("namespace `{ns}` is listed twice"));
        }
    }
}

fn check_fortigate(c: &PostgresCluster, report: &mut Report<'_>) {
    let Some(gate) = &c.spec.network.firewall.fortigate else {
        return;
    };
    let base = "/spec/network/firewall/fortigate";
    // Names reach HCL strings and the FortiGate's CLI: letters, digits and
    // `-_.` only, so nothing can end a string or start an interpolation.
    let plain = |text: &str| {
        text.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    for (field, value) in [
        ("clusterInterface", &gate.cluster_interface),
        ("clientInterface", &gate.client_interface),
        ("vdom", &gate.vdom),
    ] {
        if !plain(value) {
            report.at_value(
                &format!("{base}/{field}"),
                format!("`{value}` is not a FortiOS name: letters, digits, `-`, `_` and `.`, starting with a letter or digit"),
            );
        }
    }
    if gate.cluster_interface == gate.client_interface {
        report.at_value(
            &format!("{base}/clientInterface"),
            format!(
                "`{}` is also the clusterInterface: the policy admits clients from another VLAN through the FortiGate, so the two interfaces differ",
                gate.client_interface
            ),
        );
    }
    if c.spec.network.allowed_clients.is_empty() {
        report.at_value(
            base,
            "needs spec.network.allowedClients: the policy admits those networks and no other (an empty list would have to admit `all`)",
        );
    }
    let longest = FORTIGATE_POLICY_NAME_MAX - FORTIGATE_NAME_PREFIX.len();
    if c.metadata.name.len() > longest {
        report.at_value(
            base,
            format!(
                "the policy is named `{FORTIGATE_NAME_PREFIX}{}` and FortiOS allows {FORTIGATE_POLICY_NAME_MAX} characters, so metadata.name may have at most {longest} here ({} now)",
                c.metadata.name,
                c.metadata.name.len()
            ),
        );
    }
}

fn check_backup(c: &PostgresCluster, report: &mut Report<'_>) {
    let b = &c.spec.backup;
    if let Some(why) = b.drill.schedule.as_ref().and_then(|s| s.error()) {
        report.at_value("/spec/backup/drill/schedule", why);
    }
    if let Some(why) = b.schedule.error() {
        report.at_value("/spec/backup/schedule", why);
    }
    if chrono_tz::Tz::from_str(&b.time_zone).is_err() || b.time_zone == "Local" {
        report.at_value(
            "/spec/backup/timeZone",
            format!(
                "`{}` is not an IANA time zone name such as Etc/UTC or Europe/Berlin",
                b.time_zone
            ),
        );
    }
    for (i, db) in b.databases.iter().enumerate() {
        let pointer = format!("/spec/backup/databases/{i}");
        if !is_database_name(db) {
            report.at_value(
                &pointer,
                format!("`{db}` is not a plain database name (letters, digits, `_`, `-`; at most 63; not starting with a digit or `-`)"),
            );
        } else if b.databases[..i].contains(db) {
            report.at_value(&pointer, format!("`{db}` is listed twice"));
        }
    }
    if let Some(nfs) = &b.storage.nfs {
        if report.is_written("/spec/backup/storage/storageClass") {
            report.at_key(
                "/spec/backup/storage/storageClass",
                "set either storageClass (a PVC) or nfs (an NFS volume) for backups, not both",
            );
        }
        let host_ok = !nfs.server.is_empty()
            && nfs
                .server
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'));
        if !host_ok {
            report.at_value(
                "/spec/backup/storage/nfs/server",
                format!("`{}` is not a host name or IP address", nfs.server),
            );
        }
        if !nfs.path.starts_with('/') || nfs.path.split('/').any(|part| part == "..") {
            report.at_value(
                "/spec/backup/storage/nfs/path",
                format!(
                    "`{}` must be an absolute export path without `..`",
                    nfs.path
                ),
            );
        }
    }
}

fn is_database_name(name: &str) -> bool {
    let first_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn check_urls(c: &PostgresCluster, report: &mut Report<'_>) {
    let argocd = &c.spec.argocd;
    if !is_url(&argocd.destination_server, &["https://"]) {
        report.at_value(
            "/spec/argocd/destinationServer",
            format!(
                "`{}` must be an https:// URL of a cluster API server (in-cluster: https://kubernetes.default.svc)",
                argocd.destination_server
            ),
        );
    }
    if let Some(url) = &argocd.git_repo_url {
        let ok = is_url(url, &["https://", "ssh://", "git@"]);
        if !ok {
            report.at_value(
                "/spec/argocd/gitRepoURL",
                format!("`{url}` is not a git URL ArgoCD can clone (https://…, ssh://… or git@host:path)"),
            );
        }
    }
}
