//! Dumps, where they are kept, and the drill that proves they restore.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CronSchedule, Quantity};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Backup {
    /// Cron schedule, 5 fields. Research: daily at 02:00.
    pub schedule: CronSchedule,
    /// IANA time zone of the schedule (CronJob `timeZone`).
    pub time_zone: String,
    /// Dumps older than this many days are deleted after a successful dump.
    #[schemars(range(min = 1, max = 3650))]
    pub retention_days: u32,
    /// Databases to dump, each with `pg_dump`; empty means every database
    /// but the templates and the backend's own (the research has no
    /// bootstrap database, so the default is empty).
    pub databases: Vec<String>,
    pub storage: BackupStorage,
    pub drill: Drill,
}

impl Default for Backup {
    fn default() -> Self {
        Backup {
            schedule: CronSchedule::new("0 2 * * *"),
            time_zone: "Etc/UTC".into(),
            retention_days: 7,
            databases: Vec::new(),
            storage: BackupStorage::default(),
            drill: Drill::default(),
        }
    }
}

impl Backup {
    /// When the drill runs: its own schedule, else weekly on Sunday three
    /// hours after a daily backup's time (05:00 for anything else).
    pub fn drill_schedule(&self) -> String {
        if let Some(schedule) = &self.drill.schedule {
            return schedule.text().to_string();
        }
        let fields: Vec<&str> = self.schedule.text().split_whitespace().collect();
        match fields[..] {
            [minute, hour, "*", "*", "*"] => match (minute.parse::<u32>(), hour.parse::<u32>()) {
                (Ok(minute), Ok(hour)) if minute < 60 && hour < 24 => {
                    format!("{minute} {} * * 0", (hour + 3) % 24)
                }
                _ => "0 5 * * 0".into(),
            },
            _ => "0 5 * * 0".into(),
        }
    }
}

/// The restore drill: a CronJob that restores the newest complete dump set
/// into a throwaway server in its own pod and compares it with the set's
/// manifest, so a backup is known to restore before it is needed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Drill {
    pub enabled: bool,
    /// Cron schedule, 5 fields; unset: weekly on Sunday, three hours after
    /// a daily backup's time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<CronSchedule>,
}

impl Default for Drill {
    fn default() -> Self {
        Drill {
            enabled: true,
            schedule: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct BackupStorage {
    /// Size of the backup volume.
    pub size: Quantity,
    /// StorageClass of the backup PVC (ignored, and rejected if written,
    /// when `nfs` is set).
    #[schemars(length(min = 1))]
    pub storage_class: String,
    /// Write dumps to an NFS export instead of a PVC.
    pub nfs: Option<Nfs>,
}

impl Default for BackupStorage {
    fn default() -> Self {
        BackupStorage {
            size: "20Gi".into(),
            storage_class: "local-path".into(),
            nfs: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Nfs {
    /// NFS server address or host name.
    #[schemars(length(min = 1))]
    pub server: String,
    /// Absolute export path.
    #[schemars(length(min = 1))]
    pub path: String,
}
