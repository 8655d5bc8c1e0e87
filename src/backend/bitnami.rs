//! The Bitnami `postgresql-ha` chart (repmgr + pgpool), installed by an
//! ArgoCD Application with the Helm values embedded or as a value file.

use std::collections::BTreeMap;

use minijinja::value::Serde;
use serde::Serialize;

use super::{
    Backend, BackendFile, BackendOutput, ParsedFiles, RenderedApplication, document, text,
};
use crate::alerts::Alert;
use crate::diagnostic::Report;
use crate::facts::{ClusterFacts, SecretKey};
use crate::footprint::{BackupBeforeChange, Change, Footprint, Impact, Quantity};
use crate::names::{dns_label, is_url};
use crate::plan::RenderOptions;
use crate::spec::{ChartRevision, PostgresCluster};
use crate::templates::{Renderer, Template};
use crate::versions::{
    BITNAMI_ADVISORY_FIXED_IN, BITNAMI_CHARTS, BitnamiChart, POSTGRES_EXPORTER_METRICS,
};
use crate::versions::{chart_major, major_of_tag};

#[derive(Debug)]
pub(crate) struct Bitnami;

pub(super) const TEMPLATES: [Template; 3] = crate::templates::embedded![
    "bitnami/values.yaml",
    "bitnami/application.yaml",
    "bitnami/README.md",
];

/// The four images the chart runs, by the values key that sets each.
const IMAGES: [(&str, &str); 4] = [
    ("postgresql", "postgresql-repmgr"),
    ("pgpool", "pgpool"),
    ("metrics", "postgres-exporter"),
    ("volumePermissions", "os-shell"),
];

/// Labels the chart puts on its pods: Bitnami's `common.labels.standard`
/// (`app.kubernetes.io/name` = chart name, `instance` = Helm release, which
/// the Application sets to `metadata.name`) plus `app.kubernetes.io/component`
/// (`postgresql` on the StatefulSet, `pgpool` on the Deployment).
fn chart_labels(release: &str, component: Option<&str>) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::from([
        (
            "app.kubernetes.io/instance".to_string(),
            release.to_string(),
        ),
        (
            "app.kubernetes.io/name".to_string(),
            "postgresql-ha".to_string(),
        ),
    ]);
    if let Some(component) = component {
        labels.insert("app.kubernetes.io/component".into(), component.into());
    }
    labels
}

/// What a key of the credentials Secret is for, for the runbook.
fn secret_key_purpose(key: &str) -> &'static str {
    match key {
        "password" => "password of the `postgres` superuser (chart and backup job)",
        "repmgr-password" => "password of the `repmgr` replication user",
        "admin-password" => "password of the pgpool admin user",
        "sr-check-password" => {
            "password of pgpool's streaming-replication check user `sr_check_user`"
        }
        _ => "read by the chart",
    }
}

/// Whether a quantity grows from `old` to `new`.
fn grows(old: Option<&Quantity>, new: Option<&Quantity>) -> bool {
    matches!((old, new), (Some(o), Some(n)) if n > o)
}

/// The chart pgrender knows for a revision, or why there is none.
fn profile_for(revision: &ChartRevision) -> Result<&'static BitnamiChart, String> {
    if let Some(why) = revision.error() {
        return Err(why.to_string());
    }
    let major = revision.value().map_or(0, |r| r.major);
    BITNAMI_CHARTS.iter().find(|p| p.major == major).ok_or_else(|| {
        let known: Vec<String> = BITNAMI_CHARTS.iter().map(|p| format!("{}.x", p.major)).collect();
        format!(
            "chart major {major} is not supported; pgrender knows the values of postgresql-ha {}",
            known.join(" and ")
        )
    })
}

