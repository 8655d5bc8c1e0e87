//! Every `kubectl` command a runbook prints names something that exists:
//! an object pgrender renders, or one the backend creates by its own naming
//! rule, with the namespace, labels and containers it really has.
//!
//! The names the backends create are computed here from the cluster's
//! rendered objects by each backend's rule, and each rule is first held to
//! the upstream file that decides it (`tests/upstream/`, PROVENANCE.md): the
//! chart's name templates, CloudNativePG's and the Zalando operator's name
//! functions and constants. Every golden case's runbook is checked (the
//! golden test proves those trees are what pgrender renders today).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::support::{repo_root, snapshot};

fn upstream(file: &str) -> String {
    std::fs::read_to_string(repo_root().join("tests/upstream").join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Assert that `file` (below `tests/upstream/`) says `text`: the rule a name
/// below relies on.
#[track_caller]
fn upstream_says(file: &str, text: &str) {
    assert!(
        upstream(file).contains(text),
        "{file} no longer says: {text}"
    );
}

/// What exists once a rendered folder is synced and its backend has done
/// its work.
#[derive(Debug, Default)]
struct Cluster {
    namespace: String,
    /// `(namespace, kind, name)`; the namespace is empty for cluster-scoped kinds.
    objects: BTreeSet<(String, String, String)>,
    /// `key=value` on the backend's database pods.
    pod_labels: BTreeSet<String>,
    /// `key=value` on the Jobs the rendered CronJobs create: the labels of
    /// `jobTemplate.metadata`, not the CronJob's own (Kubernetes' CronJob
    /// controller, `getJobFromTemplate2` in `pkg/controller/cronjob/utils.go`,
    /// and `kubectl create job --from` copy only those).
    job_labels: BTreeSet<String>,
    /// Containers by `kind/name` of a pod, Deployment or StatefulSet.
    containers: BTreeMap<String, BTreeSet<String>>,
    /// The containers of the backend's database pods, for a `<pod>` placeholder.
    database_containers: BTreeSet<String>,
    /// Secrets the rendered objects read (which the operator creates by hand).
    referenced_secrets: BTreeSet<String>,
    /// The folder's name and its files' relative paths.
    folder: String,
    files: BTreeSet<String>,
}

impl Cluster {
    fn add(&mut self, kind: &str, name: &str) {
        let namespace = if CLUSTER_SCOPED.contains(&kind) {
            String::new()
        } else {
            self.namespace.clone()
        };
        self.objects
            .insert((namespace, kind.to_string(), name.to_string()));
    }

    fn add_pod(&mut self, name: &str, containers: &BTreeSet<String>) {
        self.add("pod", name);
        self.containers
            .insert(format!("pod/{name}"), containers.clone());
    }
}

const CLUSTER_SCOPED: [&str; 1] = ["namespace"];

fn str_at<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{pointer} in {value}"))
}

/// Every string a key naming a Secret holds: `existingSecret: x`,
/// `secretName: x`, `secretKeyRef: {name: x}`, `superuserSecret: {name: x}`.
fn secret_references(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key.to_lowercase().contains("secret") {
                    match inner {
                        Value::String(name) => {
                            out.insert(name.clone());
                        }
                        Value::Object(o) => {
                            if let Some(Value::String(name)) = o.get("name") {
                                out.insert(name.clone());
                            }
                        }
                        _ => {}
                    }
                }
                secret_references(inner, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| secret_references(v, out)),
        _ => {}
    }
}

