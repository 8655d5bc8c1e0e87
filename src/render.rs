//! From validated specs to `Plan`s: every output file's path and bytes.
//!
//! The backend renders its own files; the files every backend shares
//! (namespace, MetalLB pool, backup and restore jobs, network policy,
//! alerts) and the runbook are rendered here, then each file gets its
//! header comment and the folder its CHECKSUMS.

use std::collections::BTreeMap;

use minijinja::value::Serde;

use crate::backend::{self, BackendFile};
use crate::error::Error;
use crate::plan::{CHECKSUMS, Plan, RenderOptions, checksums};
use crate::templates::{Renderer, Template};
use crate::validate::ValidSpec;

/// Templates every backend shares; each backend brings its own
/// (`backend::templates`).
const SHARED_TEMPLATES: [Template; 22] = crate::templates::embedded![
    "common/namespace.yaml",
    "common/argocd-repository.yaml",
    "common/ip-address-pool.yaml",
    "common/backup-scripts.yaml",
    "common/backup-cronjob.yaml",
    "common/restore-job.yaml",
    "common/restore-drill.yaml",
    "common/network-policy.yaml",
    "common/prometheus-rule.yaml",
    "common/readme-connect.md",
    "common/readme-network.md",
    "common/readme-alerts.md",
    "common/readme-backups.md",
    "common/readme-remove.md",
    "common/remove.md",
    "common/folder-application.yaml",
    "common/readme-deploy.md",
    "common/readme-firewall.md",
    "migration.md",
    "opentofu/versions.tf",
    "opentofu/main.tf",
    "opentofu/outputs.tf",
];

/// A file the backup, restore and drill pods run: its name in the scripts'
/// ConfigMap and its bytes.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct JobFile {
    pub name: &'static str,
    pub content: &'static str,
}

