//! Every version pgrender pins, in one place, with where each fact comes
//! from. Validation, rendering and the alerts read this table; bumping a
//! version is one line here plus regenerated golden files.
//!
//! Sources (as of 2026-12; the README cites them too):
//! - CloudNativePG: `docs/src/supported_releases.md` at v1.30.0 (support
//!   windows, Kubernetes and PostgreSQL ranges); cloudnative-pg/charts tags
//!   `cloudnative-pg-v<chart>` (chart -> operator); cloudnative-pg/postgres-containers
//!   README and `docker-bake.hcl` (image flavours, tags, current minors);
//!   `config/manager/default-monitoring.yaml` (metric names).
//! - Bitnami postgresql-ha: bitnami/charts `bitnami/postgresql-ha/values.yaml`
//!   at 12.8.2 and 16.3.4 (image tags), its README "To 16.0.0" (the advisory).
//! - postgres_exporter: its README and CHANGELOG (metric names, 0.15, 0.17
//!   and 0.20; 0.20 renamed only the replication slot metrics).
//! - Zalando postgres-operator: tag v2.0.1, `charts/postgres-operator/`
//!   (chart, values, CRDs) and `docs/reference/cluster_manifest.md`.

/// One release of the `cloudnative-pg` operator chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OperatorChart {
    pub chart: &'static str,
    pub operator: &'static str,
    /// Kubernetes minors the operator supports, oldest and newest.
    pub kubernetes: (u32, u32),
    /// The operator's end of life, when it has passed or is announced.
    pub end_of_life: Option<&'static str>,
}

/// Known operator charts, oldest first. Every one ships a Cluster CRD with
/// all the fields pgrender emits.
pub(crate) const OPERATOR_CHARTS: [OperatorChart; 3] = [
    OperatorChart {
        chart: "0.27.1",
        operator: "1.28.1",
        kubernetes: (1, 35),
        end_of_life: Some("2026-06-30"),
    },
    OperatorChart {
        chart: "0.28.3",
        operator: "1.29.1",
        kubernetes: (1, 36),
        end_of_life: Some("2026-09-29"),
    },
    OperatorChart {
        chart: "0.29.0",
        operator: "1.30.0",
        kubernetes: (1, 36),
        end_of_life: None,
    },
];

/// The operator chart a spec gets when it names none: the newest known.
pub const DEFAULT_OPERATOR_CHART: &str = "0.29.0";

/// The oldest chart whose Cluster CRD has `probes`, `managed.services` and
/// `synchronous.dataDurability`, which pgrender emits.
pub(crate) const OLDEST_OPERATOR_CHART_WITH_EMITTED_FIELDS: (u32, u32, u32) = (0, 24, 0);

/// PostgreSQL majors CloudNativePG runs, with the minor pgrender pins.
pub(crate) const CLOUDNATIVE_PG_MINORS: [(u32, &str); 4] =
    [(15, "15.19"), (16, "16.15"), (17, "17.11"), (18, "18.6")];

/// The image repository of the official CloudNativePG PostgreSQL images.
pub(crate) const CLOUDNATIVE_PG_IMAGE_REPOSITORY: &str = "ghcr.io/cloudnative-pg/postgresql";

/// Image flavour and OS of the default tags: `standard` carries the locales
/// and extensions (pgvector, pgaudit) a homelab reaches for without the
/// deprecated Barman-in-core of `system`; `minimal` has no locales beyond C
/// and POSIX. Trixie is the Debian release the images are built on now.
pub(crate) const CLOUDNATIVE_PG_FLAVOUR: &str = "standard-trixie";

/// `ghcr.io/cloudnative-pg/postgresql:16.15-standard-trixie` for major 16.
pub(crate) fn cloudnative_pg_image(major: u32) -> Option<String> {
    CLOUDNATIVE_PG_MINORS
        .iter()
        .find(|(m, _)| *m == major)
        .map(|(_, minor)| {
            format!("{CLOUDNATIVE_PG_IMAGE_REPOSITORY}:{minor}-{CLOUDNATIVE_PG_FLAVOUR}")
        })
}

/// A tag's `MAJOR.MINOR` part and the rest: `16.15-standard-trixie`.
pub(crate) fn split_tag(tag: &str) -> (&str, &str) {
    tag.split_once('-').unwrap_or((tag, ""))
}

