//! The files only this backend renders: the `postgresql` object, the
//! operator's Application, and the Service that reaches the exporters.

use super::cluster_name;
use super::versions::{CHART, POSTGRES_EXPORTER_IMAGE};
use crate::backend::kit::BackendOutput;
use crate::backend::kit::templates::Renderer;
use crate::spec::PostgresCluster;

pub(super) fn render(
    cluster: &PostgresCluster,
    base: &minijinja::Value,
    renderer: &Renderer,
) -> Result<BackendOutput, minijinja::Error> {
    let spec = &cluster.spec;
    let context = minijinja::context! {
        image => super::image(cluster),
        cluster => cluster_name(cluster),
        exporter_image => POSTGRES_EXPORTER_IMAGE,
        chart_version => CHART,
        ..base.clone()
    };
    let files = crate::backend::kit::render_files(
        renderer,
        &context,
        &[
            ("postgresql.yaml", "zalando/postgresql.yaml", true),
            (
                "application.yaml",
                "zalando/application.yaml",
                spec.zalando.operator.install,
            ),
            (
                "monitoring/exporter.yaml",
                "zalando/exporter.yaml",
                spec.monitoring.exporter && spec.monitoring.service_monitor,
            ),
        ],
    )?;
    Ok(BackendOutput {
        files,
        readme_template: "zalando/README.md",
        readme_context: context,
    })
}
