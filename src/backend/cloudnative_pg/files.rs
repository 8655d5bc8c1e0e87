//! The files only this backend renders: the Cluster, the operator's
//! Application and the PodMonitor.

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
        ..base.clone()
    };
    let files = crate::backend::kit::render_files(
        renderer,
        &context,
        &[
            ("cluster.yaml", "cloudnative-pg/cluster.yaml", true),
            (
                "application.yaml",
                "cloudnative-pg/application.yaml",
                spec.cloudnative_pg.operator.install,
            ),
            (
                "monitoring/pod-monitor.yaml",
                "cloudnative-pg/pod-monitor.yaml",
                spec.monitoring.exporter && spec.monitoring.service_monitor,
            ),
        ],
    )?;
    Ok(BackendOutput {
        files,
        readme_template: "cloudnative-pg/README.md",
        readme_context: context,
    })
}