/// The Debian release an official CloudNativePG tag is built on. The bare
/// `MM.mm` tags (`16.10`) were bullseye images; a tag with a flavour names
/// its OS last (`16.15-standard-trixie`, `16.15-202608011200-minimal-bookworm`).
pub(crate) fn cloudnative_pg_os(tag: &str) -> Option<&str> {
    let (version, rest) = split_tag(tag);
    if !version.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if rest.is_empty() {
        return Some("bullseye");
    }
    rest.rsplit('-').next()
}

/// One major of the Bitnami `postgresql-ha` chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BitnamiChart {
    pub major: u32,
    /// The last release of this major, whose values.yaml the tests check
    /// every emitted key against.
    pub last_release: &'static str,
    /// `postgresql-repmgr` tag per PostgreSQL major. Pinned, because the
    /// chart's own tag follows its PostgreSQL major, not the spec's.
    pub postgres_tags: &'static [(u32, &'static str)],
    /// The chart's own PostgreSQL major (its `appVersion`).
    pub default_major: u32,
    /// Chart majors after Bitnami's 2025 image change verify image names and
    /// need `global.security.allowInsecureImages` for any other repository.
    pub has_allow_insecure_images: bool,
    /// The keys of the credentials Secret (`postgresql.existingSecret`,
    /// `pgpool.existingSecret`) the pods read at the last release, as
    /// pgrender configures the chart (tests/integration/upstream_facts.rs
    /// reads them from the chart's templates).
    pub secret_keys: &'static [&'static str],
}

/// The credentials Secret keys chart `major` reads, if pgrender knows it.
pub fn bitnami_secret_keys(major: u32) -> Option<&'static [&'static str]> {
    BITNAMI_CHARTS
        .iter()
        .find(|chart| chart.major == major)
        .map(|chart| chart.secret_keys)
}

pub(crate) const BITNAMI_CHARTS: [BitnamiChart; 2] = [
    BitnamiChart {
        major: 12,
        last_release: "12.8.2",
        // 16: chart 12.8.2's own tag; 15: the tag of the 11.x line, pinned.
        postgres_tags: &[(16, "16.1.0-debian-11-r19"), (15, "15.4.0-debian-11-r31")],
        default_major: 16,
        has_allow_insecure_images: false,
        secret_keys: &["password", "repmgr-password", "admin-password"],
    },
    BitnamiChart {
        major: 16,
        last_release: "16.3.4",
        postgres_tags: &[(17, "17.6.0-debian-12-r2")],
        default_major: 17,
        has_allow_insecure_images: true,
        // Password files are mounted by default from 16.x on, and pgpool's
        // streaming-replication check user has a password of its own.
        secret_keys: &[
            "password",
            "repmgr-password",
            "admin-password",
            "sr-check-password",
        ],
    },
];

/// Zalando's postgres-operator: release v2.0.1 (2026-07-29) and its chart
/// `postgres-operator` 2.0.1 (zalando/postgres-operator at tag v2.0.1,
/// `charts/postgres-operator/Chart.yaml` and `values.yaml`).
pub(crate) const ZALANDO_CHART: &str = "2.0.1";
pub(crate) const ZALANDO_CHART_REPOSITORY: &str =
    "https://opensource.zalando.com/postgres-operator/charts/postgres-operator";
/// The Spilo image of that release (`configGeneral.docker_image`): one image
/// runs every major from 14 to 18; the `postgresql` object picks one.
pub(crate) const SPILO_IMAGE: &str = "ghcr.io/zalando/spilo-18:4.1-p2";
/// Majors the operator's CRD accepts ("14" to "18") that pgrender offers,
/// as on the other backends.
pub(crate) const ZALANDO_MAJORS: [u32; 4] = [15, 16, 17, 18];
/// postgres_exporter, run as a sidecar of the Spilo pods on this backend
/// (prometheus-community/postgres_exporter release v0.20.1, its image on
/// quay.io).
pub(crate) const POSTGRES_EXPORTER_IMAGE: &str =
    "quay.io/prometheuscommunity/postgres-exporter:v0.20.1";

/// The security advisory chart 16.0.0 fixes (its README, "To 16.0.0"),
/// named by the legacy-image warning.
pub(crate) const BITNAMI_ADVISORY_FIXED_IN: &str = "16.0.0";

