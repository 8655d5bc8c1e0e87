//! Property tests over the spec's valid space: every generated spec
//! validates, renders twice to the same bytes, and every document it emits
//! parses and matches the schema of its kind; spec strings round-trip
//! through render and parse unchanged, whatever characters they hold.

use proptest::prelude::*;
use serde_json::{Value, json};

use pgrender::SpecFile;
use pgrender::check_file;
use pgrender::{Plan, RenderOptions};
use pgrender::{render_spec, renderer};

use crate::output_valid::{chart_keys, used_keys, validators};

fn spec_file(value: &Value) -> SpecFile {
    let text = serde_json::to_string_pretty(value).expect("json");
    SpecFile {
        display: "generated.yaml".into(),
        file_name: "generated.yaml".into(),
        repository_path: None,
        document: pgrender::parse_document(&text).expect("generated spec parses"),
    }
}

fn render(value: &Value) -> Plan {
    let valid = match check_file(&spec_file(value)) {
        Ok(valid) => valid,
        Err(d) => panic!("a generated valid spec was rejected:\n{d}\nspec: {value:#}"),
    };
    render_spec(&valid, &renderer(), &RenderOptions::default()).expect("render")
}

fn documents(plan: &Plan) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for path in plan.manifest_paths() {
        for doc in pgrender::parse_stream(&plan.files[path]).expect("emitted YAML parses") {
            out.push((path.clone(), doc));
        }
    }
    out
}

prop_compose! {
    fn pool()(a in 1u8..=223, b in 0u8..=255, c in 0u8..=255, start in 1u8..=200, len in 0u8..=40, cidr in any::<bool>(), pick in 0u8..=255)
        -> (Vec<String>, String) {
        if cidr {
            // A /28 holding the address.
            let base = start & 0xF0;
            (vec![format!("{a}.{b}.{c}.{base}/28")], format!("{a}.{b}.{c}.{}", base + pick % 16))
        } else {
            let last = start.saturating_add(len);
            (vec![format!("{a}.{b}.{c}.{start}-{a}.{b}.{c}.{last}")], format!("{a}.{b}.{c}.{}", start + pick % (len + 1)))
        }
    }
}

prop_compose! {
    fn schedule()(minute in 0u8..60, hour in 0u8..24, step in prop::sample::select(vec![1u8, 5, 15, 30]), kind in 0u8..3) -> String {
        match kind {
            0 => format!("{minute} {hour} * * *"),
            1 => format!("*/{step} * * * 1-5"),
            _ => format!("{minute} {hour} 1,15 * *"),
        }
    }
}

fn quantity(units: &'static [&'static str]) -> impl Strategy<Value = String> {
    (1u32..=2000, prop::sample::select(units)).prop_map(|(n, u)| format!("{n}{u}"))
}

