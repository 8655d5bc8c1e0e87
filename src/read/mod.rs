//! Reading the disk: finding spec files and reading them (bounded, YAML
//! with positions), the problems found in them as diagnostics, where the
//! repository lies and what git says about it.

pub(crate) mod checksums;
pub(crate) mod diagnostic;
pub(crate) mod git;
pub(crate) mod load;
pub(crate) mod parallel;
pub(crate) mod repository;
pub(crate) mod yaml;