/// Metric names an exporter exports, with where the list comes from. Only
/// the names the alerts use are listed; a test checks every alert against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ExporterMetrics {
    /// 1 while the exporter reaches PostgreSQL.
    pub up: &'static str,
    /// Replay lag of a replica in seconds (0 on the primary).
    pub replication_lag: &'static str,
    /// Connections per instance.
    pub connections: &'static str,
    /// Size of each database in bytes (label `datname`).
    pub database_size: &'static str,
    /// Size of the WAL directory in bytes, where the exporter reports it.
    pub wal_size: Option<&'static str>,
    /// Every name above and nothing else: what the exporter really has.
    #[serde(skip)]
    pub exported: &'static [&'static str],
    #[serde(skip)]
    pub source: &'static str,
}

/// postgres_exporter as the Bitnami chart runs it (0.15 on 12.x, 0.17 on
/// 16.x) and as the Zalando backend's sidecar (0.20.1): the names the
/// alerts read are the same in all three.
pub const POSTGRES_EXPORTER_METRICS: ExporterMetrics = ExporterMetrics {
    up: "pg_up",
    replication_lag: "pg_replication_lag_seconds",
    connections: "pg_stat_activity_count",
    database_size: "pg_database_size_bytes",
    wal_size: None,
    exported: &[
        "pg_up",
        "pg_replication_lag_seconds",
        "pg_stat_activity_count",
        "pg_database_size_bytes",
    ],
    source: "prometheus-community/postgres_exporter collector/{pg_replication,pg_stat_activity,pg_database}.go, 0.15, 0.17 and 0.20",
};

/// The exporter built into every CloudNativePG instance.
pub const CLOUDNATIVE_PG_METRICS: ExporterMetrics = ExporterMetrics {
    up: "cnpg_collector_up",
    replication_lag: "cnpg_pg_replication_lag",
    connections: "cnpg_backends_total",
    database_size: "cnpg_pg_database_size_bytes",
    wal_size: Some("cnpg_collector_pg_wal"),
    exported: &[
        "cnpg_collector_up",
        "cnpg_pg_replication_lag",
        "cnpg_backends_total",
        "cnpg_pg_database_size_bytes",
        "cnpg_collector_pg_wal",
    ],
    source: "cloudnative-pg/cloudnative-pg config/manager/default-monitoring.yaml and pkg/management/postgres/webserver/metricserver, v1.30.0",
};

/// `0.29.0` -> (0, 29, 0); anything else (ranges, `latest`) -> None.
pub(crate) fn semver(version: &str) -> Option<(u32, u32, u32)> {
    let mut parts = version.trim_start_matches('v').split('.');
    let mut next = || parts.next()?.parse::<u32>().ok();
    let triple = (next()?, next()?, next()?);
    parts.next().is_none().then_some(triple)
}

/// The OpenTofu provider for FortiGate (`<name>/opentofu/versions.tf`),
/// pinned exactly. Every resource and attribute pgrender writes is one its
/// documentation lists (fortinetdev/terraform-provider-fortios,
/// `website/docs/r/`, release 1.21.0); `tests/upstream/fortios/` keeps that
/// list with its source, and a test checks the rendered modules against it.
pub const FORTIOS_PROVIDER: &str = "fortinetdev/fortios";
pub const FORTIOS_PROVIDER_VERSION: &str = "1.21.0";

/// OpenTofu's first release; the module uses nothing newer.
pub(crate) const OPENTOFU_REQUIRED_VERSION: &str = ">= 1.6.0";

// Every version string pgrender reads is read here: exact chart versions,
// chart ranges as ArgoCD takes them, image tags.

/// `12.x.x`, `12.8.2`, `^12.8`, `~12`, `v12` -> 12.
pub(crate) fn chart_major(target_revision: &str) -> Option<u32> {
    let trimmed = target_revision.trim_start_matches(['^', '~', '=', 'v', ' ']);
    let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
    let rest = &trimmed[digits.len()..];
    if digits.is_empty() || !(rest.is_empty() || rest.starts_with('.')) {
        return None;
    }
    digits.parse().ok()
}

/// The major version at the start of an image tag (`16.1.0-debian-11-r19`,
/// `16.10`, `17.6-standard-trixie`).
pub(crate) fn major_of_tag(tag: &str) -> Option<u32> {
    tag.split(['.', '-']).next()?.parse().ok()
}

