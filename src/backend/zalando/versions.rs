//! The versions of Zalando's postgres-operator pgrender knows, from the
//! operator at tag v2.0.1: `charts/postgres-operator/` (chart, values,
//! CRDs) and `docs/reference/cluster_manifest.md`.

/// Zalando's postgres-operator: release v2.0.1 (2026-07-29) and its chart
/// `postgres-operator` 2.0.1 (zalando/postgres-operator at tag v2.0.1,
/// `charts/postgres-operator/Chart.yaml` and `values.yaml`).
pub(crate) const CHART: &str = "2.0.1";
pub(crate) const CHART_REPOSITORY: &str =
    "https://opensource.zalando.com/postgres-operator/charts/postgres-operator";
/// The Spilo image of that release (`configGeneral.docker_image`): one image
/// runs every major from 14 to 18; the `postgresql` object picks one.
pub(crate) const SPILO_IMAGE: &str = "ghcr.io/zalando/spilo-18:4.1-p2";
/// Majors the operator's CRD accepts ("14" to "18") that pgrender offers,
/// as on the other backends.
pub(crate) const MAJORS: [u32; 4] = [15, 16, 17, 18];
/// postgres_exporter, run as a sidecar of the Spilo pods on this backend
/// (prometheus-community/postgres_exporter release v0.20.1, its image on
/// quay.io).
pub(crate) const POSTGRES_EXPORTER_IMAGE: &str =
    "quay.io/prometheuscommunity/postgres-exporter:v0.20.1";
