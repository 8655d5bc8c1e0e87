//! What a CloudNativePG folder says about its running cluster (its
//! footprint), and what changing it does: what the operator does with a new
//! major, image OS, volume size or class, fewer instances, and settings.

use crate::backend::kit::footprint::{BackupBeforeChange, Change, Footprint, Impact};
use crate::backend::kit::versions::{image_os, postgres_image};
use crate::backend::kit::{ParsedFiles, document, text};
use crate::spec::value::version::{image_tag, major_of_tag};

pub(super) fn read_footprint(files: &ParsedFiles) -> Option<Footprint> {
    let cluster = document(files, "cluster.yaml", "Cluster")?;
    let spec = &cluster["spec"];
    let server_config = crate::backend::kit::pod_config(
        spec,
        &[
            "/instances",
            "/storage",
            "/managed",
            "/postgresql/parameters",
        ],
    );
    let service = &spec["managed"]["services"]["additional"][0]["serviceTemplate"];
    let tag = spec["imageName"].as_str().and_then(image_tag);
    Some(Footprint {
        backend: super::options::NAME,
        major: tag.and_then(major_of_tag),
        image_os: tag.and_then(image_os).map(str::to_string),
        instances: spec["instances"].as_u64(),
        storage_size: crate::spec::value::quantity::from_json(&spec["storage"]["size"]),
        storage_class: text(&spec["storage"]["storageClass"]),
        address: crate::backend::kit::requested_address(&service["metadata"]["annotations"]),
        parameters: crate::backend::kit::settings_in(&spec["postgresql"]["parameters"]),
        server_config,
        ..Footprint::default()
    })
}

/// What changing this backend's cluster does: the operator upgrades a
/// major in place, restarts for settings and images, and grows volumes
/// where their class allows.
pub(super) fn change_rules(name: &str, old: &Footprint, new: &Footprint) -> Vec<Change> {
    let ns = new.namespace.as_str();
    let backup = BackupBeforeChange::new(name, ns);
    let mut changes = Vec::new();
    let os_moves = image_os_change(name, ns, old, new, &backup, &mut changes);
    if !os_moves {
        major_upgrade(name, ns, old, new, &backup, &mut changes);
    }
    volume_change(name, ns, old, new, &backup, &mut changes);
    if old.storage_class != new.storage_class {
        changes.push(Change::new(
            Impact::ManualStep,
            format!(
                "volume class {} -> {}: only volumes created from now on get the new class; existing instances keep theirs until they are recreated",
                old.storage_class.as_deref().unwrap_or("?"),
                new.storage_class.as_deref().unwrap_or("?")
            ),
        ));
    }
    if let (Some(o), Some(n)) = (old.instances, new.instances)
        && n < o
    {
        changes.push(Change::new(
            Impact::RollingRestart,
            format!("instances {o} -> {n}: the operator removes replicas and their volumes; clients of the read-only endpoint reconnect"),
        ));
    }
    changes.extend(crate::backend::kit::settings_change(
        old,
        new,
        crate::backend::kit::Delivery::Operator {
            reload: "CloudNativePG reloads PostgreSQL",
            restart: "CloudNativePG restarts the replicas one at a time, then the primary in place (primaryUpdateMethod: restart, its default): writes stop while it restarts; clients reconnect",
        },
    ));
    crate::backend::kit::shared_changes(
        old,
        new,
        &mut changes,
        "the operator restarts the replicas one at a time, then the primary in place (primaryUpdateMethod: restart, its default): writes stop while it restarts; clients reconnect",
    );
    changes
}

