//! `validate`: load and validate the specs, every problem printed.

use std::path::Path;

use super::{Console, EXIT_OK, warn};
use crate::error::Error;
use crate::pipeline::Pipeline;

pub(crate) fn validate(console: &mut dyn Console, path: &Path) -> Result<u8, Error> {
    let loaded = Pipeline::validating(path)?.load()?;
    warn(console, &loaded.warnings);
    console.out(&format!("ok: {} spec(s) valid\n", loaded.specs.len()))?;
    Ok(EXIT_OK)
}
