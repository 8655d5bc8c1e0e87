//! The OpenTofu module for the FortiGate (`<name>/opentofu/`), proved
//! without the provider, which nothing here can download: every rendered
//! `.tf` file parses as HCL, uses only resources and attributes the pinned
//! provider documents (`tests/upstream/fortios/documented.txt`), pins that
//! provider, and is formatted as `tofu fmt` (or `terraform fmt`) writes it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use hcl::{Block, Body, Expression};

use crate::support::{repo_root, snapshot};

/// Every rendered module folder among the golden cases.
fn modules() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = snapshot(&repo_root().join("tests/golden"))
        .into_keys()
        .filter(|path| path.contains("/opentofu/") && path.ends_with(".tf"))
        .filter_map(|path| {
            Path::new(&path)
                .parent()
                .map(|dir| repo_root().join("tests/golden").join(dir))
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

fn documented() -> BTreeSet<String> {
    std::fs::read_to_string(repo_root().join("tests/upstream/fortios/documented.txt"))
        .expect("documented.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.replace(' ', ":"))
        .collect()
}

fn parse(path: &Path) -> Body {
    let text = std::fs::read_to_string(path).expect("read .tf");
    hcl::parse(&text).unwrap_or_else(|e| panic!("{}: not HCL: {e}", path.display()))
}

/// `type:attribute` and `type:block.attribute` for every resource in `body`.
fn used(body: &Body) -> Vec<String> {
    let mut out = Vec::new();
    for block in body.blocks().filter(|b| b.identifier() == "resource") {
        let kind = block.labels()[0].as_str().to_string();
        for attribute in block.body().attributes() {
            out.push(format!("{kind}:{}", attribute.key()));
        }
        for nested in block.body().blocks() {
            for attribute in nested.body().attributes() {
                out.push(format!(
                    "{kind}:{}.{}",
                    nested.identifier(),
                    attribute.key()
                ));
            }
        }
    }
    out
}

#[test]
fn the_golden_cases_cover_one_and_several_client_networks() {
    let modules = modules();
    assert_eq!(modules.len(), 2, "{modules:?}");
    let policies: Vec<usize> = modules
        .iter()
        .map(|dir| {
            let body = parse(&dir.join("main.tf"));
            let policy: &Block = body
                .blocks()
                .find(|b| b.labels().first().map(|l| l.as_str()) == Some("fortios_firewall_policy"))
                .expect("a policy");
            policy
                .body()
                .blocks()
                .filter(|b| b.identifier() == "srcaddr")
                .count()
        })
        .collect();
    assert_eq!(
        policies.iter().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([1, 3])
    );
}

#[test]
fn every_resource_and_attribute_is_one_the_pinned_provider_documents() {
    let documented = documented();
    let mut checked = 0;
    for dir in modules() {
        for file in ["versions.tf", "main.tf", "outputs.tf"] {
            for entry in used(&parse(&dir.join(file))) {
                assert!(
                    documented.contains(&entry),
                    "{}/{file}: `{entry}` is not in tests/upstream/fortios/documented.txt",
                    dir.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} attributes checked");
}

#[test]
fn the_module_pins_the_provider_of_the_version_table() {
    for dir in modules() {
        let body = parse(&dir.join("versions.tf"));
        let terraform = body
            .blocks()
            .find(|b| b.identifier() == "terraform")
            .expect("terraform block");
        let providers = terraform
            .body()
            .blocks()
            .find(|b| b.identifier() == "required_providers")
            .expect("required_providers");
        let fortios = providers
            .body()
            .attributes()
            .find(|a| a.key() == "fortios")
            .expect("fortios");
        let Expression::Object(object) = fortios.expr() else {
            panic!("fortios is not an object");
        };
        let field = |name: &str| {
            object
                .iter()
                .find(|(key, _)| key.to_string() == name)
                .map(|(_, value)| value.to_string())
        };
        assert_eq!(
            field("source").as_deref(),
            Some(format!("\"{}\"", pgrender::FORTIOS_PROVIDER).as_str())
        );
        assert_eq!(
            field("version").as_deref(),
            Some(format!("\"{}\"", pgrender::FORTIOS_PROVIDER_VERSION).as_str())
        );
    }
}

#[test]
fn references_name_resources_the_module_declares() {
    for dir in modules() {
        let main = std::fs::read_to_string(dir.join("main.tf")).expect("main.tf");
        let outputs = std::fs::read_to_string(dir.join("outputs.tf")).expect("outputs.tf");
        let body = parse(&dir.join("main.tf"));
        let declared: BTreeSet<String> = body
            .blocks()
            .filter(|b| b.identifier() == "resource")
            .map(|b| format!("{}.{}", b.labels()[0].as_str(), b.labels()[1].as_str()))
            .collect();
        for text in [&main, &outputs] {
            for line in text.lines() {
                let value = line.split_once("= ").map_or("", |(_, v)| v.trim());
                if let Some(reference) = value.strip_suffix(".name")
                    && reference.starts_with("fortios_")
                {
                    assert!(declared.contains(reference), "{}: {line}", dir.display());
                }
            }
        }
    }
}

/// `tofu fmt -check` (or `terraform fmt -check`) where either is installed;
/// neither comes from the registries CI reaches, so elsewhere the test says
/// it did not run.
#[test]
fn the_module_is_formatted_as_tofu_fmt_writes_it() {
    let tool = ["tofu", "terraform"].into_iter().find(|tool| {
        Command::new(tool)
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(tool) = tool else {
        crate::support::optional_check_did_not_run(
            "opentofu fmt",
            "neither `tofu` nor `terraform` is installed",
        );
        return;
    };
    for dir in modules() {
        let o = Command::new(tool)
            .args(["fmt", "-check", "-diff"])
            .arg(&dir)
            .output()
            .expect("run fmt");
        assert!(
            o.status.success(),
            "{tool} fmt -check {}:\n{}",
            dir.display(),
            String::from_utf8_lossy(&o.stdout)
        );
    }
}

#[test]
fn the_module_is_listed_in_checksums_and_never_reaches_argocd() {
    let case = repo_root().join("tests/golden/fortigate");
    let sums =
        std::fs::read_to_string(case.join("expected/postgresql/CHECKSUMS")).expect("CHECKSUMS");
    for file in [
        "opentofu/main.tf",
        "opentofu/outputs.tf",
        "opentofu/versions.tf",
    ] {
        assert!(
            sums.contains(&format!("  {file}\n")),
            "{file} not in CHECKSUMS"
        );
    }
    let o = Command::new(env!("CARGO_BIN_EXE_pgrender"))
        .arg("generate")
        .current_dir(case.join("specs"))
        .env_clear()
        .output()
        .expect("generate");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stream = String::from_utf8_lossy(&o.stdout);
    assert!(stream.contains("kind: \"Application\"") || stream.contains("kind: Application"));
    assert!(
        !stream.contains("fortios_"),
        "the plugin stream carries HCL"
    );
}