fn containers_of(pod_spec: &Value) -> BTreeSet<String> {
    pod_spec["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| str_at(c, "/name").to_string())
        .collect()
}

/// The rendered folder, what it names and what its backend creates.
fn cluster(folder: &Path) -> Cluster {
    let files = snapshot(folder);
    let mut docs = Vec::new();
    for (path, bytes) in &files {
        if path.ends_with(".yaml") {
            let text = String::from_utf8(bytes.clone()).expect("utf-8");
            docs.extend(
                pgrender::parse_stream(&text)
                    .expect(path)
                    .into_iter()
                    .map(|d| (path.clone(), d)),
            );
        }
    }
    let namespace_doc = docs
        .iter()
        .find(|(_, d)| d["kind"] == "Namespace")
        .expect("a Namespace");
    let mut cluster = Cluster {
        namespace: str_at(&namespace_doc.1, "/metadata/name").to_string(),
        folder: folder
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned(),
        files: files.keys().cloned().collect(),
        ..Cluster::default()
    };
    for (_, doc) in &docs {
        secret_references(doc, &mut cluster.referenced_secrets);
        let Some(kind) = doc["kind"].as_str() else {
            continue;
        };
        let kind = kind.to_lowercase();
        let name = doc.pointer("/metadata/name").and_then(Value::as_str);
        let namespace = doc
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("");
        if let Some(name) = name {
            cluster
                .objects
                .insert((namespace.to_string(), kind.clone(), name.to_string()));
        }
        match kind.as_str() {
            "cronjob" => {
                for (key, value) in doc
                    .pointer("/spec/jobTemplate/metadata/labels")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    cluster
                        .job_labels
                        .insert(format!("{key}={}", value.as_str().expect("label")));
                }
            }
            "deployment" => {
                let containers = containers_of(&doc["spec"]["template"]["spec"]);
                cluster
                    .containers
                    .insert(format!("deployment/{}", name.expect("name")), containers);
            }
            _ => {}
        }
    }
    let values = docs
        .iter()
        .find(|(path, _)| path == "values/values.yaml")
        .map(|(_, d)| d);
    let operator_cluster = docs
        .iter()
        .find(|(_, d)| d["kind"] == "Cluster")
        .map(|(_, d)| d);
    let zalando_cluster = docs
        .iter()
        .find(|(_, d)| d["kind"] == "postgresql")
        .map(|(_, d)| d);
    match (values, operator_cluster, zalando_cluster) {
        (Some(values), None, None) => {
            let application = docs
                .iter()
                .find(|(path, _)| path == "application.yaml")
                .map(|(_, d)| d)
                .expect("application.yaml");
            let sources = application["spec"]["sources"].as_array().cloned();
            let chart = sources
                .unwrap_or_else(|| vec![application["spec"]["source"].clone()])
                .into_iter()
                .find(|s| s["chart"] == "postgresql-ha")
                .expect("the chart's source");
            let chart = str_at(&chart, "/targetRevision");
            bitnami(&mut cluster, values, chart);
        }
        (None, Some(object), None) => cloudnative_pg(&mut cluster, object),
        (None, None, Some(object)) => zalando(&mut cluster, object),
        _ => panic!("{}: not one backend's folder", folder.display()),
    }
    cluster
}

