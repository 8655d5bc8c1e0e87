//! What a render would do to the running cluster: the new plan of a folder
//! against the folder on disk, each difference classified (`Impact`) with
//! the steps it takes. `check` prints this above its diff; `render` prints
//! it before writing and refuses what Kubernetes would refuse or what would
//! lose data, unless told otherwise.

use std::collections::BTreeMap;

use crate::backend::kit::footprint::{BackupBeforeChange, BackupVolume, Change, Footprint, Impact};
use crate::backend::{self, kit::ParsedFiles};
use crate::plan::Plan;

/// The changes to one cluster's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClusterChange {
    pub name: String,
    pub changes: Vec<Change>,
}

impl ClusterChange {
    /// The largest impact of its changes.
    pub(crate) fn impact(&self) -> Impact {
        self.changes
            .iter()
            .map(|c| c.impact)
            .max()
            .unwrap_or(Impact::Safe)
    }
}

/// Classify the change from the folder on disk (`old`) to `new`; `None`
/// when the two are the same.
pub(crate) fn classify(old: &BTreeMap<String, Vec<u8>>, new: &Plan) -> Option<ClusterChange> {
    let same = old.len() == new.files.len()
        && new
            .files
            .iter()
            .all(|(path, text)| old.get(path).map(Vec::as_slice) == Some(text.as_bytes()));
    if same {
        return None;
    }
    let old: BTreeMap<String, String> = old
        .iter()
        .map(|(path, bytes)| (path.clone(), String::from_utf8_lossy(bytes).into_owned()))
        .collect();
    let read = |files: &BTreeMap<String, String>| footprint(&new.name, files);
    let changes = match (read(&old), read(&new.files)) {
        (Some(o), Some(n)) => compare(&new.name, &o, &n),
        _ => vec![Change::new(
            Impact::ManualStep,
            "the folder on disk is not one pgrender can read back (hand-made or from another tool): review the diff before syncing",
        )],
    };
    Some(ClusterChange {
        name: new.name.clone(),
        changes,
    })
}

