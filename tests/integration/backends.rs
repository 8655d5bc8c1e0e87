//! The second backend: CloudNativePG renders, checks and generates like the
//! first; the migration guide is specific to the two specs; and the code
//! branches on the backend in one place only.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::{Workspace, reference_spec, repo_root, spec_with, stderr, stdout};

fn cnpg_spec() -> String {
    std::fs::read_to_string(repo_root().join("tests/golden/cloudnative-pg/specs/postgresql.yaml"))
        .expect("cnpg spec")
}

/// A CloudNativePG spec that can run beside the reference cluster.
fn cnpg_beside_reference() -> String {
    spec_with(
        "postgresql-cnpg",
        "  backend: cloudnative-pg\n  namespace: postgresql-cnpg\n  postgres:\n    instances: 3\n  network:\n    loadBalancerIP: 192.168.10.112\n    addressPool:\n      name: postgresql-cnpg-pool\n      addresses: [192.168.10.112-192.168.10.113]\n",
    )
}

#[test]
fn render_check_and_generate_work_unchanged_for_cloudnative_pg() {
    let ws = Workspace::empty();
    ws.write("kubernetes/specs/postgresql.yaml", &cnpg_spec());
    let o = ws.run(&["render"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("bitnamilegacy"),
        "no frozen-image warning for official images"
    );
    let o = ws.run(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    // Drift is found the same way.
    ws.write(
        "kubernetes/specs/postgresql.yaml",
        &cnpg_spec().replace("instances: 2", "instances: 3"),
    );
    let o = ws.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("-  instances: 2\n+  instances: 3"),
        "{}",
        stdout(&o)
    );

    // The plugin prints the same manifests.
    let o = crate::support::pgrender(&ws.path().join("kubernetes/specs"), &["generate"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let kinds: Vec<String> = pgrender::parse_stream(&stdout(&o))
        .expect("yaml")
        .iter()
        .map(|d| d["kind"].as_str().expect("kind").to_string())
        .collect();
    for kind in [
        "Application",
        "Cluster",
        "PodMonitor",
        "CronJob",
        "IPAddressPool",
        "NetworkPolicy",
        "Namespace",
    ] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "generate lacks {kind}: {kinds:?}"
        );
    }
}

#[test]
fn the_operator_application_comes_first_and_uses_server_side_apply() {
    let tree = repo_root().join("tests/golden/cloudnative-pg/expected/postgresql");
    let read = |p: &str| {
        pgrender::parse_stream(&std::fs::read_to_string(tree.join(p)).expect(p)).expect("yaml")
    };
    let app = &read("application.yaml")[0];
    assert_eq!(
        app["spec"]["source"]["repoURL"],
        "https://cloudnative-pg.github.io/charts"
    );
    assert_eq!(app["spec"]["source"]["chart"], "cloudnative-pg");
    assert_eq!(
        app["spec"]["source"]["targetRevision"],
        pgrender::upstream_facts::DEFAULT_OPERATOR_CHART
    );
    let options: Vec<&str> = app["spec"]["syncPolicy"]["syncOptions"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|o| o.as_str())
        .collect();
    assert!(options.contains(&"ServerSideApply=true"), "{options:?}");
    let wave = |doc: &serde_json::Value| {
        doc["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
            .as_str()
            .unwrap_or("0")
            .parse::<i32>()
            .expect("wave")
    };
    let cluster = &read("cluster.yaml")[0];
    assert!(
        wave(&read("namespace.yaml")[0]) < wave(app) && wave(app) < wave(cluster),
        "namespace, operator, cluster"
    );
    assert_eq!(
        cluster["spec"]["superuserSecret"]["name"],
        "postgresql-credentials"
    );
    assert_eq!(
        cluster["spec"]["postgresql"]["parameters"]["max_connections"],
        "100"
    );
    assert_eq!(
        cluster["spec"]["managed"]["services"]["additional"][0]["selectorType"],
        "rw"
    );
    let backup = read("backup/cronjob.yaml");
    let env =
        &backup[1]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"][0];
    assert_eq!(
        env["value"], "postgresql-rw.postgresql.svc.cluster.local",
        "backups go through the -rw service"
    );
}

#[test]
fn sync_replication_uses_the_cnpg_synchronous_stanza() {
    let tree = repo_root().join("tests/golden/cloudnative-pg-variants/expected/orders");
    let cluster = &pgrender::parse_stream(
        &std::fs::read_to_string(tree.join("cluster.yaml")).expect("cluster"),
    )
    .expect("yaml")[0];
    let sync = &cluster["spec"]["postgresql"]["synchronous"];
    assert_eq!(sync["method"], "any");
    assert_eq!(sync["number"], 1);
    assert_eq!(
        cluster["spec"]["imageName"],
        "registry.lan:5000/cloudnative-pg/postgresql:15.14"
    );
    assert!(!tree.join("application.yaml").exists() || cluster["spec"]["instances"] == 3);
}

#[test]
fn migrate_guide_is_written_for_the_two_specs() {
    let ws = Workspace::empty();
    ws.write("specs/postgresql.yaml", &reference_spec());
    ws.write("specs/postgresql-cnpg.yaml", &cnpg_beside_reference());
    let before = crate::support::snapshot(ws.path());
    let o = ws.run(&[
        "migrate-guide",
        "specs/postgresql.yaml",
        "specs/postgresql-cnpg.yaml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let guide = stdout(&o);
    for want in [
        "# Moving `postgresql` (Bitnami postgresql-ha) to `postgresql-cnpg` (CloudNativePG)",
        "pg_dumpall --host=192.168.10.100 --port=5432",
        "psql --host=192.168.10.112 --port=5432",
        "--exclude-database=repmgr",
        "kubectl -n postgresql create job --from=cronjob/postgresql-backup postgresql-before-move",
        "--type=kubernetes.io/basic-auth",
        "loadBalancerIP: 192.168.10.100",
        // Removing the old cluster as ArgoCD behaves: its Application is
        // deleted with its resources before its folder leaves git.
        "resources-finalizer.argocd.argoproj.io`, then delete it with `kubectl -n argocd delete application <its name>`",
        "git rm -r specs/postgresql.yaml kubernetes/applications/postgresql",
    ] {
        assert!(guide.contains(want), "guide lacks {want:?}:\n{guide}");
    }
    assert_eq!(
        before,
        crate::support::snapshot(ws.path()),
        "the guide writes nothing"
    );
}

#[test]
fn migrate_guide_refuses_what_cannot_work() {
    // Each spec in its own folder: a spec file is checked against the
    // specs beside it, and these are meant to clash only with each other.
    let ws = Workspace::empty();
    ws.write("specs/postgresql.yaml", &reference_spec());
    ws.write("cnpg/cnpg.yaml", &cnpg_beside_reference());
    ws.write(
        "cnpg-15/cnpg-15.yaml",
        &cnpg_beside_reference().replace("instances: 3", "instances: 3\n    version: \"15\""),
    );
    ws.write(
        "cnpg-same-pool/cnpg-same-pool.yaml",
        &cnpg_spec().replace("name: postgresql\n", "name: other\n"),
    );
    let cases = [
        (
            ["specs/postgresql.yaml", "specs/postgresql.yaml"],
            "both specs run on bitnami-postgresql-ha: a guide is for a move between backends",
        ),
        (
            ["specs/postgresql.yaml", "cnpg-15/cnpg-15.yaml"],
            "PostgreSQL 15 cannot load a dump of PostgreSQL 16",
        ),
        (
            [
                "specs/postgresql.yaml",
                "cnpg-same-pool/cnpg-same-pool.yaml",
            ],
            "MetalLB pools must not overlap",
        ),
        (
            ["specs/postgresql.yaml", "cnpg"],
            "give a spec file, not a folder",
        ),
    ];
    for (args, want) in cases {
        let o = ws.run(&["migrate-guide", args[0], args[1]]);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stdout(&o), "");
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
    }
}

/// Every pair of the registry's backends has a guide, written from both
/// sides' facts: a backend whose operator makes the password reads it from
/// its Secret, the others ask for it; the old side's own database is left
/// out.
#[test]
fn migrate_guide_covers_every_pair_of_backends() {
    let ws = Workspace::empty();
    let spec = |name: &str, backend: &str, ip: usize| {
        format!(
            "apiVersion: pgrender.dev/v1alpha1\nkind: PostgresCluster\nmetadata:\n  name: {name}\nspec:\n  backend: {backend}\n  namespace: {name}\n  network:\n    loadBalancerIP: 192.168.10.{ip}\n    addressPool:\n      name: {name}-pool\n      addresses: [192.168.10.{ip}/32]\n"
        )
    };
    let mut backends = Vec::new();
    for (i, backend) in pgrender::BackendName::ALL.iter().enumerate() {
        let name = format!("b{i}");
        ws.write(
            &format!("{name}/{name}.yaml"),
            &spec(&name, backend.as_str(), 100 + 10 * i),
        );
        let loaded = pgrender::load_specs(&ws.path().join(&name)).expect("a valid spec");
        let valid = &loaded.specs[0];
        backends.push((name, valid.backend.facts(&valid.cluster)));
    }
    for (old, old_facts) in &backends {
        for (new, new_facts) in &backends {
            if old == new {
                continue;
            }
            let o = ws.run(&[
                "migrate-guide",
                &format!("{old}/{old}.yaml"),
                &format!("{new}/{new}.yaml"),
            ]);
            assert_eq!(o.status.code(), Some(0), "{old} -> {new}: {}", stderr(&o));
            let guide = stdout(&o);
            let at = format!("{old} -> {new}");
            assert!(
                guide.starts_with(&format!(
                    "# Moving `{old}` ({}) to `{new}` ({})",
                    old_facts.title, new_facts.title
                )),
                "{at}:\n{guide}"
            );
            let reads_secret = |side: &str, facts: &pgrender::ClusterFacts, var: &str| {
                guide.contains(&format!(
                    "{var}=$(kubectl -n {side} get secret {}",
                    facts.password_secret
                ))
            };
            assert_eq!(
                reads_secret(old, old_facts, "OLD_PW"),
                old_facts.credentials_by_operator,
                "{at}"
            );
            assert_eq!(
                reads_secret(new, new_facts, "NEW_PW"),
                new_facts.credentials_by_operator,
                "{at}"
            );
            if let Some(own) = old_facts.internal_database {
                assert!(guide.contains(&format!("--exclude-database={own}")), "{at}");
            }
            assert_eq!(
                guide.contains("create secret generic"),
                !new_facts.credentials_by_operator,
                "{at}: a Secret to create only where the operator does not make one"
            );
        }
    }
    // The facts the guide is checked against differ somewhere.
    assert!(backends.iter().any(|(_, f)| f.credentials_by_operator));
    assert!(backends.iter().any(|(_, f)| f.internal_database.is_some()));
}

/// Rust sources below `dir`, recursively.
fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The value of `const NAME: &str = "…"` in `source`.
fn string_constant(source: &str, name: &str) -> String {
    let at = source
        .find(&format!("const {name}: &str = \""))
        .unwrap_or_else(|| panic!("{name}"));
    let rest = &source[at..];
    let start = rest.find('"').expect("quote") + 1;
    rest[start..start + rest[start..].find('"').expect("quote")].to_string()
}

/// Every backend the registry lists (`src/backend/name.rs`), by its
/// folder, with the marks its code leaves: its name, its variant, its
/// section of the spec (as a path, a pointer and a Rust field), its module
/// and its templates' folder.
fn backend_marks() -> Vec<(String, Vec<String>)> {
    let root = repo_root().join("src/backend");
    let list = std::fs::read_to_string(root.join("name.rs")).expect("name.rs");
    let call = &list[list.find("backend_names! {").expect("the list")..];
    let mut found = Vec::new();
    for line in call.lines().skip(1).take_while(|l| !l.starts_with('}')) {
        let Some((variant, path)) = line.trim().trim_end_matches(',').split_once(" => ") else {
            continue;
        };
        let folder = path
            .trim_start_matches("crate::backend::")
            .trim_end_matches("::options")
            .to_string();
        let options =
            std::fs::read_to_string(root.join(&folder).join("options.rs")).expect("options.rs");
        let (name, key) = (
            string_constant(&options, "NAME"),
            string_constant(&options, "OPTIONS_KEY"),
        );
        let field: String = key
            .chars()
            .flat_map(|c| {
                if c.is_ascii_uppercase() {
                    vec!['_', c.to_ascii_lowercase()]
                } else {
                    vec![c]
                }
            })
            .collect();
        let declaration =
            std::fs::read_to_string(root.join(&folder).join("mod.rs")).expect("mod.rs");
        let templates = declaration
            .split("embedded![")
            .nth(1)
            .and_then(|list| list.split('"').nth(1))
            .and_then(|first| first.split_once('/'))
            .map(|(dir, _)| dir.to_string())
            .expect("the backend's templates");
        let marks = vec![
            format!("\"{name}\""),
            format!("BackendName::{variant}"),
            format!("spec.{key}"),
            format!("/spec/{key}"),
            format!(".{field}."),
            format!("backend::{folder}"),
            format!("\"{templates}/"),
        ];
        found.push((folder, marks));
    }
    found
}

#[test]
fn only_a_backend_s_folder_and_the_registry_name_the_backend() {
    // Allowed beside each backend's own folder: the registry, the list of
    // names, and the spec's field for its options section.
    let allowed = [
        "src/backend/mod.rs",
        "src/backend/name.rs",
        "src/spec/mod.rs",
    ];
    let backends = backend_marks();
    assert_eq!(
        backends.len(),
        pgrender::BackendName::ALL.len(),
        "every backend of the registry is guarded"
    );
    let mut files = Vec::new();
    sources(&repo_root().join("src"), &mut files);
    let mut offenders = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(repo_root())
            .expect("in repo")
            .to_string_lossy()
            .replace('\\', "/");
        if allowed.contains(&rel.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read");
        // Code only: tests and comments may name any backend.
        let code = text
            .find("#[cfg(test)]")
            .map_or(text.as_str(), |cut| &text[..cut]);
        for (folder, marks) in &backends {
            if rel.starts_with(&format!("src/backend/{folder}/")) {
                continue;
            }
            for (i, line) in code.lines().enumerate() {
                let line = line.split("//").next().unwrap_or_default();
                if let Some(mark) = marks.iter().find(|m| line.contains(m.as_str())) {
                    offenders.push(format!("{rel}:{}: {mark}: {}", i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "backend-specific code outside its folder and the registry:\n{}",
        offenders.join("\n")
    );
}

/// The guard reads every backend's marks from its own files.
#[test]
fn the_guard_knows_every_backend_s_marks() {
    for (folder, marks) in backend_marks() {
        let dir = repo_root().join("src/backend").join(&folder);
        let own: String = ["options.rs", "mod.rs"]
            .iter()
            .map(|f| std::fs::read_to_string(dir.join(f)).expect("source"))
            .collect();
        assert!(own.contains(&marks[0]), "{folder}: its name {}", marks[0]);
        assert!(
            repo_root()
                .join("templates")
                .join(marks[6].trim_start_matches('"').trim_end_matches('/'))
                .is_dir(),
            "{folder}: its templates {}",
            marks[6]
        );
    }
}

/// Identifiers of a PromQL expression that name a metric: followed by `{`
/// or `(`, outside label values, and not an aggregation keyword.
fn metric_names(expr: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    for c in expr.chars() {
        if c == '"' {
            in_quotes = !in_quotes;
            current.clear();
        } else if in_quotes {
        } else if c.is_ascii_alphanumeric() || c == '_' {
            current.push(c);
        } else {
            if (c == '{' || c == '(')
                && !current.is_empty()
                && !["by", "max", "sum", "time"].contains(&current.as_str())
            {
                names.push(current.clone());
            }
            current.clear();
        }
    }
    names
}

#[test]
fn every_alert_names_only_metrics_its_backends_exporter_exports() {
    use pgrender::upstream_facts::{CLOUDNATIVE_PG_METRICS, POSTGRES_EXPORTER_METRICS};
    let mut seen = BTreeSet::new();
    let golden = repo_root().join("tests/golden");
    for case in std::fs::read_dir(&golden).expect("golden") {
        let expected = case.expect("case").path().join("expected");
        for folder in std::fs::read_dir(&expected).expect("expected") {
            let folder = folder.expect("folder").path();
            let Ok(text) = std::fs::read_to_string(folder.join("monitoring/prometheus-rule.yaml"))
            else {
                continue;
            };
            let exporter = if folder.join("cluster.yaml").is_file() {
                CLOUDNATIVE_PG_METRICS
            } else {
                POSTGRES_EXPORTER_METRICS
            };
            let rule = &pgrender::parse_stream(&text).expect("rule")[0];
            for group in rule["spec"]["groups"].as_array().expect("groups") {
                for alert in group["rules"].as_array().expect("rules") {
                    let name = alert["alert"].as_str().expect("alert name");
                    let expr = alert["expr"].as_str().expect("expr");
                    for metric in metric_names(expr) {
                        assert!(
                            exporter.exported.contains(&metric.as_str())
                                || pgrender::KUBERNETES_METRICS.contains(&metric.as_str()),
                            "{}: {name}: {metric} is exported by neither the exporter ({}) nor Kubernetes",
                            folder.display(),
                            exporter.source
                        );
                    }
                    seen.insert((exporter.up, name.to_string()));
                }
            }
        }
    }
    for exporter in [CLOUDNATIVE_PG_METRICS, POSTGRES_EXPORTER_METRICS] {
        for alert in [
            "PostgresReplicationLag",
            "PostgresStorageAlmostFull",
            "PostgresInstanceDown",
        ] {
            assert!(
                seen.contains(&(exporter.up, alert.to_string())),
                "no golden case renders {alert} for {}",
                exporter.up
            );
        }
    }
    assert!(
        seen.iter()
            .any(|(_, alert)| alert == "PostgresVolumeAlmostFull"),
        "no golden case renders the kubelet volume alert"
    );
}

/// The guide's file steps, done on a scratch repository, leave a tree that
/// `check` accepts: the old spec and its output folder go together.
#[test]
fn the_migration_guide_s_file_steps_leave_a_tree_check_accepts() {
    let ws = Workspace::empty();
    ws.write("kubernetes/specs/postgresql.yaml", &reference_spec());
    ws.write(
        "kubernetes/specs/postgresql-cnpg.yaml",
        &cnpg_beside_reference(),
    );
    let o = ws.run(&["render"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = ws.run(&[
        "migrate-guide",
        "kubernetes/specs/postgresql.yaml",
        "kubernetes/specs/postgresql-cnpg.yaml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let step = "git rm -r kubernetes/specs/postgresql.yaml kubernetes/applications/postgresql";
    assert!(stdout(&o).contains(step), "{}", stdout(&o));
    for path in [
        "kubernetes/specs/postgresql.yaml",
        "kubernetes/applications/postgresql",
    ] {
        let path = ws.path().join(path);
        if path.is_dir() {
            std::fs::remove_dir_all(path).expect("rm -r");
        } else {
            std::fs::remove_file(path).expect("rm");
        }
    }
    let o = ws.run(&["render"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = ws.run(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}
