//! The output tree on disk: reading what an earlier render left, writing a
//! new one atomically, and comparing the two for `check`.

mod baseline;
pub(crate) mod changes;
mod compare;
mod existing;
pub(crate) mod review;
mod write;

pub(crate) use baseline::{Baseline, PendingBaseline};
pub(crate) use compare::{Drift, compare, orphans, print_drift, read_folder};
pub(crate) use existing::render_would_refuse;
pub(crate) use write::{WriteOutcome, Writer, leftovers};

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The files of an output folder on disk: relative path (with `/`) to bytes.
pub(crate) type Folder = BTreeMap<String, Vec<u8>>;

/// Why the output tree could not be written (or read for comparison).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: {message}")]
    Refused { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}: another pgrender is writing this output root right now; wait for it to finish (it holds a lock on the folder)"
    )]
    Locked { path: PathBuf },
    #[error("{path}: cannot read the committed output: {why}")]
    Git { path: PathBuf, why: String },
}

impl OutputError {
    fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> OutputError {
        let path = path.into();
        move |source| OutputError::Io { path, source }
    }
}
