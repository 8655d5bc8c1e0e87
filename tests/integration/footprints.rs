//! Change detection reads a cluster's footprint back from its manifests.
//! A template edit that moves a field must not silently turn a precise
//! change class into the generic one: for every golden case, the footprint
//! read from the committed files is whole and says what the spec says.

use std::collections::BTreeMap;
use std::path::Path;

use pgrender::BackupVolume;

use crate::support::{repo_root, snapshot};

fn folder(dir: &Path) -> BTreeMap<String, String> {
    snapshot(dir)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).expect("utf-8")))
        .collect()
}

#[test]
fn every_golden_folder_reads_back_as_its_spec() {
    let golden = repo_root().join("tests/golden");
    let mut checked = 0;
    for case in std::fs::read_dir(&golden)
        .expect("golden")
        .map(|e| e.expect("entry").path())
    {
        let loaded = pgrender::load_specs(&case.join("specs")).expect("valid specs");
        for spec in &loaded.specs {
            let cluster = &spec.cluster;
            let name = &cluster.metadata.name;
            let files = folder(&case.join("expected").join(name));
            let print = pgrender::read_footprint(name, &files)
                .unwrap_or_else(|| panic!("{}: no footprint for {name}", case.display()));
            let at = format!("{} ({name})", case.display());
            let s = &cluster.spec;
            assert_eq!(print.backend, s.backend.as_str(), "{at}");
            assert_eq!(print.namespace, s.namespace.0, "{at}");
            assert_eq!(print.major, Some(s.postgres.version.major()), "{at}");
            assert_eq!(
                print.instances,
                Some(u64::from(s.postgres.instances)),
                "{at}"
            );
            assert_eq!(print.storage_size, s.storage.size.value().cloned(), "{at}");
            assert_eq!(
                print.storage_class.as_deref(),
                Some(s.storage.storage_class.as_str()),
                "{at}"
            );
            assert_eq!(
                print.address.as_deref(),
                Some(s.network.load_balancer_ip.text()),
                "{at}"
            );
            assert_eq!(print.pool, s.network.address_pool.texts(), "{at}");
            let backup = &s.backup.storage;
            match (&print.backup, &backup.nfs) {
                (Some(BackupVolume::Nfs { server, path }), Some(nfs)) => {
                    assert_eq!((server, path), (&nfs.server, &nfs.path), "{at}");
                }
                (Some(BackupVolume::Claim { size, class }), None) => {
                    assert_eq!(Some(size), backup.size.value(), "{at}");
                    assert_eq!(class, &backup.storage_class, "{at}");
                }
                (got, want) => panic!("{at}: backup volume {got:?} for spec {want:?}"),
            }
            for (setting, value) in &s.postgres.parameters {
                assert_eq!(
                    print.parameters.get(setting),
                    Some(&value.0),
                    "{at}: setting {setting}"
                );
            }
            assert!(!print.server_config.is_empty(), "{at}");
            checked += 1;
        }
    }
    assert!(checked >= 14, "only {checked} folders checked");
}
