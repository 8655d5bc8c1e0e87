//! Rules across every spec rendered together: things that would collide in
//! the cluster or on disk even though each spec is fine alone.

use std::collections::HashMap;

use super::ValidSpec;
use super::net::{Ipv4Range, overlapping_pairs};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::yaml::pointer_to_field_path;

/// Check all specs together. Pools are compared in O(n log n) (sorted
/// sweep), names through hash maps, so a fleet of thousands stays cheap.
pub fn check_together(specs: &[ValidSpec]) -> Result<(), Diagnostics> {
    let mut out = Vec::new();
    unique(specs, &mut out, "/metadata/name", "output folder", |c| {
        c.metadata.name.clone()
    });
    applications_unique(specs, &mut out);
    unique(
        specs,
        &mut out,
        "/spec/network/addressPool/name",
        "MetalLB IPAddressPool",
        |c| c.spec.network.address_pool.name.clone(),
    );
    pools_disjoint(specs, &mut out);
    if out.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics::sorted(out))
    }
}

fn at(spec: &ValidSpec, pointer: &str, message: String) -> Diagnostic {
    Diagnostic {
        file: spec.source.display.clone(),
        pos: spec.source.document.positions.value_pos(pointer),
        field: pointer_to_field_path(pointer),
        message,
    }
}

fn unique(
    specs: &[ValidSpec],
    out: &mut Vec<Diagnostic>,
    pointer: &str,
    what: &str,
    key: impl Fn(&crate::spec::PostgresCluster) -> String,
) {
    let mut first_seen: HashMap<String, &ValidSpec> = HashMap::new();
    for spec in specs {
        let k = key(&spec.cluster);
        match first_seen.get(&k) {
            Some(first) => out.push(at(
                spec,
                pointer,
                format!(
                    "{what} `{k}` is also declared by {}; each spec needs its own",
                    first.source.display
                ),
            )),
            None => {
                first_seen.insert(k, spec);
            }
        }
    }
}

/// No two specs render the same ArgoCD Application (they would fight over it).
fn applications_unique(specs: &[ValidSpec], out: &mut Vec<Diagnostic>) {
    let mut first_seen: HashMap<String, &ValidSpec> = HashMap::new();
    for spec in specs {
        for app in spec.backend.applications(&spec.cluster) {
            match first_seen.get(&app.name) {
                Some(first) => out.push(at(
                    spec,
                    app.field,
                    format!(
                        "ArgoCD Application `{}` is also rendered by {}; {}",
                        app.name, first.source.display, app.remedy
                    ),
                )),
                None => {
                    first_seen.insert(app.name, spec);
                }
            }
        }
    }
}

fn pools_disjoint(specs: &[ValidSpec], out: &mut Vec<Diagnostic>) {
    let mut ranges: Vec<(Ipv4Range, (usize, usize))> = Vec::new();
    for (s, spec) in specs.iter().enumerate() {
        for (a, text) in spec
            .cluster
            .spec
            .network
            .address_pool
            .addresses
            .iter()
            .enumerate()
        {
            // Per-file rules already rejected unparsable ranges.
            if let Ok(range) = Ipv4Range::parse(text) {
                ranges.push((range, (s, a)));
            }
        }
    }
    for ((first, (s1, a1)), (second, (s2, a2))) in overlapping_pairs(&ranges) {
        let (early, late) = if (s1, a1) < (s2, a2) {
            ((first, s1), (second, (s2, a2)))
        } else {
            ((second, s2), (first, (s1, a1)))
        };
        let (late_range, (late_spec, late_addr)) = late;
        let owner = if early.1 == late_spec {
            "another range of the same pool".to_string()
        } else {
            format!("the pool of {}", specs[early.1].source.display)
        };
        out.push(at(
            &specs[late_spec],
            &format!("/spec/network/addressPool/addresses/{late_addr}"),
            format!(
                "{late_range} overlaps {} in {owner}; MetalLB pools must not overlap",
                early.0
            ),
        ));
    }
}
