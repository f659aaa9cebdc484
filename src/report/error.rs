//! The one error type of the report layer: encoding, decoding, version and file errors.

use std::path::PathBuf;

/// Why a report or baseline could not be rendered, read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The report could not be serialised to JSON.
    #[error("could not encode the report as JSON: {0}")]
    Encode(#[source] serde_json::Error),
    /// The bytes are not a report in the expected JSON shape.
    #[error("could not read the report JSON: {0}")]
    Decode(#[source] serde_json::Error),
    /// The JSON has no numeric `schema_version` at the top level.
    #[error("expected a numeric `schema_version` at the top level of the {what} (found {found})")]
    MissingSchemaVersion {
        /// `report` or `baseline`.
        what: &'static str,
        /// What was there instead (`nothing`, `a string`, ...).
        found: &'static str,
    },
    /// The JSON was written with a schema version this build cannot read.
    #[error(
        "unsupported {what} schema_version: expected {supported} (found {found}); {hint}",
        hint = version_hint(*found, *supported)
    )]
    UnsupportedSchemaVersion {
        /// `report` or `baseline`.
        what: &'static str,
        /// The version in the file.
        found: u64,
        /// The only version this build reads.
        supported: u32,
    },
    /// The baseline file is not in the expected JSON shape.
    #[error("could not read the baseline JSON: {0}")]
    BaselineDecode(#[source] serde_json::Error),
    /// A baseline entry has an empty module or check id.
    #[error("baseline entry {index}: expected non-empty `module` and `check` (found {found:?})")]
    BaselineEntry {
        /// Position of the entry in `expected_failures`, from 0.
        index: usize,
        /// The offending `(module, check)` pair.
        found: (String, String),
    },
    /// A format name that is not one of the known formats.
    #[error("unknown report format: expected one of json, junit, md, markdown, html (found `{0}`)")]
    UnknownFormat(String),
    /// The output directory could not be created.
    #[error("could not create the report directory {path}: {source}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A report file could not be written or moved into place.
    #[error("could not write the report file {path}: {source}")]
    Write {
        /// The file being written (the final name).
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Tells the user what to do about a version mismatch.
fn version_hint(found: u64, supported: u32) -> &'static str {
    if found > u64::from(supported) {
        "it was written by a newer oidc-harness; upgrade oidc-harness to read it"
    } else {
        "it was written by an older oidc-harness that this build no longer reads"
    }
}