/// Why `major` cannot run on the chart `profile`, and what can run it.
fn version_unavailable(major: u32, profile: &BitnamiChart) -> String {
    let runs = |chart: &BitnamiChart| {
        let majors: Vec<String> = chart
            .postgres_tags
            .iter()
            .map(|(m, _)| m.to_string())
            .collect();
        majors.join(" and ")
    };
    let elsewhere = BITNAMI_CHARTS
        .iter()
        .find(|c| c.postgres_tags.iter().any(|(m, _)| *m == major))
        .map(|c| {
            format!(
                "chart {}.x runs it (spec.bitnami.chart.targetRevision: {}.x.x), or ",
                c.major, c.major
            )
        })
        .unwrap_or_default();
    format!(
        "PostgreSQL {major} does not run on postgresql-ha {}.x, which runs {}; {elsewhere}backend cloudnative-pg runs {}",
        profile.major,
        runs(profile),
        crate::versions::CLOUDNATIVE_PG_MINORS
            .iter()
            .map(|(m, _)| m.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
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
        .zip(crate::versions::semver(BITNAMI_ADVISORY_FIXED_IN).map(|v| v.0))
        .is_some_and(|(chart, fixed)| chart < fixed);
    if old_chart {
        warning.push_str(&format!(
            " Chart {} also predates the security advisory fixed in chart {BITNAMI_ADVISORY_FIXED_IN} \
             (the chart's README, \"To {BITNAMI_ADVISORY_FIXED_IN}\").",
            spec.bitnami.chart.target_revision
        ));
    }
    warning.push_str(" Mirror them (spec.bitnami.images) or plan the move to CloudNativePG.");
    Some(warning)
}

/// `oci://host/path` -> `host/path`, as ArgoCD wants Helm OCI repositories.
fn argocd_repo_url(repo_url: &str) -> (&str, bool) {
    match repo_url.strip_prefix("oci://") {
        Some(rest) => (rest.trim_end_matches('/'), true),
        None => (repo_url, false),
    }
}

#[derive(Serialize)]
struct Image {
    key: &'static str,
    registry: String,
    repository: String,
    tag: Option<&'static str>,
}

#[derive(Serialize)]
struct ChartContext<'a> {
    /// `spec.postgres.parameters` as postgresql.conf lines, if any.
    extended_conf: Option<String>,
    /// A pod annotation that changes with them: the image reads them only
    /// when a pod starts, and the chart restarts nothing when they change.
    settings_checksum: Option<String>,
    name: &'a str,
    repo_url: &'a str,
    oci: bool,
    allow_insecure_images: bool,
    images: Vec<Image>,
}

impl Bitnami {
    fn chart_context<'a>(&self, cluster: &'a PostgresCluster) -> ChartContext<'a> {
        let spec = &cluster.spec;
        // Total over every spec, valid or not: a revision validation refuses
        // (no known chart) leaves the image tag to the chart.
        let profile = profile_for(&spec.bitnami.chart.target_revision).ok();
        let postgres_tag = profile
            .and_then(|p| {
                p.postgres_tags
                    .iter()
                    .find(|(major, _)| *major == spec.postgres.version.major())
            })
            .map(|(_, tag)| *tag);
        let (repo_url, oci) = argocd_repo_url(&spec.bitnami.chart.repo_url);
        let images = IMAGES
            .iter()
            .map(|(key, name)| Image {
                key,
                registry: spec.bitnami.images.registry.clone(),
                repository: format!("{}/{}", spec.bitnami.images.namespace, name),
                tag: if *key == "postgresql" {
                    postgres_tag
                } else {
                    None
                },
            })
            .collect();
        let extended_conf = (!spec.postgres.parameters.is_empty()).then(|| {
            spec.postgres
                .parameters
                .iter()
                .map(|(name, value)| format!("{name} = '{}'\n", value.0.replace('\'', "''")))
                .collect()
        });
        let settings_checksum = extended_conf
            .as_deref()
            .map(|conf: &str| crate::plan::sha256_hex(conf.as_bytes())[..16].to_string());
        ChartContext {
            extended_conf,
            settings_checksum,
            name: &spec.bitnami.chart.name,
            repo_url,
            oci,
            allow_insecure_images: profile.is_some_and(|p| p.has_allow_insecure_images),
            images,
        }
    }
}

/// Roles the chart creates: `postgresql.username`, `postgresql.repmgrUsername`,
/// `pgpool.adminUsername` and (16.x) `pgpool.srCheckUsername`, with their
/// defaults in the chart's values.yaml.
pub const RESERVED_ROLES: super::ReservedRoles = super::ReservedRoles {
    names: &["postgres", "repmgr", "admin", "sr_check_user"],
    prefixes: &[],
    why: "the chart creates for itself",
};

