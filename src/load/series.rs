//! The run over time: one [`SeriesPoint`] per interval (a second by default), cut from the same
//! counters, error and finding tallies the final report sums, plus each step's latency
//! percentiles within the interval. The live progress line and `load.html` read these points.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::stats::Counters;

/// One step's latency within one interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowStep {
    /// Samples recorded in the interval.
    pub count: u64,
    /// Median, milliseconds.
    pub p50_ms: f64,
    /// 95th percentile, milliseconds.
    pub p95_ms: f64,
    /// 99th percentile, milliseconds.
    pub p99_ms: f64,
    /// Maximum, milliseconds.
    pub max_ms: f64,
}

/// What happened in one interval of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    /// End of the interval, milliseconds since the measured run started.
    pub at_ms: u64,
    /// Length of the interval in milliseconds (the last one may be shorter).
    pub interval_ms: u64,
    /// Users started so far.
    pub users: u64,
    /// Login flows completed in the interval.
    pub flows_completed: u64,
    /// Token responses in the interval.
    pub token_responses: u64,
    /// Errors counted in the interval.
    pub errors: u64,
    /// Findings counted in the interval.
    pub findings: u64,
    /// Latency by step within the interval.
    pub steps: BTreeMap<String, WindowStep>,
}

impl SeriesPoint {
    /// Seconds the interval lasted (never zero).
    fn seconds(&self) -> f64 {
        self.interval_ms.max(1) as f64 / 1000.0
    }
}

/// Running totals at one instant: what an interval is the difference of.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// The report's counters.
    pub counters: Counters,
    /// Errors of every kind.
    pub errors: u64,
    /// Findings of every check.
    pub findings: u64,
    /// MUST findings.
    pub must_findings: u64,
    /// Users started.
    pub users: u64,
}

/// The open interval: per-step histograms since the last cut and the totals at that cut.
#[derive(Default)]
pub(super) struct Window {
    steps: BTreeMap<String, Histogram<u64>>,
    last: Totals,
    last_at_ms: u64,
}

impl Window {
    /// Records one latency sample (microseconds, already clamped) of `step`.
    pub(super) fn record(&mut self, step: &str, micros: u64, fresh: impl FnOnce() -> Histogram<u64>) {
        if !self.steps.contains_key(step) {
            self.steps.insert(step.to_owned(), fresh());
        }
        if let Some(h) = self.steps.get_mut(step) {
            h.saturating_record(micros);
        }
    }

    /// Closes the interval ending at `at_ms` with the running totals `now`, and opens the next.
    pub(super) fn cut(&mut self, at_ms: u64, now: Totals) -> SeriesPoint {
        let ms = |us: u64| us as f64 / 1000.0;
        let steps = std::mem::take(&mut self.steps)
            .into_iter()
            .map(|(name, h)| {
                let w = WindowStep {
                    count: h.len(),
                    p50_ms: ms(h.value_at_quantile(0.50)),
                    p95_ms: ms(h.value_at_quantile(0.95)),
                    p99_ms: ms(h.value_at_quantile(0.99)),
                    max_ms: ms(h.max()),
                };
                (name, w)
            })
            .collect();
        let (c, l) = (now.counters, self.last.counters);
        let point = SeriesPoint {
            at_ms,
            interval_ms: at_ms.saturating_sub(self.last_at_ms),
            users: now.users,
            flows_completed: c.flows_completed.saturating_sub(l.flows_completed),
            token_responses: c.token_responses.saturating_sub(l.token_responses),
            errors: now.errors.saturating_sub(self.last.errors),
            findings: now.findings.saturating_sub(self.last.findings),
            steps,
        };
        self.last = now;
        self.last_at_ms = at_ms;
        point
    }
}

/// Flows/s and token responses/s over the last `n` points (0 when there are none).
pub fn recent_rates(series: &[SeriesPoint], n: usize) -> (f64, f64) {
    let recent = || series.iter().rev().take(n);
    if recent().next().is_none() {
        return (0.0, 0.0);
    }
    let secs: f64 = recent().map(SeriesPoint::seconds).sum();
    let flows: u64 = recent().map(|p| p.flows_completed).sum();
    let tokens: u64 = recent().map(|p| p.token_responses).sum();
    (flows as f64 / secs, tokens as f64 / secs)
}

/// Merges the series of load processes run side by side, interval by interval: counts and users
/// add up; a step's percentiles are the highest of the processes' (an upper bound, not exact).
pub fn merge_series(into: &mut Vec<SeriesPoint>, other: &[SeriesPoint]) {
    for (i, theirs) in other.iter().enumerate() {
        let Some(mine) = into.get_mut(i) else {
            into.push(theirs.clone());
            continue;
        };
        mine.at_ms = mine.at_ms.max(theirs.at_ms);
        mine.interval_ms = mine.interval_ms.max(theirs.interval_ms);
        mine.users += theirs.users;
        mine.flows_completed += theirs.flows_completed;
        mine.token_responses += theirs.token_responses;
        mine.errors += theirs.errors;
        mine.findings += theirs.findings;
        for (name, t) in &theirs.steps {
            mine.steps
                .entry(name.clone())
                .and_modify(|m| {
                    m.count += t.count;
                    m.p50_ms = m.p50_ms.max(t.p50_ms);
                    m.p95_ms = m.p95_ms.max(t.p95_ms);
                    m.p99_ms = m.p99_ms.max(t.p99_ms);
                    m.max_ms = m.max_ms.max(t.max_ms);
                })
                .or_insert_with(|| t.clone());
        }
    }
}
