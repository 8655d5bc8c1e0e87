//! `pgrender migrate-guide`: the steps from a cluster on one backend to a
//! cluster on another (the pairs in `backend::migration_template`),
//! written for the two specs involved.

use std::path::Path;

use minijinja::value::Serde;

use crate::error::Error;
use crate::judge::{ValidSpec, check_together};
use crate::pipeline::Pipeline;
use crate::plan::folder::renderer;

/// Load one spec file for the guide.
fn one_spec(path: &Path) -> Result<ValidSpec, Error> {
    if path.is_dir() {
        return Err(Error::NotAMigration(format!(
            "{}: give a spec file, not a folder",
            path.display()
        )));
    }
    let mut loaded = Pipeline::alone(path).load()?;
    Ok(loaded.specs.remove(0))
}

/// The guide as Markdown, or why it cannot be written.
pub(crate) fn guide(old_path: &Path, new_path: &Path) -> Result<String, Error> {
    let old = one_spec(old_path)?;
    let new = one_spec(new_path)?;
    let template =
        crate::backend::migration_template(old.cluster.spec.backend, new.cluster.spec.backend)
            .map_err(|why| {
                Error::NotAMigration(format!(
                    "{} -> {}: {why}",
                    old.source.display, new.source.display
                ))
            })?;
    let (old_major, new_major) = (
        old.cluster.spec.postgres.version,
        new.cluster.spec.postgres.version,
    );
    if new_major.as_str() < old_major.as_str() {
        return Err(Error::NotAMigration(format!(
            "{}: PostgreSQL {} cannot load a dump of PostgreSQL {}; use {} or newer",
            new.source.display,
            new_major.as_str(),
            old_major.as_str(),
            old_major.as_str()
        )));
    }
    // Both run side by side during the move: they must not collide.
    check_together(&[old.clone(), new.clone()], &[]).map_err(Error::Invalid)?;

    let side = |spec: &ValidSpec| {
        let facts = spec.backend.facts(&spec.cluster);
        minijinja::context! {
            name => &spec.cluster.metadata.name,
            // Commands in the guide run from the repository root.
            file => spec.source.repository_path.as_ref().unwrap_or(&spec.source.display),
            // `migrate-guide` takes no --out-root: the folders are where
            // `render` puts them by default.
            folder => format!("{}/{}", crate::read::repository::DEFAULT_OUT_ROOT, spec.cluster.metadata.name),
            spec => Serde(&spec.cluster.spec),
            facts => Serde(facts),
        }
    };
    let context = minijinja::context! { old => side(&old), new => side(&new) };
    renderer()
        .render(template, &context)
        .map_err(|source| Error::Render {
            name: new.cluster.metadata.name.clone(),
            source,
        })
}
