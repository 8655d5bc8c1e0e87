//! What a Zalando folder says about its running cluster (its footprint),
//! and what changing it does: the operator's in-place major upgrade, what
//! it does (and does not) to volumes and fewer instances, and how Patroni
//! applies settings.

use crate::backend::kit::footprint::{
    BackupBeforeChange, Change, Footprint, Impact, expansion_check,
};
use crate::backend::kit::{Delivery, ParsedFiles, document, text};

pub(super) fn read_footprint(files: &ParsedFiles) -> Option<Footprint> {
    let object = document(files, "postgresql.yaml", "postgresql")?;
    let spec = &object["spec"];
    // Changed without restarting the pods: by the operator on the
    // volumes and services, by Patroni for the settings.
    let server_config = crate::backend::kit::pod_config(
        spec,
        &[
            "/numberOfInstances",
            "/volume",
            "/masterServiceAnnotations",
            "/allowedSourceRanges",
            "/users",
            "/postgresql/parameters",
        ],
    );
    Some(Footprint {
        backend: super::options::NAME,
        cluster_object: text(&object["metadata"]["name"]),
        major: text(&spec["postgresql"]["version"]).and_then(|v| v.parse().ok()),
        instances: spec["numberOfInstances"].as_u64(),
        storage_size: crate::spec::value::quantity::from_json(&spec["volume"]["size"]),
        storage_class: text(&spec["volume"]["storageClass"]),
        address: crate::backend::kit::requested_address(&spec["masterServiceAnnotations"]),
        parameters: crate::backend::kit::settings_in(&spec["postgresql"]["parameters"]),
        server_config,
        ..Footprint::default()
    })
}

pub(super) fn change_rules(name: &str, old: &Footprint, new: &Footprint) -> Vec<Change> {
    let ns = &new.namespace;
    let backup = BackupBeforeChange::new(name, ns);
    let object = format!("postgresql/{}", pods_prefix(old));
    let mut changes = Vec::new();
    if let (Some(o), Some(n)) = (old.major, new.major)
        && n > o
    {
        changes.push(
            Change::new(
                Impact::ManualStep,
                format!("PostgreSQL {o} -> {n}: the operator upgrades in place with pg_upgrade (its major_version_upgrade_mode is manual: the manifest asks for it); replicas are rebuilt and the primary is down while it upgrades"),
            )
            .back_up(&backup)
            .commit("commit the render and let ArgoCD sync")
            .step(format!("watch the upgrade: kubectl -n {ns} get {object} -w, and kubectl -n {ns} logs {}-0 -c postgres", pods_prefix(old))),
        );
    }
    volume_change(old, new, &backup, &mut changes);
    if let (Some(o), Some(n)) = (old.instances, new.instances)
        && n < o
    {
        let prefix = pods_prefix(old);
        let mut change = Change::new(
            Impact::ManualStep,
            format!(
                "instances {o} -> {n}: the operator stops {}; their volumes stay (the operator's retention policy keeps them when scaling down)",
                (n..o).map(|i| format!("{prefix}-{i}")).collect::<Vec<_>>().join(", ")
            ),
        )
        .commit("commit the render and let ArgoCD sync");
        for i in n..o {
            change = change.step(format!("kubectl -n {ns} delete pvc pgdata-{prefix}-{i}"));
        }
        changes.push(change);
    }
    changes.extend(crate::backend::kit::settings_change(
        old,
        new,
        Delivery::Operator {
            reload: "Patroni reloads PostgreSQL",
            restart: "the operator restarts PostgreSQL through Patroni, one instance at a time, the primary last; clients reconnect",
        },
    ));
    crate::backend::kit::shared_changes(
        old,
        new,
        &mut changes,
        "the operator replaces them one at a time, replicas first, then switches over the primary; clients reconnect",
    );
    changes
}

/// Data volumes of another size or class: the operator grows a PVC in
/// place where the class allows; anything else keeps the old volumes.
fn volume_change(
    old: &Footprint,
    new: &Footprint,
    backup: &BackupBeforeChange,
    changes: &mut Vec<Change>,
) {
    if old.storage_class != new.storage_class
        || old
            .storage_size
            .as_ref()
            .zip(new.storage_size.as_ref())
            .is_some_and(|(o, n)| n < o)
        || (old.storage_size != new.storage_size
            && old.storage_class.as_deref() == Some("local-path"))
    {
        changes.push(
            Change::new(
                Impact::ManualStep,
                format!(
                    "data volumes {} of class {} -> {} of class {}: the operator only grows volumes in place where the StorageClass allows expansion; it never shrinks one or moves it to another class, so the cluster keeps the old volumes",
                    crate::backend::kit::shown(old.storage_size.as_ref()),
                    old.storage_class.as_deref().unwrap_or("?"),
                    crate::backend::kit::shown(new.storage_size.as_ref()),
                    new.storage_class.as_deref().unwrap_or("?"),
                ),
            )
            .back_up(backup)
            .step("move the data to a new cluster instead: a second spec with its own name, then pgrender migrate-guide OLD NEW"),
        );
    } else if old.storage_size != new.storage_size {
        changes.push(
            Change::new(
                Impact::ManualStep,
                format!(
                    "data volumes {} -> {}: the operator grows each PVC in place if StorageClass {} allows expansion",
                    crate::backend::kit::shown(old.storage_size.as_ref()),
                    crate::backend::kit::shown(new.storage_size.as_ref()),
                    new.storage_class.as_deref().unwrap_or("?")
                ),
            )
            .step(expansion_check(new.storage_class.as_deref().unwrap_or("?")))
            .commit("commit the render and let ArgoCD sync"),
        );
    }
}

/// The `postgresql` object's name, which its pods and volumes carry.
fn pods_prefix(print: &Footprint) -> &str {
    print.cluster_object.as_deref().unwrap_or("?")
}
