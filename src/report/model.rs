//! The run report: one domain value describing a whole conformance run.
//!
//! Writers (JSON, JUnit, Markdown, HTML) turn a [`RunReport`] into bytes. The JSON form is the
//! versioned contract (`schema_version`; schema in `reports/schema/`).

use serde::{Deserialize, Serialize};

use crate::checks::{Finding, Status};
use crate::http::Exchange;

/// Version of the JSON report format. Bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Pseudo check id standing for a module that failed without a failing finding (reports written
/// before modules could end in [`ModuleStatus::Error`]). Used by JUnit, the markup tables and
/// the baseline gate.
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
    /// Why the run stopped before its plan was done (`--max-time`, Ctrl-C, SIGTERM); absent
    /// when it ran to the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<String>,
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
    /// At least one MUST finding failed.
    Failed,
    /// No failure, at least one warning.
    Warning,
    /// The module did not run (feature not offered, prerequisite failed, filtered out).
    Skipped,
    /// The harness could not run the module to the end (no answer in time, a transport error,
    /// a set-up step that failed, a page it could not drive), and no finding failed: not the
    /// provider's failure. `note` says why.
    Error,
}

/// What a run says of the provider, in one word every writer shows the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunVerdict {
    /// A MUST finding failed (or, in an older report, a module could not complete).
    Failures,
    /// No failure, but the harness could not run every module: nothing is known of those.
    Incomplete,
    /// No failure, every module ran, a SHOULD finding failed.
    Warnings,
    /// No failure, no warning, every module ran or was skipped with its reason.
    Conformant,
}

/// Modules by status and findings by status: the one count every writer shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Modules that passed.
    pub passed: usize,
    /// Modules with a failed MUST finding (or, in older reports, that could not complete).
    pub failed: usize,
    /// Modules with a warning and no failure.
    pub warning: usize,
    /// Modules that did not run.
    pub skipped: usize,
    /// Modules the harness could not run to the end.
    pub error: usize,
    /// Findings by status.
    pub checks: Totals,
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
    /// Failed and warned findings a baseline accepts (counted in `fail`/`warn` too).
    #[serde(default)]
    pub accepted: usize,
}

impl RunReport {
    /// Modules and findings by status: what the console, Markdown, JUnit, HTML and JSON all
    /// show.
    pub fn counts(&self) -> Counts {
        let mut c = Counts { checks: self.totals(), ..Counts::default() };
        for m in &self.modules {
            match m.status {
                ModuleStatus::Passed => c.passed += 1,
                ModuleStatus::Failed => c.failed += 1,
                ModuleStatus::Warning => c.warning += 1,
                ModuleStatus::Skipped => c.skipped += 1,
                ModuleStatus::Error => c.error += 1,
            }
        }
        c
    }

    /// The first line of the message of `check`'s failed finding in `module` (or the module's
    /// note, for [`MODULE_CHECK_ID`]), for one-line console output.
    pub fn failure_message(&self, module: &str, check: &str) -> Option<&str> {
        let m = self.modules.iter().find(|m| m.id == module)?;
        let message = if check == MODULE_CHECK_ID {
            m.note.as_deref()
        } else {
            m.findings.iter().find(|f| f.check_id == check && f.status == Status::Fail).and_then(|f| f.message.as_deref())
        }?;
        message.lines().next()
    }

    /// The run's verdict, from [`RunReport::counts`].
    pub fn verdict(&self) -> RunVerdict {
        let c = self.counts();
        let old_style_failure = self.modules.iter().any(ModuleResult::failed_without_finding);
        let open_failure = self.modules.iter().flat_map(|m| &m.findings).any(Finding::is_open_failure);
        if open_failure || old_style_failure {
            RunVerdict::Failures
        } else if c.error > 0 {
            RunVerdict::Incomplete
        } else if c.checks.warn > 0 {
            RunVerdict::Warnings
        } else {
            RunVerdict::Conformant
        }
    }

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
            if f.accepted.is_some() && matches!(f.status, Status::Fail | Status::Warn) {
                t.accepted += 1;
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

    /// Derives a module status from its findings (used when the module completed its flow); a
    /// failure or warning a baseline accepts does not count.
    pub fn status_from_findings(findings: &[Finding]) -> ModuleStatus {
        if findings.iter().any(Finding::is_open_failure) {
            ModuleStatus::Failed
        } else if findings.iter().any(|f| f.status == Status::Warn && f.accepted.is_none()) {
            ModuleStatus::Warning
        } else {
            ModuleStatus::Passed
        }
    }
}
