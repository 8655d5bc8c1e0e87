//! A reference point for `benches/run.sh`, not a benchmark of a whole
//! render: a process that only compiles, in pgrender's own template
//! environment, the templates one `render` of the reference spec uses. Its
//! time is what that costs in a fresh process (in a warm loop, about a third
//! of that).
//!
//! Usage: floor_compile

use pgrender::render::Renderer;

/// Every template a Bitnami render uses (`src/render.rs`, `src/backend/bitnami.rs`).
const TEMPLATES: [&str; 14] = [
    "bitnami/README.md",
    "bitnami/values.yaml",
    "bitnami/application.yaml",
    "common/namespace.yaml",
    "common/argocd-repository.yaml",
    "common/ip-address-pool.yaml",
    "common/backup-cronjob.yaml",
    "common/restore-job.yaml",
    "common/network-policy.yaml",
    "common/prometheus-rule.yaml",
    "common/readme-connect.md",
    "common/readme-network.md",
    "common/readme-alerts.md",
    "common/readme-backups.md",
];

fn main() {
    let renderer = Renderer::new();
    for name in TEMPLATES {
        renderer.compile(name).expect("the template compiles");
    }
}
