//! What lies outside the cluster, as OpenTofu: with
//! `spec.network.firewall.fortigate`, the FortiGate objects that admit the
//! allowed client networks to the LoadBalancer address, and the address
//! pool as an output for the DHCP server's exclusion.
//!
//! The module never manages the DHCP server itself: the exclusion lives in
//! the `fortios_systemdhcp_server` object of the user's own code, and a
//! module that imported that object would own (and could rewrite) every
//! other setting of it. The output feeds it instead (runbook, "Firewall").

use serde::Serialize;

use crate::spec::value::names::FORTIGATE_NAME_PREFIX;
use crate::spec::{FortiGate, PostgresCluster};

/// The OpenTofu provider for FortiGate (`<name>/opentofu/versions.tf`),
/// pinned exactly. Every resource and attribute pgrender writes is one its
/// documentation lists (fortinetdev/terraform-provider-fortios,
/// `website/docs/r/`, release 1.21.0); `tests/upstream/fortios/` keeps that
/// list with its source, and a test checks the rendered modules against it.
pub const FORTIOS_PROVIDER: &str = "fortinetdev/fortios";
pub const FORTIOS_PROVIDER_VERSION: &str = "1.21.0";

/// OpenTofu's first release; the module uses nothing newer.
pub(crate) const OPENTOFU_REQUIRED_VERSION: &str = ">= 1.6.0";

/// The files of the module, under `<name>/opentofu/`, with their templates.
pub(crate) const FILES: [(&str, &str); 3] = [
    ("opentofu/versions.tf", "opentofu/versions.tf"),
    ("opentofu/main.tf", "opentofu/main.tf"),
    ("opentofu/outputs.tf", "opentofu/outputs.tf"),
];

/// A FortiGate firewall address object.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Address {
    /// The resource's label in the module: stable while the value stays.
    pub label: String,
    /// The object's name on the FortiGate.
    pub name: String,
    /// `address mask`, as FortiOS writes a subnet.
    pub subnet: String,
    pub comment: String,
}

/// Everything the module's templates need, computed once.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FortiGateModule {
    pub provider: &'static str,
    pub provider_version: &'static str,
    pub required_version: &'static str,
    pub vdom: String,
    pub cluster_interface: String,
    pub client_interface: String,
    pub policy_name: String,
    pub policy_comment: String,
    pub log_traffic: &'static str,
    pub load_balancer: Address,
    pub clients: Vec<Address>,
    pub service_name: String,
    pub service_comment: String,
    pub port: u32,
    /// Each pool entry as its first and last address.
    pub dhcp_exclusions: Vec<(String, String)>,
}

/// The module for a validated spec, or `None` without a FortiGate. Every
/// address was parsed when the spec was read and validation refused the
/// spec if one did not parse.
pub(crate) fn fortigate_module(cluster: &PostgresCluster) -> Option<FortiGateModule> {
    let gate: &FortiGate = cluster.spec.network.firewall.fortigate.as_ref()?;
    let name = &cluster.metadata.name;
    let network = &cluster.spec.network;
    let prefix = format!("{FORTIGATE_NAME_PREFIX}{name}");
    let clients = network
        .allowed_clients
        .iter()
        .filter_map(|cidr| cidr.value().copied())
        .map(|net| Address {
            label: format!(
                "client_{}_{}",
                net.network().to_string().replace('.', "_"),
                net.prefix_len()
            ),
            name: format!("{prefix}-{}-{}", net.network(), net.prefix_len()),
            subnet: format!("{} {}", net.network(), net.netmask()),
            comment: format!("pgrender: client network allowed to reach PostgreSQL {name}"),
        })
        .collect();
    let dhcp_exclusions = network
        .address_pool
        .addresses
        .iter()
        .filter_map(|range| range.value())
        .map(|range| (range.first.to_string(), range.last.to_string()))
        .collect();
    Some(FortiGateModule {
        provider: FORTIOS_PROVIDER,
        provider_version: FORTIOS_PROVIDER_VERSION,
        required_version: OPENTOFU_REQUIRED_VERSION,
        vdom: gate.vdom.clone(),
        cluster_interface: gate.cluster_interface.clone(),
        client_interface: gate.client_interface.clone(),
        policy_name: prefix.clone(),
        policy_comment: format!(
            "pgrender: allowed clients to PostgreSQL {name} on TCP {}",
            network.port
        ),
        log_traffic: if gate.log_traffic { "all" } else { "disable" },
        load_balancer: Address {
            label: "load_balancer".into(),
            name: format!("{prefix}-lb"),
            subnet: format!("{} 255.255.255.255", network.load_balancer_ip),
            comment: format!("pgrender: LoadBalancer address of PostgreSQL {name} (MetalLB)"),
        },
        clients,
        service_name: format!("{prefix}-tcp-{}", network.port),
        service_comment: format!("pgrender: PostgreSQL {name}"),
        port: network.port,
        dhcp_exclusions,
    })
}
