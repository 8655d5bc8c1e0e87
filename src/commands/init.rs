//! `pgrender init`: a new, minimal spec, checked against the specs already
//! in its folder before a byte is written, and never written over a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::backend::name::BackendName as Backend;
use crate::error::Error;
use crate::judge::{self, ValidSpec};
use crate::read::load::SpecFile;
use crate::spec::{AddressPool, ClusterSpec, PostgresCluster};

/// What the user asked for; unset fields take pgrender's defaults.
#[derive(Debug, Clone)]
pub(crate) struct InitRequest {
    pub name: String,
    pub spec_dir: PathBuf,
    /// Where the repository keeps the spec's JSON Schema (`schemas/`).
    pub schema: PathBuf,
    /// Where its output folder will be, for the next steps it prints.
    pub out_root: PathBuf,
    pub backend: Backend,
    pub namespace: Option<String>,
    pub ip: Option<String>,
    pub pool: Option<String>,
    pub git_repo_url: Option<String>,
    /// Client networks (`spec.network.allowedClients`); empty keeps the default.
    pub allow: Vec<String>,
}

/// What `init` wrote, for the command's report.
#[derive(Debug)]
pub(crate) struct Created {
    pub path: PathBuf,
    pub warnings: Vec<String>,
    /// The networks allowed to connect, as the new spec has them.
    pub allowed_clients: Vec<String>,
    /// Where `spec.argocd.gitRepoURL` came from when the user gave none.
    pub git_repo_url_from: Option<String>,
    /// Whether the backend's operator makes the passwords (nothing to create
    /// before the first sync).
    pub credentials_by_operator: bool,
    /// The schema the spec's first line names, when init wrote it (a new
    /// repository has none, and an editor would find nothing there).
    pub schema: Option<PathBuf>,
}

/// A YAML scalar: bare when it is plainly a string in YAML, else a JSON
/// (double-quoted YAML) string, so no value can change the structure.
fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-/_".contains(&b))
        && text.parse::<f64>().is_err()
        && !["true", "false", "null", "yes", "no", "on", "off", "~"]
            .contains(&text.to_ascii_lowercase().as_str());
    if plain {
        text.to_string()
    } else {
        serde_json::Value::from(text).to_string()
    }
}

/// The repository's schema as seen from `spec_dir`, for the schema comment
/// editors read (`../../schemas/pgcluster.schema.json`).
fn schema_reference(spec_dir: &Path, schema: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    crate::read::repository::shown_from(&cwd.join(spec_dir), &cwd.join(schema))
        .display()
        .to_string()
}

/// The first address of a range (`a-b`) or a CIDR (its network address plus
/// one), for a LoadBalancer IP the user did not choose.
fn first_address(pool: &str) -> Option<String> {
    let range = crate::spec::value::net::Ipv4Range::parse(pool).ok()?;
    if pool.contains('/') {
        let net = crate::spec::value::net::parse_cidr(pool).ok()?;
        return net.hosts().next().map(|host| host.to_string());
    }
    Some(range.first.to_string())
}

