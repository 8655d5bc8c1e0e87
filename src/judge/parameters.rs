//! `spec.postgres.parameters`: PostgreSQL settings. Which ones a spec may
//! set is pgrender's list of the settings people tune; what a value may be
//! is PostgreSQL's own table for the spec's major (`pg_settings`), so a
//! value pgrender accepts is one the server starts with. Settings the
//! backends manage are refused with where they come from instead, and the
//! memory settings are held against the pod's memory.

use crate::read::diagnostic::Report;
use crate::spec::PostgresCluster;
use crate::spec::value::pg_settings::{self, Definition};

/// The settings a spec may set: the ones people tune, none the backends
/// manage.
const KNOWN: &[&str] = &[
    "autovacuum",
    "autovacuum_analyze_scale_factor",
    "autovacuum_max_workers",
    "autovacuum_naptime",
    "autovacuum_vacuum_cost_delay",
    "autovacuum_vacuum_cost_limit",
    "autovacuum_vacuum_scale_factor",
    "autovacuum_work_mem",
    "bgwriter_delay",
    "checkpoint_completion_target",
    "checkpoint_timeout",
    "checkpoint_warning",
    "deadlock_timeout",
    "default_statistics_target",
    "default_transaction_isolation",
    "effective_cache_size",
    "effective_io_concurrency",
    "huge_pages",
    "idle_in_transaction_session_timeout",
    "idle_session_timeout",
    "jit",
    "lock_timeout",
    "log_autovacuum_min_duration",
    "log_checkpoints",
    "log_connections",
    "log_disconnections",
    "log_line_prefix",
    "log_lock_waits",
    "log_min_duration_statement",
    "log_statement",
    "log_temp_files",
    "log_timezone",
    "logical_decoding_work_mem",
    "maintenance_work_mem",
    "max_locks_per_transaction",
    "max_parallel_maintenance_workers",
    "max_parallel_workers",
    "max_parallel_workers_per_gather",
    "max_prepared_transactions",
    "max_wal_size",
    "max_worker_processes",
    "min_wal_size",
    "password_encryption",
    "random_page_cost",
    "seq_page_cost",
    "shared_buffers",
    "statement_timeout",
    "synchronous_commit",
    "tcp_keepalives_idle",
    "tcp_keepalives_interval",
    "temp_buffers",
    "timezone",
    "track_io_timing",
    "wal_buffers",
    "wal_compression",
    "wal_keep_size",
    "wal_writer_delay",
    "work_mem",
];

/// Parameters the spec or the backends set, and where to change them instead.
const MANAGED: &[(&str, &str)] = &[
    ("max_connections", "set spec.postgres.maxConnections"),
    (
        "port",
        "the backend sets it; the Service port is spec.network.port",
    ),
    ("listen_addresses", "the backend sets it"),
    (
        "shared_preload_libraries",
        "the backend loads the libraries its replication and monitoring need, and a list here would replace them",
    ),
    ("wal_level", "replication needs the backend's value"),
    ("max_wal_senders", "replication needs the backend's value"),
    (
        "max_replication_slots",
        "replication needs the backend's value",
    ),
    ("hot_standby", "replication needs the backend's value"),
    (
        "wal_log_hints",
        "failover (pg_rewind) needs the backend's value",
    ),
    (
        "full_page_writes",
        "failover (pg_rewind) needs the backend's value",
    ),
    ("synchronous_standby_names", "set spec.postgres.replication"),
    ("primary_conninfo", "replication is the backend's"),
    ("primary_slot_name", "replication is the backend's"),
    ("archive_mode", "archiving is the backend's"),
    ("archive_command", "archiving is the backend's"),
    ("archive_timeout", "archiving is the backend's"),
    ("restore_command", "recovery is the backend's"),
    ("cluster_name", "the backend sets it"),
    ("data_directory", "the backend owns the files"),
    ("hba_file", "the backend owns the files"),
    ("ident_file", "the backend owns the files"),
    ("config_file", "the backend owns the files"),
    ("unix_socket_directories", "the backend owns the files"),
    (
        "logging_collector",
        "the logs go to the container's output, where kubectl logs reads them",
    ),
    (
        "log_destination",
        "the logs go to the container's output, where kubectl logs reads them",
    ),
    ("ssl", "TLS is the backend's"),
];

pub(super) fn check(
    cluster: &PostgresCluster,
    backend: &dyn crate::backend::kit::Backend,
    report: &mut Report<'_>,
) {
    let major = cluster.spec.postgres.version.major();
    let mut every_value_read = true;
    for (name, value) in &cluster.spec.postgres.parameters {
        let pointer = format!(
            "/spec/postgres/parameters/{}",
            crate::read::yaml::escape(name)
        );
        if let Some(owner) = backend.parameter_owner(name) {
            report.at_key(&pointer, format!("`{name}` is not set here: {owner}"));
            continue;
        }
        if let Some((_, instead)) = MANAGED.iter().find(|(m, _)| m == name) {
            report.at_key(&pointer, format!("`{name}` is not set here: {instead}"));
            continue;
        }
        if !KNOWN.contains(&name.as_str()) {
            report.at_key(&pointer, unknown(name));
            continue;
        }
        let Some(definition) = pg_settings::definition(major, name) else {
            report.at_key(
                &pointer,
                format!("`{name}` is not a setting of PostgreSQL {major}"),
            );
            continue;
        };
        if let Err(why) = definition.read(&value.0) {
            report.at_value(&pointer, why);
            every_value_read = false;
        }
    }
    if every_value_read {
        memory::check(cluster, major, report);
    }
}

fn unknown(name: &str) -> String {
    let closest = KNOWN
        .iter()
        .map(|known| (strsim::levenshtein(name, known), *known))
        .min();
    let hint = match closest {
        Some((distance, known)) if distance <= 3 => format!("; did you mean `{known}`?"),
        _ => String::new(),
    };
    format!("`{name}` is not a parameter pgrender knows{hint} (the README lists them)")
}

/// The value a setting has in the pod: the spec's, else PostgreSQL's own
/// default for the major.
fn effective(
    cluster: &PostgresCluster,
    major: u32,
    name: &str,
) -> Option<(&'static Definition, String)> {
    let definition = pg_settings::definition(major, name)?;
    let value = cluster
        .spec
        .postgres
        .parameters
        .get(name)
        .map_or_else(|| definition.boot_value.to_string(), |v| v.0.clone());
    Some((definition, value))
}

mod memory;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_setting_exists_in_every_major_and_none_is_managed() {
        for major in pg_settings::majors() {
            for name in KNOWN {
                assert!(
                    pg_settings::definition(major, name).is_some(),
                    "{name} in PostgreSQL {major}"
                );
            }
        }
        for (name, _) in MANAGED {
            assert!(!KNOWN.contains(name), "{name}");
        }
        let mut sorted = KNOWN.to_vec();
        sorted.sort_unstable();
        assert_eq!(KNOWN, sorted);
    }
}
