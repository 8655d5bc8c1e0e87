#!/usr/bin/env python3
"""Baseline for the benchmarks: the same job as `pgrender render` for the
Bitnami backend, written the obvious way in Python with jinja2 + PyYAML +
jsonschema. It reads every spec under SPECS, validates it against
schemas/pgcluster.schema.json, renders the same templates and writes the
files with a CHECKSUMS file into OUT/<name>/.

What the templates read (each backend's facts, the alerts, the chart's
images) comes from pgrender itself (CONTEXTS, one JSON object per spec,
printed by `cargo bench --bench contexts -- SPECS`), so this file restates
no backend fact. It exists only to be timed against; it skips pgrender's
semantic rules, atomic writes and error reporting, so it does less work
than pgrender.

Usage: baseline.py SPECS OUT CONTEXTS
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


SHARED = {
    "namespace.yaml": "common/namespace.yaml",
    "metallb/ip-address-pool.yaml": "common/ip-address-pool.yaml",
    "backup/scripts.yaml": "common/backup-scripts.yaml",
    "backup/cronjob.yaml": "common/backup-cronjob.yaml",
    "backup/restore-job.yaml": "common/restore-job.yaml",
    "backup/restore-drill.yaml": "common/restore-drill.yaml",
    "network-policy.yaml": "common/network-policy.yaml",
    "monitoring/prometheus-rule.yaml": "common/prometheus-rule.yaml",
}


def render(path, out, yaml_env, md_env, validator, contexts):
    document = yaml.safe_load(path.read_text())
    validator.validate(document)
    name = document["metadata"]["name"]
    ctx = dict(contexts[name])
    values = yaml_env.get_template("bitnami/values.yaml").render(ctx)
    ctx["values"] = Markup(values)
    files = {
        "values/values.yaml": values,
        "application.yaml": yaml_env.get_template("bitnami/application.yaml").render(ctx),
        "argocd-repository.yaml": yaml_env.get_template("common/argocd-repository.yaml").render(ctx),
        "README.md": md_env.get_template("bitnami/README.md").render(ctx),
    }
    for rel, template in SHARED.items():
        files[rel] = yaml_env.get_template(template).render(ctx)
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
    specs, out, contexts = (pathlib.Path(arg) for arg in sys.argv[1:4])
    yaml_env, md_env = environments()
    validator = jsonschema.Draft202012Validator(SCHEMA)
    known = {}
    for line in contexts.read_text().splitlines():
        entry = json.loads(line)
        known[entry["name"]] = entry["context"]
    paths = [specs] if specs.is_file() else sorted(specs.rglob("*.yaml"))
    for path in paths:
        render(path, out, yaml_env, md_env, validator, known)


if __name__ == "__main__":
    main()
