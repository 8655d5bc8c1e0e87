//! Every object pgrender emits is accepted by a real Kubernetes API server:
//! `kube-apiserver` of the current K3s minor with etcd, the envtest set-up
//! controller-runtime uses, with the CRDs of the versions pgrender pins
//! (copies under `tests/upstream/crds/`, see PROVENANCE.md). Each document
//! of the committed tree and of every golden case is applied server-side
//! as a dry run with strict field validation, so the server's OpenAPI
//! schemas, the CRDs' structural schemas and CEL rules and its defaulting
//! all judge it. A rejection or a warning fails the test with the server's
//! own words.
//!
//! The binaries come from `KUBEBUILDER_ASSETS` (a folder holding
//! `kube-apiserver` and `etcd`), the envtest convention; `.ci/run` sets it
//! up. Without it the test says that it did not run. Everything listens
//! on loopback; both processes are stopped when the test ends.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{repo_root, snapshot};

/// CRD files the server gets, below `tests/upstream/crds/`.
const CRD_FOLDERS: [&str; 5] = [
    "argo-cd-v3.5.1",
    "metallb-v0.16.1",
    "prometheus-operator-v0.93.0",
    "cloudnative-pg-chart-0.29.0",
    "zalando-postgres-operator-v2.0.1",
];

/// How long the server may take to come up. Only a guard against a hang:
/// nothing is timed, a fast start passes as soon as the server says so.
const START_GUARD: Duration = Duration::from_secs(300);

const TOKEN: &str = "pgrender-envtest-token";
const FIELD_MANAGER: &str = "pgrender-envtest";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