/// The tag of an image reference: after the last `:` of its last path
/// segment (a registry may carry a port), before any `@digest`.
pub(crate) fn image_tag(image: &str) -> Option<&str> {
    let name = image.split_once('@').map_or(image, |(name, _)| name);
    name.rsplit_once('/')
        .map_or(name, |(_, last)| last)
        .split_once(':')
        .map(|(_, tag)| tag)
}

/// A chart version or range as ArgoCD takes it (`12.x.x`, `12.8.2`), by the
/// chart major it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartRevision {
    pub major: u32,
}

impl ChartRevision {
    pub(crate) fn parse(text: &str) -> Result<ChartRevision, String> {
        chart_major(text).map(|major| ChartRevision { major }).ok_or_else(|| {
            format!("cannot tell the chart major version from `{text}`; write it like 12.x.x or 12.8.2")
        })
    }
}

/// An image reference as far as pgrender reads one: its tag and the
/// PostgreSQL major the tag starts with, where it has them. What is wrong
/// with a reference depends on the spec around it (which major it must
/// run), so reading one never fails; the rules judge the parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Empty, or holding whitespace: not a reference at all.
    pub malformed: bool,
    pub tag: Option<String>,
    pub major: Option<u32>,
}

impl ImageRef {
    pub(crate) fn read(text: &str) -> ImageRef {
        let tag = image_tag(text);
        ImageRef {
            malformed: text.is_empty() || text.contains(char::is_whitespace),
            tag: tag.map(str::to_string),
            major: tag.and_then(major_of_tag),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn chart_major_reads_argocd_revisions() {
        assert_eq!(chart_major("12.x.x"), Some(12));
        assert_eq!(chart_major("12.8.2"), Some(12));
        assert_eq!(chart_major("^16.3"), Some(16));
        assert_eq!(chart_major("12"), Some(12));
        assert_eq!(chart_major("x.12"), None);
        assert_eq!(chart_major("12abc"), None);
        assert_eq!(chart_major(""), None);
    }
    use super::*;

    #[test]
    fn the_default_operator_chart_is_the_newest_known_and_supported() {
        let newest = OPERATOR_CHARTS.last().expect("a chart");
        assert_eq!(newest.chart, DEFAULT_OPERATOR_CHART);
        assert_eq!(newest.end_of_life, None);
        let mut sorted = OPERATOR_CHARTS.map(|c| semver(c.chart).expect("x.y.z"));
        sorted.sort();
        assert_eq!(
            sorted,
            OPERATOR_CHARTS.map(|c| semver(c.chart).expect("x.y.z"))
        );
        assert!(sorted[0] >= OLDEST_OPERATOR_CHART_WITH_EMITTED_FIELDS);
    }

    #[test]
    fn images_name_minor_flavour_and_os() {
        assert_eq!(
            cloudnative_pg_image(18).as_deref(),
            Some("ghcr.io/cloudnative-pg/postgresql:18.6-standard-trixie")
        );
        assert_eq!(cloudnative_pg_image(14), None);
        assert_eq!(cloudnative_pg_os("16.10"), Some("bullseye"));
        assert_eq!(cloudnative_pg_os("16.15-standard-trixie"), Some("trixie"));
        assert_eq!(
            cloudnative_pg_os("16.15-202608011200-minimal-bookworm"),
            Some("bookworm")
        );
        assert_eq!(cloudnative_pg_os("latest"), None);
    }

    #[test]
    fn each_exporter_lists_the_names_it_gives() {
        for metrics in [POSTGRES_EXPORTER_METRICS, CLOUDNATIVE_PG_METRICS] {
            let named = [
                Some(metrics.up),
                Some(metrics.replication_lag),
                Some(metrics.connections),
                Some(metrics.database_size),
                metrics.wal_size,
            ];
            for name in named.into_iter().flatten() {
                assert!(metrics.exported.contains(&name), "{name}");
            }
        }
    }

    #[test]
    fn semver_reads_exact_versions_only() {
        assert_eq!(semver("0.29.0"), Some((0, 29, 0)));
        assert_eq!(semver("0.29.x"), None);
        assert_eq!(semver("0.29"), None);
        assert_eq!(semver("0.29.0.1"), None);
    }
}