/// The postgresql-ha chart: `<fullname>-postgresql` (a StatefulSet, its pods
/// and `data-` volumes) and `<fullname>-pgpool`, fullname being
/// `fullnameOverride`, which pgrender sets to the cluster's name.
fn bitnami(cluster: &mut Cluster, values: &Value, chart: &str) {
    let dir = match chart.split('.').next() {
        Some("12") => "bitnami-postgresql-ha/templates-12.8.2",
        Some("16") => "bitnami-postgresql-ha/templates-16.3.4",
        _ => panic!("chart {chart}: no pinned templates"),
    };
    let helpers = format!("{dir}/_helpers.tpl");
    if dir.ends_with("12.8.2") {
        upstream_says(
            &helpers,
            r#"printf "%s-postgresql" .Values.fullnameOverride"#,
        );
        upstream_says(&helpers, r#"printf "%s-pgpool" .Values.fullnameOverride"#);
    } else {
        upstream_says(
            &helpers,
            r#"printf "%s-postgresql" (include "common.names.fullname" .)"#,
        );
        upstream_says(
            &helpers,
            r#"printf "%s-pgpool" (include "common.names.fullname" .)"#,
        );
        upstream_says(
            "bitnami-common-2.31.4/templates/_names.tpl",
            "{{- if .Values.fullnameOverride -}}\n{{- .Values.fullnameOverride | trunc 63",
        );
    }
    let statefulset = format!("{dir}/postgresql/statefulset.yaml");
    upstream_says(
        &statefulset,
        r#"  name: {{ include "postgresql-ha.postgresql" . }}"#,
    );
    upstream_says(
        &statefulset,
        "      containers:\n        - name: postgresql\n",
    );
    upstream_says(&statefulset, "        - name: metrics\n");
    let claims = upstream(&statefulset);
    let claims = &claims[claims
        .find("volumeClaimTemplates:")
        .expect("volumeClaimTemplates")..];
    assert!(
        claims.lines().take(5).any(|l| l.trim() == "name: data"),
        "{statefulset}: the data volume"
    );
    upstream_says(
        &statefulset,
        "        app.kubernetes.io/component: postgresql\n",
    );
    let deployment = format!("{dir}/pgpool/deployment.yaml");
    upstream_says(
        &deployment,
        r#"  name: {{ include "postgresql-ha.pgpool" . }}"#,
    );
    upstream_says(&deployment, "      containers:\n        - name: pgpool\n");

    let fullname = str_at(values, "/fullnameOverride");
    let statefulset = format!("{fullname}-postgresql");
    let pgpool = format!("{fullname}-pgpool");
    let containers: BTreeSet<String> = ["postgresql", "metrics"].map(String::from).into();
    cluster.add("statefulset", &statefulset);
    cluster
        .containers
        .insert(format!("statefulset/{statefulset}"), containers.clone());
    cluster.add("deployment", &pgpool);
    cluster.containers.insert(
        format!("deployment/{pgpool}"),
        ["pgpool".to_string()].into(),
    );
    let instances = values["postgresql"]["replicaCount"]
        .as_u64()
        .expect("replicaCount");
    for i in 0..instances {
        cluster.add_pod(&format!("{statefulset}-{i}"), &containers);
        cluster.add("persistentvolumeclaim", &format!("data-{statefulset}-{i}"));
    }
    cluster
        .pod_labels
        .insert("app.kubernetes.io/component=postgresql".into());
    cluster.database_containers = containers;
}

/// CloudNativePG: pods `<cluster>-<serial>`, Services `-rw`/`-ro`/`-r`, the
/// owner's Secret `<cluster>-app`, labels `cnpg.io/cluster` and
/// `cnpg.io/instanceRole`, container `postgres`.
fn cloudnative_pg(cluster: &mut Cluster, object: &Value) {
    let types = "cloudnative-pg-v1.30.0/api/v1/cluster_types.go";
    upstream_says(types, "ApplicationUserSecretSuffix = \"-app\"");
    upstream_says(types, "ServiceReadWriteSuffix = \"-rw\"");
    upstream_says(types, "ServiceReadOnlySuffix = \"-ro\"");
    upstream_says(types, "ServiceReadSuffix = \"-r\"");
    let pods = "cloudnative-pg-v1.30.0/pkg/specs/pods.go";
    upstream_says(pods, "PostgresContainerName = \"postgres\"");
    upstream_says(pods, "ClusterRoleLabelPrimary = \"primary\"");
    upstream_says(pods, "ClusterRoleLabelReplica = \"replica\"");
    upstream_says(
        pods,
        "return fmt.Sprintf(\"%s-%v\", clusterName, nodeSerial)",
    );
    let labels = "cloudnative-pg-v1.30.0/pkg/utils/labels_annotations.go";
    upstream_says(labels, "const MetadataNamespace = \"cnpg.io\"");
    upstream_says(
        labels,
        "ClusterLabelName = MetadataNamespace + \"/cluster\"",
    );
    upstream_says(
        labels,
        "ClusterInstanceRoleLabelName = MetadataNamespace + \"/instanceRole\"",
    );

    let name = str_at(object, "/metadata/name");
    for suffix in ["-rw", "-ro", "-r"] {
        cluster.add("service", &format!("{name}{suffix}"));
    }
    cluster.add("secret", &format!("{name}-app"));
    let instances = object["spec"]["instances"].as_u64().expect("instances");
    let containers: BTreeSet<String> = ["postgres".to_string()].into();
    // Serials start at 1 and grow as instances are replaced, so only the
    // first ones are certain.
    for serial in 1..=instances {
        cluster.add_pod(&format!("{name}-{serial}"), &containers);
    }
    cluster.pod_labels.insert(format!("cnpg.io/cluster={name}"));
    cluster
        .pod_labels
        .insert("cnpg.io/instanceRole=primary".into());
    cluster
        .pod_labels
        .insert("cnpg.io/instanceRole=replica".into());
    cluster.database_containers = containers;
}

/// Zalando's operator: StatefulSet and Service `<cluster>`, Service
/// `<cluster>-repl`, pods `<cluster>-N` with volumes `pgdata-<cluster>-N`,
/// one Secret per role by `secret_name_template`, labels `cluster-name`,
/// `spilo-role` and `application: spilo`, container `postgres`.
fn zalando(cluster: &mut Cluster, object: &Value) {
    let k8sres = "zalando-postgres-operator/v2.0.1/pkg/cluster/k8sres.go";
    upstream_says(
        k8sres,
        "func (c *Cluster) statefulSetName() string {\n\treturn c.Name\n}",
    );
    upstream_says(
        k8sres,
        "\tcase Replica:\n\t\tname = fmt.Sprintf(\"%s-%s\", name, \"repl\")",
    );
    let types = "zalando-postgres-operator/v2.0.1/pkg/cluster/types.go";
    upstream_says(types, "Master  PostgresRole = \"master\"");
    upstream_says(types, "Replica PostgresRole = \"replica\"");
    upstream_says(
        "zalando-postgres-operator/v2.0.1/pkg/util/constants/kubernetes.go",
        "PostgresContainerName = \"postgres\"",
    );
    upstream_says(
        "zalando-postgres-operator/v2.0.1/pkg/util/constants/postgresql.go",
        "DataVolumeName    = \"pgdata\"",
    );
    upstream_says(
        "zalando-postgres-operator/v2.0.1/pkg/cluster/util.go",
        r#""username", strings.Replace(username, "_", "-", -1),"#,
    );
    let values = "zalando-postgres-operator/values-2.0.1.yaml";
    upstream_says(values, "  cluster_labels:\n    application: spilo\n");
    upstream_says(values, "  cluster_name_label: cluster-name\n");
    upstream_says(values, "  pod_role_label: spilo-role\n");
    upstream_says(values, "  replication_username: standby\n");
    upstream_says(values, "  super_username: postgres\n");
    upstream_says(
        values,
        "  secret_name_template: \"{username}.{cluster}.credentials.{tprkind}.{tprgroup}\"\n",
    );

    let name = str_at(object, "/metadata/name");
    cluster.add("statefulset", name);
    cluster.add("service", name);
    cluster.add("service", &format!("{name}-repl"));
    let containers: BTreeSet<String> = ["postgres".to_string()].into();
    cluster
        .containers
        .insert(format!("statefulset/{name}"), containers.clone());
    let instances = object["spec"]["numberOfInstances"]
        .as_u64()
        .expect("numberOfInstances");
    for i in 0..instances {
        cluster.add_pod(&format!("{name}-{i}"), &containers);
        cluster.add("persistentvolumeclaim", &format!("pgdata-{name}-{i}"));
    }
    let roles = object["spec"]["users"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(role, _)| role.as_str())
        .chain(["postgres", "standby"]);
    for role in roles {
        let secret = format!(
            "{}.{name}.credentials.postgresql.acid.zalan.do",
            role.replace('_', "-")
        );
        cluster.add("secret", &secret);
    }
    for label in [
        format!("cluster-name={name}"),
        "spilo-role=master".into(),
        "spilo-role=replica".into(),
        "application=spilo".into(),
    ] {
        cluster.pod_labels.insert(label);
    }
    cluster.database_containers = containers;
}

/// The shell a runbook shows: its code blocks (not YAML ones) and its inline
/// code, line continuations joined.
fn shell_snippets(markdown: &str) -> Vec<String> {
    let mut snippets = Vec::new();
    let mut block: Option<(bool, String)> = None;
    for line in markdown.lines() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut block, fence) {
            (None, Some(lang)) => {
                let shell = matches!(lang.trim(), "" | "sh" | "bash" | "console" | "shell");
                block = Some((shell, String::new()));
            }
            (Some((shell, text)), Some(_)) => {
                if *shell {
                    snippets.push(text.replace("\\\n", " "));
                }
                block = None;
            }
            (Some((_, text)), None) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {
                snippets.extend(line.split('`').skip(1).step_by(2).map(str::to_string));
            }
        }
    }
    snippets
}