fn run(command: &mut Command) {
    let out = command.output().expect("run a set-up command");
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// etcd and kube-apiserver in a temporary folder, killed on drop.
struct ApiServer {
    dir: tempfile::TempDir,
    etcd: Child,
    apiserver: Child,
    url: String,
}

/// One HTTP exchange with the server.
struct Response {
    status: u16,
    warnings: Vec<String>,
    body: Value,
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        for child in [&mut self.apiserver, &mut self.etcd] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl ApiServer {
    fn start(assets: &Path) -> ApiServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        let (client, peer, secure) = (free_port(), free_port(), free_port());
        let log = |name: &str| std::fs::File::create(d.join(name)).expect("log file");
        let etcd = Command::new(assets.join("etcd"))
            .args(["--name", "envtest", "--data-dir"])
            .arg(d.join("etcd"))
            .arg(format!("--listen-client-urls=http://127.0.0.1:{client}"))
            .arg(format!("--advertise-client-urls=http://127.0.0.1:{client}"))
            .arg(format!("--listen-peer-urls=http://127.0.0.1:{peer}"))
            .arg(format!(
                "--initial-advertise-peer-urls=http://127.0.0.1:{peer}"
            ))
            .arg(format!("--initial-cluster=envtest=http://127.0.0.1:{peer}"))
            .args(["--initial-cluster-state", "new"])
            .stdout(Stdio::null())
            .stderr(log("etcd.log"))
            .spawn()
            .expect("start etcd");
        run(Command::new("openssl")
            .args(["genrsa", "-out"])
            .arg(d.join("sa.key"))
            .arg("2048")
            .stderr(Stdio::piped()));
        run(Command::new("openssl")
            .args(["rsa", "-pubout", "-in"])
            .arg(d.join("sa.key"))
            .arg("-out")
            .arg(d.join("sa.pub"))
            .stderr(Stdio::piped()));
        std::fs::write(
            d.join("tokens.csv"),
            format!("{TOKEN},admin,admin,system:masters\n"),
        )
        .expect("token file");
        // Without --tls-cert-file the server writes a self-signed serving
        // certificate into --cert-dir; the client does not verify it.
        let apiserver = Command::new(assets.join("kube-apiserver"))
            .arg(format!("--etcd-servers=http://127.0.0.1:{client}"))
            .args(["--bind-address=127.0.0.1", "--advertise-address=127.0.0.1"])
            .arg(format!("--secure-port={secure}"))
            .arg(format!("--cert-dir={}", d.join("certs").display()))
            .arg("--service-account-issuer=https://kubernetes.default.svc.cluster.local")
            .arg(format!(
                "--service-account-key-file={}",
                d.join("sa.pub").display()
            ))
            .arg(format!(
                "--service-account-signing-key-file={}",
                d.join("sa.key").display()
            ))
            .args([
                "--service-cluster-ip-range=10.43.0.0/16",
                "--authorization-mode=RBAC",
                "--allow-privileged=true",
            ])
            .arg(format!(
                "--token-auth-file={}",
                d.join("tokens.csv").display()
            ))
            .stdout(Stdio::null())
            .stderr(log("kube-apiserver.log"))
            .spawn()
            .expect("start kube-apiserver");
        let mut server = ApiServer {
            dir,
            etcd,
            apiserver,
            url: format!("https://127.0.0.1:{secure}"),
        };
        server.wait_ready();
        server
    }

    fn wait_ready(&mut self) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.apiserver.try_wait().expect("poll kube-apiserver") {
                panic!(
                    "kube-apiserver exited ({status}):\n{}\netcd:\n{}",
                    self.log_tail("kube-apiserver.log"),
                    self.log_tail("etcd.log")
                );
            }
            let r = self.request("GET", "/readyz", None, None);
            if r.status == 200 {
                return;
            }
            assert!(
                started.elapsed() < START_GUARD,
                "kube-apiserver not ready after {START_GUARD:?}:\n{}",
                self.log_tail("kube-apiserver.log")
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn log_tail(&self, name: &str) -> String {
        let text = std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// One request through curl (so the test needs no TLS stack of its own).
    fn request(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let d = self.dir.path();
        let (headers, out) = (d.join("response.headers"), d.join("response.body"));
        let mut curl = Command::new("curl");
        curl.args(["-sS", "-k", "--http1.1", "-X", method])
            .arg("-H")
            .arg(format!("Authorization: Bearer {TOKEN}"))
            .args(["-H", "Expect:", "-H", "Accept: application/json"])
            .arg("-D")
            .arg(&headers)
            .arg("-o")
            .arg(&out)
            .args(["-w", "%{http_code}"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(content_type) = content_type {
            curl.arg("-H").arg(format!("Content-Type: {content_type}"));
        }
        if body.is_some() {
            curl.args(["--data-binary", "@-"]);
        }
        curl.arg(format!("{}{path}", self.url));
        let mut child = curl.spawn().expect("run curl");
        let mut stdin = child.stdin.take().expect("curl stdin");
        if let Some(body) = body {
            stdin
                .write_all(body.to_string().as_bytes())
                .expect("send body");
        }
        drop(stdin);
        let done = child.wait_with_output().expect("curl");
        let status = String::from_utf8_lossy(&done.stdout)
            .trim()
            .parse()
            .unwrap_or(0);
        let warnings = std::fs::read_to_string(&headers)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("warning")
                    .then(|| value.trim().to_string())
            })
            .collect();
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Response {
            status,
            warnings,
            body,
        }
    }

    /// Server-side apply of `doc` at `path`; `dry_run` leaves etcd untouched.
    fn apply(&self, path: &str, doc: &Value, dry_run: bool) -> Response {
        let mut query = format!("?fieldManager={FIELD_MANAGER}&fieldValidation=Strict&force=true");
        if dry_run {
            query.push_str("&dryRun=All");
        }
        self.request(
            "PATCH",
            &format!("{path}{query}"),
            Some("application/apply-patch+yaml"),
            Some(doc),
        )
    }

    fn install_crds(&self) {
        let mut pending = Vec::new();
        for folder in CRD_FOLDERS {
            let dir = repo_root().join("tests/upstream/crds").join(folder);
            for file in sorted_entries(&dir) {
                let text = std::fs::read_to_string(&file).expect("CRD file");
                for crd in pgrender::parse_stream(&text).expect("CRD YAML") {
                    let name = crd["metadata"]["name"]
                        .as_str()
                        .expect("CRD name")
                        .to_string();
                    let r = self.apply(
                        &format!("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}"),
                        &crd,
                        false,
                    );
                    assert!(
                        (200..300).contains(&r.status),
                        "installing {name}: {} {}",
                        r.status,
                        r.body
                    );
                    let group = crd["spec"]["group"].as_str().expect("group").to_string();
                    for version in crd["spec"]["versions"].as_array().expect("versions") {
                        if version["served"].as_bool() == Some(true) {
                            let v = version["name"].as_str().expect("version name");
                            pending.push((name.clone(), format!("apis/{group}/{v}")));
                        }
                    }
                }
            }
        }
        // A CRD is usable once Established and published in /openapi/v3
        // (strict validation reads the published schema).
        let started = Instant::now();
        loop {
            let openapi = self.request("GET", "/openapi/v3", None, None).body;
            pending.retain(|(name, group_version)| {
                let crd = self
                    .request(
                        "GET",
                        &format!("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}"),
                        None,
                        None,
                    )
                    .body;
                let established = crd["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "Established" && c["status"] == "True");
                !(established && openapi["paths"].get(group_version).is_some())
            });
            if pending.is_empty() {
                return;
            }
            assert!(
                started.elapsed() < START_GUARD,
                "CRDs not served after {START_GUARD:?}: {pending:?}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// `(apiVersion, kind)` -> (resource, namespaced), from discovery.
    fn resources(
        &self,
        api_versions: &BTreeSet<String>,
    ) -> BTreeMap<(String, String), (String, bool)> {
        let mut map = BTreeMap::new();
        for api in api_versions {
            let path = if api.contains('/') {
                format!("/apis/{api}")
            } else {
                format!("/api/{api}")
            };
            let list = self.request("GET", &path, None, None).body;
            for r in list["resources"].as_array().into_iter().flatten() {
                let name = r["name"].as_str().unwrap_or_default();
                if name.contains('/') {
                    continue;
                }
                let kind = r["kind"].as_str().unwrap_or_default().to_string();
                let namespaced = r["namespaced"].as_bool().unwrap_or(true);
                map.insert((api.clone(), kind), (name.to_string(), namespaced));
            }
        }
        map
    }
}

/// The entries of `dir`, sorted, so the order never depends on the file system.
fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("a folder of the repository")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    entries
}

/// Where the binaries are, or why the test cannot run.
fn assets() -> Result<PathBuf, String> {
    let Some(dir) = std::env::var_os("KUBEBUILDER_ASSETS") else {
        return Err(
            "KUBEBUILDER_ASSETS is not set (`.ci/run` sets it from ../shared/envtest)".into(),
        );
    };
    let dir = PathBuf::from(dir);
    for program in ["kube-apiserver", "etcd"] {
        assert!(
            dir.join(program).is_file(),
            "KUBEBUILDER_ASSETS={} holds no {program}",
            dir.display()
        );
    }
    Ok(dir)
}

/// Every Kubernetes object of the committed tree and of the golden cases,
/// with the file it came from. Helm values are not objects; ArgoCD skips
/// files without `apiVersion` and `kind`, and so does this.
fn emitted_objects() -> Vec<(String, Value)> {
    let mut trees = vec![(
        "kubernetes/applications".to_string(),
        snapshot(&repo_root().join("kubernetes/applications")),
    )];
    for case in sorted_entries(&repo_root().join("tests/golden")) {
        let name = case
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        trees.push((
            format!("tests/golden/{name}"),
            snapshot(&case.join("expected")),
        ));
    }
    // The plugin's whole objects (the repo-server patch is a fragment).
    let cmp = repo_root().join("kubernetes/argocd-cmp");
    trees.push((
        "kubernetes/argocd-cmp".to_string(),
        ["configmap.yaml", "example-application.yaml"]
            .into_iter()
            .map(|f| {
                (
                    f.to_string(),
                    std::fs::read(cmp.join(f)).expect("plugin file"),
                )
            })
            .collect(),
    ));
    let mut objects = Vec::new();
    for (tree, files) in trees {
        for (path, bytes) in files {
            if !path.ends_with(".yaml") || path.contains("/values/") {
                continue;
            }
            let text = String::from_utf8(bytes).expect("utf-8");
            for doc in pgrender::parse_stream(&text).expect("rendered YAML") {
                if doc.get("apiVersion").is_some() && doc.get("kind").is_some() {
                    objects.push((format!("{tree}/{path}"), doc));
                }
            }
        }
    }
    objects
}

#[test]
fn the_api_server_accepts_every_emitted_object() {
    let assets = match assets() {
        Ok(dir) => dir,
        Err(why) => {
            crate::support::did_not_run("envtest", &why);
            return;
        }
    };
    let server = ApiServer::start(&assets);
    server.install_crds();

    let objects = emitted_objects();
    let api_versions = objects
        .iter()
        .map(|(_, d)| d["apiVersion"].as_str().unwrap_or_default().to_string())
        .collect();
    let resources = server.resources(&api_versions);

    // Objects go into namespaces ArgoCD creates (CreateNamespace=true);
    // here they are created first, for real.
    let namespaces: BTreeSet<&str> = objects
        .iter()
        .filter_map(|(_, d)| d["metadata"]["namespace"].as_str())
        .collect();
    for ns in namespaces {
        let r = server.apply(
            &format!("/api/v1/namespaces/{ns}"),
            &serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            false,
        );
        assert!((200..300).contains(&r.status), "namespace {ns}: {}", r.body);
    }

    let mut failures = Vec::new();
    let mut kinds = BTreeSet::new();
    for (file, doc) in &objects {
        let api = doc["apiVersion"].as_str().unwrap_or_default();
        let kind = doc["kind"].as_str().unwrap_or_default();
        let name = doc["metadata"]["name"].as_str().unwrap_or_default();
        let Some((resource, namespaced)) = resources.get(&(api.to_string(), kind.to_string()))
        else {
            failures.push(format!("{file}: the server does not serve {api} {kind}"));
            continue;
        };
        let base = if api.contains('/') {
            format!("/apis/{api}")
        } else {
            format!("/api/{api}")
        };
        let collection = match (namespaced, doc["metadata"]["namespace"].as_str()) {
            (true, Some(ns)) => format!("{base}/namespaces/{ns}/{resource}"),
            (true, None) => {
                failures.push(format!("{file}: {kind} {name} has no namespace"));
                continue;
            }
            (false, _) => format!("{base}/{resource}"),
        };
        // An object named by `generateName` only is created, not applied
        // (`kubectl create`), as the runbook does with the restore Job.
        let r = if name.is_empty() {
            server.request(
                "POST",
                &format!(
                    "{collection}?dryRun=All&fieldValidation=Strict&fieldManager={FIELD_MANAGER}"
                ),
                Some("application/json"),
                Some(doc),
            )
        } else {
            server.apply(&format!("{collection}/{name}"), doc, true)
        };
        if !(200..300).contains(&r.status) {
            let message = r.body["message"]
                .as_str()
                .map_or_else(|| r.body.to_string(), str::to_string);
            failures.push(format!("{file}: {kind} {name}: {} {message}", r.status));
        }
        for warning in r.warnings {
            failures.push(format!("{file}: {kind} {name}: warning: {warning}"));
        }
        kinds.insert(format!("{api} {kind}"));
    }
    eprintln!(
        "envtest: {} objects of {} kinds dry-run against kube-apiserver",
        objects.len(),
        kinds.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for kind in [
        "postgresql.cnpg.io/v1 Cluster",
        "argoproj.io/v1alpha1 Application",
        "metallb.io/v1beta1 IPAddressPool",
        "monitoring.coreos.com/v1 PrometheusRule",
        "batch/v1 CronJob",
        "v1 ConfigMap",
    ] {
        assert!(kinds.contains(kind), "no {kind} was checked: {kinds:?}");
    }
}
