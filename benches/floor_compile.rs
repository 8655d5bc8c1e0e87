//! A reference point for `benches/run.sh`, not a benchmark of a whole
//! render: a process that only compiles, in pgrender's own template
//! environment, the templates one `render` of the reference spec uses. Its
//! time is what that costs in a fresh process (in a warm loop, about a third
//! of that).
//!
//! Usage: floor_compile

use pgrender::render::{Renderer, template_names};

/// What one Bitnami render of the reference spec compiles: every template
/// but the CloudNativePG backend's and the migration guide (which only
/// `migrate-guide` uses). Taken from the embedded list, so a template added
/// to `common/` is counted without editing this file.
fn rendered_by_bitnami(name: &str) -> bool {
    !name.starts_with("cloudnative-pg/") && name != "migration.md"
}

fn main() {
    let renderer = Renderer::new();
    for name in template_names().filter(|n| rendered_by_bitnami(n)) {
        renderer.compile(name).expect("the template compiles");
    }
}
