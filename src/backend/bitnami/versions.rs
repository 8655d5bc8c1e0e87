//! The versions of the postgresql-ha chart pgrender knows, with where each
//! fact comes from (as of 2026-12): bitnami/charts
//! `bitnami/postgresql-ha/values.yaml` at 12.8.2 and 16.3.4 (image tags),
//! its templates (the Secret keys the pods read), its README "To 16.0.0"
//! (the advisory).

/// One major of the Bitnami `postgresql-ha` chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChartMajor {
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
pub fn secret_keys(major: u32) -> Option<&'static [&'static str]> {
    CHART_MAJORS
        .iter()
        .find(|chart| chart.major == major)
        .map(|chart| chart.secret_keys)
}

pub(crate) const CHART_MAJORS: [ChartMajor; 2] = [
    ChartMajor {
        major: 12,
        last_release: "12.8.2",
        // 16: chart 12.8.2's own tag; 15: the tag of the 11.x line, pinned.
        postgres_tags: &[(16, "16.1.0-debian-11-r19"), (15, "15.4.0-debian-11-r31")],
        default_major: 16,
        has_allow_insecure_images: false,
        secret_keys: &["password", "repmgr-password", "admin-password"],
    },
    ChartMajor {
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

/// The security advisory chart 16.0.0 fixes (its README, "To 16.0.0"),
/// named by the legacy-image warning.
pub(crate) const ADVISORY_FIXED_IN: &str = "16.0.0";