/// Each `kubectl` command in `text`, cut where the shell would end it (an
/// unquoted `|`, `;`, `&` or the `)` of a `$(...)`), as words. A placeholder
/// `<...>` becomes the word `<>`.
fn kubectl_commands(text: &str) -> Vec<Vec<String>> {
    let placeholders = regex::Regex::new(r"<[^<>]*>").expect("regex");
    let mut commands = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(at) = find_word(rest, "kubectl") {
            let command = &rest[at..];
            let (mut single, mut double) = (false, false);
            let end = command
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '\'' if !double => single = !single,
                        '"' if !single => double = !double,
                        _ => {}
                    }
                    !single && !double && matches!(c, '|' | ';' | '&' | ')')
                })
                .map_or(command.len(), |(i, _)| i);
            let words = shlex::split(&placeholders.replace_all(&command[..end], "<>"))
                .unwrap_or_else(|| panic!("not shell words: {command}"));
            commands.push(words);
            rest = &command[end..];
        }
    }
    commands
}

fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_')
            && after.is_none_or(|c| c == ' ')
    })
}

/// One parsed command: its flags and positional words.
#[derive(Debug, Default)]
struct Kubectl {
    namespace: Option<String>,
    selector: Option<String>,
    label_columns: Vec<String>,
    container: Option<String>,
    files: Vec<String>,
    from: Option<String>,
    words: Vec<String>,
}

