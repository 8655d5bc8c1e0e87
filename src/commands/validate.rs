//! `validate`: load and validate the specs, every problem printed.

use std::path::Path;

use super::{Console, EXIT_OK, warn};
use crate::error::Error;
use crate::specs::load_specs;

pub(crate) fn validate(console: &mut dyn Console, path: &Path) -> Result<u8, Error> {
    let loaded = load_specs(path)?;
    warn(console, &loaded.warnings);
    console.out(&format!("ok: {} spec(s) valid\n", loaded.specs.len()))?;
    Ok(EXIT_OK)
}
