//! What a folder the chart runs says about its cluster (its footprint),
//! and what changing it does: the chart upgrades nothing in place, so a
//! new major, new volumes or fewer instances are steps by hand.

use super::versions::CHART_MAJORS;
use crate::backend::kit::footprint::{BackupBeforeChange, Change, Footprint, Impact, Quantity};
use crate::backend::kit::{ParsedFiles, document, text};
use crate::spec::value::version::{chart_major, major_of_tag};

pub(super) fn read_footprint(name: &str, files: &ParsedFiles) -> Option<Footprint> {
    let app = document(files, "application.yaml", "Application")?;
    let source = match &app["spec"]["source"] {
        serde_json::Value::Null => &app["spec"]["sources"][0],
        single => single,
    };
    source["chart"].as_str()?;
    let values = files.get("values/values.yaml")?.first()?;
    let postgresql = &values["postgresql"];
    // The exporter is a container of the server pods.
    let servers = serde_json::json!({ "postgresql": postgresql, "metrics": values["metrics"] });
    let server_config = crate::backend::kit::pod_config(
        &servers,
        &[
            "/postgresql/replicaCount",
            "/postgresql/extendedConf",
            "/postgresql/podAnnotations",
            "/metrics/serviceMonitor",
        ],
    );
    let proxy_config = crate::backend::kit::pod_config(&values["pgpool"], &["/customUsersSecret"]);
    Some(Footprint {
        backend: super::options::NAME,
        application: Some(format!(
            "{}/{}",
            app["metadata"]["namespace"].as_str().unwrap_or_default(),
            app["metadata"]["name"].as_str().unwrap_or(name)
        )),
        major: postgresql["image"]["tag"].as_str().and_then(major_of_tag),
        chart_major: source["targetRevision"].as_str().and_then(chart_major),
        instances: postgresql["replicaCount"].as_u64(),
        storage_size: crate::spec::value::quantity::from_json(&values["persistence"]["size"]),
        storage_class: text(&values["persistence"]["storageClass"]),
        address: crate::backend::kit::requested_address(&values["service"]["annotations"]),
        parameters: postgresql["extendedConf"]
            .as_str()
            .map(read_extended_conf)
            .unwrap_or_default(),
        users_secret: text(&values["pgpool"]["customUsersSecret"]),
        server_config,
        proxy_config: Some(proxy_config),
        ..Footprint::default()
    })
}

/// What changing this backend's cluster does, most of it by hand: the
/// chart runs no upgrades of its own.
pub(super) fn change_rules(name: &str, old: &Footprint, new: &Footprint) -> Vec<Change> {
    let plan = Transition::new(name, old, new);
    let ns = plan.ns;
    let mut changes = Vec::new();
    major_upgrade(&plan, &mut changes);
    chart_upgrade(&plan, &mut changes);
    volume_change(&plan, &mut changes);
    fewer_instances(&plan, &mut changes);
    if old.users_secret != new.users_secret {
        changes.push(users_change(name, ns, old, new));
    } else if old.proxy_config != new.proxy_config {
        changes.push(Change::new(
            Impact::RollingRestart,
            "pgpool's configuration changed (resources, image or scheduling): its pods restart one at a time and clients reconnect",
        ));
    }
    changes.extend(crate::backend::kit::settings_change(
        old,
        new,
        crate::backend::kit::Delivery::PodRestart {
            how: "the image reads them only when a pod starts, so the checksum annotation pgrender sets restarts the pods one at a time and clients reconnect",
        },
    ));
    crate::backend::kit::shared_changes(
        old,
        new,
        &mut changes,
        "the StatefulSet restarts them one at a time and clients reconnect",
    );
    changes
}

/// One change of a cluster the chart runs: its old and new footprint, and
/// what several of its rules share.
struct Transition<'a> {
    name: &'a str,
    ns: &'a str,
    old: &'a Footprint,
    new: &'a Footprint,
    backup: BackupBeforeChange,
    /// Rebuilding the cluster on new volumes: the data moves by dump and
    /// restore.
    recreate: [String; 3],
}

