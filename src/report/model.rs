//! The run report: one domain value describing a whole conformance run.
//!
//! Writers (JSON, JUnit, Markdown, HTML) turn a [`RunReport`] into bytes. The JSON form is the
//! versioned contract (`schema_version`; schema in `reports/schema/`).

use serde::{Deserialize, Serialize};

use crate::checks::{Finding, Status};
use crate::http::Exchange;

/// Version of the JSON report format. Bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Pseudo check id standing for a module that failed without a failing finding (it could not
/// complete its flow). Used by JUnit, the markup tables and the baseline gate.
pub const MODULE_CHECK_ID: &str = "(module)";

/// A whole conformance run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// Always [`SCHEMA_VERSION`] when written by this build.
    pub schema_version: u32,
    /// `oidc-harness` version that produced the report.
    pub tool_version: String,
    /// Run name (also the report directory name).
    pub run_name: String,
    /// Start time, RFC 3339 UTC.
    pub started_at: String,
    /// Wall time of the whole run in milliseconds.
    pub duration_ms: u64,
    /// The provider under test.
    pub target: TargetSummary,
    /// Plan name (`basic`, `config`, `all`, ...).
    pub plan: String,
    /// Modules in execution order.
    pub modules: Vec<ModuleResult>,
}

/// What was tested (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetSummary {
    /// Profile name (file stem or `ad-hoc` / `embedded`).
    pub name: String,
    /// Issuer URL.
    pub issuer: String,
}

/// Outcome of one test module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModuleStatus {
    /// Every finding passed or was skipped.
    Passed,
    /// At least one MUST finding failed (or the module could not complete its flow).
    Failed,
    /// No failure, at least one warning.
    Warning,
    /// The module did not run (feature not offered, prerequisite failed, filtered out).
    Skipped,
}

/// One test module's findings and evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleResult {
    /// Module id, e.g. `code-flow-basic`.
    pub id: String,
    /// One-line description.
    pub description: String,
    /// Overall outcome.
    pub status: ModuleStatus,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
    /// Why the module stopped early or was skipped, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Findings in evaluation order.
    pub findings: Vec<Finding>,
    /// Redacted HTTP exchanges made by this module.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transcript: Vec<Exchange>,
}

/// Counts of findings by status over a whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Passed findings.
    pub pass: usize,
    /// Failed MUST findings.
    pub fail: usize,
    /// Failed SHOULD findings.
    pub warn: usize,
    /// Failed MAY findings.
    pub info: usize,
    /// Skipped findings.
    pub skip: usize,
}

impl RunReport {
    /// Counts findings by status across all modules.
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for f in self.modules.iter().flat_map(|m| &m.findings) {
            match f.status {
                Status::Pass => t.pass += 1,
                Status::Fail => t.fail += 1,
                Status::Warn => t.warn += 1,
                Status::Info => t.info += 1,
                Status::Skip => t.skip += 1,
            }
        }
        t
    }
}

impl ModuleResult {
    /// True when the module failed although none of its findings failed: it could not complete
    /// its flow. Reports and the gate treat this as a failure of [`MODULE_CHECK_ID`].
    pub fn failed_without_finding(&self) -> bool {
        self.status == ModuleStatus::Failed
            && !self.findings.iter().any(|f| f.status == Status::Fail)
    }

    /// Derives a module status from its findings (used when the module completed its flow).
    pub fn status_from_findings(findings: &[Finding]) -> ModuleStatus {
        if findings.iter().any(|f| f.status == Status::Fail) {
            ModuleStatus::Failed
        } else if findings.iter().any(|f| f.status == Status::Warn) {
            ModuleStatus::Warning
        } else {
            ModuleStatus::Passed
        }
    }
}