fn parse(command: &[String]) -> Kubectl {
    let mut parsed = Kubectl::default();
    let mut words = command.iter().skip(1);
    while let Some(word) = words.next() {
        let mut value = |name: &str| -> String {
            words
                .next()
                .unwrap_or_else(|| panic!("{name} without a value: {command:?}"))
                .clone()
        };
        match word.as_str() {
            "--" => break,
            "-n" | "--namespace" => parsed.namespace = Some(value(word)),
            "-l" | "--selector" => parsed.selector = Some(value(word)),
            "-L" | "--label-columns" => parsed.label_columns.push(value(word)),
            "-c" | "--container" => parsed.container = Some(value(word)),
            "-f" | "--filename" => parsed.files.push(value(word)),
            "-o" | "--output" | "-p" | "--patch" | "--type" => {
                value(word);
            }
            w if w.starts_with("--from=") => parsed.from = Some(w["--from=".len()..].to_string()),
            w if w.starts_with('-') => {}
            w => parsed.words.push(w.to_string()),
        }
    }
    parsed
}

/// The resource kinds a runbook may name, by their kubectl spellings.
fn kind(word: &str) -> Option<&'static str> {
    Some(match word {
        "pod" | "pods" | "po" => "pod",
        "pvc" | "persistentvolumeclaim" | "persistentvolumeclaims" => "persistentvolumeclaim",
        "job" | "jobs" => "job",
        "cronjob" | "cronjobs" => "cronjob",
        "deploy" | "deployment" | "deployments" => "deployment",
        "sts" | "statefulset" | "statefulsets" => "statefulset",
        "secret" | "secrets" => "secret",
        "svc" | "service" | "services" => "service",
        "cluster" | "clusters" => "cluster",
        "postgresql" | "postgresqls" => "postgresql",
        "application" | "applications" => "application",
        "namespace" | "namespaces" | "ns" => "namespace",
        "configmap" | "configmaps" | "cm" => "configmap",
        _ => return None,
    })
}