/// The spec text for `request`, given the specs already in its folder.
fn spec_text(request: &InitRequest, others: &[ValidSpec]) -> String {
    let name = &request.name;
    let defaults = ClusterSpec::default();
    let namespace = request.namespace.clone().unwrap_or_else(|| name.clone());
    let pool = request
        .pool
        .clone()
        .unwrap_or_else(|| AddressPool::default().texts()[0].to_string());
    let ip = request
        .ip
        .clone()
        .or_else(|| first_address(&pool))
        .unwrap_or_else(|| defaults.network.load_balancer_ip.to_string());
    let mut out = String::new();
    out.push_str(&format!(
        "# yaml-language-server: $schema={}\n",
        schema_reference(&request.spec_dir, &request.schema)
    ));
    out.push_str(&format!(
        "# PostgreSQL cluster `{name}`, started with `pgrender init`. Every field not written\n\
         # here takes its default (README, \"Spec reference\"); `pgrender validate` checks it.\n\
         apiVersion: {}\nkind: {}\nmetadata:\n  name: {}\nspec:\n  backend: {}\n  namespace: {}\n",
        crate::spec::API_VERSION,
        crate::spec::KIND,
        scalar(name),
        request.backend.as_str(),
        scalar(&namespace),
    ));
    out.push_str(&format!(
        "  network:\n    loadBalancerIP: {}\n    addressPool:\n      name: {}\n      addresses:\n        - {}\n",
        scalar(&ip),
        scalar(&format!("{name}-pool")),
        scalar(&pool),
    ));
    // Written out even when it is the default: it decides who can connect.
    out.push_str("    allowedClients:\n");
    for cidr in allowed_clients(request) {
        out.push_str(&format!("      - {}\n", scalar(&cidr)));
    }
    let neighbours: Vec<&PostgresCluster> = others.iter().map(|s| &s.cluster).collect();
    let mut fields = crate::backend::for_name(request.backend).starter_fields(name, &neighbours);
    if let Some((url, _)) = git_repo_url(request, others) {
        fields.push(("argocd.gitRepoURL", scalar(&url)));
    }
    out.push_str(&nested(&fields));
    out
}

/// The client networks of the new spec: `--allow`, else the default.
fn allowed_clients(request: &InitRequest) -> Vec<String> {
    if request.allow.is_empty() {
        crate::spec::Network::default()
            .allowed_clients
            .iter()
            .map(ToString::to_string)
            .collect()
    } else {
        request.allow.clone()
    }
}

/// The git repository of the new spec: `--git-repo-url`, else the one the
/// specs already in the folder name (all of them live in one repository),
/// with the file it came from.
fn git_repo_url(request: &InitRequest, others: &[ValidSpec]) -> Option<(String, Option<String>)> {
    if let Some(url) = &request.git_repo_url {
        return Some((url.clone(), None));
    }
    others.iter().find_map(|spec| {
        spec.cluster
            .spec
            .argocd
            .git_repo_url
            .clone()
            .map(|url| (url, Some(spec.source.display.clone())))
    })
}

/// `a.b: v` pairs as nested YAML under `spec:` (two spaces in), each
/// mapping written once, in the order its first field came.
fn nested(fields: &[(&str, String)]) -> String {
    let mut out = String::new();
    let mut open: Vec<&str> = Vec::new();
    let mut sorted: Vec<&(&str, String)> = fields.iter().collect();
    // Fields of one mapping together, the mappings in first-seen order.
    sorted.sort_by_key(|(path, _)| {
        let head = path.split('.').next().unwrap_or(path);
        fields
            .iter()
            .position(|(p, _)| p.split('.').next() == Some(head))
    });
    for (path, value) in sorted {
        let parts: Vec<&str> = path.split('.').collect();
        let (leaf, parents) = parts.split_last().expect("a field path");
        let common = open.iter().zip(parents).take_while(|(a, b)| a == b).count();
        open.truncate(common);
        for (depth, parent) in parents.iter().enumerate().skip(common) {
            out.push_str(&format!("{}{parent}:\n", "  ".repeat(depth + 1)));
            open.push(parent);
        }
        out.push_str(&format!(
            "{}{leaf}: {value}\n",
            "  ".repeat(parents.len() + 1)
        ));
    }
    out
}

/// The valid specs already in `dir` (none when it does not exist yet).
fn existing_specs(dir: &Path) -> Result<Vec<ValidSpec>, Error> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    match crate::pipeline::Pipeline::alone(dir).load() {
        Ok(loaded) => Ok(loaded.specs),
        Err(Error::NoSpecs { .. }) => Ok(Vec::new()),
        Err(other) => Err(other),
    }
}

