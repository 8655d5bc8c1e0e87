//! The files only this backend renders: the chart's Application, its Helm
//! values, and the ArgoCD repository of an OCI chart.

use minijinja::value::Serde;

use super::chart::chart_context;
use crate::backend::kit::run_options::RenderOptions;
use crate::backend::kit::templates::Renderer;
use crate::backend::kit::{BackendFile, BackendOutput};
use crate::spec::PostgresCluster;

pub(super) fn render(
    cluster: &PostgresCluster,
    base: &minijinja::Value,
    renderer: &Renderer,
    options: &RenderOptions,
) -> Result<BackendOutput, minijinja::Error> {
    let chart = chart_context(cluster);
    let values_file = options.values_file_path(&cluster.metadata.name);
    let base = minijinja::context! {
        chart => Serde(&chart),
        values_file => &values_file,
        values_from_git => options.values_from_git(cluster.spec.argocd.git_repo_url.as_ref()),
        ..base.clone()
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
