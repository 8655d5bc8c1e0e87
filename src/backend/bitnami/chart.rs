//! What pgrender gives the chart: the profile of its major (image tags,
//! Secret keys), the four images, the repository as ArgoCD wants it, and
//! the settings as postgresql.conf lines.

use serde::Serialize;

use super::versions::{CHART_MAJORS, ChartMajor};
use crate::backend::kit::Majors;
use crate::spec::{ChartRevision, PostgresCluster};

/// The four images the chart runs, by the values key that sets each.
const IMAGES: [(&str, &str); 4] = [
    ("postgresql", "postgresql-repmgr"),
    ("pgpool", "pgpool"),
    ("metrics", "postgres-exporter"),
    ("volumePermissions", "os-shell"),
];

/// The chart pgrender knows for a revision, or why there is none.
pub(super) fn profile_for(revision: &ChartRevision) -> Result<&'static ChartMajor, String> {
    if let Some(why) = revision.error() {
        return Err(why.to_string());
    }
    let major = revision.value().map_or(0, |r| r.major);
    CHART_MAJORS.iter().find(|p| p.major == major).ok_or_else(|| {
        let known: Vec<String> = CHART_MAJORS.iter().map(|p| format!("{}.x", p.major)).collect();
        format!(
            "chart major {major} is not supported; pgrender knows the values of postgresql-ha {}",
            known.join(" and ")
        )
    })
}

/// The majors the spec's chart runs, and the other charts that run the
/// others. While the revision names no chart pgrender knows (a rule says
/// so), there is nothing to say about the major.
pub(super) fn majors(cluster: &PostgresCluster) -> Majors {
    let major = cluster.spec.postgres.version.major();
    let Ok(profile) = profile_for(&cluster.spec.bitnami.chart.target_revision) else {
        return Majors {
            runtime: "postgresql-ha".into(),
            majors: vec![major],
            elsewhere: Vec::new(),
        };
    };
    let elsewhere = CHART_MAJORS
        .iter()
        .filter(|chart| chart.major != profile.major)
        .flat_map(|chart| {
            chart.postgres_tags.iter().map(move |(m, _)| {
                (
                    *m,
                    format!(
                        "chart {}.x runs it (spec.bitnami.chart.targetRevision: {}.x.x)",
                        chart.major, chart.major
                    ),
                )
            })
        })
        .collect();
    Majors {
        runtime: format!("postgresql-ha {}.x", profile.major),
        majors: profile.postgres_tags.iter().map(|(m, _)| *m).collect(),
        elsewhere,
    }
}

/// `oci://host/path` -> `host/path`, as ArgoCD wants Helm OCI repositories.
fn argocd_repo_url(repo_url: &str) -> (&str, bool) {
    match repo_url.strip_prefix("oci://") {
        Some(rest) => (rest.trim_end_matches('/'), true),
        None => (repo_url, false),
    }
}

#[derive(Serialize)]
pub(super) struct Image {
    key: &'static str,
    pub(super) registry: String,
    pub(super) repository: String,
    pub(super) tag: Option<&'static str>,
}

#[derive(Serialize)]
pub(super) struct ChartContext<'a> {
    /// `spec.postgres.parameters` as postgresql.conf lines, if any.
    pub(super) extended_conf: Option<String>,
    /// A pod annotation that changes with them: the image reads them only
    /// when a pod starts, and the chart restarts nothing when they change.
    pub(super) settings_checksum: Option<String>,
    name: &'a str,
    repo_url: &'a str,
    pub(super) oci: bool,
    allow_insecure_images: bool,
    pub(super) images: Vec<Image>,
}

/// What the chart's templates are given: its images, repository and
/// settings, from the spec and the chart major's profile.
pub(super) fn chart_context(cluster: &PostgresCluster) -> ChartContext<'_> {
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
        .map(|conf: &str| crate::read::checksums::sha256_hex(conf.as_bytes())[..16].to_string());
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