impl<'a> Transition<'a> {
    fn new(name: &'a str, old: &'a Footprint, new: &'a Footprint) -> Transition<'a> {
        let ns = new.namespace.as_str();
        let backup = BackupBeforeChange::new(name, ns);
        let volumes = Transition::volumes_of(name, old.instances.unwrap_or(1));
        let recreate = [
            format!(
                "after the sync, delete the StatefulSet and its volumes: kubectl -n {ns} delete statefulset {name}-postgresql && kubectl -n {ns} delete pvc {}",
                volumes.join(" ")
            ),
            "let ArgoCD sync again: the chart creates empty volumes and a new cluster".to_string(),
            backup.restore_step(),
        ];
        Transition {
            name,
            ns,
            old,
            new,
            backup,
            recreate,
        }
    }

    /// The data volumes of the first `count` pods.
    fn volumes(&self, count: u64) -> Vec<String> {
        Transition::volumes_of(self.name, count)
    }

    fn volumes_of(name: &str, count: u64) -> Vec<String> {
        (0..count)
            .map(|i| format!("data-{name}-postgresql-{i}"))
            .collect()
    }
}

/// What the chart's new pods do with a new major: nothing, on the old
/// volumes; the data moves by dump and restore.
fn major_upgrade(plan: &Transition<'_>, changes: &mut Vec<Change>) {
    let (old, new) = (plan.old, plan.new);
    if let (Some(o), Some(n)) = (old.major, new.major)
        && n > o
    {
        let mut change = Change::new(
            Impact::ManualStep,
            format!("PostgreSQL {o} -> {n}: the chart's image cannot open the data directory of PostgreSQL {o}, so the new pods would not start on the existing volumes; the data moves by dump and restore"),
        )
        .back_up(&plan.backup)
        .commit("stop the applications that write to the database, then commit the render");
        for step in &plan.recreate {
            change = change.step(step.clone());
        }
        changes.push(change);
    }
}

/// A new chart major: its upgrade notes, and the Secret keys it adds.
fn chart_upgrade(plan: &Transition<'_>, changes: &mut Vec<Change>) {
    let (old, new) = (plan.old, plan.new);
    if let (Some(o), Some(n)) = (old.chart_major, new.chart_major)
        && o != n
    {
        let keys = |major: u32| {
            CHART_MAJORS
                .iter()
                .find(|c| c.major == major)
                .map_or(&[][..], |c| c.secret_keys)
        };
        let added: Vec<&str> = keys(n)
            .iter()
            .filter(|k| !keys(o).contains(k))
            .copied()
            .collect();
        let mut change = Change::new(
            Impact::ManualStep,
            format!("chart postgresql-ha {o}.x -> {n}.x: a new chart major changes how the release is built; read every 'To {n}.0.0'-style upgrade note of the chart's README between the two"),
        )
        .back_up(&plan.backup);
        if !added.is_empty() {
            change = change.step(format!(
                "add the key(s) {} to the credentials Secret before the sync: the pods of chart {n}.x read them and do not start without them (README.md, Before the first sync)",
                added.join(", ")
            ));
        }
        changes.push(
            change.commit(
                "commit the render and watch the sync: kubectl -n argocd get application -w",
            ),
        );
    }
}

/// Data volumes of another size or class: a StatefulSet cannot change its
/// volumeClaimTemplates.
fn volume_change(plan: &Transition<'_>, changes: &mut Vec<Change>) {
    let (old, new, name, ns) = (plan.old, plan.new, plan.name, plan.ns);
    if old.storage_size != new.storage_size || old.storage_class != new.storage_class {
        let what = format!(
            "data volumes {} of class {} -> {} of class {}: a StatefulSet's volumeClaimTemplates cannot change, so the API server refuses the update and the sync fails",
            crate::backend::kit::shown(old.storage_size.as_ref()),
            old.storage_class.as_deref().unwrap_or("?"),
            crate::backend::kit::shown(new.storage_size.as_ref()),
            new.storage_class.as_deref().unwrap_or("?"),
        );
        let mut change = Change::new(Impact::RefusedByKubernetes, what);
        let grows_in_place = old.storage_class == new.storage_class
            && old.storage_class.as_deref() != Some("local-path")
            && grows(old.storage_size.as_ref(), new.storage_size.as_ref());
        if grows_in_place {
            for pvc in plan.volumes(old.instances.unwrap_or(1)) {
                change = change.step(format!(
                    "kubectl -n {ns} patch pvc {pvc} -p '{{\"spec\":{{\"resources\":{{\"requests\":{{\"storage\":\"{}\"}}}}}}}}' (needs allowVolumeExpansion on the StorageClass)",
                    crate::backend::kit::shown(new.storage_size.as_ref())
                ));
            }
            change = change.step(format!("kubectl -n {ns} delete statefulset {name}-postgresql --cascade=orphan (the pods keep running)"))
                .commit("commit the render: the sync recreates the StatefulSet with the new size");
        } else {
            change.what.push_str(
                "; K3s local-path cannot expand or move a volume and no volume can shrink, so the data moves by dump and restore",
            );
            change = change
                .back_up(&plan.backup)
                .commit("stop the applications that write to the database, then commit the render");
            for step in &plan.recreate {
                change = change.step(step.clone());
            }
        }
        changes.push(change);
    }
}

/// Fewer instances: the StatefulSet stops the last pods; their volumes
/// and repmgr registrations stay.
fn fewer_instances(plan: &Transition<'_>, changes: &mut Vec<Change>) {
    let (old, new, name, ns) = (plan.old, plan.new, plan.name, plan.ns);
    if let (Some(o), Some(n)) = (old.instances, new.instances)
        && n < o
    {
        let mut change = Change::new(
            Impact::ManualStep,
            format!("instances {o} -> {n}: the StatefulSet stops {}; their volumes stay, and repmgr keeps them registered", (n..o).map(|i| format!("{name}-postgresql-{i}")).collect::<Vec<_>>().join(", ")),
        )
        .step(format!("make sure the primary is not among them: kubectl -n {ns} exec {name}-postgresql-0 -c postgresql -- repmgr cluster show"))
        .commit("commit the render and let ArgoCD sync");
        for pvc in plan
            .volumes(o)
            .into_iter()
            .skip(usize::try_from(n).unwrap_or(usize::MAX))
        {
            change = change.step(format!("kubectl -n {ns} delete pvc {pvc}"));
        }
        changes.push(change.step(format!("unregister each removed node: kubectl -n {ns} exec {name}-postgresql-0 -c postgresql -- repmgr standby unregister --node-id=<id from cluster show>")));
    }
}

/// Whether a quantity grows from `old` to `new`.
fn grows(old: Option<&Quantity>, new: Option<&Quantity>) -> bool {
    matches!((old, new), (Some(o), Some(n)) if n > o)
}

/// `name = 'value'` lines, as `chart_context` writes them.
fn read_extended_conf(conf: &str) -> std::collections::BTreeMap<String, String> {
    conf.lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(" = ")?;
            let value = value.strip_prefix('\'')?.strip_suffix('\'')?;
            Some((name.to_string(), value.replace("''", "'")))
        })
        .collect()
}

