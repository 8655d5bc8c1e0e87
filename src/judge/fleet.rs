//! Rules across every spec rendered together: things that would collide in
//! the cluster or on disk even though each spec is fine alone. Each
//! conflict is reported once, at one side, naming the other side's
//! file:line:column; at the file the user named when that is one side.

use std::collections::HashMap;

use super::ValidSpec;
use crate::read::diagnostic::{Diagnostic, Diagnostics};
use crate::read::yaml::pointer_to_field_path;
use crate::spec::value::net::{Ipv4Range, overlapping_pairs};

/// Check all specs together. `named` are the spec files the user gave
/// (their display paths), whose side of a conflict is reported. Pools are compared
/// in O(n log n) (sorted sweep), names through hash maps, so a fleet of
/// thousands stays cheap.
pub fn check_together(specs: &[ValidSpec], named: &[&str]) -> Result<(), Diagnostics> {
    let fleet = Fleet { specs, named };
    let mut out = Vec::new();
    fleet.unique(
        &mut out,
        "/metadata/name",
        "output folder",
        "each spec needs its own",
        |c| c.metadata.name.clone(),
    );
    fleet.applications_unique(&mut out);
    fleet.unique(
        &mut out,
        "/spec/network/addressPool/name",
        "MetalLB IPAddressPool",
        "each spec needs its own",
        |c| c.spec.network.address_pool.name.clone(),
    );
    fleet.unique(
        &mut out,
        "/spec/namespace",
        "namespace",
        "both would emit its Namespace object, and pruning one cluster's would delete the other's; \
         give each spec its own spec.namespace",
        |c| c.spec.namespace.0.clone(),
    );
    fleet.pools_disjoint(&mut out);
    if out.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics::sorted(out))
    }
}

struct Fleet<'a> {
    specs: &'a [ValidSpec],
    named: &'a [&'a str],
}

/// One side of a conflict: a spec and the field involved.
#[derive(Clone, Copy)]
struct Side<'a, 'p> {
    spec: &'a ValidSpec,
    pointer: &'p str,
}

impl Side<'_, '_> {
    /// `file:line:column` of the field, or the file alone when the value
    /// is a default the file does not write.
    fn location(&self) -> String {
        let source = &self.spec.source;
        if source.document.value.pointer(self.pointer).is_none() {
            return format!("{} (by default)", source.display);
        }
        let pos = source.document.positions.value_pos(self.pointer);
        format!("{}:{}:{}", source.display, pos.line, pos.column)
    }
}

impl Fleet<'_> {
    /// A conflict between an earlier and a later side, reported at the
    /// later one unless the earlier is the other spec and the file the
    /// user named.
    fn conflict(
        &self,
        earlier: Side<'_, '_>,
        later: Side<'_, '_>,
        message: impl Fn(&str) -> String,
    ) -> Diagnostic {
        let (here, there) = if self.reports_earlier(earlier.spec, later.spec) {
            (earlier, later)
        } else {
            (later, earlier)
        };
        Diagnostic {
            file: here.spec.source.display.clone(),
            pos: here.spec.source.document.positions.value_pos(here.pointer),
            field: pointer_to_field_path(here.pointer),
            message: message(&there.location()),
        }
    }

    fn reports_earlier(&self, earlier: &ValidSpec, later: &ValidSpec) -> bool {
        let named = |spec: &ValidSpec| self.named.contains(&spec.source.display.as_str());
        named(earlier) && !named(later)
    }

    fn unique(
        &self,
        out: &mut Vec<Diagnostic>,
        pointer: &str,
        what: &str,
        remedy: &str,
        key: impl Fn(&crate::spec::PostgresCluster) -> String,
    ) {
        let mut first_seen: HashMap<String, &ValidSpec> = HashMap::new();
        for spec in self.specs {
            let k = key(&spec.cluster);
            match first_seen.get(&k) {
                Some(first) => out.push(self.conflict(
                    Side {
                        spec: first,
                        pointer,
                    },
                    Side { spec, pointer },
                    |other| format!("{what} `{k}` is also declared by {other}; {remedy}"),
                )),
                None => {
                    first_seen.insert(k, spec);
                }
            }
        }
    }

    /// No two specs render the same ArgoCD Application (they would fight over it).
    fn applications_unique(&self, out: &mut Vec<Diagnostic>) {
        let mut first_seen: HashMap<String, (&ValidSpec, &'static str)> = HashMap::new();
        for spec in self.specs {
            for app in spec
                .backend
                .applications(&spec.cluster)
                .into_iter()
                .chain(crate::backend::kit::folder_application(&spec.cluster))
            {
                match first_seen.get(&app.name) {
                    Some((first, field)) => out.push(self.conflict(
                        Side {
                            spec: first,
                            pointer: field,
                        },
                        Side {
                            spec,
                            pointer: app.field,
                        },
                        |other| {
                            format!(
                                "ArgoCD Application `{}` is also rendered by {other}; {}",
                                app.name, app.remedy
                            )
                        },
                    )),
                    None => {
                        first_seen.insert(app.name, (spec, app.field));
                    }
                }
            }
        }
    }

    fn pools_disjoint(&self, out: &mut Vec<Diagnostic>) {
        let mut ranges: Vec<(Ipv4Range, (usize, usize))> = Vec::new();
        for (s, spec) in self.specs.iter().enumerate() {
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
                if let Some(range) = text.value() {
                    ranges.push((*range, (s, a)));
                }
            }
        }
        for ((first, (s1, a1)), (second, (s2, a2))) in overlapping_pairs(&ranges) {
            let ((early, (es, ea)), (late, (ls, la))) = if (s1, a1) < (s2, a2) {
                ((first, (s1, a1)), (second, (s2, a2)))
            } else {
                ((second, (s2, a2)), (first, (s1, a1)))
            };
            let pointer = |a: usize| format!("/spec/network/addressPool/addresses/{a}");
            let (early_pointer, late_pointer) = (pointer(ea), pointer(la));
            let earlier = Side {
                spec: &self.specs[es],
                pointer: &early_pointer,
            };
            let later = Side {
                spec: &self.specs[ls],
                pointer: &late_pointer,
            };
            let (here_range, there_range) = if self.reports_earlier(earlier.spec, later.spec) {
                (early, late)
            } else {
                (late, early)
            };
            out.push(self.conflict(earlier, later, |other| {
                let owner = if es == ls {
                    format!("another range of the same pool ({other})")
                } else {
                    format!("the pool of {other}")
                };
                format!(
                    "{here_range} overlaps {there_range} in {owner}; MetalLB pools must not overlap"
                )
            }));
        }
    }
}
