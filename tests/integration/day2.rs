//! Day-2 outputs checked for meaning, not just shape: the NetworkPolicy
//! selects the pods that really exist, the restore Job is never synced, the
//! health checks carry the spec's thresholds.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{Workspace, repo_root, snapshot, spec_with, stderr};

/// Labels the Bitnami postgresql-ha 12.x chart puts on its pods, for Helm
/// release `release`: `app.kubernetes.io/name` (chart name) and
/// `app.kubernetes.io/instance` (release) come from the bitnami `common`
/// chart's `common.labels.matchLabels`/`standard`; `app.kubernetes.io/component`
/// is set per workload in `templates/postgresql/statefulset.yaml` (postgresql)
/// and `templates/pgpool/deployment.yaml` (pgpool). pgrender sets the release
/// name to `metadata.name` (`helm.releaseName` in the Application).
fn chart_pod_labels(release: &str, component: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".into(), "postgresql-ha".into()),
        ("app.kubernetes.io/instance".into(), release.into()),
        ("app.kubernetes.io/component".into(), component.into()),
        ("app.kubernetes.io/managed-by".into(), "Helm".into()),
    ])
}

/// Labels the CloudNativePG operator puts on every instance pod of Cluster
/// `cluster` (documented in its "Labels and annotations" reference:
/// `cnpg.io/cluster`, `cnpg.io/podRole: instance`, `cnpg.io/instanceRole`).
fn cnpg_pod_labels(cluster: &str, role: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("cnpg.io/cluster".into(), cluster.into()),
        ("cnpg.io/podRole".into(), "instance".into()),
        ("cnpg.io/instanceRole".into(), role.into()),
        ("cnpg.io/instanceName".into(), format!("{cluster}-1")),
    ])
}

fn is_cnpg(files: &BTreeMap<String, Vec<u8>>) -> bool {
    files.contains_key("cluster.yaml")
}

/// Labels Zalando's postgres-operator puts on every Spilo pod of cluster
/// `cluster` (its chart's `configKubernetes.cluster_labels`
/// `application: spilo`, `cluster_name_label: cluster-name` and
/// `pod_role_label: spilo-role`, values.yaml at v2.0.1).
fn zalando_pod_labels(cluster: &str, role: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("application".into(), "spilo".into()),
        ("cluster-name".into(), cluster.into()),
        ("spilo-role".into(), role.into()),
        (
            "team".into(),
            cluster.split('-').next().unwrap_or_default().into(),
        ),
    ])
}

/// The `postgresql` object of a Zalando folder.
fn zalando_object(files: &BTreeMap<String, Vec<u8>>) -> Option<Value> {
    files
        .get("postgresql.yaml")
        .map(|bytes| docs(bytes).remove(0))
}

fn docs(bytes: &[u8]) -> Vec<Value> {
    pgrender::parse_stream(std::str::from_utf8(bytes).expect("utf-8")).expect("yaml")
}

fn labels(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// The pod selectors of one ingress rule's `from`.
fn pod_peers(rule: &Value) -> Vec<BTreeMap<String, String>> {
    rule["from"]
        .as_array()
        .expect("from")
        .iter()
        .filter_map(|f| f.get("podSelector"))
        .map(|p| labels(&p["matchLabels"]))
        .collect()
}

fn selects(selector: &BTreeMap<String, String>, pod: &BTreeMap<String, String>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| pod.get(k) == Some(v))
}

