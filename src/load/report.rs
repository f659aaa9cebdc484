//! The load report we write next to Goose's: headline rates, per-step percentiles with their HDR
//! histograms, errors by kind and findings under load. Reports of independent load processes
//! (shards of one test) merge exactly (`oidc-harness report merge`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::series::SeriesPoint;
use super::stats::{Counters, FindingCount, HistogramError, Snapshot, StepReport, merge_snapshots};
use crate::checks::Level;
use crate::report::TargetSummary;

/// The report kind, so a conformance report is not merged by mistake.
pub const KIND: &str = "oidc-harness-load";
/// Version of this format.
pub const LOAD_SCHEMA_VERSION: u32 = 1;

/// One load run (or several merged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    /// Always [`KIND`].
    pub kind: String,
    /// Format version.
    pub schema_version: u32,
    /// Harness version.
    pub tool_version: String,
    /// Scenario name.
    pub scenario: String,
    /// The provider.
    pub target: TargetSummary,
    /// Start (RFC 3339, UTC); the earliest of merged runs.
    pub started_at: String,
    /// Measured wall time in milliseconds; the longest of merged runs (shards run side by side).
    pub duration_ms: u64,
    /// Load processes that contributed.
    pub processes: u32,
    /// Concurrent users, all processes together.
    pub users: usize,
    /// Counters.
    pub counters: Counters,
    /// Per-step latency (requests by step label, and `verify_jwt` for client-side verification).
    pub steps: BTreeMap<String, StepReport>,
    /// Errors by kind (`HTTP 500 at token`, `timeout at login`, `flow stuck`, ...).
    pub errors: BTreeMap<String, u64>,
    /// Conformance failures seen under load, by check id.
    pub findings: BTreeMap<String, FindingCount>,
    /// The run second by second (absent in reports of older builds); merged reports add their
    /// shards' intervals up by position, a step's percentiles being the highest shard's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub series: Vec<SeriesPoint>,
    /// Goose thresholds that were missed (empty: all met or none set).
    #[serde(default)]
    pub thresholds_failed: Vec<String>,
    /// CPU time (user + system, all threads) the load process(es) used during the run, in
    /// milliseconds; summed over merged runs. Unknown (absent) off Linux.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_cpu_ms: Option<u64>,
    /// The part of `process_cpu_ms` spent in the kernel (system time: sockets, the loopback's
    /// packet delivery, scheduling); summed over merged runs. Absent in reports of older builds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process_system_cpu_ms: Option<u64>,
    /// The provider ran inside the load process (the embedded reference provider), so
    /// `process_cpu_ms` includes the provider's work too.
    #[serde(default)]
    pub provider_in_process: bool,
    /// Why the run stopped before its run time (`--max-time`, Ctrl-C, SIGTERM); absent when it
    /// ran to the end. The counts are then those of the time that ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete: Option<String>,
}

/// Why reports cannot be read or merged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadReportError {
    /// File unreadable.
    #[error("cannot read load report {path}: {source}")]
    Read {
        /// Path.
        path: String,
        /// I/O error.
        source: std::io::Error,
    },
    /// Not a load report of a supported version.
    #[error("{path}: expected an oidc-harness load report, schema version {LOAD_SCHEMA_VERSION} (found {found})")]
    NotALoadReport {
        /// Path.
        path: String,
        /// What was found.
        found: String,
    },
    /// Merging different things.
    #[error("cannot merge {path}: expected scenario {expected} against {issuer} (found {found})")]
    Mismatch {
        /// Path.
        path: String,
        /// First report's scenario.
        expected: String,
        /// First report's issuer.
        issuer: String,
        /// This report's scenario and issuer.
        found: String,
    },
    /// A histogram is damaged.
    #[error("{path}: {source}")]
    Histogram {
        /// Path.
        path: String,
        /// What is wrong.
        source: HistogramError,
    },
    /// Nothing to merge.
    #[error("expected at least one load report to merge (found none)")]
    Empty,
}

/// A unit of work is reported (CPU per unit) when at least one request in this many is one.
const FAIR_SHARE: u64 = 20;

/// The step of client-side JWT verifications (timed like a request, but not one).
const VERIFY_STEP: &str = "verify_jwt";

