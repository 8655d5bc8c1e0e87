//! Every fact pgrender keeps about a backend's upstream is held to the
//! upstream file it came from, copied into `tests/upstream/` at the pinned
//! version (PROVENANCE.md): Zalando's postgres-operator v2.0.1 and Spilo,
//! CloudNativePG 1.30.0, the postgresql-ha chart at 12.8.2 and 16.3.4.
//! Bumping a pin fails here wherever a fact changed.

use std::collections::BTreeSet;

use pgrender::upstream_facts as facts;

use crate::support::repo_root;

fn upstream(file: &str) -> String {
    std::fs::read_to_string(repo_root().join("tests/upstream").join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn golden(case: &str, file: &str) -> String {
    let folder = repo_root().join("tests/golden").join(case).join("expected");
    let name = std::fs::read_dir(&folder)
        .expect("expected")
        .next()
        .expect("a folder")
        .expect("entry")
        .path();
    std::fs::read_to_string(name.join(file)).expect(file)
}

/// The body of Go function `signature` (to its closing brace at the start
/// of a line).
fn go_function<'a>(source: &'a str, signature: &str) -> &'a str {
    let start = source
        .find(signature)
        .unwrap_or_else(|| panic!("{signature}"));
    let end = source[start..].find("\n}\n").expect("end of function") + start;
    &source[start..end]
}

/// The entries `- name` of a YAML list under `key:` in a values file.
fn yaml_list(values: &str, key: &str) -> Vec<String> {
    let docs = pgrender::parse_stream(values).expect("values");
    fn find<'a>(value: &'a serde_json::Value, key: &str) -> Option<&'a serde_json::Value> {
        match value {
            serde_json::Value::Object(map) => map
                .get(key)
                .or_else(|| map.values().find_map(|v| find(v, key))),
            _ => None,
        }
    }
    find(&docs[0], key)
        .and_then(|v| v.as_array())
        .unwrap_or_else(|| panic!("{key}"))
        .iter()
        .map(|v| v.as_str().expect("a name").to_string())
        .collect()
}

fn yaml_scalar(values: &str, key: &str) -> String {
    values
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("{key}"))
        .trim()
        .trim_matches('"')
        .to_string()
}