prop_compose! {
    fn valid_spec()(
        name in "[a-z][a-z0-9-]{0,20}[a-z0-9]",
        backend in prop::sample::select(pgrender::BackendName::ALL),
        instances in 1u32..=9,
        sync in any::<bool>(),
        version in prop::sample::select(vec!["15", "16"]),
        max_connections in 1u32..=10000,
        (addresses, ip) in pool(),
        port in 1u32..=65535,
        clients in prop::collection::vec((1u8..=223, 0u8..=255).prop_map(|(a, b)| format!("{a}.{b}.0.0/16")), 0..3),
        switches in prop::array::uniform8(any::<bool>()),
        schedule in schedule(),
        time_zone in prop::sample::select(vec!["Etc/UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"]),
        retention in 1u32..=3650,
        cpu in prop::sample::select(vec!["500m", "1", "2", "1.5", "4"]),
        memory_mib in 512u32..=65536,
        storage in quantity(&["Gi", "Ti"]),
        databases in prop::collection::vec("[a-z_][a-z0-9_]{0,10}", 0..3),
    ) -> Value {
        let [exporter, service_monitor, rule, l2, automated, nfs, git, lag] = switches;
        // A valid spec's connections fit its memory with PostgreSQL's
        // defaults: 132 MiB of buffers, 3 x 64 MiB of autovacuum and
        // 4 MiB of work_mem per connection.
        let max_connections = max_connections.min((memory_mib - 132 - 192) / 4).max(1);
        let memory = format!("{memory_mib}Mi");
        let mut databases = databases;
        databases.sort();
        databases.dedup();
        let mut spec = json!({
            "namespace": format!("ns-{name}"),
            "postgres": {"version": version, "instances": instances, "replication": if sync { "sync" } else { "async" }, "maxConnections": max_connections},
            "resources": {"cpu": cpu, "memory": memory},
            "storage": {"size": storage},
            "network": {
                "loadBalancerIP": ip,
                // The default backend serves any port; the operators own theirs.
                "port": if backend == pgrender::BackendName::default() { port } else { 5432 },
                "addressPool": {"name": format!("{name}-pool"), "addresses": addresses, "l2Advertisement": l2},
                "allowedClients": clients,
            },
            "monitoring": {
                "exporter": exporter, "serviceMonitor": service_monitor, "prometheusRule": rule,
                "alerts": {"replicationLagSeconds": if lag { 5 } else { 120 }}
            },
            "backup": {"schedule": schedule, "timeZone": time_zone, "retentionDays": retention, "databases": databases,
                       "storage": if nfs { json!({"nfs": {"server": "nas.lan", "path": "/exports/pg"}}) } else { json!({"size": "10Gi"}) }},
            "argocd": {"syncPolicy": {"automated": automated}},
        });
        spec["backend"] = json!(backend.as_str());
        if git {
            spec["argocd"]["gitRepoURL"] = json!("https://git.lan/homelab/gitops.git");
        }
        json!({"apiVersion": "pgrender.dev/v1alpha1", "kind": "PostgresCluster", "metadata": {"name": name}, "spec": spec})
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_valid_spec_renders_schema_valid_byte_stable_output(spec in valid_spec()) {
        let plan = render(&spec);
        prop_assert_eq!(&plan, &render(&spec), "render is not byte-stable");
        let v = validators();
        for (path, doc) in documents(&plan) {
            let key = (doc["apiVersion"].as_str().unwrap_or("?").to_string(), doc["kind"].as_str().unwrap_or("?").to_string());
            let validator = v.by_kind.get(&key);
            prop_assert!(validator.is_some(), "{}: no schema for {:?}", path, key);
            let errors: Vec<String> = validator
                .into_iter()
                .flat_map(|val| val.iter_errors(&doc))
                .chain(v.object_meta.iter_errors(&doc["metadata"]))
                .map(|e| format!("{} {}", e.instance_path().as_str(), e))
                .collect();
            prop_assert!(errors.is_empty(), "{}: {:?}", path, errors);
        }
        if let Some(values) = plan.files.get("values/values.yaml") {
            let (keys, open) = chart_keys("bitnami-postgresql-ha/values-12.x.yaml");
            let values = pgrender::parse_stream(values).expect("values").remove(0);
            let mut used = Vec::new();
            used_keys(&values, String::new(), &mut used);
            for key in used {
                prop_assert!(keys.contains(&key) || open.iter().any(|o| key.starts_with(&format!("{o}."))), "{}", key);
            }
        }
        // What the spec says is what the manifests say.
        let docs = documents(&plan);
        let cron = docs.iter().find(|(_, d)| d["kind"] == "CronJob").expect("cronjob");
        prop_assert_eq!(&cron.1["spec"]["schedule"], &spec["spec"]["backup"]["schedule"]);
        prop_assert_eq!(&cron.1["spec"]["timeZone"], &spec["spec"]["backup"]["timeZone"]);
        let pool = docs.iter().find(|(_, d)| d["kind"] == "IPAddressPool").expect("pool");
        prop_assert_eq!(&pool.1["spec"]["addresses"], &spec["spec"]["network"]["addressPool"]["addresses"]);
    }
}

/// Strings that pass validation but are full of YAML syntax.
fn nasty() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("\"".to_string()),
            Just("'".to_string()),
            Just("#".to_string()),
            Just("{{".to_string()),
            Just("}}".to_string()),
            Just(":".to_string()),
            Just("*".to_string()),
            Just("&".to_string()),
            Just("!".to_string()),
            Just("%".to_string()),
            Just("`".to_string()),
            Just("|".to_string()),
            Just(">".to_string()),
            Just("---".to_string()),
            Just("\\".to_string()),
            Just("é".to_string()),
            Just("€".to_string()),
            Just("😀".to_string()),
            Just("\u{feff}".to_string()),
            "[a-zA-Z0-9]{1,4}",
        ],
        1..12,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn spec_strings_round_trip_through_render_and_parse(
        server in nasty(), path in nasty(), spaced in nasty(), repo in nasty(), runbook in nasty(), revision_tail in "[ .*^~<>=|,+-]{0,8}"
    ) {
        let server = format!("https://{server}");
        let nfs_path = format!("/{path} {spaced}\u{2028}x").replace("..", "_");
        let git = format!("https://{repo}");
        let runbook_base = format!("https://{runbook}");
        let revision = format!("12.{revision_tail}");
        let spec = json!({
            "apiVersion": "pgrender.dev/v1alpha1", "kind": "PostgresCluster", "metadata": {"name": "pg"},
            "spec": {
                "bitnami": {"chart": {"targetRevision": revision}},
                "monitoring": {"runbookBaseURL": runbook_base},
                "backup": {"storage": {"nfs": {"server": "nas.lan", "path": nfs_path}}},
                "argocd": {"destinationServer": server, "gitRepoURL": git},
            }
        });
        let plan = render(&spec);
        let docs = documents(&plan);
        let app = &docs.iter().find(|(_, d)| d["kind"] == "Application").expect("app").1;
        prop_assert_eq!(app["spec"]["destination"]["server"].as_str(), Some(server.as_str()));
        prop_assert_eq!(app["spec"]["sources"][1]["repoURL"].as_str(), Some(git.as_str()));
        prop_assert_eq!(app["spec"]["sources"][0]["targetRevision"].as_str(), Some(revision.as_str()));
        let cron = &docs.iter().find(|(_, d)| d["kind"] == "CronJob").expect("cronjob").1;
        let volume = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["volumes"][0];
        prop_assert_eq!(volume["nfs"]["path"].as_str(), Some(nfs_path.as_str()));
        let rule = &docs.iter().find(|(_, d)| d["kind"] == "PrometheusRule").expect("rule").1;
        let url = rule["spec"]["groups"][0]["rules"][0]["annotations"]["runbook_url"].as_str().expect("url");
        prop_assert!(url.starts_with(&runbook_base), "{}", url);
        // Structure unchanged: the same kinds in the same order as for plain strings.
        let kinds: Vec<&str> = docs.iter().map(|(_, d)| d["kind"].as_str().expect("kind")).collect();
        prop_assert_eq!(kinds, vec!["Application", "Secret", "CronJob", "CronJob", "NetworkPolicy", "Job", "ConfigMap", "Application", "IPAddressPool", "L2Advertisement", "PrometheusRule", "Namespace", "NetworkPolicy", "NetworkPolicy"]);
    }
}
