//! The values a spec holds, each read once into its type: Kubernetes
//! quantities, IPv4 addresses and ranges, cron schedules, the names
//! Kubernetes and ArgoCD accept, chart and image versions, and PostgreSQL
//! settings as the server of each major reads them.

pub(crate) mod cron;
pub(crate) mod names;
pub(crate) mod net;
pub(crate) mod pg_settings;
pub(crate) mod quantity;
pub(crate) mod typed;
pub(crate) mod version;
