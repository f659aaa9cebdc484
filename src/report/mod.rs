//! Run reports: the domain value, one writer per format, the file manager and the CI gate.
//!
//! Writers only serialise: each [`ReportWriter`] turns a [`RunReport`] into bytes. [`write_all`]
//! is the manager that puts them on disk (atomically, one file per [`Format`]). The JSON form is
//! the versioned contract ([`SCHEMA_VERSION`], schema in `reports/schema/run-report.v1.json`),
//! read back by [`read_json`]. A [`Baseline`] of expected failures lets CI [`gate`] on new
//! failures only. [`threat_report`] classifies a run against the threat catalog; the markup
//! reports open with it and rank their failures by the threats each leaves open.

mod baseline;
mod error;
mod escape;
mod html;
mod json;
mod junit;
mod markdown;
mod markup;
mod model;
mod summary;
mod threats;
mod write;

#[cfg(test)]
mod tests;

pub use baseline::{BASELINE_SCHEMA_VERSION, Baseline, GateResult, accept, gate};
pub use error::ReportError;
pub use html::HtmlWriter;
pub use json::{JsonWriter, read_json};
pub use junit::JunitWriter;
pub use markdown::MarkdownWriter;
pub use model::{
    Counts, MODULE_CHECK_ID, ModuleResult, ModuleStatus, RunReport, RunVerdict, SCHEMA_VERSION, TargetSummary, Totals,
};
pub use summary::{CONSOLE_ISSUE_LINES, CONSOLE_MESSAGE_CHARS, Tone, console_summary, first_line, paint, summary_line};
pub use threats::{CheckResult, CountermeasureStatus, Mitigation, Outcome, ThreatStatus, threat_report};
pub use write::{Format, write_all};

/// One writer per format; each returns bytes (managers such as [`write_all`] write files).
pub trait ReportWriter {
    /// Renders the whole report in this writer's format.
    fn render(&self, report: &RunReport) -> Result<Vec<u8>, ReportError>;
    /// The file name this format is written to inside a run directory, e.g. `report.json`.
    fn file_name(&self) -> &'static str;
}
