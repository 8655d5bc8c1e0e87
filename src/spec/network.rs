//! How clients reach the cluster: the LoadBalancer address, its MetalLB
//! pool, who may connect, and the firewall in front.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{AddressRange, Cidr, IpAddress, Typed};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Network {
    /// The LoadBalancer address MetalLB assigns; must lie in the pool.
    #[serde(rename = "loadBalancerIP")]
    pub load_balancer_ip: IpAddress,
    /// Service port. Research: 5432.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u32,
    pub address_pool: AddressPool,
    /// CIDRs allowed to reach the port (NetworkPolicy and firewall notes).
    pub allowed_clients: Vec<Cidr>,
    /// Namespaces whose pods may connect from inside the cluster. With a
    /// NetworkPolicy in place (any allowedClients), no other in-cluster
    /// client gets through.
    pub allowed_namespaces: Vec<String>,
    /// The firewall in front of the cluster VLAN, as OpenTofu code.
    pub firewall: Firewall,
}

/// Firewalls pgrender writes rules for (`<name>/opentofu/`); none by default.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct Firewall {
    /// A FortiGate: with it, `render` writes an OpenTofu module that
    /// admits `allowedClients` to the LoadBalancer address on `port`, and
    /// outputs the address pool for the DHCP server's exclusion.
    pub fortigate: Option<FortiGate>,
}

/// The FortiGate between the allowed clients and the cluster VLAN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FortiGate {
    /// The FortiGate interface that faces the cluster VLAN (the policy's
    /// destination interface), e.g. `vlan10`.
    #[schemars(length(min = 1, max = 15))]
    pub cluster_interface: String,
    /// The FortiGate interface that faces the allowed clients (the policy's
    /// source interface), e.g. `vlan20`.
    #[schemars(length(min = 1, max = 15))]
    pub client_interface: String,
    /// The VDOM that holds both interfaces.
    #[serde(default = "FortiGate::default_vdom")]
    #[schemars(length(min = 1, max = 31))]
    pub vdom: String,
    /// Log every session the policy accepts (FortiOS `logtraffic all`);
    /// false logs none.
    #[serde(default = "FortiGate::default_log_traffic")]
    pub log_traffic: bool,
}

impl FortiGate {
    fn default_vdom() -> String {
        "root".into()
    }

    fn default_log_traffic() -> bool {
        true
    }
}

impl Default for Network {
    fn default() -> Self {
        Network {
            load_balancer_ip: IpAddress::new("192.168.10.100"),
            port: 5432,
            address_pool: AddressPool::default(),
            allowed_clients: vec![Cidr::new("192.168.20.0/24")],
            allowed_namespaces: Vec::new(),
            firewall: Firewall::default(),
        }
    }
}

impl Network {
    /// Whether a NetworkPolicy restricts who connects: it does as soon as
    /// any client network or namespace is listed.
    pub fn has_policy(&self) -> bool {
        !self.allowed_clients.is_empty() || !self.allowed_namespaces.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase", default)]
pub struct AddressPool {
    /// Name of the MetalLB IPAddressPool.
    #[schemars(length(min = 1, max = 63))]
    pub name: String,
    /// Ranges `a.b.c.d-a.b.c.e` or CIDRs; exclude them from your DHCP server.
    #[schemars(length(min = 1))]
    pub addresses: Vec<AddressRange>,
    /// Announce the pool in L2 mode (research: MetalLB L2).
    pub l2_advertisement: bool,
}

impl AddressPool {
    /// The entries as written.
    pub fn texts(&self) -> Vec<&str> {
        self.addresses.iter().map(Typed::text).collect()
    }
}

impl Default for AddressPool {
    fn default() -> Self {
        AddressPool {
            name: "postgresql-pool".into(),
            addresses: vec![AddressRange::new("192.168.10.100-192.168.10.110")],
            l2_advertisement: true,
        }
    }
}