impl LoadReport {
    /// The stats part as a snapshot.
    fn snapshot(&self) -> Snapshot {
        Snapshot {
            steps: self.steps.clone(),
            counters: self.counters,
            errors: self.errors.clone(),
            findings: self.findings.clone(),
            series: self.series.clone(),
        }
    }

    /// Seconds of measured wall time (never zero).
    pub fn seconds(&self) -> f64 {
        (self.duration_ms.max(1) as f64) / 1000.0
    }

    /// Completed login flows per second.
    pub fn flows_per_sec(&self) -> f64 {
        self.counters.flows_completed as f64 / self.seconds()
    }

    /// Token responses per second.
    pub fn tokens_per_sec(&self) -> f64 {
        self.counters.token_responses as f64 / self.seconds()
    }

    /// Client-side JWT verifications per second.
    pub fn verifications_per_sec(&self) -> f64 {
        self.counters.verifications as f64 / self.seconds()
    }

    /// CPU microseconds of the load process per unit of work, for each unit that makes sense:
    /// per completed login flow when the login flows produced at least half of the token
    /// responses (a login-flow scenario, not a refresh loop with one login per user), per token
    /// response, each only when it is a fair share of the requests (at least one in
    /// 20, `FAIR_SHARE`: a userinfo run's few logins are not its work), and per HTTP request
    /// whenever there were some. Empty when the CPU time is unknown.
    pub fn cpu_us_per_unit(&self) -> Vec<(f64, &'static str)> {
        let Some(cpu_ms) = self.process_cpu_ms else { return Vec::new() };
        let cpu_us = cpu_ms as f64 * 1000.0;
        let c = &self.counters;
        let requests: u64 = self.steps.iter().filter(|(step, _)| step.as_str() != VERIFY_STEP).map(|(_, s)| s.count).sum();
        let fair = |n: u64| n > 0 && n.saturating_mul(FAIR_SHARE) >= requests;
        let mut out = Vec::new();
        if fair(c.flows_completed) && c.flows_completed.saturating_mul(2) >= c.token_responses {
            out.push((cpu_us / c.flows_completed as f64, "login flow"));
        }
        if fair(c.token_responses) {
            out.push((cpu_us / c.token_responses as f64, "token response"));
        }
        if requests > 0 {
            out.push((cpu_us / requests as f64, "HTTP request"));
        }
        out
    }

    /// MUST failures seen under load.
    pub fn must_failures(&self) -> u64 {
        self.findings.values().filter(|f| f.level == Level::Must).map(|f| f.count).sum()
    }

    /// Reads a report file.
    pub fn read(path: &Path) -> Result<LoadReport, LoadReportError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| LoadReportError::Read { path: shown.clone(), source })?;
        let bad = |found: String| LoadReportError::NotALoadReport { path: shown.clone(), found };
        let report: LoadReport = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        if report.kind != KIND || report.schema_version != LOAD_SCHEMA_VERSION {
            return Err(bad(format!("kind {} version {}", report.kind, report.schema_version)));
        }
        Ok(report)
    }

    /// Writes the report as pretty JSON.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(path, text + "\n")
    }
}

/// Writes `load.json` at `path`, and `summary.md` and the self-contained `load.html` beside it;
/// returns the three paths.
pub fn write_all(r: &LoadReport, path: &Path) -> std::io::Result<[PathBuf; 3]> {
    r.write(path)?;
    let md = path.with_file_name("summary.md");
    std::fs::write(&md, render(r))?;
    let html = path.with_file_name("load.html");
    std::fs::write(&html, super::html::render_html(r))?;
    Ok([path.to_owned(), md, html])
}