/// Write a new spec for `request` after checking it alone and together
/// with every spec of its folder.
pub(crate) fn init(request: &InitRequest) -> Result<Created, Error> {
    if let Err(why) = crate::spec::value::names::dns_label(&request.name) {
        return Err(Error::InitName {
            name: request.name.clone(),
            why,
        });
    }
    // `./orders.yaml` is said `orders.yaml`.
    let path: PathBuf = request
        .spec_dir
        .join(format!("{}.yaml", request.name))
        .components()
        .filter(|part| !matches!(part, std::path::Component::CurDir))
        .collect();
    let display = path.display().to_string();
    if path.exists() {
        return Err(Error::SpecExists { path: display });
    }
    let others = existing_specs(&request.spec_dir)?;
    let text = spec_text(request, &others);
    let document = crate::read::yaml::parse_document(&text).map_err(|e| {
        Error::InitRejected(crate::read::diagnostic::Diagnostics(vec![
            crate::read::diagnostic::Diagnostic {
                file: display.clone(),
                pos: e.pos,
                field: String::new(),
                message: e.message,
            },
        ]))
    })?;
    let file = SpecFile {
        display: display.clone(),
        file_name: format!("{}.yaml", request.name),
        repository_path: crate::read::repository::path_in_repository(&path),
        document,
    };
    let new = judge::check_file(&file).map_err(Error::InitRejected)?;
    let warnings = new.backend.warnings(&new.cluster);
    let credentials_by_operator = new.backend.facts(&new.cluster).credentials_by_operator;
    let mut all = others;
    all.push(new);
    judge::check_together(&all, &[display.as_str()]).map_err(Error::InitRejected)?;
    let git_repo_url_from = git_repo_url(request, &all[..all.len() - 1]).and_then(|(_, from)| from);
    write_new(&path, &text)?;
    let schema = Some(request.schema.clone()).filter(|schema| !schema.exists());
    if let Some(schema) = &schema {
        write_new(schema, &crate::spec::json_schema_text())?;
    }
    Ok(Created {
        path,
        warnings,
        allowed_clients: allowed_clients(request),
        git_repo_url_from,
        credentials_by_operator,
        schema,
    })
}

/// Write `text` to `path` whole or not at all, and only if nothing is
/// there: a hidden temporary file, then a hard link, which fails on an
/// existing name.
fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    let io = |source: std::io::Error| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let temp = dir.join(format!(
        ".{}.pgrender-init",
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    ));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::hard_link(&temp, path)
    })();
    let _ = std::fs::remove_file(&temp);
    result.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists if path.exists() => Error::SpecExists {
            path: path.display().to_string(),
        },
        _ => io(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_that_yaml_would_read_as_something_else_are_quoted() {
        assert_eq!(scalar("orders"), "orders");
        assert_eq!(scalar("192.168.10.100"), "192.168.10.100");
        assert_eq!(scalar("10"), "\"10\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar(""), "\"\"");
    }

    #[test]
    fn the_schema_comment_climbs_back_to_the_repository() {
        assert_eq!(
            schema_reference(
                Path::new("kubernetes/specs"),
                Path::new("schemas/pgcluster.schema.json")
            ),
            "../../schemas/pgcluster.schema.json"
        );
        assert_eq!(
            schema_reference(
                Path::new("."),
                Path::new("../../schemas/pgcluster.schema.json")
            ),
            "../../schemas/pgcluster.schema.json"
        );
    }

    #[test]
    fn fields_of_one_mapping_are_written_under_it_once() {
        let fields = [
            ("argocd.applicationName", "orders-cluster".to_string()),
            ("cloudnativePg.operator.install", "false".to_string()),
            ("argocd.gitRepoURL", "https://git.lan/x.git".to_string()),
        ];
        assert_eq!(
            nested(&fields),
            "  argocd:\n    applicationName: orders-cluster\n    gitRepoURL: https://git.lan/x.git\n  \
             cloudnativePg:\n    operator:\n      install: false\n"
        );
    }

    #[test]
    fn an_unchosen_address_is_the_pools_first() {
        assert_eq!(
            first_address("192.168.10.120-192.168.10.125").as_deref(),
            Some("192.168.10.120")
        );
        assert_eq!(
            first_address("192.168.10.96/28").as_deref(),
            Some("192.168.10.97")
        );
    }
}
