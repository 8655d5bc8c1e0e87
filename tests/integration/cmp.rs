//! The ArgoCD plugin contract, driven the way ArgoCD drives it: the repo
//! checked out in a temp dir, the binary run in the application's path with
//! the build environment and `ARGOCD_APP_PARAMETERS`/`ARGOCD_ENV_*` it sets.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::{Workspace, reference_spec, repo_root, snapshot, spec_with, stderr, stdout};

const SECRET: &str = "TopSecret-9f8e7d";

/// A checkout of a GitOps repo with the reference spec and a plain Helm app.
fn checkout() -> Workspace {
    let ws = Workspace::empty();
    ws.write("kubernetes/specs/postgresql.yaml", &reference_spec());
    ws.write(
        "apps/grafana/Chart.yaml",
        "apiVersion: v2\nname: grafana\nversion: 1.0.0\n",
    );
    ws.write("apps/grafana/values.yaml", "replicas: 1\n");
    ws
}

/// Run like the CMP sidecar: a clean environment holding only what ArgoCD sets.
fn argocd(dir: &Path, args: &[&str], extra: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pgrender"));
    cmd.args(args).current_dir(dir).env_clear();
    let base = [
        ("ARGOCD_APP_NAME", "postgresql-specs"),
        ("ARGOCD_APP_NAMESPACE", "argocd"),
        ("ARGOCD_APP_PROJECT_NAME", "default"),
        (
            "ARGOCD_APP_REVISION",
            "0123456789abcdef0123456789abcdef01234567",
        ),
        ("ARGOCD_APP_REVISION_SHORT", "0123456"),
        ("ARGOCD_APP_SOURCE_PATH", "kubernetes/specs"),
        (
            "ARGOCD_APP_SOURCE_REPO_URL",
            "https://git.lan/homelab/gitops.git",
        ),
        ("ARGOCD_APP_SOURCE_TARGET_REVISION", "HEAD"),
        ("KUBE_VERSION", "1.31.4"),
        (
            "KUBE_API_VERSIONS",
            "v1,apps/v1,batch/v1,argoproj.io/v1alpha1,metallb.io/v1beta1",
        ),
        // Things a sidecar's environment holds that must never leak.
        ("DB_ADMIN_PASSWORD", SECRET),
    ];
    for (k, v) in base.iter().chain(extra) {
        cmd.env(k, v);
    }
    cmd.output().expect("run pgrender")
}

fn specs_dir(ws: &Workspace) -> PathBuf {
    ws.path().join("kubernetes/specs")
}

/// The committed rendered manifests, concatenated as `generate` must print them.
fn committed_stream() -> String {
    let tree = snapshot(&repo_root().join("kubernetes/applications/postgresql"));
    tree.iter()
        .filter(|(p, _)| p.ends_with(".yaml") && !p.starts_with("values/"))
        .map(|(_, b)| String::from_utf8(b.clone()).expect("utf-8"))
        .collect::<Vec<_>>()
        .join("---\n")
}

fn docs(text: &str) -> Vec<Value> {
    pgrender::parse_stream(text).expect("a YAML stream")
}

fn assert_failed_cleanly(o: &Output, want: &str) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    assert_eq!(stdout(o), "", "nothing on stdout when failing");
    assert!(
        stderr(o).contains(want),
        "stderr lacks {want:?}: {}",
        stderr(o)
    );
    assert!(!stderr(o).contains(SECRET));
}

#[test]
fn generate_prints_the_committed_manifests_byte_for_byte() {
    let ws = checkout();
    let before = snapshot(ws.path());
    let o = argocd(&specs_dir(&ws), &["generate"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), committed_stream());
    assert_eq!(before, snapshot(ws.path()), "generate never writes");
    assert!(!stderr(&o).contains(SECRET));
}

