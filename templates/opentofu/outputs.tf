output "dhcp_exclude_ranges" {
  description = "MetalLB's address pool: exclude each range from the DHCP server of {{ module.cluster_interface }} (README.md, Firewall)."
  value = [
{% for range in module.dhcp_exclusions %}
    { start_ip = "{{ range[0] }}", end_ip = "{{ range[1] }}" },
{% endfor %}
  ]
}

output "load_balancer_address" {
  description = "The address clients connect to."
  value       = "{{ spec.network.loadBalancerIP }}"
}

output "policy_name" {
  description = "The firewall policy pgrender wrote; place it in your policy order."
  value       = fortios_firewall_policy.postgresql.name
}