/// A new image OS: glibc sorts text differently, so text indexes are
/// rebuilt; together with a new major, pg_upgrade cannot run. Whether the
/// OS moves.
fn image_os_change(
    name: &str,
    ns: &str,
    old: &Footprint,
    new: &Footprint,
    backup: &BackupBeforeChange,
    changes: &mut Vec<Change>,
) -> bool {
    let os_moves = match (&old.image_os, &new.image_os) {
        (Some(o), Some(n)) if o != n => Some((o.as_str(), n.as_str())),
        _ => None,
    };
    let major_rises = matches!((old.major, new.major), (Some(o), Some(n)) if n > o);
    if let Some((o, n)) = os_moves {
        let reindex = format!(
            "after every instance runs the new image, rebuild the indexes on text in each database: kubectl cnpg psql {name} -n {ns} -- -d <database> -c 'REINDEX DATABASE <database>' (the kubectl-cnpg plugin)"
        );
        changes.push(if major_rises {
            Change::new(
                Impact::DestroysData,
                format!("server image OS {o} -> {n} together with a new PostgreSQL major: the in-place upgrade (pg_upgrade) needs the old and the new image on the same OS family, so the upgraded cluster cannot start from its data"),
            )
            .step(format!(
                "change one thing per render: first the OS at the current major (spec.postgres.version: {}, spec.cloudnativePg.imageName: {})",
                old.major.map_or("<current>".to_string(), |m| m.to_string()),
                old.major
                    .and_then(postgres_image)
                    .unwrap_or_else(|| "<the current major's tag on the new OS>".to_string())
            ))
            .step(reindex)
            .step("then raise spec.postgres.version in a render of its own")
        } else {
            Change::new(
                Impact::ManualStep,
                format!("server image OS {o} -> {n}: the operator restarts every instance on the new image, whose glibc sorts text differently; indexes on text columns built under the old rules can return wrong results until rebuilt"),
            )
            .back_up(backup)
            .commit("commit the render and wait for the rolling restart")
            .step(reindex)
        });
    }
    os_moves.is_some()
}

/// A new major: the operator upgrades in place with pg_upgrade.
fn major_upgrade(
    name: &str,
    ns: &str,
    old: &Footprint,
    new: &Footprint,
    backup: &BackupBeforeChange,
    changes: &mut Vec<Change>,
) {
    if let (Some(o), Some(n)) = (old.major, new.major)
        && n > o
    {
        changes.push(
            Change::new(
                Impact::ManualStep,
                format!("PostgreSQL {o} -> {n}: CloudNativePG upgrades in place with pg_upgrade: every instance stops for the upgrade (downtime) and the replicas are cloned again; the old and the new image must be of the same OS family"),
            )
            .back_up(backup)
            .commit("plan the downtime, then commit the render")
            .step(format!("watch the upgrade: kubectl -n {ns} get cluster {name} -w (phase back to 'Cluster in healthy state')")),
        );
    }
}

/// Data volumes of another size: the operator grows them where the class
/// allows, never shrinks them.
fn volume_change(
    name: &str,
    ns: &str,
    old: &Footprint,
    new: &Footprint,
    backup: &BackupBeforeChange,
    changes: &mut Vec<Change>,
) {
    let shrinks = matches!((&old.storage_size, &new.storage_size), (Some(o), Some(n)) if n < o);
    if old.storage_size != new.storage_size {
        let sizes = format!(
            "data volumes {} -> {}",
            crate::backend::kit::shown(old.storage_size.as_ref()),
            crate::backend::kit::shown(new.storage_size.as_ref())
        );
        changes.push(if shrinks {
            Change::new(
                Impact::RefusedByKubernetes,
                format!("{sizes}: a volume cannot shrink, and the operator rejects the change"),
            )
            .step("keep the size, or move the data to a new cluster with pgrender migrate-guide")
        } else if new.storage_class.as_deref() == Some("local-path") {
            Change::new(
                Impact::ManualStep,
                format!("{sizes}: the operator grows volumes only when their StorageClass allows expansion, and K3s local-path does not"),
            )
            .back_up(backup)
            .commit("commit the render, then replace one replica at a time so that the operator recreates it with the new size:")
            .step(format!("kubectl cnpg destroy {name} <replica number> -n {ns} (the kubectl-cnpg plugin); wait for the new replica; repeat; finally kubectl cnpg promote to a new replica and destroy the old primary"))
        } else {
            Change::new(
                Impact::ManualStep,
                format!("{sizes}: the operator grows each volume in place if StorageClass {} allows expansion", new.storage_class.as_deref().unwrap_or("?")),
            )
            .step(crate::backend::kit::footprint::expansion_check(new.storage_class.as_deref().unwrap_or("?")))
        });
    }
}