#[test]
fn zalando_secret_names_write_the_role_with_dashes() {
    let util = upstream("zalando-postgres-operator/v2.0.1/pkg/cluster/util.go");
    let body = go_function(&util, "func (c *Cluster) credentialSecretNameForCluster(");
    assert!(body.contains(r#""username", strings.Replace(username, "_", "-", -1),"#));
    let values = upstream("zalando-postgres-operator/values-2.0.1.yaml");
    let template = yaml_scalar(&values, "secret_name_template");
    assert_eq!(
        template,
        "{username}.{cluster}.credentials.{tprkind}.{tprgroup}"
    );
    // The rendered runbook names each role's Secret by that rule.
    let readme = golden("zalando-variants", "README.md");
    let secret = |role: &str| {
        template
            .replace("{username}", &role.replace('_', "-"))
            .replace("{cluster}", "shop-orders")
            .replace("{tprkind}", "postgresql")
            .replace("{tprgroup}", "acid.zalan.do")
    };
    for role in ["orders_app", "reporting"] {
        assert!(
            readme.contains(&format!("| `{role}` | `{}` |", secret(role))),
            "{role}"
        );
    }
}

#[test]
fn zalando_roles_follow_the_operators_pattern_and_leave_its_own_alone() {
    let cluster = upstream("zalando-postgres-operator/v2.0.1/pkg/cluster/cluster.go");
    let literal = cluster
        .lines()
        .find(|l| l.trim_start().starts_with("userRegexp"))
        .and_then(|l| l.split('`').nth(1))
        .expect("userRegexp");
    assert_eq!(literal, facts::ZALANDO_USER_PATTERN);
    // Reserved: the chart's system users and protected roles, and Spilo's.
    let values = upstream("zalando-postgres-operator/values-2.0.1.yaml");
    let mut upstream_roles: BTreeSet<String> = yaml_list(&values, "protected_role_names")
        .into_iter()
        .collect();
    upstream_roles.insert(yaml_scalar(&values, "super_username"));
    upstream_roles.insert(yaml_scalar(&values, "replication_username"));
    let post_init = upstream("spilo-7cb50bd64bcb/postgres-appliance/scripts/post_init.sh");
    for role in ["admin", "robot_zmon"] {
        assert!(post_init.contains(&format!("CREATE ROLE {role}")), "{role}");
        upstream_roles.insert(role.to_string());
    }
    let configure = upstream("spilo-7cb50bd64bcb/postgres-appliance/scripts/configure_spilo.py");
    let human = configure
        .lines()
        .find(|l| l.contains("setdefault('HUMAN_ROLE'"))
        .and_then(|l| l.split('\'').nth(3))
        .expect("HUMAN_ROLE");
    upstream_roles.insert(human.to_string());
    let ours: BTreeSet<String> = facts::ZALANDO_RESERVED_ROLES
        .names
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(ours, upstream_roles);
}

#[test]
fn zalando_pods_restart_only_when_deleted_and_the_runbook_says_so() {
    let k8sres = upstream("zalando-postgres-operator/v2.0.1/pkg/cluster/k8sres.go");
    assert!(k8sres.contains(
        "updateStrategy := appsv1.StatefulSetUpdateStrategy{Type: appsv1.OnDeleteStatefulSetStrategyType}"
    ));
    for case in ["zalando", "zalando-variants"] {
        let readme = golden(case, "README.md");
        let rotation = readme
            .split("## Rotating credentials")
            .nth(1)
            .and_then(|r| r.split("\n## ").next())
            .expect("a rotation section");
        assert!(!rotation.contains("rollout restart statefulset"), "{case}");
        assert!(rotation.contains("`OnDelete`"), "{case}");
    }
    // Settings that need a restart: replicas first, the primary last
    // (pkg/cluster/sync.go, restartInstances).
    let sync = upstream("zalando-postgres-operator/v2.0.1/pkg/cluster/sync.go");
    let restart = go_function(&sync, "func (c *Cluster) restartInstances(");
    assert!(restart.contains("skipRole := Master") && restart.contains("remainingPods"));
}

#[test]
fn the_team_prefix_is_kept_by_pgrender_not_required_by_the_operator() {
    let values = upstream("zalando-postgres-operator/values-2.0.1.yaml");
    assert_eq!(
        yaml_scalar(&values, "enable_team_id_clustername_prefix"),
        "false"
    );
    let schema =
        std::fs::read_to_string(repo_root().join("schemas/pgcluster.schema.json")).expect("schema");
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README");
    for (what, text) in [("schema", &schema), ("README", &readme)] {
        assert!(!text.contains("the operator requires the prefix"), "{what}");
        assert!(
            !text.contains("the operator wants the team in front"),
            "{what}"
        );
    }
}

#[test]
fn cloudnative_pg_parameters_and_roles_are_its_own() {
    let configuration = upstream("cloudnative-pg-v1.30.0/pkg/postgres/configuration.go");
    let start = configuration
        .find("FixedConfigurationParameters = map[string]string{")
        .expect("map");
    let end = configuration[start..].find("\n\t}").expect("end") + start;
    let fixed: BTreeSet<String> = configuration[start..end]
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix('"')?
                .split('"')
                .next()
                .map(String::from)
        })
        .collect();
    let ours: BTreeSet<String> = facts::CLOUDNATIVE_PG_FIXED_PARAMETERS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(ours, fixed);
    assert_eq!(fixed.len(), 65);

    let roles = upstream("cloudnative-pg-v1.30.0/pkg/postgres/roles.go");
    let reserved = &facts::CLOUDNATIVE_PG_RESERVED_ROLES;
    for name in ["streaming_replica", "postgres"] {
        let listed = roles
            .lines()
            .any(|l| l.trim().starts_with(&format!("\"{name}\":")) && l.trim().ends_with("nil,"));
        assert!(listed && reserved.names.contains(&name), "{name}");
    }
    assert!(roles.contains(r#"operatorReservedRolesPrefix   = "cnpg_""#));
    assert_eq!(reserved.prefixes, ["cnpg_"]);
    let defaults = upstream("cloudnative-pg-v1.30.0/api/v1/cluster_defaults.go");
    assert!(defaults.contains(r#"DefaultApplicationDatabaseName = "app""#));
    assert!(defaults.contains("DefaultApplicationUserName = DefaultApplicationDatabaseName"));
    assert!(reserved.names.contains(&"app"));
}

#[test]
fn cloudnative_pg_webhook_rules_pgrender_repeats() {
    let webhook = upstream("cloudnative-pg-v1.30.0/internal/webhook/v1/cluster_webhook.go");
    let parse = go_function(&webhook, "func parsePostgresQuantityValue(");
    assert!(parse.contains("// If no suffix, default is MB") && parse.contains(r#"value += "MB""#));
    let wal = go_function(&webhook, "func validateWalSizeConfiguration(");
    assert!(wal.contains("minWalSizeValue.Cmp(maxWalSizeValue) >= 0"));
    assert!(
        wal.contains(r#"minWalSizeDefault = "80MB""#)
            && wal.contains(r#"maxWalSizeDefault = "1GB""#)
    );
    let ours = crate::support::module_source("backend/cloudnative_pg");
    assert!(
        ours.contains(r#"bytes("min_wal_size", "80MB")"#)
            && ours.contains(r#"bytes("max_wal_size", "1GB")"#)
    );
}

#[test]
fn cloudnative_pg_instances_reach_each_others_status_port() {
    let pinger =
        upstream("cloudnative-pg-v1.30.0/pkg/management/postgres/webserver/probes/pinger.go");
    assert!(pinger.contains("url.Build(\"https\", ip, url.PathFailSafe, url.StatusPort)"));
    let url = upstream("cloudnative-pg-v1.30.0/pkg/management/url/url.go");
    assert!(url.contains("StatusPort int32 = 8000"));
    // The isolation check is on unless the Cluster turns it off.
    let crds = upstream("crds/cloudnative-pg-chart-0.29.0/crds.yaml");
    let at = crds
        .find("description: Whether primary isolation checking is enabled")
        .expect("isolationCheck.enabled");
    assert!(crds[at - 60..at].contains("default: true"));
    let policy = golden("cloudnative-pg", "network-policy.yaml");
    let docs = pgrender::parse_stream(&policy).expect("policy");
    let namespace = docs[0]["metadata"]["namespace"]
        .as_str()
        .expect("namespace");
    let admits_peers = docs[0]["spec"]["ingress"]
        .as_array()
        .expect("ingress")
        .iter()
        .any(|rule| {
            rule["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                == namespace
                && rule["ports"]
                    .as_array()
                    .is_some_and(|p| p.iter().any(|p| p["port"] == 8000))
        });
    assert!(admits_peers, "{policy}");
}

#[test]
fn cloudnative_pg_restarts_the_primary_in_place_and_upgrades_across_majors() {
    let crds = upstream("crds/cloudnative-pg-chart-0.29.0/crds.yaml");
    let at = crds.find("primaryUpdateMethod:").expect("field");
    assert!(crds[at..at + 600].contains("default: restart"));
    let source = crate::support::module_source("backend/cloudnative_pg");
    assert!(!source.contains("switches over the primary"));
    assert!(
        source.contains("then the primary in place (primaryUpdateMethod: restart, its default)")
    );
    let upgrades = upstream("cloudnative-pg-v1.30.0/docs/src/postgres_upgrades.md");
    assert!(upgrades.contains("(e.g., from 16.x to 18.0)"));
}

/// Every key a chart template reads from a Secret: `secretKeyRef` keys,
/// and the password files mounted from a secret volume (`subPath`: the key
/// itself, or the `path` an `items` entry gives a key).
fn template_secret_keys(template: &str) -> BTreeSet<String> {
    let lines: Vec<&str> = template.lines().map(str::trim).collect();
    let value = |line: &str, prefix: &str| line.strip_prefix(prefix).map(|v| v.trim().to_string());
    let mut keys = BTreeSet::new();
    // Secret volumes: name -> path -> key (empty map: no items, path = key).
    let mut volumes: std::collections::BTreeMap<
        String,
        std::collections::BTreeMap<String, String>,
    > = Default::default();
    for (i, line) in lines.iter().enumerate() {
        if let Some(key) = value(line, "key: ")
            && lines[i.saturating_sub(2)..i]
                .iter()
                .any(|l| l.contains("secretKeyRef"))
        {
            keys.insert(key);
        }
        if let Some(name) = value(line, "- name: ")
            && lines.get(i + 1) == Some(&"secret:")
        {
            let mut items = std::collections::BTreeMap::new();
            for (j, next) in lines[i + 1..].iter().enumerate().skip(1) {
                if next.starts_with("- name: ") {
                    break;
                }
                if let (Some(key), Some(path)) = (
                    value(next, "- key: "),
                    lines.get(i + 2 + j).and_then(|l| value(l, "path: ")),
                ) {
                    items.insert(path, key);
                }
            }
            volumes.insert(name, items);
        }
    }
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = value(line, "- name: ") else {
            continue;
        };
        let Some(items) = volumes.get(&name) else {
            continue;
        };
        for next in lines[i + 1..].iter().take(2) {
            if let Some(path) = value(next, "subPath: ") {
                keys.insert(items.get(&path).cloned().unwrap_or(path));
            }
        }
    }
    keys
}

#[test]
fn bitnami_credentials_secret_keys_are_the_ones_each_chart_reads() {
    // Read by the templates, but not from the credentials Secret as pgrender
    // configures the chart: LDAP (off), the application users (a Secret of
    // their own), `postgres-password` (only when postgresql.username is not
    // postgres).
    let elsewhere = [
        "bind-password",
        "usernames",
        "passwords",
        "postgres-password",
    ];
    // 12.x mounts password files only with `postgresql.usePasswordFile`,
    // which it leaves empty, off (values-12.x.yaml), and pgrender does not set.
    let values_12 = upstream("bitnami-postgresql-ha/values-12.x.yaml");
    assert!(
        values_12.contains("  usePasswordFile: \"\"\n"),
        "12.x leaves password files off"
    );
    for (major, release) in [(12, "12.8.2"), (16, "16.3.4")] {
        let mut read = BTreeSet::new();
        for file in ["postgresql/statefulset.yaml", "pgpool/deployment.yaml"] {
            read.extend(template_secret_keys(&upstream(&format!(
                "bitnami-postgresql-ha/templates-{release}/{file}"
            ))));
        }
        read.retain(|k| !elsewhere.contains(&k.as_str()));
        if major == 12 {
            read.remove("postgresql-password");
        }
        let ours: BTreeSet<String> = facts::bitnami_secret_keys(major)
            .expect("a known chart")
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(ours, read, "chart {release}");
    }
    // The runbook of a chart 16.x cluster asks for every key.
    let readme = golden("chart-16-mirror", "README.md");
    assert!(readme.contains("sr-check-password"), "chart 16 runbook");
}

#[test]
fn bitnami_reserved_roles_are_the_charts_users() {
    let mut users = BTreeSet::new();
    for (file, keys) in [
        (
            "bitnami-postgresql-ha/values-12.x.yaml",
            &["username", "repmgrUsername", "adminUsername"][..],
        ),
        (
            "bitnami-postgresql-ha/values-latest.yaml",
            &[
                "username",
                "repmgrUsername",
                "adminUsername",
                "srCheckUsername",
            ][..],
        ),
    ] {
        let values = upstream(file);
        for key in keys {
            let value = values
                .lines()
                .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
                .find_map(|l| l.trim().strip_prefix(&format!("{key}:")))
                .unwrap_or_else(|| panic!("{file}: {key}"))
                .trim()
                .trim_matches('"')
                .to_string();
            users.insert(value);
        }
    }
    let ours: BTreeSet<String> = facts::BITNAMI_RESERVED_ROLES
        .names
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(ours, users);
}

/// The README's reference row for `spec.auth.users` names every role each
/// backend keeps, as the code refuses them.
#[test]
fn the_readme_lists_the_roles_each_backend_keeps() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let row = readme
        .lines()
        .find(|l| l.starts_with("| `spec.auth.users` |"))
        .expect("the spec.auth.users row");
    for roles in [
        facts::BITNAMI_RESERVED_ROLES,
        facts::CLOUDNATIVE_PG_RESERVED_ROLES,
        facts::ZALANDO_RESERVED_ROLES,
    ] {
        for name in roles.names {
            assert!(row.contains(&format!("`{name}`")), "{name}");
        }
        for prefix in roles.prefixes {
            assert!(row.contains(&format!("`{prefix}*`")), "{prefix}");
        }
    }
}
