# Admits {{ spec.network.allowedClients|join(", ") }} on {{ module.client_interface }} to {{ spec.network.loadBalancerIP }}:{{ module.port }} on {{ module.cluster_interface }}.
{% for address in [module.load_balancer] + module.clients %}
resource "fortios_firewall_address" "{{ address.label }}" {
  name      = "{{ address.name }}"
  type      = "ipmask"
  subnet    = "{{ address.subnet }}"
  comment   = "{{ address.comment }}"
  vdomparam = "{{ module.vdom }}"
}

{% endfor %}
resource "fortios_firewallservice_custom" "postgresql" {
  name          = "{{ module.service_name }}"
  protocol      = "TCP/UDP/SCTP"
  tcp_portrange = "{{ module.port }}"
  comment       = "{{ module.service_comment }}"
  vdomparam     = "{{ module.vdom }}"
}

resource "fortios_firewall_policy" "postgresql" {
  name       = "{{ module.policy_name }}"
  action     = "accept"
  schedule   = "always"
  nat        = "disable"
  logtraffic = "{{ module.log_traffic }}"
  comments   = "{{ module.policy_comment }}"
  vdomparam  = "{{ module.vdom }}"

  srcintf {
    name = "{{ module.client_interface }}"
  }

  dstintf {
    name = "{{ module.cluster_interface }}"
  }
{% for address in module.clients %}

  srcaddr {
    name = fortios_firewall_address.{{ address.label }}.name
  }
{% endfor %}

  dstaddr {
    name = fortios_firewall_address.{{ module.load_balancer.label }}.name
  }

  service {
    name = fortios_firewallservice_custom.postgresql.name
  }
}
