#!/usr/bin/env python3
"""Baseline for the benchmarks: the same job as `pgrender render` for the
Bitnami backend, written the obvious way in Python with jinja2 + PyYAML +
jsonschema. It reads every spec under SPECS, validates it against
schemas/pgcluster.schema.json, fills in defaults, renders the same templates
and writes the files with a CHECKSUMS file into OUT/<name>/.

It exists only to be timed against; it skips pgrender's semantic rules,
atomic writes and error reporting, so it does less work than pgrender.

Usage: baseline.py SPECS OUT
"""

import hashlib
import json
import pathlib
import sys

import jinja2
import jsonschema
import yaml
from markupsafe import Markup

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
SCHEMA = json.loads((ROOT / "schemas" / "pgcluster.schema.json").read_text())


def merge(defaults, given):
    if isinstance(defaults, dict) and isinstance(given, dict):
        out = dict(defaults)
        for key, value in given.items():
            out[key] = merge(defaults.get(key), value)
        return out
    return given if given is not None else defaults


def quote(value):
    # The `.yaml` templates quote every value as JSON, like pgrender does.
    if isinstance(value, Markup):
        return value
    return Markup(json.dumps(value, ensure_ascii=False))


def metadata(name, spec, component=None, extra=None, annotations=True):
    # pgrender's `metadata` template function: the labels of every object,
    # then the common annotations.
    common = spec.get("commonLabels") or {}
    lines = ["    app.kubernetes.io/managed-by: pgrender", f"    app.kubernetes.io/part-of: {quote(name)}"]
    if component:
        lines.append(f"    app.kubernetes.io/component: {component}")
    lines += [f"    {quote(k)}: {quote(v)}" for k, v in (extra or {}).items() if k not in common]
    lines += [f"    {quote(k)}: {quote(v)}" for k, v in common.items()]
    notes = spec.get("commonAnnotations") or {}
    if annotations and notes:
        lines.append("  annotations:")
        lines += [f"    {quote(k)}: {quote(v)}" for k, v in notes.items()]
    return Markup("\n".join(lines))


def common_annotations(spec):
    notes = spec.get("commonAnnotations") or {}
    return Markup("".join(f"\n    {quote(k)}: {quote(v)}" for k, v in notes.items()))