/// Merges reports of the same scenario against the same issuer (named by `paths` in errors).
pub fn merge(reports: Vec<(String, LoadReport)>) -> Result<LoadReport, LoadReportError> {
    let mut it = reports.into_iter();
    let (_, mut acc) = it.next().ok_or(LoadReportError::Empty)?;
    let mut snap = acc.snapshot();
    for (path, r) in it {
        if r.scenario != acc.scenario || r.target.issuer != acc.target.issuer {
            return Err(LoadReportError::Mismatch {
                path,
                expected: acc.scenario.clone(),
                issuer: acc.target.issuer.clone(),
                found: format!("{} against {}", r.scenario, r.target.issuer),
            });
        }
        merge_snapshots(&mut snap, &r.snapshot()).map_err(|source| LoadReportError::Histogram { path, source })?;
        acc.started_at = acc.started_at.min(r.started_at);
        acc.duration_ms = acc.duration_ms.max(r.duration_ms);
        acc.processes += r.processes;
        acc.process_cpu_ms = acc.process_cpu_ms.zip(r.process_cpu_ms).map(|(a, b)| a.saturating_add(b));
        acc.process_system_cpu_ms = acc.process_system_cpu_ms.zip(r.process_system_cpu_ms).map(|(a, b)| a.saturating_add(b));
        acc.provider_in_process |= r.provider_in_process;
        acc.users += r.users;
        acc.incomplete = acc.incomplete.take().or(r.incomplete);
        for t in r.thresholds_failed {
            if !acc.thresholds_failed.contains(&t) {
                acc.thresholds_failed.push(t);
            }
        }
    }
    acc.steps = snap.steps;
    acc.counters = snap.counters;
    acc.errors = snap.errors;
    acc.findings = snap.findings;
    acc.series = snap.series;
    Ok(acc)
}

/// The human summary (plain text; also valid Markdown).
pub fn render(r: &LoadReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Load: {} against {} ({} users, {} process{}, {:.1} s)\n",
        r.scenario,
        r.target.issuer,
        r.users,
        r.processes,
        if r.processes == 1 { "" } else { "es" },
        r.seconds()
    );
    if let Some(why) = &r.incomplete {
        let _ = writeln!(out, "INCOMPLETE: {why}; the numbers are those of the time that ran.\n");
    }
    let c = &r.counters;
    let _ = writeln!(out, "| rate | per second | total |\n|---|---:|---:|");
    let _ = writeln!(out, "| login flows completed | {:.1} | {} of {} started |", r.flows_per_sec(), c.flows_completed, c.flows_started);
    let _ = writeln!(out, "| token responses | {:.1} | {} |", r.tokens_per_sec(), c.token_responses);
    let _ = writeln!(out, "| JWT verifications | {:.1} | {} ({} failed) |", r.verifications_per_sec(), c.verifications, c.verification_failures);
    let whose = if r.provider_in_process { "load process CPU (harness + embedded provider)" } else { "harness CPU" };
    let total = r.process_cpu_ms.unwrap_or(0) as f64 / 1000.0;
    // The kernel's share, in the same proportion for every unit.
    let kernel_share = r.process_system_cpu_ms.zip(r.process_cpu_ms.filter(|&t| t > 0)).map(|(s, t)| s as f64 / t as f64);
    for (us, unit) in r.cpu_us_per_unit() {
        let kernel = kernel_share.map(|k| format!(" (kernel {:.0} µs)", us * k)).unwrap_or_default();
        let _ = writeln!(out, "| {whose} per {unit} | {us:.0} µs{kernel} | {total:.2} s in all |");
    }
    let _ = writeln!(out, "\n| step | count | errors | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|---:|");
    for (name, s) in &r.steps {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            s.count, s.errors, s.p50_ms, s.p95_ms, s.p99_ms, s.max_ms
        );
    }
    if r.errors.is_empty() {
        let _ = writeln!(out, "\nErrors: none.");
    } else {
        let _ = writeln!(out, "\n| error | count |\n|---|---:|");
        for (k, n) in &r.errors {
            let _ = writeln!(out, "| {k} | {n} |");
        }
    }
    if r.findings.is_empty() {
        let _ = writeln!(out, "\nFindings under load: none.");
    } else {
        let _ = writeln!(out, "\n| finding under load | level | count | first message |\n|---|---|---:|---|");
        for (id, f) in &r.findings {
            let _ = writeln!(out, "| {id} | {} | {} | {} |", f.level.as_str(), f.count, f.example.replace('|', "\\|"));
        }
    }
    if !r.thresholds_failed.is_empty() {
        let _ = writeln!(out, "\nThresholds missed: {}", r.thresholds_failed.join(", "));
    }
    out
}

#[cfg(test)]
mod tests;