#[test]
fn generate_stream_holds_only_kubernetes_objects() {
    let ws = checkout();
    let o = argocd(&specs_dir(&ws), &["generate"], &[]);
    let objects = docs(&stdout(&o));
    let kinds: Vec<String> = objects
        .iter()
        .map(|d| {
            let meta = &d["metadata"];
            assert!(
                meta["name"].is_string() || meta["generateName"].is_string(),
                "{d}"
            );
            format!(
                "{} {}",
                d["apiVersion"].as_str().expect("apiVersion"),
                d["kind"].as_str().expect("kind")
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "argoproj.io/v1alpha1 Application",
            "v1 Secret",
            "v1 PersistentVolumeClaim",
            "batch/v1 CronJob",
            "batch/v1 CronJob",
            "networking.k8s.io/v1 NetworkPolicy",
            "batch/v1 Job",
            "v1 ConfigMap",
            "metallb.io/v1beta1 IPAddressPool",
            "metallb.io/v1beta1 L2Advertisement",
            "monitoring.coreos.com/v1 PrometheusRule",
            "v1 Namespace",
            "networking.k8s.io/v1 NetworkPolicy",
            "networking.k8s.io/v1 NetworkPolicy",
        ]
    );
}

#[test]
fn no_parameters_in_any_form_renders_the_defaults() {
    let ws = checkout();
    let plain = stdout(&argocd(&specs_dir(&ws), &["generate"], &[]));
    for value in ["null", "[]", ""] {
        let o = argocd(
            &specs_dir(&ws),
            &["generate"],
            &[("ARGOCD_APP_PARAMETERS", value)],
        );
        assert_eq!(o.status.code(), Some(0), "{value:?}: {}", stderr(&o));
        assert_eq!(stdout(&o), plain, "{value:?}");
    }
}

#[test]
fn string_parameter_and_env_override_the_chart_and_images() {
    let ws = checkout();
    let o = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[
            (
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"chart-version","string":"12.8.2"}]"#,
            ),
            ("ARGOCD_ENV_PGRENDER_CHART_VERSION", "12.1.0"),
            ("ARGOCD_ENV_PGRENDER_IMAGE_REGISTRY", "registry.lan:5000"),
            ("ARGOCD_ENV_PGRENDER_IMAGE_NAMESPACE", "mirror/bitnami"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let app = &docs(&stdout(&o))[0];
    assert_eq!(
        app["spec"]["source"]["targetRevision"], "12.8.2",
        "parameters win over env"
    );
    let pg = &app["spec"]["source"]["helm"]["valuesObject"]["postgresql"]["image"];
    assert_eq!(pg["registry"], "registry.lan:5000");
    assert_eq!(pg["repository"], "mirror/bitnami/postgresql-repmgr");
    assert!(
        !stderr(&o).contains("bitnamilegacy"),
        "no frozen-image warning for a mirror: {}",
        stderr(&o)
    );
}

#[test]
fn map_parameter_sets_spec_fields_through_validation() {
    let ws = checkout();
    let params = r#"[{"map":{"spec.postgres.instances":"3","spec.postgres.replication":"sync"},"name":"overrides"}]"#;
    let o = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[("ARGOCD_APP_PARAMETERS", params)],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let values = &docs(&stdout(&o))[0]["spec"]["source"]["helm"]["valuesObject"]["postgresql"];
    assert_eq!(values["replicaCount"], 3);
    assert_eq!(values["syncReplication"], true);

    // The same rules as the file: 0 instances is refused, and the value is not echoed.
    let bad = r#"[{"map":{"spec.bitnami.images.registry":"TopSecret-9f8e7d"},"name":"overrides"}]"#;
    let o = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[("ARGOCD_APP_PARAMETERS", bad)],
    );
    assert_failed_cleanly(
        &o,
        "spec.bitnami.images.registry: `<hidden>` is not a registry host",
    );
    assert!(
        stderr(&o).contains("value set by parameter `overrides`"),
        "{}",
        stderr(&o)
    );

    // An address cannot be a secret: the message shows it, so it can be fixed.
    let ip = r#"[{"map":{"spec.network.loadBalancerIP":"10.0.0.5"},"name":"overrides"}]"#;
    let o = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[("ARGOCD_APP_PARAMETERS", ip)],
    );
    assert_failed_cleanly(
        &o,
        "spec.network.loadBalancerIP: 10.0.0.5 is outside the address pool (192.168.10.100-192.168.10.110); MetalLB would never assign it (value set by parameter `overrides` key `spec.network.loadBalancerIP`)",
    );

    // Text cannot become YAML structure: it stays one string and fails validation.
    let inject = r#"[{"name":"chart-version","string":"12.x.x\n    helm: {}"}]"#;
    let o = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[("ARGOCD_APP_PARAMETERS", inject)],
    );
    assert_failed_cleanly(&o, "is not a chart version or range");
}