fn placeholder(name: &str) -> bool {
    name.contains('<') || name.contains('$') || name == "..."
}

/// Whether `kind/name` exists in the command's namespace; `-N` stands for
/// an instance's number.
fn check_exists(
    kind: &str,
    name: &str,
    namespace: Option<&str>,
    cluster: &Cluster,
    created_jobs: &BTreeSet<String>,
    wrong: &mut Vec<String>,
) {
    if placeholder(name) {
        return;
    }
    let name = name
        .strip_suffix("-N")
        .map_or(name.to_string(), |n| format!("{n}-0"));
    let scope = if CLUSTER_SCOPED.contains(&kind) {
        ""
    } else if let Some(ns) = namespace {
        ns
    } else {
        wrong.push(format!(
            "{kind}/{name} without -n: it would be looked up in the default namespace"
        ));
        return;
    };
    let key = (scope.to_string(), kind.to_string(), name.clone());
    let created = kind == "job" && created_jobs.contains(&name) && scope == cluster.namespace;
    if !cluster.objects.contains(&key) && !created {
        wrong.push(format!("no {kind} {name:?} in namespace {scope:?}"));
    }
}

/// Resource arguments, `kind/name ...` or `kind name ...` (or a bare name
/// of `default_kind`), as `(kind, name)`.
fn resources(
    args: &[&str],
    default_kind: Option<&str>,
    wrong: &mut Vec<String>,
) -> Vec<(String, String)> {
    let mut named = Vec::new();
    match args {
        [] => {}
        [first, ..] if placeholder(first) => {}
        [first, ..] if first.contains('/') => {
            for arg in args {
                let (k, name) = arg.split_once('/').expect("kind/name");
                match kind(k) {
                    Some(k) => named.push((k.to_string(), name.to_string())),
                    None => wrong.push(format!("unknown kind {k:?}")),
                }
            }
        }
        [first, names @ ..] => match (kind(first), default_kind) {
            (Some(k), _) => named.extend(names.iter().map(|n| (k.to_string(), n.to_string()))),
            (None, Some(k)) => named.push((k.to_string(), first.to_string())),
            (None, None) => wrong.push(format!("unknown kind {first:?}")),
        },
    }
    named
}