def environments():
    common = dict(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    yaml_env, md_env = jinja2.Environment(finalize=quote, **common), jinja2.Environment(**common)
    for env in (yaml_env, md_env):
        env.globals.update(metadata=metadata, common_annotations=common_annotations)
    return yaml_env, md_env


def context(name, spec):
    images = spec["bitnami"]["images"]
    repo = spec["bitnami"]["chart"]["repoURL"]
    oci = repo.startswith("oci://")
    tag = {"16": "16.1.0-debian-11-r19", "15": "15.4.0-debian-11-r31"}[str(spec["postgres"]["version"])]
    parameters = spec["postgres"].get("parameters") or {}
    chart = {
        "extended_conf": "".join(f"{k} = '{v}'\n" for k, v in sorted(parameters.items())) or None,
        "name": spec["bitnami"]["chart"]["name"],
        "repo_url": repo[len("oci://"):] if oci else repo,
        "oci": oci,
        "allow_insecure_images": False,
        "images": [
            {"key": key, "registry": images["registry"], "repository": f'{images["namespace"]}/{image}',
             "tag": tag if key == "postgresql" else None}
            for key, image in [("postgresql", "postgresql-repmgr"), ("pgpool", "pgpool"),
                               ("metrics", "postgres-exporter"), ("volumePermissions", "os-shell")]
        ],
    }
    labels = {"app.kubernetes.io/instance": name, "app.kubernetes.io/name": "postgresql-ha"}
    ns = spec["namespace"]
    instances = spec["postgres"]["instances"]
    facts = {
        "title": "Bitnami postgresql-ha",
        "health": f"`kubectl -n {ns} rollout status statefulset {name}-postgresql` reports every pod ready",
        "removal": f"ArgoCD removes the chart's Application and its workloads; the data volumes `data-{name}-postgresql-*` stay",
        "data_claims_selector": f"app.kubernetes.io/instance={name}",
        "service_host": f"{name}-pgpool.{ns}.svc.cluster.local",
        "primary_candidates": [f"{name}-postgresql-{i}.{name}-postgresql-headless.{ns}.svc.cluster.local"
                               for i in range(instances)],
        "credentials_by_operator": False,
        "server_pod_regex": f"{name}-postgresql-[0-9]+",
        "client_image": f'{images["registry"]}/{images["namespace"]}/postgresql-repmgr:{tag}',
        "run_as_user": 1001, "superuser": "postgres",
        "password_secret": spec["auth"]["existingSecret"], "password_key": "password",
        "secret_keys": [{"key": k, "purpose": p, "value": None} for k, p in
                        [("password", "superuser"), ("repmgr-password", "repmgr"), ("admin-password", "pgpool")]],
        "secret_type": "Opaque", "secret_readers": "The chart and the backup job",
        "entry_pods": "a pgpool pod", "server_container": "postgresql",
        "internal_database": "repmgr", "users_share_secret": True,
        "exporter": "postgres-exporter runs beside each PostgreSQL container", "scrape_object": "ServiceMonitor",
        "metrics": {"up": "pg_up", "replication_lag": "pg_replication_lag_seconds",
                    "connections": "pg_stat_activity_count", "database_size": "pg_database_size_bytes",
                    "wal_size": None},
        "data_claim_regex": f"data-{name}-postgresql-[0-9]+",
        "server_labels": {**labels, "app.kubernetes.io/component": "postgresql"},
        "proxy_labels": {**labels, "app.kubernetes.io/component": "pgpool"},
        "cluster_labels": labels, "postgres_port": 5432, "client_port": 5432, "metrics_port": 9187,
        "extra_ingress": [],
    }
    pods = f'namespace="{ns}", pod=~"{name}-postgresql-[0-9]+"'
    limits = spec["monitoring"]["alerts"]
    alerts = [
        {"name": "PostgresInstanceDown", "expr": f"pg_up{{{pods}}} == 0", "duration": "1m"},
        {"name": "PostgresReplicationLag",
         "expr": f'max by (pod) (pg_replication_lag_seconds{{{pods}}}) > {limits["replicationLagSeconds"]}',
         "duration": "2m"},
        {"name": "PostgresBackupTooOld",
         "expr": f'time() - kube_cronjob_status_last_successful_time{{namespace="{ns}", cronjob="{name}-backup"}} > {limits["backupMaxAgeHours"] * 3600}',
         "duration": "10m"},
    ]
    for alert in alerts:
        alert.update(severity="warning", summary=alert["name"], description=alert["name"],
                     anchor="alert-" + alert["name"].lower(),
                     runbook_url=f'kubernetes/applications/{name}/README.md#alert-{alert["name"].lower()}')
    return {"name": name, "spec": spec, "chart": chart, "facts": facts, "alerts": alerts,
            "folder": f"kubernetes/applications/{name}",
            "values_file": f"kubernetes/applications/{name}/values/values.yaml", "spec_file": name,
            "values_from_git": spec["argocd"].get("gitRepoURL") is not None,
            "drill_schedule": drill_schedule(spec["backup"])}


def drill_schedule(backup):
    if backup["drill"].get("schedule"):
        return backup["drill"]["schedule"]
    fields = backup["schedule"].split()
    if len(fields) == 5 and fields[2:] == ["*", "*", "*"] and all(f.isdigit() for f in fields[:2]):
        minute, hour = int(fields[0]), int(fields[1])
        if minute < 60 and hour < 24:
            return f"{minute} {(hour + 3) % 24} * * 0"
    return "0 5 * * 0"


def render(path, out, yaml_env, md_env, validator, defaults):
    document = yaml.safe_load(path.read_text())
    validator.validate(document)
    name = document["metadata"]["name"]
    spec = merge(defaults, document.get("spec") or {})
    ctx = context(name, spec)
    values = yaml_env.get_template("bitnami/values.yaml").render(ctx)
    ctx["values"] = Markup(values)
    files = {
        "values/values.yaml": values,
        "application.yaml": yaml_env.get_template("bitnami/application.yaml").render(ctx),
        "argocd-repository.yaml": yaml_env.get_template("common/argocd-repository.yaml").render(ctx),
        "namespace.yaml": yaml_env.get_template("common/namespace.yaml").render(ctx),
        "metallb/ip-address-pool.yaml": yaml_env.get_template("common/ip-address-pool.yaml").render(ctx),
        "backup/cronjob.yaml": yaml_env.get_template("common/backup-cronjob.yaml").render(ctx),
        "backup/restore-job.yaml": yaml_env.get_template("common/restore-job.yaml").render(ctx),
        "backup/restore-drill.yaml": yaml_env.get_template("common/restore-drill.yaml").render(ctx),
        "network-policy.yaml": yaml_env.get_template("common/network-policy.yaml").render(ctx),
        "monitoring/prometheus-rule.yaml": yaml_env.get_template("common/prometheus-rule.yaml").render(ctx),
        "README.md": md_env.get_template("bitnami/README.md").render(ctx),
    }
    header = f"# Generated from {path.name} (PostgresCluster {name}).\n"
    target = out / name
    lines = []
    for rel, text in sorted(files.items()):
        data = (header + text).encode()
        file = target / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
        lines.append(f"{hashlib.sha256(data).hexdigest()}  {rel}\n")
    (target / "CHECKSUMS").write_text("".join(lines))


def main():
    specs, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    yaml_env, md_env = environments()
    validator = jsonschema.Draft202012Validator(SCHEMA)
    defaults = SCHEMA["properties"]["spec"]["default"]
    paths = [specs] if specs.is_file() else sorted(specs.rglob("*.yaml"))
    for path in paths:
        render(path, out, yaml_env, md_env, validator, defaults)


if __name__ == "__main__":
    main()
