//! The JSON report: the versioned contract. Wire shape = [`RunReport`] plus computed `totals`
//! (findings by status) and `module_totals` (modules by status), from [`RunReport::counts`],
//! and `threats`, the threat view from [`threat_report`].
//!
//! The schema is `reports/schema/run-report.v1.json`. The totals are derived data: written for
//! consumers' convenience and ignored (recomputed) when a report is read back.

use serde::Serialize;
use serde_json::Value;

use super::{ReportError, ReportWriter, RunReport, SCHEMA_VERSION, ThreatStatus, Totals, threat_report};

/// Writes `report.json`: the pretty-printed report with its `totals`.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonWriter;

/// What goes on the wire: the report's own fields, then `totals`.
#[derive(Serialize)]
struct WireReport<'a> {
    #[serde(flatten)]
    report: &'a RunReport,
    totals: Totals,
    module_totals: ModuleTotals,
    threats: Vec<ThreatStatus>,
}

/// Modules by status, as on the wire.
#[derive(Serialize)]
struct ModuleTotals {
    passed: usize,
    failed: usize,
    warning: usize,
    skipped: usize,
    error: usize,
}

impl ReportWriter for JsonWriter {
    fn render(&self, report: &RunReport) -> Result<Vec<u8>, ReportError> {
        let c = report.counts();
        let module_totals = ModuleTotals { passed: c.passed, failed: c.failed, warning: c.warning, skipped: c.skipped, error: c.error };
        let wire = WireReport { report, totals: c.checks, module_totals, threats: threat_report(report) };
        let mut bytes = serde_json::to_vec_pretty(&wire).map_err(ReportError::Encode)?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    fn file_name(&self) -> &'static str {
        "report.json"
    }
}

/// Reads a report written by [`JsonWriter`].
///
/// The `schema_version` is checked first, so a report from a newer (or older, incompatible)
/// build is rejected with a clear message rather than a confusing field error.
pub fn read_json(bytes: &[u8]) -> Result<RunReport, ReportError> {
    let mut value: Value = serde_json::from_slice(bytes).map_err(ReportError::Decode)?;
    check_schema_version(&value, "report", SCHEMA_VERSION)?;
    if let Value::Object(map) = &mut value {
        map.remove("totals");
        map.remove("module_totals");
        map.remove("threats");
    }
    serde_json::from_value(value).map_err(ReportError::Decode)
}

/// Checks the top-level `schema_version` of a JSON document against the one version supported.
pub(super) fn check_schema_version(
    value: &Value,
    what: &'static str,
    supported: u32,
) -> Result<(), ReportError> {
    let found = match value.get("schema_version") {
        None => {
            return Err(ReportError::MissingSchemaVersion {
                what,
                found: "nothing",
            });
        }
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(_)) => {
            return Err(ReportError::MissingSchemaVersion {
                what,
                found: "a string",
            });
        }
        Some(_) => {
            return Err(ReportError::MissingSchemaVersion {
                what,
                found: "a non-number",
            });
        }
    };
    match found {
        Some(v) if v == u64::from(supported) => Ok(()),
        Some(v) => Err(ReportError::UnsupportedSchemaVersion {
            what,
            found: v,
            supported,
        }),
        None => Err(ReportError::MissingSchemaVersion {
            what,
            found: "a negative or fractional number",
        }),
    }
}
