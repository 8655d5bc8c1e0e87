//! `validate`: load and validate the specs, every problem printed.

use std::path::Path;

use super::{Console, EXIT_OK, fleet_for, warn};
use crate::error::Error;
use crate::specs::{LoadOptions, load_specs_with};

pub(crate) fn validate(console: &mut dyn Console, path: &Path) -> Result<u8, Error> {
    // The specs rendered into the repository's output root are one fleet.
    let options = LoadOptions {
        fleet: fleet_for(None)?,
        ..Default::default()
    };
    let loaded = load_specs_with(path, &options)?;
    warn(console, &loaded.warnings);
    console.out(&format!("ok: {} spec(s) valid\n", loaded.specs.len()))?;
    Ok(EXIT_OK)
}
