//! The expected-failures baseline and the CI gate, so CI fails on NEW failures only.
//!
//! File format (schema `reports/schema/baseline.v1.json`):
//! `{"schema_version":1,"expected_failures":[{"module":"…","check":"…","reason":"…"}]}`.
//! A module that failed without a failing finding is keyed by the pseudo check id
//! [`MODULE_CHECK_ID`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::json::check_schema_version;
use super::{MODULE_CHECK_ID, ModuleResult, ModuleStatus, ReportError, RunReport};
use crate::checks::Status;

/// Version of the baseline file format.
pub const BASELINE_SCHEMA_VERSION: u32 = 1;

/// A `(module id, check id)` pair.
type Key = (String, String);

/// Expected failures: `(module id, check id)` pairs that may fail without failing CI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    /// The expected `(module id, check id)` failures.
    pub expected: BTreeSet<(String, String)>,
    /// Why each pair is expected to fail, when the file says; kept so a baseline round-trips.
    pub reasons: BTreeMap<(String, String), String>,
}

/// The baseline file, as on disk.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireBaseline {
    schema_version: u32,
    expected_failures: Vec<WireEntry>,
}

/// One expected failure, as on disk.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireEntry {
    module: String,
    check: String,
    #[serde(default)]
    reason: String,
}

impl Baseline {
    /// Every failure of a run (failed MUST findings, warnings, and modules that failed without
    /// a failing finding), so a later run gates on what is new (`--write-baseline`).
    ///
    /// Warnings are included so that `--strict` runs can baseline them too.
    pub fn from_report(report: &RunReport) -> Self {
        let mut baseline = Baseline::default();
        for m in &report.modules {
            if m.failed_without_finding() {
                let reason = m
                    .note
                    .clone()
                    .unwrap_or_else(|| "module did not complete".into());
                baseline.insert(
                    &m.id,
                    MODULE_CHECK_ID,
                    format!("{reason} (run {})", report.run_name),
                );
            }
            for f in &m.findings {
                let kind = match f.status {
                    Status::Fail => "failed",
                    Status::Warn => "warned",
                    Status::Pass | Status::Info | Status::Skip => continue,
                };
                let reason = format!("{kind} in run {} ({})", report.run_name, report.started_at);
                baseline.insert(&m.id, &f.check_id, reason);
            }
        }
        baseline
    }

    /// Reads a baseline file; rejects unknown schema versions and empty ids.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ReportError> {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(ReportError::BaselineDecode)?;
        check_schema_version(&value, "baseline", BASELINE_SCHEMA_VERSION)?;
        let wire: WireBaseline =
            serde_json::from_value(value).map_err(ReportError::BaselineDecode)?;
        let mut baseline = Baseline::default();
        for (index, e) in wire.expected_failures.into_iter().enumerate() {
            if e.module.trim().is_empty() || e.check.trim().is_empty() {
                return Err(ReportError::BaselineEntry {
                    index,
                    found: (e.module, e.check),
                });
            }
            baseline.insert(&e.module, &e.check, e.reason);
        }
        Ok(baseline)
    }

    /// The baseline file, pretty-printed, entries sorted by module then check.
    pub fn to_json(&self) -> Result<Vec<u8>, ReportError> {
        let wire = WireBaseline {
            schema_version: BASELINE_SCHEMA_VERSION,
            expected_failures: self
                .expected
                .iter()
                .map(|key| WireEntry {
                    module: key.0.clone(),
                    check: key.1.clone(),
                    reason: self.reasons.get(key).cloned().unwrap_or_default(),
                })
                .collect(),
        };
        let mut bytes = serde_json::to_vec_pretty(&wire).map_err(ReportError::Encode)?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// True when `(module, check)` is an expected failure.
    pub fn contains(&self, module: &str, check: &str) -> bool {
        self.expected
            .contains(&(module.to_owned(), check.to_owned()))
    }

    fn insert(&mut self, module: &str, check: &str, reason: String) {
        let key = (module.to_owned(), check.to_owned());
        if !reason.is_empty() {
            self.reasons.insert(key.clone(), reason);
        }
        self.expected.insert(key);
    }
}