/// pgpool admits only the roles of its `customUsersSecret`, read when its
/// pods start: a new Secret name restarts them, and they do not start
/// while the Secret is missing.
fn users_change(name: &str, ns: &str, old: &Footprint, new: &Footprint) -> Change {
    let pgpool = format!("deployment/{name}-pgpool");
    match &new.users_secret {
        Some(secret) => Change::new(
            Impact::RollingRestart,
            format!(
                "application users from Secret {secret}{}: pgpool reads them when it starts, so its pods restart; they do not start while the Secret is missing",
                old.users_secret
                    .as_ref()
                    .map(|o| format!(" (was {o})"))
                    .unwrap_or_default()
            ),
        )
        .step(format!(
            "create Secret {secret} in {ns} before the sync, as README.md, Application roles, shows (keys usernames and passwords, `;`-separated lists in the same order), and the roles in PostgreSQL"
        ))
        .commit("commit the render and let ArgoCD sync")
        .step(format!("watch pgpool come back: kubectl -n {ns} rollout status {pgpool}")),
        None => Change::new(
            Impact::RollingRestart,
            format!(
                "no application users: pgpool stops reading Secret {}, so its pods restart and admit only the chart's own users",
                old.users_secret.as_deref().unwrap_or("?")
            ),
        ),
    }
}
