# The FortiGate objects of PostgreSQL {{ name }}, for the OpenTofu (or Terraform) code of your
# infrastructure: call this folder as a module, with your fortios provider configuration
# (README.md, "Firewall"). ArgoCD never applies it: it reads only YAML and JSON.
terraform {
  required_version = "{{ module.required_version }}"

  required_providers {
    fortios = {
      source  = "{{ module.provider }}"
      version = "{{ module.provider_version }}"
    }
  }
}