/// Marks the failures and warnings `baseline` expects as accepted (with the baseline's reason),
/// so that every report shows them as accepted rather than as new failures.
pub fn accept(report: &mut RunReport, baseline: &Baseline) {
    for m in &mut report.modules {
        for f in &mut m.findings {
            if matches!(f.status, Status::Fail | Status::Warn) && baseline.contains(&m.id, &f.check_id) {
                let key = (m.id.clone(), f.check_id.clone());
                f.accepted = Some(baseline.reasons.get(&key).cloned().unwrap_or_default());
            }
        }
        // A module whose failures are all accepted is not shown failed (nor warned, likewise).
        if matches!(m.status, ModuleStatus::Failed | ModuleStatus::Warning) && !m.failed_without_finding() {
            m.status = ModuleResult::status_from_findings(&m.findings);
        }
    }
}

/// The CI verdict on a run, relative to a baseline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GateResult {
    /// Failures not in the baseline (in strict mode, also unexpected warnings). Sorted.
    pub new_failures: Vec<(String, String)>,
    /// Failures (and, in strict mode, warnings) that the baseline expects. Sorted.
    pub expected_failures: Vec<(String, String)>,
    /// Baseline entries whose check ran and passed now (time to shrink the baseline). Sorted.
    pub fixed: Vec<(String, String)>,
    /// Warning (failed SHOULD) findings not covered by the baseline.
    pub warnings: usize,
    /// Modules the harness could not run to the end, with why (`ModuleStatus::Error`): not
    /// failures of the provider, but the run did not judge everything.
    pub errors: Vec<(String, String)>,
}

impl GateResult {
    /// Process exit code: 1 when there are unexpected MUST failures, or, when `strict`, any
    /// unexpected warning; else 2 when a module could not run (the harness could not judge
    /// everything); else 0.
    pub fn exit_code(&self, strict: bool) -> u8 {
        if !self.new_failures.is_empty() || (strict && self.warnings > 0) {
            1
        } else if !self.errors.is_empty() {
            2
        } else {
            0
        }
    }
}

/// Compares a run with an optional baseline.
///
/// Failed MUST findings and modules that failed without a failing finding (key
/// [`MODULE_CHECK_ID`]) are failures; with `strict`, warnings are failures too. A baseline entry
/// is `fixed` only when its check ran and passed (or, for a module entry, the module ran and did
/// not fail); entries whose check was skipped or not run are left alone.
pub fn gate(report: &RunReport, baseline: Option<&Baseline>, strict: bool) -> GateResult {
    let expected = |m: &str, c: &str| baseline.is_some_and(|b| b.contains(m, c));
    let mut new_failures = BTreeSet::<Key>::new();
    let mut expected_failures = BTreeSet::<Key>::new();
    let mut warned = BTreeSet::<Key>::new();
    let mut passed = BTreeSet::<Key>::new();
    for m in &report.modules {
        let mut failures: Vec<&str> = Vec::new();
        if m.failed_without_finding() {
            failures.push(MODULE_CHECK_ID);
        } else if matches!(m.status, ModuleStatus::Passed | ModuleStatus::Warning) {
            passed.insert((m.id.clone(), MODULE_CHECK_ID.to_owned()));
        }
        for f in &m.findings {
            match f.status {
                Status::Fail => failures.push(&f.check_id),
                Status::Warn => {
                    if !expected(&m.id, &f.check_id) {
                        warned.insert((m.id.clone(), f.check_id.clone()));
                    }
                    if strict {
                        failures.push(&f.check_id);
                    }
                }
                Status::Pass => {
                    passed.insert((m.id.clone(), f.check_id.clone()));
                }
                Status::Info | Status::Skip => {}
            }
        }
        for check in failures {
            let key = (m.id.clone(), check.to_owned());
            if expected(&m.id, check) {
                expected_failures.insert(key);
            } else {
                new_failures.insert(key);
            }
        }
    }
    // A check that both passed and failed in one module (run twice) is not fixed.
    let failing: BTreeSet<&Key> = new_failures.iter().chain(&expected_failures).collect();
    let fixed = baseline
        .map(|b| {
            b.expected
                .iter()
                .filter(|k| passed.contains(*k) && !failing.contains(k))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    GateResult {
        new_failures: new_failures.into_iter().collect(),
        expected_failures: expected_failures.into_iter().collect(),
        fixed,
        warnings: warned.len(),
        errors: report
            .modules
            .iter()
            .filter(|m| m.status == ModuleStatus::Error)
            .map(|m| (m.id.clone(), m.note.clone().unwrap_or_default()))
            .collect(),
    }
}