/// Embeds the files under `jobs/`, carried verbatim into every cluster's
/// scripts ConfigMap (`backup/scripts.yaml`).
macro_rules! job_files {
    ($($name:literal),* $(,)?) => {
        [$(JobFile { name: $name, content: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/jobs/", $name)) }),*]
    };
}

/// The scripts and SQL the backup CronJob, the restore Job and the drill
/// run; plain files, linted and tested as they are (`tests/integration/`).
pub const JOB_FILES: [JobFile; 7] = job_files![
    "sets.sh",
    "restore-set.sh",
    "backup.sh",
    "restore.sh",
    "drill.sh",
    "databases.sql",
    "row-counts.sql",
];

/// Every embedded template: what a run's `Renderer` is built from.
pub(crate) fn all_templates() -> impl Iterator<Item = &'static Template> {
    SHARED_TEMPLATES.iter().chain(backend::templates())
}

/// The one template environment of a run, serving every template.
pub fn renderer() -> Renderer {
    Renderer::new(all_templates())
}

/// Settings of the run that some specs cannot work with; checked before
/// anything is written. Returns warnings.
pub(crate) fn check_options(
    specs: &[ValidSpec],
    options: &RenderOptions,
) -> Result<Vec<String>, Error> {
    match specs
        .iter()
        .find(|s| s.cluster.spec.argocd.git_repo_url.is_some())
    {
        Some(spec) if !options.in_repository => Err(Error::OutRootNotInRepository {
            spec: spec.source.display.clone(),
        }),
        _ => Ok(()),
    }?;
    let out_root = options.out_root.trim_end_matches('/');
    for spec in specs {
        if let Some(path) = &spec.cluster.spec.argocd.secrets_path {
            let path = path.trim_end_matches('/');
            if path == out_root || path.starts_with(&format!("{out_root}/")) {
                return Err(Error::SecretsInsideOutput {
                    spec: spec.source.display.clone(),
                    path: path.to_string(),
                    out_root: out_root.to_string(),
                });
            }
        }
    }
    secrets_paths_in_repository(specs, options)
}

/// The folder Application reads `spec.argocd.secretsPath` from git, and
/// ArgoCD fails the whole Application, the cluster's manifests included,
/// when a source path is missing (`app path does not exist`, argo-cd
/// `util/app/path/path.go`): a folder that does not exist is an error, one
/// with nothing committed yet a warning.
fn secrets_paths_in_repository(
    specs: &[ValidSpec],
    options: &RenderOptions,
) -> Result<Vec<String>, Error> {
    let mut warnings = Vec::new();
    let Some(root) = options
        .repository_root
        .as_ref()
        .filter(|_| !options.plugin_stream)
    else {
        return Ok(warnings);
    };
    for spec in specs {
        let argocd = &spec.cluster.spec.argocd;
        let (Some(_), Some(path)) = (&argocd.git_repo_url, &argocd.secrets_path) else {
            continue;
        };
        let folder = root.join(path);
        if !folder.is_dir() {
            return Err(Error::SecretsPathMissing {
                spec: spec.source.display.clone(),
                path: path.clone(),
                application: format!(
                    "{}/{}-manifests",
                    argocd.namespace, spec.cluster.metadata.name
                ),
            });
        }
        if crate::git::tracked(&folder) == Some(false) {
            warnings.push(format!(
                "{}: spec.argocd.secretsPath `{path}` holds nothing committed yet: commit its files before ArgoCD syncs \
                 {}/{}-manifests, or the Application fails as a whole (`app path does not exist`)",
                spec.source.display, argocd.namespace, spec.cluster.metadata.name
            ));
        }
    }
    Ok(warnings)
}

/// Render every spec into its plan, on every core. The caller has run
/// `check_options` on the whole run first.
pub(crate) fn render_plans(
    specs: &[ValidSpec],
    renderer: &Renderer,
    options: &RenderOptions,
) -> Result<Vec<Plan>, Error> {
    crate::parallel::map(specs, |spec| {
        render_spec(spec, renderer, options).map_err(|source| Error::Render {
            name: spec.cluster.metadata.name.clone(),
            source,
        })
    })
    .into_iter()
    .collect()
}

fn header(path: &str, spec: &ValidSpec) -> String {
    // A file name may hold anything but `/`: keep it from ending the comment.
    let file_name: String = spec
        .source
        .file_name
        .chars()
        .map(|c| if c.is_control() || c == '>' { '?' } else { c })
        .collect();
    let what = format!(
        "Generated by pgrender from {file_name} (PostgresCluster {}). Do not edit: change the spec and run `pgrender render`.",
        spec.cluster.metadata.name
    );
    if path.ends_with(".md") {
        format!("<!-- {what} -->\n")
    } else {
        format!("# {what}\n")
    }
}

/// A rendered file as it is written: the header comment first, runs of
/// blank lines cut to one in Markdown (templates assembled from parts leave
/// stray ones), and exactly one trailing newline whatever the template's
/// last tag did.
fn finish(path: &str, rendered: String, spec: &ValidSpec) -> String {
    let mut text = if path.ends_with(".md") {
        single_blank_lines(&rendered)
    } else {
        rendered
    };
    text.truncate(text.trim_end_matches('\n').len());
    text.push('\n');
    header(path, spec) + &text
}

/// Render one validated spec.
pub fn render_spec(
    spec: &ValidSpec,
    renderer: &Renderer,
    options: &RenderOptions,
) -> Result<Plan, minijinja::Error> {
    let cluster = &spec.cluster;
    let backend = spec.backend;
    let facts = backend.facts(cluster);
    let alerts = crate::alerts::alerts(cluster, &facts);
    let backend::BackendOutput {
        mut files,
        readme_template,
        readme_context,
    } = backend.render(cluster, &facts, &alerts, renderer, options)?;
    let shared = minijinja::context! {
        job_files => Serde(&JOB_FILES),
        ..backend::base_context(cluster, &facts, &alerts, options)
    };
    let monitoring = &cluster.spec.monitoring;
    let shared_files = [
        ("namespace.yaml", "common/namespace.yaml", true),
        (
            "metallb/ip-address-pool.yaml",
            "common/ip-address-pool.yaml",
            true,
        ),
        ("backup/scripts.yaml", "common/backup-scripts.yaml", true),
        ("backup/cronjob.yaml", "common/backup-cronjob.yaml", true),
        (RESTORE_JOB, "common/restore-job.yaml", true),
        (
            "backup/restore-drill.yaml",
            "common/restore-drill.yaml",
            cluster.spec.backup.drill.enabled,
        ),
        (
            "network-policy.yaml",
            "common/network-policy.yaml",
            cluster.spec.network.has_policy(),
        ),
        (
            "monitoring/prometheus-rule.yaml",
            "common/prometheus-rule.yaml",
            monitoring.prometheus_rule,
        ),
        (
            backend::FOLDER_APPLICATION,
            "common/folder-application.yaml",
            cluster.spec.argocd.git_repo_url.is_some() && !options.plugin_stream,
        ),
    ];
    for (path, template, wanted) in shared_files {
        if wanted {
            files.push(BackendFile {
                path: path.into(),
                content: renderer.render(template, &shared)?,
            });
        }
    }

    let module = crate::opentofu::fortigate_module(cluster);
    if let Some(module) = &module {
        let context = minijinja::context! {
            module => Serde(module),
            ..shared.clone()
        };
        for (path, template) in crate::opentofu::FILES {
            files.push(BackendFile {
                path: path.into(),
                content: renderer.render(template, &context)?,
            });
        }
    }

    if !options.plugin_stream {
        // Rendered last: the runbook lists the folder's files as they are.
        let readme_context = minijinja::context! {
            // Its commands name the spec by its path in the repository.
            spec_file => spec.source.repository_path.as_ref().unwrap_or(&spec.source.file_name),
            bootstrap_manifests => bootstrap_manifests(files.iter().map(|f| f.path.as_str())),
            ..readme_context
        };
        let mut readme = renderer.render(readme_template, &readme_context)?;
        if let Some(module) = &module {
            // The runbook's last section: the module's objects, as rendered.
            let context = minijinja::context! {
                module => Serde(module),
                ..shared.clone()
            };
            readme.truncate(readme.trim_end_matches('\n').len());
            readme.push('\n');
            readme.push_str(&renderer.render("common/readme-firewall.md", &context)?);
        }
        files.push(BackendFile {
            path: "README.md".into(),
            content: readme,
        });
    }

    let mut tree = BTreeMap::new();
    for file in files {
        let content = finish(&file.path, file.content, spec);
        tree.insert(file.path, content);
    }
    if !options.plugin_stream {
        let sums = checksums(tree.iter());
        tree.insert(CHECKSUMS.to_string(), sums);
    }
    Ok(Plan {
        name: cluster.metadata.name.clone(),
        files: tree,
    })
}

/// The Job a sync never applies (hook `Skip`): an operator creates it by
/// hand to restore.
pub(crate) const RESTORE_JOB: &str = "backup/restore-job.yaml";

/// The manifests a by-hand bootstrap applies, as the folder's sync would:
/// the namespace first (everything else lives in it), then the rest in path
/// order; not the restore Job nor the Application that syncs the folder.
fn bootstrap_manifests<'a>(paths: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut manifests: Vec<String> = paths
        .filter(|p| crate::plan::is_manifest(p))
        .filter(|p| ![RESTORE_JOB, backend::FOLDER_APPLICATION].contains(p))
        .map(str::to_string)
        .collect();
    manifests.sort_by(|a, b| (a != "namespace.yaml", a).cmp(&(b != "namespace.yaml", b)));
    manifests
}

/// `text` with every run of blank lines cut to one (in one pass: the README
/// is the largest file of a render).
fn single_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Newlines at the end of `out`: a third in a row would start a second blank line.
    let mut newlines = 0;
    for line in text.split_inclusive('\n') {
        if line == "\n" {
            if newlines >= 2 {
                continue;
            }
            newlines += 1;
        } else {
            newlines = usize::from(line.ends_with('\n'));
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ClusterSpec;
    use crate::yaml::parse_stream;

    #[test]
    fn blank_line_runs_become_one_blank_line() {
        assert_eq!(
            single_blank_lines("a\n\n\n\n\nb\n\n\nc\n\nd\ne\n"),
            "a\n\nb\n\nc\n\nd\ne\n"
        );
        assert_eq!(single_blank_lines("\n\n\n"), "\n\n");
        assert_eq!(single_blank_lines(""), "");
        // Lines holding only spaces are not blank here, as before.
        assert_eq!(single_blank_lines("a\n \n\n\nb"), "a\n \n\nb");
    }

    #[test]
    fn every_embedded_template_compiles() {
        let mut env = minijinja::Environment::new();
        for (name, source) in all_templates() {
            if let Err(e) = env.add_template(name, source) {
                panic!("{name}: {e:#}");
            }
        }
    }

    /// Validation keeps hostile strings out, but the templates must be safe
    /// on their own: a string can never change the YAML structure.
    #[test]
    fn strings_cannot_change_the_yaml_structure() {
        let hostile = "x\"\n---\nkind: Secret\n# {{ evil }} : &a *b !tag 'q' \u{2028} é \u{7f}\u{9f}\u{feff}\u{fffe}";
        let mut spec = ClusterSpec::default();
        spec.argocd.destination_server = hostile.to_string();
        spec.argocd.project = hostile.to_string();
        spec.backup.schedule = hostile.into();
        spec.network.address_pool.addresses = vec![hostile.into()];
        let valid = ValidSpec::unread("x\n---\n.yaml", spec);
        let plan = render_spec(
            &valid,
            &Renderer::new(all_templates()),
            &RenderOptions::default(),
        )
        .unwrap();
        let app = parse_stream(&plan.files["application.yaml"]).unwrap();
        assert_eq!(app.len(), 1);
        assert_eq!(app[0]["spec"]["destination"]["server"], hostile);
        assert_eq!(app[0]["spec"]["project"], hostile);
        let backup = parse_stream(&plan.files["backup/cronjob.yaml"]).unwrap();
        assert_eq!(backup.len(), 2, "PVC and CronJob, nothing injected");
        assert_eq!(backup[1]["spec"]["schedule"], hostile);
        let pool = parse_stream(&plan.files["metallb/ip-address-pool.yaml"]).unwrap();
        assert_eq!(pool[0]["spec"]["addresses"][0], hostile);
        assert!(
            plan.files["application.yaml"]
                .lines()
                .next()
                .unwrap()
                .starts_with("# Generated")
        );
        assert_eq!(
            plan.files["application.yaml"].lines().nth(1),
            Some("apiVersion: argoproj.io/v1alpha1")
        );
    }
}
