//! The versions CloudNativePG runs on, with where each fact comes from (as
//! of 2026-12): `docs/src/supported_releases.md` at v1.30.0 (support
//! windows, Kubernetes and PostgreSQL ranges); cloudnative-pg/charts tags
//! `cloudnative-pg-v<chart>` (chart -> operator);
//! Its PostgreSQL images are the shared ones
//! (`backend::kit::versions`).

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::value::version::semver;

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
}
