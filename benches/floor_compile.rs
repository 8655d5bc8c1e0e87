//! A reference point for `benches/run.sh`, not a benchmark of pgrender: a
//! process that only compiles, with pgrender's minijinja settings, the
//! templates one `render` of the reference spec compiles. Its time is what
//! that costs in a fresh process (in a warm loop, about a third of that).
//!
//! Usage: floor_compile

use minijinja::Environment;
use minijinja::syntax::SyntaxConfig;

macro_rules! templates {
    ($($path:literal),* $(,)?) => {
        [$(($path, include_str!(concat!("../templates/", $path)))),*]
    };
}

/// Every template a Bitnami render uses (`src/render.rs`, `src/backend/bitnami.rs`).
const TEMPLATES: [(&str, &str); 14] = templates![
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
    let mut env = Environment::new();
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    for (name, source) in TEMPLATES {
        env.add_template(name, source).expect("the template compiles");
    }
    std::hint::black_box(&env);
}