/// What is wrong with one command, given the cluster; empty when nothing is.
fn problems(command: &[String], cluster: &Cluster, created_jobs: &BTreeSet<String>) -> Vec<String> {
    let parsed = parse(command);
    let mut wrong = Vec::new();
    let words: Vec<&str> = parsed.words.iter().map(String::as_str).collect();
    let named = match words.as_slice() {
        ["create", "job", _name] => {
            let from = parsed.from.as_deref().unwrap_or("");
            resources(&[from], None, &mut wrong)
        }
        ["create", "secret", "generic", name] => {
            if !cluster.referenced_secrets.contains(*name) {
                wrong.push(format!("Secret {name:?} is read by nothing rendered"));
            }
            vec![]
        }
        ["create", "secret", ..] | ["set", "env", ..] | ["apply"] | ["rollout", "restart"] => {
            vec![]
        }
        ["create", "namespace", name] => vec![("namespace".into(), name.to_string())],
        ["create", "-"] | ["create"] => vec![],
        ["cnpg", _verb, name, ..] => vec![("cluster".into(), name.to_string())],
        ["rollout", "restart", args @ ..] => resources(args, None, &mut wrong),
        ["exec", pod] => resources(&[pod], Some("pod"), &mut wrong),
        ["logs", arg] => resources(&[arg], Some("pod"), &mut wrong),
        ["get" | "describe" | "delete" | "wait" | "patch", args @ ..] => {
            resources(args, None, &mut wrong)
        }
        other => {
            wrong.push(format!("a command this test does not read: {other:?}"));
            vec![]
        }
    };
    for (k, name) in &named {
        let namespace = parsed.namespace.as_deref();
        check_exists(k, name, namespace, cluster, created_jobs, &mut wrong);
    }
    // A placeholder's namespace still has to be the cluster's.
    if let Some(ns) = &parsed.namespace
        && !placeholder(ns)
        && !cluster.objects.iter().any(|(scope, _, _)| scope == ns)
    {
        wrong.push(format!("namespace {ns:?} holds nothing rendered"));
    }
    // `get jobs -l ...` names a kind and no object.
    let selected_kind = words
        .get(1)
        .and_then(|w| kind(w))
        .or(named.first().map(|(k, _)| k.as_str()));
    if let Some(selector) = &parsed.selector {
        let labels = match selected_kind {
            Some("job") => &cluster.job_labels,
            _ => &cluster.pod_labels,
        };
        for label in selector.split(',') {
            if !labels.contains(label) {
                wrong.push(format!(
                    "no {} carries the label {label}",
                    selected_kind.unwrap_or("pod")
                ));
            }
        }
    }
    for key in &parsed.label_columns {
        if !cluster
            .pod_labels
            .iter()
            .any(|l| l.starts_with(&format!("{key}=")))
        {
            wrong.push(format!("no pod carries the label key {key}"));
        }
    }
    if let Some(container) = &parsed.container {
        let containers = match named.first() {
            Some((k, n)) if !placeholder(n) => {
                let n = n
                    .strip_suffix("-N")
                    .map_or(n.to_string(), |n| format!("{n}-0"));
                cluster
                    .containers
                    .get(&format!("{k}/{n}"))
                    .cloned()
                    .unwrap_or_default()
            }
            _ => cluster.database_containers.clone(),
        };
        if !containers.contains(container) {
            wrong.push(format!(
                "no container {container:?} there (has {containers:?})"
            ));
        }
    }
    for file in &parsed.files {
        // A path from the repository's root ends in the folder's name and the file.
        let in_folder = file
            .split_once(&format!("/{}/", cluster.folder))
            .map_or(file.as_str(), |(_, rel)| rel);
        if file != "-" && !placeholder(file) && !cluster.files.contains(in_folder) {
            wrong.push(format!("no file {file} in the folder"));
        }
    }
    wrong
}

/// Every problem of every `kubectl` command in `readme`, and of every
/// Zalando credentials Secret it names in a table or sentence.
fn runbook_problems(readme: &str, cluster: &Cluster) -> Vec<String> {
    let snippets = shell_snippets(readme);
    let zalando_secret =
        regex::Regex::new(r"[A-Za-z0-9_.-]+\.credentials\.postgresql\.acid\.zalan\.do")
            .expect("regex");
    let mut wrong: Vec<String> = snippets
        .iter()
        .flat_map(|s| zalando_secret.find_iter(s))
        .map(|m| m.as_str())
        .filter(|name| {
            !cluster.objects.contains(&(
                cluster.namespace.clone(),
                "secret".into(),
                name.to_string(),
            ))
        })
        .map(|name| format!("no secret {name:?}"))
        .collect();
    let commands: Vec<Vec<String>> = snippets.iter().flat_map(|s| kubectl_commands(s)).collect();
    let created_jobs: BTreeSet<String> = commands
        .iter()
        .filter_map(|c| match parse(c).words.as_slice() {
            [create, job, name] if create == "create" && job == "job" => Some(name.clone()),
            _ => None,
        })
        .collect();
    wrong.extend(commands.iter().flat_map(|c| {
        problems(c, cluster, &created_jobs)
            .into_iter()
            .map(move |p| format!("`{}`: {p}", c.join(" ")))
    }));
    wrong
}

/// Every rendered folder of every golden case.
fn golden_folders() -> Vec<std::path::PathBuf> {
    let mut folders = Vec::new();
    for case in std::fs::read_dir(repo_root().join("tests/golden")).expect("golden") {
        let expected = case.expect("case").path().join("expected");
        for folder in std::fs::read_dir(&expected).expect("expected") {
            let folder = folder.expect("folder").path();
            if folder.join("README.md").is_file() {
                folders.push(folder);
            }
        }
    }
    folders.sort();
    folders
}

fn readme(folder: &Path) -> String {
    std::fs::read_to_string(folder.join("README.md")).expect("README.md")
}