/// An operator's cluster has one policy on its instances (clients, jobs,
/// peers, the operator, Prometheus): it selects the primary and the
/// replicas, admits the backup pods and replication, and admits the
/// operator's namespace on `status_port`.
fn assert_instance_policy(
    at: &str,
    policies: &[Value],
    backup_pod: &BTreeMap<String, String>,
    [primary, replica]: [&BTreeMap<String, String>; 2],
    status_port: u64,
    why: &str,
) {
    assert_eq!(policies.len(), 1, "{at}");
    let selector = labels(&policies[0]["spec"]["podSelector"]["matchLabels"]);
    assert!(selects(&selector, primary), "{at}: primary");
    assert!(selects(&selector, replica), "{at}: replicas");
    let rules = policies[0]["spec"]["ingress"].as_array().expect("ingress");
    let peers = pod_peers(&rules[0]);
    assert!(
        peers.iter().any(|p| selects(p, backup_pod)),
        "{at}: backup pods"
    );
    assert!(
        peers.iter().any(|p| selects(p, replica)),
        "{at}: replication"
    );
    let namespace_ports: Vec<u64> = rules
        .iter()
        .filter(|r| r["from"][0]["namespaceSelector"].is_object())
        .flat_map(|r| r["ports"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["port"].as_u64())
        .collect();
    assert!(namespace_ports.contains(&status_port), "{at}: {why}");
}

/// Every rendered output folder the tests hold: (tree, folder name, files).
fn folders() -> Vec<(String, String, BTreeMap<String, Vec<u8>>)> {
    let mut roots = vec![repo_root().join("kubernetes/applications")];
    for entry in std::fs::read_dir(repo_root().join("tests/golden")).expect("golden") {
        roots.push(entry.expect("entry").path().join("expected"));
    }
    let mut out = Vec::new();
    for root in roots {
        let tree = snapshot(&root);
        let mut by_folder: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
        for (path, bytes) in tree {
            let (folder, rest) = path.split_once('/').expect("folder/file");
            by_folder
                .entry(folder.to_string())
                .or_default()
                .insert(rest.to_string(), bytes);
        }
        for (folder, files) in by_folder {
            out.push((root.display().to_string(), folder, files));
        }
    }
    out
}

#[test]
fn network_policies_select_the_pods_that_exist() {
    let mut checked = 0;
    for (tree, name, files) in folders() {
        let Some(policy_bytes) = files.get("network-policy.yaml") else {
            continue;
        };
        let backup = docs(&files["backup/cronjob.yaml"]);
        let backup_pod = labels(
            &backup.last().expect("cronjob")["spec"]["jobTemplate"]["spec"]["template"]["metadata"]
                ["labels"],
        );
        let restore_pod = labels(
            &docs(&files["backup/restore-job.yaml"])[0]["spec"]["template"]["metadata"]["labels"],
        );
        let policies = docs(policy_bytes);
        let at = format!("{tree}/{name}");
        if let Some(object) = zalando_object(&files) {
            let cluster = object["metadata"]["name"].as_str().expect("name");
            let pods = |role| zalando_pod_labels(cluster, role);
            let (primary, replica) = (pods("master"), pods("replica"));
            let why = "the operator and the Patroni peers must reach Patroni's API";
            assert_instance_policy(&at, &policies, &backup_pod, [&primary, &replica], 8008, why);
            checked += 1;
            continue;
        }
        if is_cnpg(&files) {
            let pods = |role| cnpg_pod_labels(&name, role);
            let (primary, replica) = (pods("primary"), pods("replica"));
            let why = "the operator must reach the status port";
            assert_instance_policy(&at, &policies, &backup_pod, [&primary, &replica], 8000, why);
            checked += 1;
            continue;
        }
        let postgresql = chart_pod_labels(&name, "postgresql");
        let pgpool = chart_pod_labels(&name, "pgpool");

        let clients = &policies[0];
        let servers = &policies[1];
        assert!(
            selects(
                &labels(&clients["spec"]["podSelector"]["matchLabels"]),
                &pgpool
            ),
            "{at}: clients policy must select pgpool"
        );
        assert!(
            !selects(
                &labels(&clients["spec"]["podSelector"]["matchLabels"]),
                &postgresql
            ),
            "{at}"
        );
        assert!(
            selects(
                &labels(&servers["spec"]["podSelector"]["matchLabels"]),
                &postgresql
            ),
            "{at}: servers policy must select postgresql"
        );

        let from = clients["spec"]["ingress"][0]["from"]
            .as_array()
            .expect("from");
        let peers = pod_peers(&clients["spec"]["ingress"][0]);
        assert!(
            peers.iter().any(|p| selects(p, &backup_pod)),
            "{at}: backup job pods are not admitted"
        );
        assert!(
            peers.iter().any(|p| selects(p, &restore_pod)),
            "{at}: restore job pods are not admitted"
        );
        assert!(
            peers
                .iter()
                .any(|p| selects(p, &pgpool) && selects(p, &postgresql)),
            "{at}: cluster pods are not admitted"
        );
        // The backup dumps from the primary itself (its exported snapshot
        // must not land on a replica through pgpool).
        assert!(
            pod_peers(&servers["spec"]["ingress"][0])
                .iter()
                .any(|p| selects(p, &backup_pod)),
            "{at}: the servers policy must admit the backup pods"
        );
        let cron = backup.last().expect("cronjob");
        let env = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"];
        let candidates = env
            .as_array()
            .expect("env")
            .iter()
            .find(|e| e["name"] == "PRIMARY_CANDIDATES")
            .and_then(|e| e["value"].as_str())
            .expect("PRIMARY_CANDIDATES");
        assert!(
            candidates
                .split(' ')
                .all(|host| host.starts_with(&format!("{name}-postgresql-"))
                    && host.contains(&format!(".{name}-postgresql-headless."))),
            "{at}: {candidates}"
        );

        let app = &docs(&files["application.yaml"])[0];
        let values = &app["spec"]["source"]["helm"]["valuesObject"];
        if values.is_object() {
            assert_eq!(
                values["service"]["externalTrafficPolicy"], "Local",
                "{at}: client addresses must be preserved"
            );
            let cidrs: Vec<&str> = from
                .iter()
                .filter_map(|f| f["ipBlock"]["cidr"].as_str())
                .collect();
            assert!(!cidrs.is_empty(), "{at}");
        }
        let replication = &servers["spec"]["ingress"][0];
        assert!(
            selects(
                &labels(&replication["from"][0]["podSelector"]["matchLabels"]),
                &postgresql
            ),
            "{at}: replication peers"
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} folders with a NetworkPolicy");
}

#[test]
fn without_allowed_clients_there_is_no_policy_and_traffic_policy_stays_default() {
    let mut checked = 0;
    for (tree, name, files) in folders() {
        if is_cnpg(&files) {
            continue;
        }
        let app = &docs(&files["application.yaml"])[0];
        let values = &app["spec"]["source"]["helm"]["valuesObject"];
        if !values.is_object() || files.contains_key("network-policy.yaml") {
            continue;
        }
        assert!(
            values["service"].get("externalTrafficPolicy").is_none(),
            "{tree}/{name}"
        );
        checked += 1;
    }
    assert!(
        checked >= 2,
        "golden cases without allowedClients: {checked}"
    );
}

#[test]
fn the_restore_job_is_never_applied_by_a_sync_and_reads_the_backups() {
    for (tree, name, files) in folders() {
        let job = &docs(&files["backup/restore-job.yaml"])[0];
        let at = format!("{tree}/{name}");
        assert_eq!(
            job["metadata"]["annotations"]["argocd.argoproj.io/hook"], "Skip",
            "{at}"
        );
        assert!(
            job["metadata"]["generateName"].is_string(),
            "{at}: created with kubectl create, never applied"
        );
        let backup = docs(&files["backup/cronjob.yaml"]);
        let cron_volumes = &backup.last().expect("cronjob")["spec"]["jobTemplate"]["spec"]["template"]
            ["spec"]["volumes"][0];
        let job_volumes = &job["spec"]["template"]["spec"]["volumes"][0];
        assert_eq!(
            cron_volumes, job_volumes,
            "{at}: restore reads where backup writes"
        );
        let container = &job["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(container["env"][0]["name"], "RESTORE_FILE");
        assert_eq!(
            container["env"][0]["value"], "",
            "{at}: created without a choice, the Job only lists the dumps"
        );
        assert_eq!(container["command"][1], "/scripts/restore.sh", "{at}");
    }
}

/// Every pod that runs a job script mounts the scripts ConfigMap its
/// folder renders, in its own namespace, and runs a file that is in it.
#[test]
fn job_pods_run_scripts_their_folder_carries() {
    for (tree, name, files) in folders() {
        let at = format!("{tree}/{name}");
        let config = &docs(&files["backup/scripts.yaml"])[0];
        let mut pods = Vec::new();
        for file in [
            "backup/cronjob.yaml",
            "backup/restore-job.yaml",
            "backup/restore-drill.yaml",
        ] {
            for doc in files.get(file).map(|b| docs(b)).unwrap_or_default() {
                let pod = match doc["kind"].as_str() {
                    Some("CronJob") => {
                        doc["spec"]["jobTemplate"]["spec"]["template"]["spec"].clone()
                    }
                    Some("Job") => doc["spec"]["template"]["spec"].clone(),
                    _ => continue,
                };
                pods.push((file, doc["metadata"]["namespace"].clone(), pod));
            }
        }
        assert_eq!(
            pods.len(),
            2 + usize::from(files.contains_key("backup/restore-drill.yaml")),
            "{at}"
        );
        for (file, namespace, pod) in pods {
            assert_eq!(namespace, config["metadata"]["namespace"], "{at}: {file}");
            let volume = pod["volumes"]
                .as_array()
                .expect("volumes")
                .iter()
                .find(|v| v["name"] == "scripts")
                .unwrap_or_else(|| panic!("{at}: {file} mounts no scripts"));
            assert_eq!(
                volume["configMap"]["name"], config["metadata"]["name"],
                "{at}: {file}"
            );
            let container = &pod["containers"][0];
            let mount = container["volumeMounts"]
                .as_array()
                .expect("mounts")
                .iter()
                .find(|m| m["name"] == "scripts")
                .expect("mounted");
            assert_eq!(mount["readOnly"], true, "{at}: {file}");
            let script = container["command"][1].as_str().expect("a script");
            let key = script
                .strip_prefix(&format!("{}/", mount["mountPath"].as_str().expect("path")))
                .expect("under the mount");
            assert!(
                config["data"][key].is_string(),
                "{at}: {file} runs {script}"
            );
        }
    }
}

/// Every container pgrender writes has requests and a memory limit: a pod
/// without requests is the first evicted under pressure, mid-restore.
#[test]
fn every_container_has_requests_and_a_memory_limit() {
    fn containers(value: &Value, path: &str, out: &mut Vec<(String, Value)>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let at = format!("{path}.{key}");
                    if matches!(key.as_str(), "containers" | "initContainers" | "sidecars") {
                        for container in child.as_array().into_iter().flatten() {
                            out.push((format!("{at}.{}", container["name"]), container.clone()));
                        }
                    }
                    containers(child, &at, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| containers(item, path, out)),
            _ => {}
        }
    }
    let mut checked = 0;
    for (tree, name, files) in folders() {
        for (file, bytes) in &files {
            if !file.ends_with(".yaml") || file.starts_with("values/") {
                continue;
            }
            for doc in docs(bytes) {
                let mut found = Vec::new();
                containers(&doc, doc["kind"].as_str().unwrap_or("?"), &mut found);
                for (at, container) in found {
                    let resources = &container["resources"];
                    assert!(
                        resources["requests"]["cpu"].is_string()
                            && resources["requests"]["memory"].is_string()
                            && resources["limits"]["memory"].is_string(),
                        "{tree}/{name}/{file}: {at} has no requests or memory limit: {resources}"
                    );
                    checked += 1;
                }
            }
        }
        // The chart's containers, through its values.
        if let Some(values) = files.get("values/values.yaml") {
            let values = &docs(values)[0];
            for section in ["postgresql", "pgpool", "metrics"] {
                let resources = &values[section]["resources"];
                assert!(
                    resources["requests"]["memory"].is_string()
                        && resources["limits"]["memory"].is_string(),
                    "{tree}/{name}: values {section}.resources: {resources}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "{checked}");
}

#[test]
fn health_checks_carry_the_lag_threshold_and_use_pg_isready() {
    let mut checked = 0;
    for (tree, name, files) in folders() {
        if let Some(object) = zalando_object(&files) {
            assert_eq!(
                object["spec"]["livenessProbe"]["httpGet"]["path"], "/liveness",
                "{tree}/{name}: liveness asks Patroni"
            );
            if let Some(app) = files.get("application.yaml") {
                let app = &docs(app)[0];
                assert_eq!(
                    app["spec"]["source"]["helm"]["valuesObject"]["configKubernetes"]["enable_readiness_probe"],
                    true,
                    "{tree}/{name}"
                );
            }
            continue;
        }
        if is_cnpg(&files) {
            let cluster = &docs(&files["cluster.yaml"])[0];
            assert_eq!(
                cluster["spec"]["probes"]["readiness"]["type"], "streaming",
                "{tree}/{name}"
            );
            continue;
        }
        let values = &docs(&files["values/values.yaml"])[0]["postgresql"];
        let liveness = &values["customLivenessProbe"];
        assert_eq!(
            liveness["exec"]["command"][0], "pg_isready",
            "{tree}/{name}"
        );
        let readiness = values["customReadinessProbe"]["exec"]["command"][2]
            .as_str()
            .expect("script");
        assert!(
            readiness.contains("pg_is_in_recovery()")
                && readiness.contains("pg_last_xact_replay_timestamp()")
        );
        let threshold = readiness.lines().last().expect("last line");
        assert!(threshold.starts_with("[ \"${lag}\" -le "), "{threshold}");
        let readme = String::from_utf8(files["README.md"].clone()).expect("utf-8");
        let number: String = threshold.chars().filter(char::is_ascii_digit).collect();
        assert!(
            readme.contains(&format!("more\nthan {number}s behind"))
                || readme.contains(&format!("than {number}s behind")),
            "{tree}/{name}"
        );
        for key in [
            "initialDelaySeconds",
            "periodSeconds",
            "timeoutSeconds",
            "failureThreshold",
        ] {
            assert!(liveness[key].as_u64().is_some_and(|v| v > 0), "{key}");
            assert!(
                values["customReadinessProbe"][key]
                    .as_u64()
                    .is_some_and(|v| v > 0),
                "{key}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 7);
}

#[test]
fn the_generated_readme_is_a_runbook_for_this_cluster() {
    for (tree, name, files) in folders() {
        let readme = String::from_utf8(files["README.md"].clone()).expect("utf-8");
        for section in [
            "## Connect",
            "## Replication and failover",
            "### Split-brain",
            "## Growing storage",
            "## Rotating credentials",
            "## Backups and restore",
            if files.contains_key("postgresql.yaml") {
                "## Moving between backends"
            } else if is_cnpg(&files) {
                "## Moving from Bitnami"
            } else {
                "## Moving to CloudNativePG"
            },
            "Exclude ",
        ] {
            assert!(
                readme.contains(section),
                "{tree}/{name}: README lacks {section}"
            );
        }
        if let Some(rule) = files.get("monitoring/prometheus-rule.yaml") {
            for alert in docs(rule)[0]["spec"]["groups"][0]["rules"]
                .as_array()
                .expect("rules")
            {
                let alert_name = alert["alert"].as_str().expect("name");
                assert!(
                    readme.contains(&format!("### Alert: {alert_name}")),
                    "{tree}/{name}: no runbook for {alert_name}"
                );
                let url = alert["annotations"]["runbook_url"]
                    .as_str()
                    .expect("runbook_url");
                assert!(
                    url.ends_with(&format!("#alert-{}", alert_name.to_lowercase())),
                    "{url}"
                );
            }
        }
    }
}

/// The Application the runbook shows is the one pgrender writes when it
/// knows the repository: same path, same directory settings, same target.
#[test]
fn the_runbook_shows_the_folder_application_pgrender_writes() {
    let folder = repo_root().join("tests/golden/cloudnative-pg-18/expected/postgresql");
    let written = &pgrender::parse_stream(
        &std::fs::read_to_string(folder.join("folder-application.yaml")).expect("written"),
    )
    .expect("yaml")[0];
    let readme = std::fs::read_to_string(folder.join("README.md")).expect("readme");
    let block = readme
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a yaml block in the runbook");
    let shown = &pgrender::parse_stream(block).expect("shown yaml")[0];
    for field in [
        "/metadata/name",
        "/spec/source",
        "/spec/sources",
        "/spec/destination",
        "/spec/project",
        "/spec/syncPolicy",
    ] {
        assert_eq!(shown.pointer(field), written.pointer(field), "{field}");
    }
    assert_eq!(written["spec"]["sources"][0]["directory"]["recurse"], true);
}

/// Encrypted credentials live in a folder of the user's (spec.argocd.secretsPath):
/// the folder Application syncs it, pgrender never writes there, and it may
/// not lie inside the output pgrender owns.
#[test]
fn the_secrets_folder_is_synced_and_left_alone() {
    let ws = Workspace::empty();
    let spec = spec_with(
        "postgresql",
        "  argocd:\n    gitRepoURL: https://git.lan/homelab/gitops.git\n    secretsPath: kubernetes/secrets/postgresql\n",
    );
    ws.write("kubernetes/specs/postgresql.yaml", &spec);
    let sealed = "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: postgresql-credentials\n";
    let kept = ws.write(
        "kubernetes/secrets/postgresql/postgresql-credentials.yaml",
        sealed,
    );
    let o = ws.run(&["render"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&kept).expect("sealed"),
        sealed,
        "never written"
    );
    assert_eq!(ws.run(&["check"]).status.code(), Some(0));
    let app = &pgrender::parse_stream(
        &std::fs::read_to_string(
            ws.path()
                .join("kubernetes/applications/postgresql/folder-application.yaml"),
        )
        .expect("folder application"),
    )
    .expect("yaml")[0];
    assert_eq!(
        app["spec"]["sources"][1]["path"],
        "kubernetes/secrets/postgresql"
    );
    let readme = std::fs::read_to_string(
        ws.path()
            .join("kubernetes/applications/postgresql/README.md"),
    )
    .expect("readme");
    assert!(readme.contains(
        "kubeseal --format yaml > kubernetes/secrets/postgresql/postgresql-credentials.yaml"
    ));

    let inside = spec_with(
        "postgresql",
        "  argocd:\n    gitRepoURL: https://git.lan/homelab/gitops.git\n    secretsPath: kubernetes/applications/secrets\n",
    );
    ws.write("kubernetes/specs/postgresql.yaml", &inside);
    let o = ws.run(&["render"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("lies inside --out-root `kubernetes/applications`"),
        "{}",
        stderr(&o)
    );
}

/// The runbook says what the folder holds: with the drill off, no drill
/// alert; its sample Application spelled as the file is (`prune: true`).
#[test]
fn the_runbook_follows_the_spec_it_was_rendered_from() {
    let ws = Workspace::empty();
    ws.write(
        "specs/postgresql.yaml",
        &spec_with(
            "postgresql",
            "  backup:\n    drill:\n      enabled: false\n",
        ),
    );
    let o = ws.run(&["render", "specs", "--out-root", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let readme =
        std::fs::read_to_string(ws.path().join("out/postgresql/README.md")).expect("README");
    for absent in [
        "drill alerts",
        "PostgresRestoreDrill",
        "the drill skip",
        "and the drill mount",
    ] {
        assert!(
            !readme.contains(absent),
            "{absent:?} in a runbook without the drill"
        );
    }
    assert!(
        readme.contains("      prune: true\n      selfHeal: true\n"),
        "{readme}"
    );
    assert!(!readme.contains("True"));
}
