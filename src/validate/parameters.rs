//! `spec.postgres.parameters`: PostgreSQL settings, checked against a table
//! of the parameters people tune, with the type and units PostgreSQL takes
//! for each (PostgreSQL documentation, "Server Configuration"). Settings
//! the backends manage are refused with where they come from instead.

use crate::diagnostic::Report;
use crate::spec::PostgresCluster;

/// How PostgreSQL reads a parameter's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An amount of memory: an integer with B, kB, MB, GB or TB (case-sensitive).
    Memory,
    /// A duration: an integer with us, ms, s, min, h or d.
    Time,
    Integer,
    Real,
    Bool,
    Enum(&'static [&'static str]),
    Text,
}

const KNOWN: &[(&str, Kind)] = &[
    ("autovacuum", Kind::Bool),
    ("autovacuum_analyze_scale_factor", Kind::Real),
    ("autovacuum_max_workers", Kind::Integer),
    ("autovacuum_naptime", Kind::Time),
    ("autovacuum_vacuum_cost_delay", Kind::Time),
    ("autovacuum_vacuum_cost_limit", Kind::Integer),
    ("autovacuum_vacuum_scale_factor", Kind::Real),
    ("autovacuum_work_mem", Kind::Memory),
    ("bgwriter_delay", Kind::Time),
    ("checkpoint_completion_target", Kind::Real),
    ("checkpoint_timeout", Kind::Time),
    ("checkpoint_warning", Kind::Time),
    ("deadlock_timeout", Kind::Time),
    ("default_statistics_target", Kind::Integer),
    (
        "default_transaction_isolation",
        Kind::Enum(&[
            "read uncommitted",
            "read committed",
            "repeatable read",
            "serializable",
        ]),
    ),
    ("effective_cache_size", Kind::Memory),
    ("effective_io_concurrency", Kind::Integer),
    ("huge_pages", Kind::Enum(&["off", "on", "try"])),
    ("idle_in_transaction_session_timeout", Kind::Time),
    ("idle_session_timeout", Kind::Time),
    ("jit", Kind::Bool),
    ("lock_timeout", Kind::Time),
    ("log_autovacuum_min_duration", Kind::Time),
    ("log_checkpoints", Kind::Bool),
    ("log_connections", Kind::Bool),
    ("log_disconnections", Kind::Bool),
    ("log_line_prefix", Kind::Text),
    ("log_lock_waits", Kind::Bool),
    ("log_min_duration_statement", Kind::Time),
    ("log_statement", Kind::Enum(&["none", "ddl", "mod", "all"])),
    ("log_temp_files", Kind::Memory),
    ("log_timezone", Kind::Text),
    ("logical_decoding_work_mem", Kind::Memory),
    ("maintenance_work_mem", Kind::Memory),
    ("max_locks_per_transaction", Kind::Integer),
    ("max_parallel_maintenance_workers", Kind::Integer),
    ("max_parallel_workers", Kind::Integer),
    ("max_parallel_workers_per_gather", Kind::Integer),
    ("max_prepared_transactions", Kind::Integer),
    ("max_wal_size", Kind::Memory),
    ("max_worker_processes", Kind::Integer),
    ("min_wal_size", Kind::Memory),
    ("password_encryption", Kind::Enum(&["md5", "scram-sha-256"])),
    ("random_page_cost", Kind::Real),
    ("seq_page_cost", Kind::Real),
    ("shared_buffers", Kind::Memory),
    ("statement_timeout", Kind::Time),
    (
        "synchronous_commit",
        Kind::Enum(&["on", "off", "local", "remote_write", "remote_apply"]),
    ),
    ("tcp_keepalives_idle", Kind::Time),
    ("tcp_keepalives_interval", Kind::Time),
    ("temp_buffers", Kind::Memory),
    ("timezone", Kind::Text),
    ("track_io_timing", Kind::Bool),
    ("wal_buffers", Kind::Memory),
    (
        "wal_compression",
        Kind::Enum(&["on", "off", "pglz", "lz4", "zstd"]),
    ),
    ("wal_keep_size", Kind::Memory),
    ("wal_writer_delay", Kind::Time),
    ("work_mem", Kind::Memory),
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

fn check_value(kind: Kind, value: &str) -> Result<(), String> {
    let integer_with = |units: &[&str]| {
        let digits = value.strip_prefix('-').unwrap_or(value);
        let split = digits
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(digits.len());
        let (number, unit) = digits.split_at(split);
        !number.is_empty() && (unit.is_empty() || units.contains(&unit.trim_start()))
    };
    let ok = match kind {
        Kind::Memory => integer_with(&["B", "kB", "MB", "GB", "TB"]),
        Kind::Time => integer_with(&["us", "ms", "s", "min", "h", "d"]),
        Kind::Integer => value.parse::<i64>().is_ok(),
        Kind::Real => value.parse::<f64>().is_ok_and(f64::is_finite),
        Kind::Bool => ["on", "off", "true", "false", "yes", "no", "1", "0"]
            .contains(&value.to_ascii_lowercase().as_str()),
        Kind::Enum(values) => values.contains(&value),
        Kind::Text => !value.is_empty() && !value.contains(['\n', '\r', '\0']),
    };
    if ok {
        return Ok(());
    }
    Err(match kind {
        Kind::Memory => format!(
            "`{value}` is not an amount of memory: an integer with kB, MB, GB or TB (case-sensitive), e.g. 64MB"
        ),
        Kind::Time => {
            format!("`{value}` is not a duration: an integer with us, ms, s, min, h or d, e.g. 30s")
        }
        Kind::Integer => format!("`{value}` is not an integer"),
        Kind::Real => format!("`{value}` is not a number"),
        Kind::Bool => format!("`{value}` is not a boolean: on or off"),
        Kind::Enum(values) => format!("`{value}` is not one of {}", values.join(", ")),
        Kind::Text => "must be one line of text".to_string(),
    })
}

pub(super) fn check(cluster: &PostgresCluster, report: &mut Report<'_>) {
    for (name, value) in &cluster.spec.postgres.parameters {
        let pointer = format!("/spec/postgres/parameters/{}", crate::yaml::escape(name));
        if let Some((_, instead)) = MANAGED.iter().find(|(m, _)| m == name) {
            report.at_key(&pointer, format!("`{name}` is not set here: {instead}"));
            continue;
        }
        match KNOWN.iter().find(|(known, _)| known == name) {
            Some((_, kind)) => {
                if let Err(why) = check_value(*kind, &value.0) {
                    report.at_value(&pointer, why);
                }
            }
            None => {
                let closest = KNOWN
                    .iter()
                    .map(|(known, _)| (strsim::levenshtein(name, known), *known))
                    .min();
                let hint = match closest {
                    Some((distance, known)) if distance <= 3 => {
                        format!("; did you mean `{known}`?")
                    }
                    _ => String::new(),
                };
                report.at_key(
                    &pointer,
                    format!(
                        "`{name}` is not a parameter pgrender knows{hint} (the README lists them)"
                    ),
                );
            }
        }
    }
}

/// Every parameter pgrender accepts, for the README.
#[cfg(test)]
fn known_names() -> impl Iterator<Item = &'static str> {
    KNOWN.iter().map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_postgresql_reads_them() {
        assert!(check_value(Kind::Memory, "64MB").is_ok());
        assert!(check_value(Kind::Memory, "1024").is_ok());
        assert!(check_value(Kind::Memory, "-1").is_ok());
        assert!(
            check_value(Kind::Memory, "64mb").is_err(),
            "units are case-sensitive"
        );
        assert!(check_value(Kind::Memory, "1.5GB").is_err());
        assert!(check_value(Kind::Time, "30s").is_ok());
        assert!(check_value(Kind::Time, "5 min").is_ok());
        assert!(check_value(Kind::Time, "5 minutes").is_err());
        assert!(check_value(Kind::Bool, "on").is_ok());
        assert!(check_value(Kind::Real, "0.9").is_ok());
        assert!(check_value(Kind::Enum(&["on", "off"]), "maybe").is_err());
    }

    #[test]
    fn known_and_managed_do_not_overlap_and_are_sorted() {
        for (name, _) in MANAGED {
            assert!(!KNOWN.iter().any(|(k, _)| k == name), "{name}");
        }
        let names: Vec<&str> = known_names().collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }
}