#[test]
fn every_runbook_command_names_what_exists() {
    let mut wrong = Vec::new();
    let mut backends = BTreeSet::new();
    let mut commands = 0;
    for folder in golden_folders() {
        let cluster = cluster(&folder);
        let text = readme(&folder);
        commands += shell_snippets(&text)
            .iter()
            .flat_map(|s| kubectl_commands(s))
            .count();
        backends.insert(
            cluster
                .database_containers
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(","),
        );
        let case = folder
            .strip_prefix(repo_root())
            .expect("in repo")
            .display()
            .to_string();
        wrong.extend(
            runbook_problems(&text, &cluster)
                .into_iter()
                .map(|p| format!("{case}: {p}")),
        );
    }
    // Bitnami ("metrics,postgresql") and the two operators ("postgres").
    assert_eq!(backends.len(), 2, "{backends:?}");
    assert!(commands > 300, "only {commands} kubectl commands found");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The checker finds what it is for: each mistake below, made in a real
/// runbook, is reported.
#[test]
fn a_wrong_name_in_a_runbook_is_found() {
    let golden = repo_root().join("tests/golden");
    let cases = [
        // The Secret name as the docs read, not as the operator writes it.
        (
            "zalando-variants/expected/orders",
            "orders-app.shop-orders",
            "orders_app.shop-orders",
            "no secret",
        ),
        (
            "zalando/expected/postgresql",
            "-c postgres --",
            "-c postgresql --",
            "no container",
        ),
        (
            "zalando/expected/postgresql",
            "spilo-role=replica",
            "role=replica",
            "label role=replica",
        ),
        (
            "cloudnative-pg/expected/postgresql",
            "-L cnpg.io/instanceRole",
            "-L role",
            "label key role",
        ),
        (
            "bitnami-knobs/expected/postgresql",
            "delete pvc data-",
            "delete pvc postgresql-data-",
            "no persistentvolumeclaim",
        ),
        (
            "bitnami-knobs/expected/postgresql",
            "-f backup/cronjob.yaml",
            "-f backup/cron.yaml",
            "no file",
        ),
        (
            "cloudnative-pg/expected/postgresql",
            "kubectl -n postgresql get cluster",
            "kubectl -n default get cluster",
            "no cluster",
        ),
    ];
    for (case, right, wrong, message) in cases {
        let folder = golden.join(case);
        let text = readme(&folder);
        assert!(text.contains(right), "{case}: {right}");
        let cluster = cluster(&folder);
        assert_eq!(
            runbook_problems(&text, &cluster),
            Vec::<String>::new(),
            "{case}"
        );
        let found = runbook_problems(&text.replacen(right, wrong, 1), &cluster);
        assert!(
            found.iter().any(|p| p.contains(message)),
            "{case}: {wrong} not found: {found:?}"
        );
    }
}

/// The by-hand bootstrap applies what a sync applies: every manifest but
/// the restore Job (hook Skip) and the Application that syncs the folder.
#[test]
fn the_bootstrap_by_hand_applies_the_whole_folder() {
    let mut seen = 0;
    for folder in golden_folders() {
        let text = readme(&folder);
        let cluster = cluster(&folder);
        for command in shell_snippets(&text)
            .iter()
            .flat_map(|s| kubectl_commands(s))
        {
            let parsed = parse(&command);
            if parsed.words != ["apply"] || parsed.files.len() < 2 {
                continue;
            }
            seen += 1;
            let applied: BTreeSet<&str> = parsed.files.iter().map(String::as_str).collect();
            let manifests: BTreeSet<&str> = cluster
                .files
                .iter()
                .map(String::as_str)
                .filter(|f| f.ends_with(".yaml") && !f.starts_with("values/"))
                .filter(|f| !["backup/restore-job.yaml", "folder-application.yaml"].contains(f))
                .collect();
            assert_eq!(applied, manifests, "{}", folder.display());
            assert_eq!(
                parsed.files[0], "namespace.yaml",
                "the namespace comes first"
            );
        }
    }
    assert!(seen > 0, "no bootstrap command found");
}