impl Backend for Bitnami {
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

    fn validate(&self, cluster: &PostgresCluster, report: &mut Report<'_>) {
        let spec = &cluster.spec;
        RESERVED_ROLES.check(cluster, report);
        match profile_for(&spec.bitnami.chart.target_revision) {
            Err(why) => report.at_value("/spec/bitnami/chart/targetRevision", why),
            Ok(profile) => {
                let major = spec.postgres.version.major();
                if !profile.postgres_tags.iter().any(|(m, _)| *m == major) {
                    report.at_value(
                        "/spec/postgres/version",
                        version_unavailable(major, profile),
                    );
                }
            }
        }
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
        super::require_user_secrets(cluster, report);
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
                format!(
                    "`{registry}` is not a registry host such as docker.io or registry.lan:5000"
                ),
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

    fn warnings(&self, cluster: &PostgresCluster) -> Vec<String> {
        if cluster.spec.bitnami.images.acknowledge_legacy {
            return Vec::new();
        }
        legacy_image_warning(cluster).into_iter().collect()
    }

    fn notes(&self, cluster: &PostgresCluster) -> Vec<String> {
        if !cluster.spec.bitnami.images.acknowledge_legacy {
            return Vec::new();
        }
        legacy_image_warning(cluster)
            .map(|w| format!("{w} (acknowledged by spec.bitnami.images.acknowledgeLegacy)"))
            .into_iter()
            .collect()
    }

    fn facts(&self, cluster: &PostgresCluster) -> ClusterFacts {
        let spec = &cluster.spec;
        let name = &cluster.metadata.name;
        let chart = self.chart_context(cluster);
        let postgres = &chart.images[0];
        let client_image = format!(
            "{}/{}:{}",
            postgres.registry,
            postgres.repository,
            postgres.tag.unwrap_or("latest")
        );
        let ns = &spec.namespace.0;
        ClusterFacts {
            title: "Bitnami postgresql-ha",
            health: format!(
                "`kubectl -n {ns} rollout status statefulset {name}-postgresql` reports every pod ready"
            ),
            removal: format!(
                "the chart's Application `{}/{}` goes too, and its own finalizer uninstalls the release (servers, pgpool, services); the data volumes `data-{name}-postgresql-*` stay (a StatefulSet never deletes its volumes)",
                spec.argocd.namespace, spec.argocd.application_name
            ),
            operator: None,
            data_claims_selector: format!("app.kubernetes.io/instance={name}"),
            // The chart's `service` is pgpool's: the one entry point for clients.
            service_host: format!(
                "{}-pgpool.{}.svc.cluster.local",
                cluster.metadata.name, spec.namespace.0
            ),
            // The chart's StatefulSet pods behind its headless service.
            primary_candidates: (0..spec.postgres.instances)
                .map(|i| {
                    format!(
                        "{name}-postgresql-{i}.{name}-postgresql-headless.{}.svc.cluster.local",
                        spec.namespace.0
                    )
                })
                .collect(),
            client_image,
            run_as_user: 1001,
            superuser: "postgres".into(),
            password_secret: spec.auth.existing_secret.clone(),
            password_key: "password".into(),
            secret_keys: profile_for(&spec.bitnami.chart.target_revision)
                .map(|chart| chart.secret_keys)
                .unwrap_or_default()
                .iter()
                .map(|key| SecretKey {
                    key: (*key).into(),
                    purpose: secret_key_purpose(key).into(),
                    value: None,
                })
                .collect(),
            user_secrets: spec
                .auth
                .users
                .iter()
                .map(|u| {
                    (
                        u.name.clone(),
                        spec.auth.users[0]
                            .existing_secret
                            .clone()
                            .unwrap_or_default(),
                    )
                })
                .collect(),
            users_share_secret: true,
            credentials_by_operator: false,
            secret_type: "Opaque",
            secret_readers: "The chart and the backup job",
            entry_pods: "a pgpool pod",
            internal_database: Some("repmgr"),
            server_container: "postgresql",
            exporter: "postgres-exporter runs beside each PostgreSQL container",
            scrape_object: "ServiceMonitor",
            metrics: POSTGRES_EXPORTER_METRICS,
            extra_ingress: Vec::new(),
            server_labels: chart_labels(name, Some("postgresql")),
            proxy_labels: Some(chart_labels(name, Some("pgpool"))),
            cluster_labels: chart_labels(name, None),
            // Container ports of chart 12.x (postgresql.containerPorts.postgresql,
            // pgpool.containerPorts.pgpool, metrics.containerPorts.http); the
            // spec's port is the Service's.
            postgres_port: 5432,
            client_port: 5432,
            metrics_port: 9187,
            server_pod_regex: format!("{name}-postgresql-[0-9]+"),
            // volumeClaimTemplates `data` of the StatefulSet.
            data_claim_regex: format!("data-{name}-postgresql-[0-9]+"),
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
        let chart = self.chart_context(cluster);
        let values_file = options.values_file_path(&cluster.metadata.name);
        let base = minijinja::context! {
            chart => Serde(&chart),
            values_file => &values_file,
            values_from_git => options.values_from_git(cluster.spec.argocd.git_repo_url.as_ref()),
            ..super::base_context(cluster, facts, alerts, options)
        };
        let values = renderer.render("bitnami/values.yaml", &base)?;
        let with_values = minijinja::context! { values => &values, ..base };
        let mut files = vec![
            BackendFile {
                path: "application.yaml".into(),
                content: renderer.render("bitnami/application.yaml", &with_values)?,
            },
            BackendFile {
                path: "values/values.yaml".into(),
                content: values,
            },
        ];
        if chart.oci {
            files.push(BackendFile {
                path: "argocd-repository.yaml".into(),
                content: renderer.render("common/argocd-repository.yaml", &with_values)?,
            });
        }
        Ok(BackendOutput {
            files,
            readme_template: "bitnami/README.md",
            readme_context: with_values,
        })
    }

    fn templates(&self) -> &'static [Template] {
        &TEMPLATES
    }

    fn read_footprint(&self, name: &str, files: &ParsedFiles) -> Option<Footprint> {
        let app = document(files, "application.yaml", "Application")?;
        let source = match &app["spec"]["source"] {
            serde_json::Value::Null => &app["spec"]["sources"][0],
            single => single,
        };
        source["chart"].as_str()?;
        let values = files.get("values/values.yaml")?.first()?;
        let postgresql = &values["postgresql"];
        // The exporter is a container of the server pods.
        let servers = serde_json::json!({ "postgresql": postgresql, "metrics": values["metrics"] });
        let server_config = super::pod_config(
            &servers,
            &[
                "/postgresql/replicaCount",
                "/postgresql/extendedConf",
                "/postgresql/podAnnotations",
                "/metrics/serviceMonitor",
            ],
        );
        let proxy_config = super::pod_config(&values["pgpool"], &["/customUsersSecret"]);
        Some(Footprint {
            backend: crate::spec::Backend::BitnamiPostgresqlHa.as_str(),
            application: Some(format!(
                "{}/{}",
                app["metadata"]["namespace"].as_str().unwrap_or_default(),
                app["metadata"]["name"].as_str().unwrap_or(name)
            )),
            major: postgresql["image"]["tag"].as_str().and_then(major_of_tag),
            chart_major: source["targetRevision"].as_str().and_then(chart_major),
            instances: postgresql["replicaCount"].as_u64(),
            storage_size: crate::quantity::from_json(&values["persistence"]["size"]),
            storage_class: text(&values["persistence"]["storageClass"]),
            address: super::requested_address(&values["service"]["annotations"]),
            parameters: postgresql["extendedConf"]
                .as_str()
                .map(read_extended_conf)
                .unwrap_or_default(),
            users_secret: text(&values["pgpool"]["customUsersSecret"]),
            server_config,
            proxy_config: Some(proxy_config),
            ..Footprint::default()
        })
    }

    fn judge(&self, name: &str, old: &Footprint, new: &Footprint) -> Vec<Change> {
        let ns = &new.namespace;
        let volumes = |count: u64| -> Vec<String> {
            (0..count)
                .map(|i| format!("data-{name}-postgresql-{i}"))
                .collect()
        };
        let backup = BackupBeforeChange::new(name, ns);
        let recreate = [
            format!(
                "after the sync, delete the StatefulSet and its volumes: kubectl -n {ns} delete statefulset {name}-postgresql && kubectl -n {ns} delete pvc {}",
                volumes(old.instances.unwrap_or(1)).join(" ")
            ),
            "let ArgoCD sync again: the chart creates empty volumes and a new cluster".to_string(),
            backup.restore_step(),
        ];
        let mut changes = Vec::new();
        if let (Some(o), Some(n)) = (old.major, new.major)
            && n > o
        {
            let mut change = Change::new(
                Impact::ManualStep,
                format!("PostgreSQL {o} -> {n}: the chart's image cannot open the data directory of PostgreSQL {o}, so the new pods would not start on the existing volumes; the data moves by dump and restore"),
            )
            .back_up(&backup)
            .commit("stop the applications that write to the database, then commit the render");
            for step in &recreate {
                change = change.step(step.clone());
            }
            changes.push(change);
        }
        if let (Some(o), Some(n)) = (old.chart_major, new.chart_major)
            && o != n
        {
            let keys = |major: u32| {
                BITNAMI_CHARTS
                    .iter()
                    .find(|c| c.major == major)
                    .map_or(&[][..], |c| c.secret_keys)
            };
            let added: Vec<&str> = keys(n)
                .iter()
                .filter(|k| !keys(o).contains(k))
                .copied()
                .collect();
            let mut change = Change::new(
                Impact::ManualStep,
                format!("chart postgresql-ha {o}.x -> {n}.x: a new chart major changes how the release is built; read every 'To {n}.0.0'-style upgrade note of the chart's README between the two"),
            )
            .back_up(&backup);
            if !added.is_empty() {
                change = change.step(format!(
                    "add the key(s) {} to the credentials Secret before the sync: the pods of chart {n}.x read them and do not start without them (README.md, Before the first sync)",
                    added.join(", ")
                ));
            }
            changes.push(change.commit(
                "commit the render and watch the sync: kubectl -n argocd get application -w",
            ));
        }
        if old.storage_size != new.storage_size || old.storage_class != new.storage_class {
            let what = format!(
                "data volumes {} of class {} -> {} of class {}: a StatefulSet's volumeClaimTemplates cannot change, so the API server refuses the update and the sync fails",
                super::shown(old.storage_size.as_ref()),
                old.storage_class.as_deref().unwrap_or("?"),
                super::shown(new.storage_size.as_ref()),
                new.storage_class.as_deref().unwrap_or("?"),
            );
            let mut change = Change::new(Impact::RefusedByKubernetes, what);
            let grows_in_place = old.storage_class == new.storage_class
                && old.storage_class.as_deref() != Some("local-path")
                && grows(old.storage_size.as_ref(), new.storage_size.as_ref());
            if grows_in_place {
                for pvc in volumes(old.instances.unwrap_or(1)) {
                    change = change.step(format!(
                        "kubectl -n {ns} patch pvc {pvc} -p '{{\"spec\":{{\"resources\":{{\"requests\":{{\"storage\":\"{}\"}}}}}}}}' (needs allowVolumeExpansion on the StorageClass)",
                        super::shown(new.storage_size.as_ref())
                    ));
                }
                change = change.step(format!("kubectl -n {ns} delete statefulset {name}-postgresql --cascade=orphan (the pods keep running)"))
                    .commit("commit the render: the sync recreates the StatefulSet with the new size");
            } else {
                change.what.push_str(
                    "; K3s local-path cannot expand or move a volume and no volume can shrink, so the data moves by dump and restore",
                );
                change = change.back_up(&backup).commit(
                    "stop the applications that write to the database, then commit the render",
                );
                for step in &recreate {
                    change = change.step(step.clone());
                }
            }
            changes.push(change);
        }
        if let (Some(o), Some(n)) = (old.instances, new.instances)
            && n < o
        {
            let mut change = Change::new(
                Impact::ManualStep,
                format!("instances {o} -> {n}: the StatefulSet stops {}; their volumes stay, and repmgr keeps them registered", (n..o).map(|i| format!("{name}-postgresql-{i}")).collect::<Vec<_>>().join(", ")),
            )
            .step(format!("make sure the primary is not among them: kubectl -n {ns} exec {name}-postgresql-0 -c postgresql -- repmgr cluster show"))
            .commit("commit the render and let ArgoCD sync");
            for pvc in volumes(o)
                .into_iter()
                .skip(usize::try_from(n).unwrap_or(usize::MAX))
            {
                change = change.step(format!("kubectl -n {ns} delete pvc {pvc}"));
            }
            changes.push(change.step(format!("unregister each removed node: kubectl -n {ns} exec {name}-postgresql-0 -c postgresql -- repmgr standby unregister --node-id=<id from cluster show>")));
        }
        if old.users_secret != new.users_secret {
            changes.push(users_change(name, ns, old, new));
        } else if old.proxy_config != new.proxy_config {
            changes.push(Change::new(
                Impact::RollingRestart,
                "pgpool's configuration changed (resources, image or scheduling): its pods restart one at a time and clients reconnect",
            ));
        }
        changes.extend(super::settings_change(
            old,
            new,
            super::Delivery::PodRestart {
                how: "the image reads them only when a pod starts, so the checksum annotation pgrender sets restarts the pods one at a time and clients reconnect",
            },
        ));
        super::shared_changes(
            old,
            new,
            &mut changes,
            "the StatefulSet restarts them one at a time and clients reconnect",
        );
        changes
    }
}

/// `name = 'value'` lines, as `chart_context` writes them.
fn read_extended_conf(conf: &str) -> std::collections::BTreeMap<String, String> {
    conf.lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(" = ")?;
            let value = value.strip_prefix('\'')?.strip_suffix('\'')?;
            Some((name.to_string(), value.replace("''", "'")))
        })
        .collect()
}

