//! Versions every backend shares, with where each fact comes from (as of
//! 2026-12; the README cites them too).
//!
//! - The PostgreSQL images the CloudNativePG project builds
//!   (cloudnative-pg/postgres-containers README and `docker-bake.hcl`:
//!   flavours, tags, current minors): CloudNativePG runs them as servers,
//!   and every backend's backup, restore and drill jobs run their clients.
//! - postgres_exporter: its README and CHANGELOG (metric names, 0.15, 0.17
//!   and 0.20; 0.20 renamed only the replication slot metrics).

/// PostgreSQL majors the images are built for, with the minor pgrender pins.
pub(crate) const POSTGRES_IMAGE_MINORS: [(u32, &str); 4] =
    [(15, "15.19"), (16, "16.15"), (17, "17.11"), (18, "18.6")];

/// Their repository.
pub(crate) const POSTGRES_IMAGE_REPOSITORY: &str = "ghcr.io/cloudnative-pg/postgresql";

/// Image flavour and OS of the default tags: `standard` carries the locales
/// and extensions (pgvector, pgaudit) a homelab reaches for without the
/// deprecated Barman-in-core of `system`; `minimal` has no locales beyond C
/// and POSIX. Trixie is the Debian release the images are built on now.
pub(crate) const POSTGRES_IMAGE_FLAVOUR: &str = "standard-trixie";

/// `ghcr.io/cloudnative-pg/postgresql:16.15-standard-trixie` for major 16.
pub(crate) fn postgres_image(major: u32) -> Option<String> {
    POSTGRES_IMAGE_MINORS
        .iter()
        .find(|(m, _)| *m == major)
        .map(|(_, minor)| format!("{POSTGRES_IMAGE_REPOSITORY}:{minor}-{POSTGRES_IMAGE_FLAVOUR}"))
}

/// A tag's `MAJOR.MINOR` part and the rest: `16.15-standard-trixie`.
pub(crate) fn split_tag(tag: &str) -> (&str, &str) {
    tag.split_once('-').unwrap_or((tag, ""))
}

/// The Debian release an image tag is built on. The bare
/// `MM.mm` tags (`16.10`) were bullseye images; a tag with a flavour names
/// its OS last (`16.15-standard-trixie`, `16.15-202608011200-minimal-bookworm`).
pub(crate) fn image_os(tag: &str) -> Option<&str> {
    let (version, rest) = split_tag(tag);
    if !version.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if rest.is_empty() {
        return Some("bullseye");
    }
    rest.rsplit('-').next()
}

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

#[cfg(test)]
impl ExporterMetrics {
    /// The names the alerts read, in the order of `exported`.
    pub(crate) fn named(&self) -> Vec<&'static str> {
        [
            Some(self.up),
            Some(self.replication_lag),
            Some(self.connections),
            Some(self.database_size),
            self.wal_size,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// postgres_exporter, as a chart runs it beside PostgreSQL or a backend as a
/// sidecar (0.15, 0.17 and 0.20.1): the names the alerts read are the same
/// in all three.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_name_minor_flavour_and_os() {
        assert_eq!(
            postgres_image(18).as_deref(),
            Some("ghcr.io/cloudnative-pg/postgresql:18.6-standard-trixie")
        );
        assert_eq!(postgres_image(14), None);
        assert_eq!(image_os("16.10"), Some("bullseye"));
        assert_eq!(image_os("16.15-standard-trixie"), Some("trixie"));
        assert_eq!(
            image_os("16.15-202608011200-minimal-bookworm"),
            Some("bookworm")
        );
        assert_eq!(image_os("latest"), None);
    }

    #[test]
    fn the_exporter_lists_the_names_it_gives() {
        assert_eq!(
            POSTGRES_EXPORTER_METRICS.named(),
            POSTGRES_EXPORTER_METRICS.exported.to_vec()
        );
    }
}