#[test]
fn array_parameter_chooses_specs_in_a_folder() {
    let ws = checkout();
    ws.write(
        "kubernetes/specs/team/analytics.yaml",
        &spec_with(
            "analytics",
            "  namespace: analytics\n  network:\n    loadBalancerIP: 192.168.10.120\n    addressPool:\n      name: analytics-pool\n      addresses: [192.168.10.120-192.168.10.121]\n  argocd:\n    applicationName: analytics-db\n",
        ),
    );
    let all = argocd(&specs_dir(&ws), &["generate"], &[]);
    assert_eq!(all.status.code(), Some(0), "{}", stderr(&all));
    assert_eq!(docs(&stdout(&all)).len(), 28);

    let params = r#"[{"array":["team/analytics.yaml"],"name":"specs"}]"#;
    let one = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[("ARGOCD_APP_PARAMETERS", params)],
    );
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    let objects = docs(&stdout(&one));
    assert_eq!(objects.len(), 14);
    assert_eq!(objects[0]["metadata"]["name"], "analytics-db");

    let env = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[("ARGOCD_ENV_PGRENDER_SPECS", "postgresql.yaml")],
    );
    assert_eq!(
        docs(&stdout(&env))[0]["metadata"]["name"],
        "postgresql-cluster"
    );

    let missing = r#"[{"array":["nope.yaml"],"name":"specs"}]"#;
    let o = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[("ARGOCD_APP_PARAMETERS", missing)],
    );
    assert_failed_cleanly(&o, "spec `nope.yaml` was asked for");
}

#[test]
fn the_namespaced_app_name_form_is_understood() {
    let ws = checkout();
    // `<namespace>_<name>` for apps outside the control-plane namespace:
    // the name part equals the chart Application the spec renders.
    let o = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[("ARGOCD_APP_NAME", "team-a_postgresql-cluster")],
    );
    assert_failed_cleanly(
        &o,
        "the plugin's own Application is named `postgresql-cluster`",
    );
    let o = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[("ARGOCD_APP_NAME", "team-a_postgresql-specs")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn old_clusters_are_refused_because_of_cronjob_time_zones() {
    let ws = checkout();
    let o = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[("KUBE_VERSION", "1.26.9")],
    );
    assert_failed_cleanly(&o, "needs 1.27 or newer");
    let o = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[("KUBE_VERSION", "1.27.0")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn errors_exit_2_with_nothing_on_stdout_and_no_secrets_on_stderr() {
    let ws = checkout();
    let dir = specs_dir(&ws);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("ARGOCD_ENV_DB_PASSWORD", SECRET)],
            "unknown plugin environment variable(s): ARGOCD_ENV_DB_PASSWORD",
        ),
        (
            vec![(
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"db-password","string":"TopSecret-9f8e7d"}]"#,
            )],
            "unknown plugin parameter(s): db-password",
        ),
        (
            vec![("ARGOCD_APP_PARAMETERS", "{not json")],
            "ARGOCD_APP_PARAMETERS is not the JSON ArgoCD sends",
        ),
        (
            vec![(
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"chart-version","array":["x"]}]"#,
            )],
            "parameter `chart-version` must be a string",
        ),
        (
            vec![(
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"overrides","map":{"metadata.name":"x"}}]"#,
            )],
            "`metadata.name` is not a field of the spec",
        ),
        (vec![("KUBE_VERSION", "banana")], "KUBE_VERSION `banana`"),
    ];
    for (env, want) in cases {
        let o = argocd(&dir, &["generate"], &env);
        assert_failed_cleanly(&o, want);
    }
}

#[test]
fn invalid_or_missing_specs_never_give_an_empty_stream() {
    let ws = checkout();
    // No spec in the folder: an empty stream plus prune would delete the database.
    let o = argocd(&ws.path().join("apps/grafana"), &["generate"], &[]);
    assert_failed_cleanly(&o, "no pgrender spec found");
    ws.write(
        "kubernetes/specs/postgresql.yaml",
        &reference_spec().replace("instances: 2", "instances: 0"),
    );
    let o = argocd(&specs_dir(&ws), &["generate"], &[]);
    assert_failed_cleanly(
        &o,
        "./postgresql.yaml:14:16: spec.postgres.instances: must be at least 1, found 0",
    );
}