/// A folder's footprint: the backend's own facts, then the shared files.
/// The one place a footprint is read back from manifests (on disk or in a
/// plan); `tests/integration/footprints.rs` holds it to every golden case.
pub fn footprint(name: &str, files: &BTreeMap<String, String>) -> Option<Footprint> {
    let parsed: ParsedFiles = files
        .iter()
        .filter(|(path, _)| path.ends_with(".yaml"))
        .filter_map(|(path, text)| {
            Some((path.clone(), crate::read::yaml::parse_stream(text).ok()?))
        })
        .collect();
    let mut print = backend::read_footprint(name, &parsed)?;
    let first = |file: &str, kind: &str| parsed.get(file)?.iter().find(|d| d["kind"] == kind);
    print.namespace = first("namespace.yaml", "Namespace")?["metadata"]["name"]
        .as_str()?
        .to_string();
    print.pool = first("metallb/ip-address-pool.yaml", "IPAddressPool")
        .and_then(|pool| pool["spec"]["addresses"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|a| a.as_str().map(String::from))
        .collect();
    print.backup = backup_volume(&parsed);
    Some(print)
}

fn backup_volume(parsed: &ParsedFiles) -> Option<BackupVolume> {
    let docs = parsed.get("backup/cronjob.yaml")?;
    if let Some(claim) = docs.iter().find(|d| d["kind"] == "PersistentVolumeClaim") {
        return Some(BackupVolume::Claim {
            size: crate::spec::value::quantity::from_json(
                &claim["spec"]["resources"]["requests"]["storage"],
            )?,
            class: claim["spec"]["storageClassName"].as_str()?.to_string(),
        });
    }
    let cron = docs.iter().find(|d| d["kind"] == "CronJob")?;
    let nfs = &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["volumes"][0]["nfs"];
    Some(BackupVolume::Nfs {
        server: nfs["server"].as_str()?.to_string(),
        path: nfs["path"].as_str()?.to_string(),
    })
}

/// The changes from `old` to `new`, most harmful first.
fn compare(name: &str, old: &Footprint, new: &Footprint) -> Vec<Change> {
    let mut changes = Vec::new();
    let ns = &old.namespace;
    let backup = BackupBeforeChange::new(name, ns);
    if old.backend != new.backend {
        // Nothing else compares across backends.
        return vec![
            Change::new(
                Impact::DestroysData,
                format!(
                    "backend {} -> {}: the old cluster's objects leave the folder, so ArgoCD prunes them, and the new backend starts an empty cluster",
                    old.backend, new.backend
                ),
            )
            .step("keep this spec as it is and write the new cluster as a second spec with its own name, namespace and address")
            .step("pgrender migrate-guide OLD NEW prints the move for those two specs: dump, restore, switch the address, remove the old spec"),
        ];
    }
    changes.extend(moves(old, new, &backup));
    if old.backup != new.backup
        && let (Some(o), Some(n)) = (&old.backup, &new.backup)
    {
        changes.push(backup_change(name, ns, o, n));
    }
    if let Some(backend) = backend::of_footprint(new) {
        changes.extend(backend.change_rules(name, old, new));
    }
    if changes.is_empty() {
        changes.push(Change::new(
            Impact::Safe,
            "configuration only: no pod restarts",
        ));
    }
    changes.sort_by_key(|c| std::cmp::Reverse(c.impact));
    one_backup_per_report(&backup, &mut changes);
    changes
}

/// What every backend's cluster does when it moves: to another namespace,
/// another Application, an older major, another address.
fn moves(old: &Footprint, new: &Footprint, backup: &BackupBeforeChange) -> Vec<Change> {
    let mut changes = Vec::new();
    if old.namespace != new.namespace {
        changes.push(
            Change::new(
                Impact::DestroysData,
                format!(
                    "namespace {} -> {}: ArgoCD prunes the cluster's objects in {} (the Application's finalizer uninstalls the release) and starts an empty cluster in {}; the backup volume stays behind",
                    old.namespace, new.namespace, old.namespace, new.namespace
                ),
            )
            .back_up(backup)
            .step("move instead: a second spec for the new namespace, then pgrender migrate-guide OLD NEW"),
        );
    }
    if let (Some(o), Some(n)) = (&old.application, &new.application)
        && o != n
    {
        changes.push(
            Change::new(
                Impact::DestroysData,
                format!("ArgoCD Application {o} -> {n}: {o} leaves the folder, prune deletes it and its finalizer uninstalls the running release"),
            )
            .back_up(backup)
            .step("keep spec.argocd.applicationName; to rename anyway, first remove the finalizer from the old Application (kubectl -n argocd patch application <old> --type=json -p '[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]') so that pruning it leaves the release running"),
        );
    }
    if let (Some(o), Some(n)) = (old.major, new.major)
        && n < o
    {
        changes.push(
            Change::new(
                Impact::DestroysData,
                format!("PostgreSQL {o} -> {n}: a server never opens the data directory of a newer major, so the pods will not start on the existing volumes"),
            )
            .step(format!("keep spec.postgres.version: \"{o}\"; a downgrade is a dump taken from PostgreSQL {o} restored into a new, empty cluster")),
        );
    }
    if old.pool != new.pool || old.address != new.address {
        changes.push(
            Change::new(
                Impact::ManualStep,
                format!(
                    "address {} (pool {}) -> {} (pool {}): MetalLB moves the service to the new address",
                    old.address.as_deref().unwrap_or("?"),
                    old.pool.join(", "),
                    new.address.as_deref().unwrap_or("?"),
                    new.pool.join(", ")
                ),
            )
            .step(format!(
                "point every client at {} (connection strings, firewall rules)",
                new.address.as_deref().unwrap_or("?")
            ))
            .step(format!(
                "exclude {} from your DHCP server's range before the sync, and give back what is no longer used",
                new.pool.join(", ")
            )),
        );
    }
    changes
}

/// A report backs the cluster up once: the first change (most harmful
/// first) that needs the backup creates its Job; the others say that it
/// covers them (a second `kubectl create job` of the same name fails).
fn one_backup_per_report(backup: &BackupBeforeChange, changes: &mut [Change]) {
    let mut first = true;
    for change in changes.iter_mut() {
        if let Some(i) = change.backup_step {
            if !first {
                change.steps[i] = format!(
                    "the backup Job {} of the first change above covers this change too (create it once)",
                    backup.job()
                );
            }
            first = false;
        }
    }
}

fn backup_change(name: &str, ns: &str, old: &BackupVolume, new: &BackupVolume) -> Change {
    let what = format!("backups on {old} -> {new}");
    let copy = format!(
        "copy the existing dumps off the volume first (README.md, Backups and restore: RESTORE_FILE empty lists them; the PVC is {name}-backups in {ns})"
    );
    match (old, new) {
        (BackupVolume::Claim { class: oc, size: os }, BackupVolume::Claim { class: nc, size: ns_ }) => {
            if oc != nc {
                Change::new(
                    Impact::RefusedByKubernetes,
                    format!("{what}: a PVC's storageClassName cannot change, so the sync fails"),
                )
                .step(copy)
                .step(format!("delete the PVC (kubectl -n {ns} delete pvc {name}-backups), then sync: a new, empty one is created"))
            } else if oc == "local-path" || ns_ <= os {
                Change::new(
                    Impact::RefusedByKubernetes,
                    format!("{what}: the API server grows a PVC only when its StorageClass allows expansion (K3s local-path does not), and never shrinks one"),
                )
                .step(copy)
                .step(format!("delete the PVC (kubectl -n {ns} delete pvc {name}-backups), then sync: a new, empty one is created"))
            } else {
                Change::new(
                    Impact::ManualStep,
                    format!("{what}: the PVC grows in place if StorageClass {nc} allows expansion"),
                )
                .step(crate::backend::kit::footprint::expansion_check(nc))
            }
        }
        (BackupVolume::Claim { .. }, BackupVolume::Nfs { .. }) => Change::new(
            Impact::DestroysData,
            format!("{what}: the PVC {name}-backups leaves the folder, ArgoCD prunes it, and with local-path's reclaim policy (Delete) the dumps on it are deleted"),
        )
        .step(copy),
        (BackupVolume::Nfs { .. }, _) => Change::new(
            Impact::ManualStep,
            format!("{what}: the dumps made so far stay on the old NFS export; new ones go to the new volume"),
        )
        .step("keep the old export until its dumps are older than you need, or copy them over"),
    }
}

/// A folder no spec renders any more while new ones appear: the pattern
/// of a renamed `metadata.name`.
pub(crate) fn renamed(orphan: &str, created: &[&str]) -> ClusterChange {
    ClusterChange {
        name: orphan.to_string(),
        changes: vec![
            Change::new(
                Impact::DestroysData,
                format!(
                    "no spec renders {orphan} any more while {} is new: a renamed metadata.name starts a new, empty cluster (new release, new volumes) beside the running one, and deleting the old folder prunes the running database",
                    created.join(", ")
                ),
            )
            .step(format!("keep metadata.name: {orphan}, or move the data: keep the old spec, add the new one with its own namespace and address, and follow pgrender migrate-guide OLD NEW"))
            .step(format!("to start afresh instead, remove {orphan} first, as its README.md says (\"Removing this cluster\"), then add the new spec")),
        ],
    }
}

/// `namespace/name` of the Application a folder's
/// `folder-application.yaml` (its text) declares.
pub(crate) fn folder_application(text: &str) -> Option<String> {
    let docs = crate::read::yaml::parse_stream(text).ok()?;
    let meta = &docs.first()?["metadata"];
    Some(format!(
        "{}/{}",
        meta["namespace"].as_str()?,
        meta["name"].as_str()?
    ))
}

/// A cluster the base does not have: merging starts it, empty, at the
/// first sync, and it takes what the runbook says before that.
pub(crate) fn added(folder: &std::path::Path, plan: &Plan) -> ClusterChange {
    let pool = footprint(&plan.name, &plan.files)
        .map(|print| print.pool.join(", "))
        .unwrap_or_default();
    let folder = folder.display();
    ClusterChange {
        name: plan.name.clone(),
        changes: vec![
            Change::new(
                Impact::ManualStep,
                format!("new cluster {}: ArgoCD starts it, empty, at the first sync after the merge", plan.name),
            )
            .step(format!("before the merge, do what {folder}/README.md asks before the first sync (\"How this folder is deployed\" and the credentials it names)"))
            .step(format!("exclude {pool} from your DHCP server's range")),
        ],
    }
}

/// A cluster the base renders and this tree does not: what merging its
/// removal does depends on whether its Application was deleted first.
pub(crate) fn removed(folder: &std::path::Path, application: Option<&str>) -> ClusterChange {
    let name = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let application = application.map_or_else(|| "that syncs it".to_string(), |a| format!("`{a}`"));
    let folder = folder.display();
    ClusterChange {
        name,
        changes: vec![
            Change::new(
                Impact::ManualStep,
                format!(
                    "no spec renders {folder} any more: while its Application {application} still reads the folder, removing it prunes nothing \
                     (the Application fails with `app path does not exist`) and the cluster keeps running"
                ),
            )
            .step(format!("before the merge, follow {folder}/README.md, \"Removing this cluster\": delete the Application {application} with its resources"))
            .step("then merge; if the removal was a mistake, restore the spec instead"),
        ],
    }
}

/// What to do about a generated folder no spec renders any more: ArgoCD
/// still syncs it, and deleting the folder first prunes nothing (its
/// Application then fails with "app path does not exist", argo-cd
/// `util/app/path/path.go`). The one wording `render`, `check` and `hook`
/// give.
pub(crate) fn orphan_advice(folder: &std::path::Path) -> String {
    let application = std::fs::read_to_string(folder.join(backend::kit::FOLDER_APPLICATION))
        .ok()
        .and_then(|text| folder_application(&text))
        .map_or_else(|| "that syncs it".to_string(), |a| format!("`{a}`"));
    let folder = folder.display();
    format!(
        "{folder}: no spec renders it any more, but ArgoCD still applies it; deleting the folder first would prune nothing \
         (its Application would fail with `app path does not exist`). If the spec's removal was a mistake, restore the spec. \
         To remove the cluster, follow {folder}/README.md, \"Removing this cluster\": delete the Application {application} \
         with its resources while the folder is still in git, then `git rm -r {folder}`"
    )
}

/// The changes as printed: one line per cluster with its impact, each
/// change under it, and with `steps` the numbered steps of each.
pub(crate) fn report(changes: &[ClusterChange], steps: bool) -> String {
    let mut out = String::new();
    // `render` writes these only when told: the step that commits the
    // render names the flag, so the steps and the refusal say one thing.
    let written = |change: &Change, i: usize, step: &str| {
        if change.impact >= Impact::RefusedByKubernetes && change.commit_step == Some(i) {
            step.replace(
                "commit the render",
                "write the render with `pgrender render --allow-destructive` and commit it",
            )
        } else {
            step.to_string()
        }
    };
    for cluster in changes {
        out.push_str(&format!(
            "change: {}: {}\n",
            cluster.name,
            cluster.impact().as_str()
        ));
        for change in &cluster.changes {
            out.push_str(&format!(
                "  - {}: {}\n",
                change.impact.as_str(),
                change.what
            ));
            if steps {
                for (i, step) in change.steps.iter().enumerate() {
                    out.push_str(&format!("      {}. {}\n", i + 1, written(change, i, step)));
                }
            }
        }
    }
    out
}

/// What to do next when `render` would refuse `changes` (a change Kubernetes
/// would refuse or that loses data); `None` when it would write them.
/// `render`'s refusal and `check`'s advice both say this.
pub(crate) fn refused_next_step(changes: &[ClusterChange]) -> Option<&'static str> {
    let refused: Vec<&Change> = changes
        .iter()
        .flat_map(|c| &c.changes)
        .filter(|c| c.impact >= Impact::RefusedByKubernetes)
        .collect();
    if refused.is_empty() {
        return None;
    }
    Some(if refused.iter().any(|c| c.commit_step.is_some()) {
        "follow the steps of the changes above in order; the one that writes the render says `pgrender render --allow-destructive`"
    } else {
        "follow the steps of the changes above instead (they keep the running cluster and move it another way), or change the spec back"
    })
}