/// pgpool admits only the roles of its `customUsersSecret`, read when its
/// pods start: a new Secret name restarts them, and they do not start
/// while the Secret is missing.
fn users_change(name: &str, ns: &str, old: &Footprint, new: &Footprint) -> Change {
    let pgpool = format!("deployment/{name}-pgpool");
    match &new.users_secret {
        Some(secret) => Change::new(
            Impact::RollingRestart,
            format!(
                "application users from Secret {secret}{}: pgpool reads them when it starts, so its pods restart; they do not start while the Secret is missing",
                old.users_secret
                    .as_ref()
                    .map(|o| format!(" (was {o})"))
                    .unwrap_or_default()
            ),
        )
        .step(format!(
            "create Secret {secret} in {ns} before the sync, as README.md, Application roles, shows (keys usernames and passwords, `;`-separated lists in the same order), and the roles in PostgreSQL"
        ))
        .commit("commit the render and let ArgoCD sync")
        .step(format!("watch pgpool come back: kubectl -n {ns} rollout status {pgpool}")),
        None => Change::new(
            Impact::RollingRestart,
            format!(
                "no application users: pgpool stops reading Secret {}, so its pods restart and admit only the chart's own users",
                old.users_secret.as_deref().unwrap_or("?")
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_profiled_majors_are_supported() {
        assert!(profile_for(&ChartRevision::new("12.x.x")).is_ok());
        assert!(
            profile_for(&ChartRevision::new("16.3.4"))
                .unwrap()
                .has_allow_insecure_images
        );
        assert!(
            !profile_for(&ChartRevision::new("12.8.2"))
                .unwrap()
                .has_allow_insecure_images
        );
        assert!(
            profile_for(&ChartRevision::new("14.0.0"))
                .unwrap_err()
                .contains("not supported")
        );
    }

    #[test]
    fn oci_urls_lose_their_scheme() {
        assert_eq!(
            argocd_repo_url("oci://registry-1.docker.io/bitnamicharts"),
            ("registry-1.docker.io/bitnamicharts", true)
        );
        assert_eq!(
            argocd_repo_url("https://example.com/charts"),
            ("https://example.com/charts", false)
        );
    }
}