#[cfg(unix)]
#[test]
fn specs_and_symlinks_must_stay_inside_the_source_directory() {
    let ws = checkout();
    let outside = Workspace::empty();
    outside.write(
        "elsewhere/other.yaml",
        &spec_with("other", "  network:\n    loadBalancerIP: 10.1.0.1\n    addressPool:\n      name: other\n      addresses: [10.1.0.0/30]\n  argocd:\n    applicationName: other\n"),
    );
    std::os::unix::fs::symlink(
        outside.path().join("elsewhere/other.yaml"),
        specs_dir(&ws).join("link.yaml"),
    )
    .expect("symlink");
    let o = argocd(&specs_dir(&ws), &["generate"], &[]);
    assert_failed_cleanly(&o, "link.yaml: resolves outside the source directory");
    std::fs::remove_file(specs_dir(&ws).join("link.yaml")).expect("rm");
    let o = argocd(&specs_dir(&ws), &["generate", "../../apps"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
}

#[test]
fn discover_matches_spec_folders_only() {
    let ws = checkout();
    let o = argocd(&specs_dir(&ws), &["discover"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "postgresql.yaml\n");
    // A plain Helm app is never captured: nothing printed means no match.
    let o = argocd(&ws.path().join("apps/grafana"), &["discover"], &[]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    // A broken spec still matches, so generate can say what is wrong.
    ws.write(
        "kubernetes/specs/postgresql.yaml",
        "apiVersion: pgrender.dev/v1alpha1\nkind: PostgresCluster\nspec: [\n",
    );
    let o = argocd(&specs_dir(&ws), &["discover"], &[]);
    assert_eq!(stdout(&o), "postgresql.yaml\n");
}

#[test]
fn parameters_announce_every_parameter_as_argocd_reads_them() {
    let ws = checkout();
    let o = argocd(&specs_dir(&ws), &["parameters"], &[]);
    assert_eq!(o.status.code(), Some(0));
    let announced: Vec<Value> = serde_json::from_str(&stdout(&o)).expect("JSON array");
    let by_name: BTreeMap<&str, &Value> = announced
        .iter()
        .map(|a| (a["name"].as_str().expect("name"), a))
        .collect();
    assert_eq!(by_name.len(), 5);
    assert_eq!(by_name["chart-version"]["string"], "12.x.x");
    assert_eq!(by_name["specs"]["collectionType"], "array");
    assert_eq!(by_name["overrides"]["collectionType"], "map");
    for a in &announced {
        assert!(a["title"].is_string() && a["tooltip"].is_string(), "{a}");
    }
}

// ---- deployment files under kubernetes/argocd-cmp/ ----

fn cmp_file(name: &str) -> String {
    std::fs::read_to_string(repo_root().join("kubernetes/argocd-cmp").join(name)).expect(name)
}

fn one_doc(name: &str) -> Value {
    docs(&cmp_file(name)).remove(0)
}

#[test]
fn plugin_yaml_has_what_the_cmp_server_requires() {
    let plugin = one_doc("plugin.yaml");
    assert_eq!(plugin["apiVersion"], "argoproj.io/v1alpha1");
    assert_eq!(plugin["kind"], "ConfigManagementPlugin");
    assert_eq!(plugin["metadata"]["name"], "pgrender");
    let spec = &plugin["spec"];
    assert_eq!(
        spec["generate"]["command"],
        serde_json::json!(["/usr/local/bin/pgrender", "generate"])
    );
    assert_eq!(
        spec["discover"]["find"]["command"],
        serde_json::json!(["/usr/local/bin/pgrender", "discover"])
    );
    assert_eq!(
        spec["parameters"]["dynamic"]["command"],
        serde_json::json!(["/usr/local/bin/pgrender", "parameters"])
    );
    // The Dockerfile puts the binary where plugin.yaml runs it.
    assert!(cmp_file("Dockerfile").contains("/usr/local/bin/pgrender"));

    let configmap = one_doc("configmap.yaml");
    assert_eq!(configmap["kind"], "ConfigMap");
    assert_eq!(
        configmap["data"]["plugin.yaml"]
            .as_str()
            .expect("plugin.yaml key"),
        cmp_file("plugin.yaml"),
        "configmap.yaml must carry plugin.yaml unchanged"
    );
}

#[test]
fn repo_server_patch_runs_the_sidecar_as_argocd_requires() {
    let patch = one_doc("repo-server-patch.yaml");
    assert_eq!(patch["kind"], "Deployment");
    assert_eq!(patch["metadata"]["name"], "argocd-repo-server");
    let pod = &patch["spec"]["template"]["spec"];
    let sidecar = &pod["containers"][0];
    assert_eq!(
        sidecar["command"],
        serde_json::json!(["/var/run/argocd/argocd-cmp-server"])
    );
    let security = &sidecar["securityContext"];
    assert_eq!(security["runAsUser"], 999);
    assert_eq!(security["runAsNonRoot"], true);
    assert_eq!(security["readOnlyRootFilesystem"], true);
    assert!(sidecar["resources"]["limits"]["memory"].is_string());
    let mounts: BTreeMap<&str, &Value> = sidecar["volumeMounts"]
        .as_array()
        .expect("mounts")
        .iter()
        .map(|m| (m["mountPath"].as_str().expect("mountPath"), m))
        .collect();
    assert_eq!(mounts["/var/run/argocd"]["name"], "var-files");
    assert_eq!(mounts["/home/argocd/cmp-server/plugins"]["name"], "plugins");
    assert_eq!(
        mounts["/home/argocd/cmp-server/config/plugin.yaml"]["subPath"],
        "plugin.yaml"
    );
    let tmp_volume = mounts["/tmp"]["name"].as_str().expect("tmp mount");
    let volumes = pod["volumes"].as_array().expect("volumes");
    let tmp = volumes
        .iter()
        .find(|v| v["name"] == tmp_volume)
        .expect("own /tmp volume");
    assert!(tmp["emptyDir"].is_object());
    let config = volumes
        .iter()
        .find(|v| v["name"] == mounts["/home/argocd/cmp-server/config/plugin.yaml"]["name"])
        .expect("config volume");
    assert_eq!(
        config["configMap"]["name"],
        one_doc("configmap.yaml")["metadata"]["name"]
    );

    let kustomization = one_doc("kustomization.yaml");
    assert_eq!(kustomization["kind"], "Component");
    assert_eq!(
        kustomization["resources"],
        serde_json::json!(["configmap.yaml"])
    );
    assert_eq!(
        kustomization["patches"][0]["path"],
        "repo-server-patch.yaml"
    );
    assert_eq!(
        kustomization["images"][0]["name"],
        sidecar["image"]
            .as_str()
            .expect("image")
            .split(':')
            .next()
            .expect("name")
    );
}

#[test]
fn example_application_uses_the_plugin_on_the_specs() {
    let app = one_doc("example-application.yaml");
    let plugin = one_doc("plugin.yaml");
    let socket_name = format!(
        "{}-{}",
        plugin["metadata"]["name"].as_str().expect("name"),
        plugin["spec"]["version"].as_str().expect("version")
    );
    assert_eq!(
        app["spec"]["source"]["plugin"]["name"],
        socket_name.as_str()
    );
    assert_eq!(app["spec"]["source"]["path"], "kubernetes/specs");
    assert_ne!(
        app["metadata"]["name"], "postgresql-cluster",
        "must differ from the rendered chart Application"
    );
    // It is a valid Application by the CRD schema, like every rendered one.
    let (_, schema) = crate::output_valid::crd_schemas()
        .into_iter()
        .find(|((api, kind), _)| api == "argoproj.io/v1alpha1" && kind == "Application")
        .expect("the Application CRD is copied");
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    let errors: Vec<String> = validator.iter_errors(&app).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn dockerfile_is_multi_stage_static_and_non_root() {
    let dockerfile = cmp_file("Dockerfile");
    let froms = dockerfile
        .lines()
        .filter(|l| l.starts_with("FROM "))
        .count();
    assert!(froms >= 2, "multi-stage build");
    assert!(
        dockerfile.contains("RUN scripts/build-static"),
        "the static binary the benchmarks measure"
    );
    let script = std::fs::read_to_string(repo_root().join("scripts/build-static")).expect("script");
    assert!(script.contains("--locked") && script.contains("+crt-static"));
    assert!(
        dockerfile.lines().any(|l| l == "FROM scratch"),
        "nothing but the binary at run time"
    );
    assert!(
        dockerfile.lines().any(|l| l == "USER 999:999"),
        "runs as ArgoCD's uid"
    );
}

/// The argo-cd Helm chart values install the same sidecar with the same
/// plugin as the Kustomize component: one container definition, mounts at
/// the same paths, the plugin config from the same spec.
#[test]
fn helm_values_install_what_the_kustomize_component_installs() {
    let values = one_doc("helm-values.yaml");
    let patch = one_doc("repo-server-patch.yaml");
    let kustomization = one_doc("kustomization.yaml");
    let plugin = one_doc("plugin.yaml");

    // The plugin: the chart names it by its key and writes `spec` as given.
    let plugins = &values["configs"]["cmp"]["plugins"];
    let name = plugin["metadata"]["name"].as_str().expect("plugin name");
    assert_eq!(values["configs"]["cmp"]["create"], true);
    assert_eq!(
        plugins[name], plugin["spec"],
        "configs.cmp.plugins.{name} is plugin.yaml's spec"
    );

    // The container: identical but for the image (kustomize rewrites it) and
    // the volume carrying the plugin config.
    let mut helm = values["repoServer"]["extraContainers"][0].clone();
    let mut kustomize = patch["spec"]["template"]["spec"]["containers"][0].clone();
    let image = &kustomization["images"][0];
    assert_eq!(
        helm["image"].as_str(),
        Some(
            format!(
                "{}:{}",
                image["newName"].as_str().expect("newName"),
                image["newTag"].as_str().expect("newTag")
            )
            .as_str()
        )
    );
    let config_mount = |container: &Value| {
        container["volumeMounts"]
            .as_array()
            .expect("mounts")
            .iter()
            .find(|m| m["mountPath"] == "/home/argocd/cmp-server/config/plugin.yaml")
            .cloned()
            .expect("the plugin config mount")
    };
    let (helm_config, kustomize_config) = (config_mount(&helm), config_mount(&kustomize));
    assert_eq!(
        helm_config["subPath"].as_str(),
        Some(format!("{name}.yaml").as_str()),
        "the chart's key for the plugin"
    );
    let volume_of = |volumes: &Value, mount: &Value| {
        volumes
            .as_array()
            .expect("volumes")
            .iter()
            .find(|v| v["name"] == mount["name"])
            .cloned()
            .expect("the mount's volume")
    };
    assert_eq!(
        volume_of(&values["repoServer"]["volumes"], &helm_config)["configMap"]["name"],
        "argocd-cmp-cm"
    );
    let kustomize_volume = volume_of(
        &patch["spec"]["template"]["spec"]["volumes"],
        &kustomize_config,
    );
    let configmap = one_doc("configmap.yaml");
    assert_eq!(
        kustomize_volume["configMap"]["name"],
        configmap["metadata"]["name"]
    );
    for container in [&mut helm, &mut kustomize] {
        let map = container.as_object_mut().expect("container");
        map.shift_remove("image");
        for mount in map["volumeMounts"].as_array_mut().expect("mounts") {
            if mount["mountPath"] == "/home/argocd/cmp-server/config/plugin.yaml" {
                *mount = Value::from("plugin config");
            }
        }
    }
    assert_eq!(helm, kustomize, "the sidecar container differs");
    // The other volumes the container mounts are the same.
    let tmp = |volumes: &Value| {
        volumes
            .as_array()
            .expect("volumes")
            .iter()
            .find(|v| v["name"] == "pgrender-tmp")
            .cloned()
    };
    assert_eq!(
        tmp(&values["repoServer"]["volumes"]),
        tmp(&patch["spec"]["template"]["spec"]["volumes"])
    );
}

/// An acknowledged legacy-image warning is not repeated by the plugin: its
/// stderr shows in the ArgoCD UI on every refresh.
#[test]
fn generate_does_not_repeat_an_acknowledged_warning() {
    let ws = Workspace::empty();
    let plain = crate::support::spec_with("postgresql", "  namespace: postgresql\n");
    ws.write("kubernetes/specs/postgresql.yaml", &plain);
    let o = argocd(&specs_dir(&ws), &["generate"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: images come from docker.io/bitnamilegacy"),
        "{}",
        stderr(&o)
    );

    let acknowledged = crate::support::spec_with(
        "postgresql",
        "  namespace: postgresql\n  bitnami:\n    images:\n      acknowledgeLegacy: true\n",
    );
    ws.write("kubernetes/specs/postgresql.yaml", &acknowledged);
    let o = argocd(&specs_dir(&ws), &["generate"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "nothing on stderr once acknowledged");
    assert!(stdout(&o).contains("kind: Application"));
}

/// With values from git, a folder render reads `values/values.yaml` from
/// the repository; the plugin's stream embeds them, so a parameter changes
/// what ArgoCD applies, and it carries no folder Application (that would
/// own the plugin's objects a second time).
#[test]
fn parameters_reach_the_chart_when_values_come_from_git() {
    let ws = Workspace::empty();
    ws.write(
        "kubernetes/specs/postgresql.yaml",
        &format!(
            "{}  argocd:\n    gitRepoURL: https://git.lan/homelab/gitops.git\n",
            spec_with("postgresql", "")
        ),
    );
    let o = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[
            ("ARGOCD_ENV_PGRENDER_IMAGE_REGISTRY", "registry.lan:5000"),
            (
                "ARGOCD_APP_PARAMETERS",
                r#"[{"name":"overrides","map":{"spec.postgres.instances":"3"}}]"#,
            ),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let stream = docs(&stdout(&o));
    let apps: Vec<&Value> = stream
        .iter()
        .filter(|d| d["kind"] == "Application")
        .collect();
    let names: Vec<&str> = apps
        .iter()
        .filter_map(|a| a["metadata"]["name"].as_str())
        .collect();
    assert_eq!(names, ["postgresql-cluster"], "no folder Application");
    let values = &apps[0]["spec"]["source"]["helm"]["valuesObject"];
    assert_eq!(
        values["postgresql"]["image"]["registry"],
        "registry.lan:5000"
    );
    assert_eq!(values["postgresql"]["replicaCount"], 3);
    assert!(!stdout(&o).contains("$values"));
}

/// The plugin's own Application may share its name with no Application the
/// stream carries, the CloudNativePG operator's included.
#[test]
fn the_name_clash_check_covers_the_operator_application() {
    let ws = Workspace::empty();
    ws.write(
        "kubernetes/specs/pg.yaml",
        &spec_with("pg", "  backend: cloudnative-pg\n"),
    );
    let o = argocd(
        &specs_dir(&ws),
        &["generate"],
        &[("ARGOCD_APP_NAME", "cloudnative-pg")],
    );
    assert_failed_cleanly(
        &o,
        "pg.yaml: the plugin's own Application is named `cloudnative-pg`, the same as an Application this spec renders (spec.cloudnativePg.operator.applicationName)",
    );
}

/// `chart-version` sets a Bitnami option: it reaches the Bitnami specs of a
/// mixed folder and leaves the CloudNativePG one alone; alone with
/// CloudNativePG specs it is an error that names the parameter.
#[test]
fn chart_version_applies_to_the_specs_it_fits() {
    let ws = checkout();
    ws.write(
        "kubernetes/specs/analytics.yaml",
        &spec_with(
            "analytics",
            "  backend: cloudnative-pg\n  namespace: analytics\n  network:\n    loadBalancerIP: 192.168.10.120\n    addressPool:\n      name: analytics\n      addresses: [192.168.10.120-192.168.10.121]\n",
        ),
    );
    let param = [(
        "ARGOCD_APP_PARAMETERS",
        r#"[{"name":"chart-version","string":"12.8.2"}]"#,
    )];
    let o = argocd(&specs_dir(&ws), &["generate"], &param);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let stream = docs(&stdout(&o));
    let chart_app = stream
        .iter()
        .find(|d| d["metadata"]["name"] == "postgresql-cluster")
        .expect("the Bitnami chart Application");
    assert_eq!(chart_app["spec"]["source"]["targetRevision"], "12.8.2");
    std::fs::remove_file(specs_dir(&ws).join("postgresql.yaml")).expect("rm");
    let o = argocd(&specs_dir(&ws), &["generate"], &param);
    assert_failed_cleanly(
        &o,
        "parameter `chart-version` sets spec.bitnami.chart.targetRevision, an option of the bitnami-postgresql-ha backend, and no spec here uses that backend",
    );
}
