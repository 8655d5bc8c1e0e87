//! Every emitted document is valid against the real schema of its kind, and
//! the Helm values use only keys the pinned chart has. The schemas and the
//! chart's values.yaml are copies under `tests/upstream/` (see PROVENANCE.md).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;

use crate::support::{repo_root, snapshot};

const DEFINITIONS_URI: &str = "https://kubernetes.io/api/_definitions.json";

/// Schema file (below tests/upstream/schemas) per apiVersion and kind, for
/// the built-in kinds. The custom kinds' schemas come from the pinned CRDs
/// themselves (`tests/upstream/crds/`, the same copies the envtest test
/// installs in a real API server).
const SCHEMAS: [(&str, &str, &str); 8] = [
    ("batch/v1", "CronJob", "k8s/v1.37.0/cronjob-batch-v1.json"),
    ("batch/v1", "Job", "k8s/v1.37.0/job-batch-v1.json"),
    (
        "v1",
        "PersistentVolumeClaim",
        "k8s/v1.37.0/persistentvolumeclaim-v1.json",
    ),
    ("v1", "Secret", "k8s/v1.37.0/secret-v1.json"),
    ("v1", "Service", "k8s/v1.37.0/service-v1.json"),
    (
        "networking.k8s.io/v1",
        "NetworkPolicy",
        "k8s/v1.37.0/networkpolicy-networking-v1.json",
    ),
    ("v1", "Namespace", "k8s/v1.37.0/namespace-v1.json"),
    ("v1", "ConfigMap", "k8s/v1.37.0/configmap-v1.json"),
];

