//! Settings that cannot work in the pod: memory PostgreSQL takes at start
//! or under ordinary load beyond `spec.resources.memory` (the container's
//! limit: past it, the kernel kills the server), and a WAL size range that
//! is upside down. Unset settings count with PostgreSQL's own defaults.

use super::effective;
use crate::read::diagnostic::Report;
use crate::spec::PostgresCluster;

/// `wal_buffers = -1` is 1/32 of `shared_buffers`, between 64kB and one
/// WAL segment (16MB unless initdb was told otherwise).
fn automatic_wal_buffers(shared_buffers: f64) -> f64 {
    (shared_buffers / 32.0).clamp(64.0 * 1024.0, 16.0 * 1024.0 * 1024.0)
}

/// `1.5 GiB`, `64 MiB`: amounts in this module's messages.
fn shown(bytes: f64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes >= 1024.0 * MIB {
        format!("{:.1} GiB", bytes / (1024.0 * MIB))
    } else {
        format!("{:.0} MiB", bytes / MIB)
    }
}

pub(super) fn check(cluster: &PostgresCluster, major: u32, report: &mut Report<'_>) {
    // A memory the rules refuse (`4000m`) has its own message already.
    let Some(limit) = cluster
        .spec
        .resources
        .memory
        .value()
        .filter(|q| q.fits(crate::spec::value::quantity::Measure::Bytes).is_ok())
        .map(|q| q.value())
    else {
        return;
    };
    let set = |name: &str| cluster.spec.postgres.parameters.contains_key(name);
    let at = |name: &str, otherwise: &str| {
        if set(name) {
            format!("/spec/postgres/parameters/{name}")
        } else {
            otherwise.to_string()
        }
    };
    let bytes = |name: &str| -> Option<f64> {
        let (definition, value) = effective(cluster, major, name)?;
        definition.bytes(&value)
    };
    let Some(shared_buffers) = bytes("shared_buffers") else {
        return;
    };
    let wal_buffers = bytes("wal_buffers").unwrap_or_else(|| automatic_wal_buffers(shared_buffers));
    let at_start = shared_buffers + wal_buffers;
    let memory = cluster.spec.resources.memory.text();
    if at_start >= limit {
        report.at_value(
            &at("shared_buffers", "/spec/resources/memory"),
            format!(
                "shared_buffers and wal_buffers take {} when PostgreSQL starts, as much as resources.memory ({memory}) or more: the server is killed once its buffers fill; a quarter of the memory is the usual start",
                shown(at_start)
            ),
        );
        return;
    }
    if let (Some(work_mem), Some(vacuum_mem)) = (bytes("work_mem"), autovacuum_memory(&bytes)) {
        let workers = effective(cluster, major, "autovacuum_max_workers")
            .and_then(|(d, v)| d.read(&v).ok().flatten())
            .unwrap_or(0.0);
        let connections = f64::from(cluster.spec.postgres.max_connections);
        let needed = at_start + connections * work_mem + workers * vacuum_mem;
        if needed > limit {
            let fit = ((limit - at_start - workers * vacuum_mem) / work_mem)
                .floor()
                .max(0.0);
            report.at_value(
                &at("work_mem", "/spec/postgres/maxConnections"),
                format!(
                    "{connections} connections using work_mem ({}) once each, {workers} autovacuum workers ({} each) and the buffers ({}) need {}, more than resources.memory ({memory}): under load the server is killed; {fit} connections fit, or lower work_mem, or raise the memory",
                    shown(work_mem),
                    shown(vacuum_mem),
                    shown(at_start),
                    shown(needed),
                ),
            );
        }
    }
    if let (Some(min), Some(max)) = (bytes("min_wal_size"), bytes("max_wal_size"))
        && min > max
    {
        report.at_value(
            &at("min_wal_size", "/spec/postgres/parameters/max_wal_size"),
            format!(
                "min_wal_size ({}) is larger than max_wal_size ({}): checkpoints would run to keep WAL below a size it must stay above",
                shown(min),
                shown(max)
            ),
        );
    }
}

/// What one autovacuum worker may take: `autovacuum_work_mem`, or
/// `maintenance_work_mem` where that is -1.
fn autovacuum_memory(bytes: &impl Fn(&str) -> Option<f64>) -> Option<f64> {
    bytes("autovacuum_work_mem").or_else(|| bytes("maintenance_work_mem"))
}
