//! A reference point for `benches/run.sh`, not a benchmark of pgrender: a
//! process that only writes the reference spec's output folder (bytes
//! embedded at build time) the way `render` does, into a staging folder
//! then renamed. Its time is what a render costs before parsing,
//! validating or rendering anything.
//!
//! Usage: floor_write OUT_ROOT   (OUT_ROOT/postgresql must not exist)

use std::io::Write;
use std::path::Path;

macro_rules! committed {
    ($($path:literal),* $(,)?) => {
        [$(($path, include_bytes!(concat!("../kubernetes/applications/postgresql/", $path)).as_slice())),*]
    };
}

/// The committed output of the reference spec (CI keeps it equal to what the
/// code generates; a file render adds must be added here).
const FILES: [(&str, &[u8]); 11] = committed![
    "CHECKSUMS",
    "README.md",
    "application.yaml",
    "argocd-repository.yaml",
    "backup/cronjob.yaml",
    "backup/restore-job.yaml",
    "metallb/ip-address-pool.yaml",
    "monitoring/prometheus-rule.yaml",
    "namespace.yaml",
    "network-policy.yaml",
    "values/values.yaml",
];

fn main() {
    let root = std::env::args()
        .nth(1)
        .expect("usage: floor_write OUT_ROOT");
    let root = Path::new(&root);
    let staging = root.join(".pgrender-staging-postgresql");
    std::fs::create_dir_all(&staging).expect("create the staging folder");
    for (path, bytes) in FILES {
        let path = staging.join(path);
        let parent = path.parent().expect("inside the staging folder");
        std::fs::create_dir_all(parent).expect("create a sub-folder");
        let mut file = std::fs::File::create(&path).expect("create a file");
        file.write_all(bytes).expect("write a file");
    }
    std::fs::rename(&staging, root.join("postgresql")).expect("swap the folder in");
}