/// `(apiVersion, kind)` and the JSON Schema of every served version of
/// every CRD copied under `tests/upstream/crds/`. A CRD's schema allows
/// unknown fields only where it says so (`x-kubernetes-preserve-unknown-fields`)
/// and the API server prunes or, strictly, rejects the rest; the copy here
/// says the same with `additionalProperties: false`.
pub(crate) fn crd_schemas() -> Vec<((String, String), Value)> {
    fn close(schema: &mut Value) {
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        let open = map.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
        if map.contains_key("properties") && !map.contains_key("additionalProperties") && !open {
            map.insert("additionalProperties".into(), Value::Bool(false));
        }
        for child in map.values_mut() {
            match child {
                Value::Object(_) => close(child),
                Value::Array(items) => items.iter_mut().for_each(close),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    let root = repo_root().join("tests/upstream/crds");
    for folder in std::fs::read_dir(&root).expect("crds") {
        for file in std::fs::read_dir(folder.expect("entry").path()).expect("crd folder") {
            let text = std::fs::read_to_string(file.expect("entry").path()).expect("crd");
            for crd in pgrender::parse_stream(&text).expect("crd yaml") {
                let group = crd["spec"]["group"].as_str().expect("group");
                let kind = crd["spec"]["names"]["kind"].as_str().expect("kind");
                for version in crd["spec"]["versions"].as_array().expect("versions") {
                    let mut schema = version["schema"]["openAPIV3Schema"].clone();
                    close(&mut schema);
                    // `metadata` is ObjectMeta, checked on its own below.
                    if let Some(p) = schema["properties"].as_object_mut() {
                        p.insert("metadata".into(), serde_json::json!({"type": "object"}));
                    }
                    let api = format!("{group}/{}", version["name"].as_str().expect("name"));
                    out.push(((api, kind.to_string()), schema));
                }
            }
        }
    }
    out
}

fn upstream(rel: &str) -> Value {
    let path = repo_root().join("tests/upstream").join(rel);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("upstream file"))
        .expect("upstream json")
}

/// Serves the Kubernetes definitions file from disk: the kind schemas
/// `$ref` it by URL, and tests never touch the network.
struct OfflineDefinitions(Value);

impl jsonschema::Retrieve for OfflineDefinitions {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        if uri.as_str() == DEFINITIONS_URI {
            Ok(self.0.clone())
        } else {
            Err(format!("offline: no copy of {uri}").into())
        }
    }
}

pub(crate) struct Validators {
    pub(crate) by_kind: BTreeMap<(String, String), jsonschema::Validator>,
    /// CRD schemas leave `metadata` open; check it against ObjectMeta too.
    pub(crate) object_meta: jsonschema::Validator,
}

pub(crate) fn validators() -> &'static Validators {
    static V: OnceLock<Validators> = OnceLock::new();
    V.get_or_init(|| {
        let definitions = upstream("schemas/k8s/v1.37.0/_definitions.json");
        let build = |schema: &Value| {
            jsonschema::options()
                .with_retriever(OfflineDefinitions(definitions.clone()))
                .build(schema)
                .expect("upstream schema compiles")
        };
        let by_kind = SCHEMAS
            .iter()
            .map(|(api, kind, file)| ((api.to_string(), kind.to_string()), upstream(&format!("schemas/{file}"))))
            .chain(crd_schemas())
            .map(|(key, schema)| (key, build(&schema)))
            .collect();
        let object_meta = build(&serde_json::json!({
            "$ref": format!("{DEFINITIONS_URI}#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
        }));
        Validators { by_kind, object_meta }
    })
}

/// Every output tree the tests know: the committed reference output and
/// every golden case.
fn output_trees() -> Vec<(String, BTreeMap<String, Vec<u8>>)> {
    let mut trees = vec![(
        "kubernetes/applications".to_string(),
        snapshot(&repo_root().join("kubernetes/applications")),
    )];
    let golden = repo_root().join("tests/golden");
    for entry in std::fs::read_dir(&golden).expect("golden") {
        let case = entry.expect("entry").path();
        trees.push((case.display().to_string(), snapshot(&case.join("expected"))));
    }
    trees
}

fn documents(text: &str) -> Vec<Value> {
    pgrender::parse_stream(text).expect("rendered YAML parses")
}

#[test]
fn every_manifest_is_valid_against_the_schema_of_its_kind() {
    let v = validators();
    let mut checked = 0;
    let mut failures = Vec::new();
    for (tree, files) in output_trees() {
        for (path, bytes) in &files {
            if !path.ends_with(".yaml") || path.contains("/values/") {
                continue;
            }
            for doc in documents(std::str::from_utf8(bytes).expect("utf-8")) {
                let api = doc["apiVersion"].as_str().unwrap_or("?").to_string();
                let kind = doc["kind"].as_str().unwrap_or("?").to_string();
                let Some(validator) = v.by_kind.get(&(api.clone(), kind.clone())) else {
                    failures.push(format!("{tree}/{path}: no schema known for {api} {kind}"));
                    continue;
                };
                for e in validator
                    .iter_errors(&doc)
                    .chain(v.object_meta.iter_errors(&doc["metadata"]))
                {
                    failures.push(format!(
                        "{tree}/{path}: {kind} {}: {e}",
                        e.instance_path().as_str()
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 20, "only {checked} documents checked");
}

/// Every key path of a chart values.yaml. Below an empty map (`{}`) or a
/// list the chart takes anything, so such paths are marked open.
pub(crate) fn chart_keys(file: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let text =
        std::fs::read_to_string(repo_root().join("tests/upstream").join(file)).expect("values");
    let values = documents(&text).into_iter().next().expect("one document");
    let (mut keys, mut open) = (BTreeSet::new(), BTreeSet::new());
    fn walk(v: &Value, prefix: String, keys: &mut BTreeSet<String>, open: &mut BTreeSet<String>) {
        match v {
            Value::Object(map) if map.is_empty() => {
                open.insert(prefix);
            }
            Value::Object(map) => {
                for (k, child) in map {
                    let path = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    keys.insert(path.clone());
                    walk(child, path, keys, open);
                }
            }
            _ => {}
        }
    }
    walk(&values, String::new(), &mut keys, &mut open);
    (keys, open)
}

pub(crate) fn used_keys(v: &Value, prefix: String, out: &mut Vec<String>) {
    if let Value::Object(map) = v {
        for (k, child) in map {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            out.push(path.clone());
            used_keys(child, path, out);
        }
    }
}

#[test]
fn helm_values_use_only_keys_of_the_pinned_chart() {
    let chart12 = chart_keys("bitnami-postgresql-ha/values-12.x.yaml");
    let chart16 = chart_keys("bitnami-postgresql-ha/values-latest.yaml");
    assert!(
        chart12.0.contains("postgresql.syncReplication")
            && !chart12.0.contains("global.security.allowInsecureImages")
    );
    assert!(chart16.0.contains("global.security.allowInsecureImages"));
    let mut checked = 0;
    for (tree, files) in output_trees() {
        for (path, bytes) in files
            .iter()
            .filter(|(p, _)| p.ends_with("values/values.yaml"))
        {
            let values = documents(std::str::from_utf8(bytes).expect("utf-8")).remove(0);
            let app_path = path.replace("values/values.yaml", "application.yaml");
            let app = documents(std::str::from_utf8(&files[&app_path]).expect("utf-8")).remove(0);
            let revision = app["spec"]["source"]["targetRevision"]
                .as_str()
                .or(app["spec"]["sources"][0]["targetRevision"].as_str())
                .expect("targetRevision");
            let (keys, open) = if revision.starts_with("16") {
                &chart16
            } else {
                &chart12
            };
            let mut used = Vec::new();
            used_keys(&values, String::new(), &mut used);
            for key in used {
                let known =
                    keys.contains(&key) || open.iter().any(|o| key.starts_with(&format!("{o}.")));
                assert!(
                    known,
                    "{tree}/{path}: `{key}` is not a key of the chart {revision} values"
                );
            }
            // Embedded values are the same values, not a second copy that can drift.
            if let Some(embedded) = app["spec"]["source"]["helm"].get("valuesObject") {
                assert_eq!(
                    embedded, &values,
                    "{tree}/{app_path}: valuesObject differs from values.yaml"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} values files checked");
}

/// The Zalando operator's Application gives its chart only keys the pinned
/// chart's values.yaml has (a misspelt key would be ignored by Helm, and
/// the setting pgrender relies on silently missing).
#[test]
fn operator_values_use_only_keys_of_the_pinned_zalando_chart() {
    let (keys, open) = chart_keys("zalando-postgres-operator/values-2.0.1.yaml");
    assert!(keys.contains("configKubernetes.enable_secrets_deletion"));
    let mut checked = 0;
    for (tree, files) in output_trees() {
        for (path, bytes) in files
            .iter()
            .filter(|(p, _)| p.ends_with("application.yaml"))
        {
            let app = documents(std::str::from_utf8(bytes).expect("utf-8")).remove(0);
            let source = &app["spec"]["source"];
            if source["chart"] != "postgres-operator" {
                continue;
            }
            assert_eq!(source["targetRevision"], "2.0.1", "{tree}/{path}");
            let mut used = Vec::new();
            used_keys(&source["helm"]["valuesObject"], String::new(), &mut used);
            assert!(used.len() >= 7, "{tree}/{path}: {used:?}");
            for key in used {
                let known =
                    keys.contains(&key) || open.iter().any(|o| key.starts_with(&format!("{o}.")));
                assert!(
                    known,
                    "{tree}/{path}: `{key}` is not a key of postgres-operator 2.0.1's values"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 2, "only {checked} operator Applications checked");
}

#[test]
fn upstream_copies_are_present_with_provenance() {
    let provenance = std::fs::read_to_string(repo_root().join("tests/upstream/PROVENANCE.md"))
        .expect("provenance");
    for (_, _, file) in SCHEMAS {
        assert!(
            Path::new(&repo_root().join("tests/upstream/schemas").join(file)).is_file(),
            "{file}"
        );
        let name = file.rsplit('/').next().expect("name");
        let kind_part = name.split(['-', '_']).next().expect("kind");
        assert!(
            provenance.contains(kind_part),
            "PROVENANCE.md does not mention {file}"
        );
    }
    for folder in std::fs::read_dir(repo_root().join("tests/upstream/crds")).expect("crds") {
        let folder = folder.expect("entry").path();
        let name = folder
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(
            provenance.contains(&format!("`{name}/`")),
            "PROVENANCE.md does not list crds/{name}/"
        );
        for file in std::fs::read_dir(&folder).expect("folder") {
            let file = file
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            assert!(
                provenance.contains(&file),
                "PROVENANCE.md does not list crds/{name}/{file}"
            );
        }
    }
}

#[test]
fn crd_schemas_reject_a_field_the_crd_does_not_have() {
    let v = validators();
    let key = ("postgresql.cnpg.io/v1".to_string(), "Cluster".to_string());
    let cluster = std::fs::read_to_string(
        repo_root().join("tests/golden/cloudnative-pg/expected/postgresql/cluster.yaml"),
    )
    .expect("golden Cluster");
    let mut doc = documents(&cluster).remove(0);
    assert!(
        v.by_kind[&key].is_valid(&doc),
        "the golden Cluster is valid"
    );
    doc["spec"]["storage"]["sizee"] = Value::from("50Gi");
    assert!(
        !v.by_kind[&key].is_valid(&doc),
        "a misspelt field is caught"
    );
}
