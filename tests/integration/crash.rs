//! `render` killed at arbitrary moments leaves every output folder either
//! exactly as before or exactly as the new render makes it, and the next
//! run finishes the job and removes what the killed one left.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Workspace, snapshot, spec_with, stderr};

/// Enough folders that a kill lands between their swaps as well as while
/// they are staged.
const SPECS: usize = 10;

fn fleet(ws: &Workspace, max_connections: u32) {
    for i in 0..SPECS {
        let body = format!(
            "  namespace: pg-{i}\n  postgres:\n    maxConnections: {max_connections}\n  network:\n    loadBalancerIP: 10.{}.{}.1\n    addressPool:\n      name: pool-{i}\n      addresses: [10.{}.{}.0/30]\n  argocd:\n    applicationName: pg-{i}\n",
            i / 200,
            i % 200,
            i / 200,
            i % 200
        );
        ws.write(
            &format!("specs/pg-{i}.yaml"),
            &spec_with(&format!("pg-{i}"), &body),
        );
    }
}

/// Output folders by name, hidden leftovers excluded.
fn folders(tree: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, BTreeMap<String, Vec<u8>>> {
    let mut out: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    for (path, bytes) in tree {
        let (folder, rest) = path.split_once('/').expect("folder/file");
        if !folder.starts_with('.') {
            out.entry(folder.to_string())
                .or_default()
                .insert(rest.to_string(), bytes.clone());
        }
    }
    out
}

fn restore(ws: &Workspace, tree: &BTreeMap<String, Vec<u8>>) {
    let out = ws.path().join("out");
    if out.exists() {
        std::fs::remove_dir_all(&out).expect("clear out");
    }
    for (path, bytes) in tree {
        ws.write_bytes(&format!("out/{path}"), bytes);
    }
}

#[test]
fn killed_renders_leave_each_folder_old_or_new_and_the_next_run_repairs() {
    let ws = Workspace::empty();
    fleet(&ws, 100);
    let o = ws.run(&["render", "specs", "--out-root", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let old = ws.out();

    // The tree a complete render of the changed specs writes.
    fleet(&ws, 150);
    let started = Instant::now();
    let o = ws.run(&["render", "specs", "--out-root", "out"]);
    let full = started.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let new = ws.out();
    let (old_folders, new_folders) = (folders(&old), folders(&new));
    assert_ne!(old_folders, new_folders);

    // Kill points spread over the whole run: before it starts writing, in the
    // middle of staging, between swaps. Where a kill lands varies; what must
    // hold does not.
    let mut interrupted = 0;
    for step in 0..12u32 {
        restore(&ws, &old);
        let mut child = Command::new(env!("CARGO_BIN_EXE_pgrender"))
            .args(["render", "specs", "--out-root", "out"])
            .current_dir(ws.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(full * step / 10 + Duration::from_micros(u64::from(step) * 137));
        let _ = child.kill();
        let status = child.wait().expect("wait");
        if !status.success() {
            interrupted += 1;
        }
        let now = folders(&ws.out());
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            old_folders.keys().collect::<Vec<_>>(),
            "kill {step}: folders lost"
        );
        for (name, files) in &now {
            assert!(
                *files == old_folders[name] || *files == new_folders[name],
                "kill {step}: {name} is neither the old nor the new tree"
            );
        }
        // The next run completes the render and cleans up after the killed one.
        let o = ws.run(&["render", "specs", "--out-root", "out"]);
        assert_eq!(o.status.code(), Some(0), "kill {step}: {}", stderr(&o));
        assert_eq!(
            ws.out(),
            new,
            "kill {step}: the repaired tree differs from a clean render"
        );
        let leftovers: Vec<String> = snapshot(&ws.path().join("out"))
            .into_keys()
            .filter(|p| p.starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "kill {step}: leftovers {leftovers:?}");
    }
    assert!(
        interrupted > 0,
        "no kill landed inside a render; the test proved nothing"
    );
}
