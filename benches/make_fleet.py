#!/usr/bin/env python3
"""Write N specs with distinct names and non-overlapping pools into DIR.

Usage: make_fleet.py N DIR
"""
import pathlib
import sys

n, out = int(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for i in range(n):
    a, b = divmod(i, 256)
    (out / f"pg-{i:05d}.yaml").write_text(
        f"""apiVersion: pgrender.dev/v1alpha1
kind: PostgresCluster
metadata:
  name: pg-{i:05d}
spec:
  namespace: pg-{i:05d}
  network:
    loadBalancerIP: 10.{a}.{b}.1
    addressPool:
      name: pool-{i:05d}
      addresses: [10.{a}.{b}.0/30]
  argocd:
    applicationName: pg-{i:05d}
"""
    )
